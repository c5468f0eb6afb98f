-- A sprint's result is written in the transaction that finishes it (places and rating changes
-- per player), and announced afterwards: announced_at is set only once the result message is
-- in the channel, so a result lost to a restart or a Discord error is posted again.
ALTER TABLE sprints ADD COLUMN announced_at BIGINT;
ALTER TABLE sprint_players ADD COLUMN place BIGINT;          -- 1 = first; equal places tie
ALTER TABLE sprint_players ADD COLUMN rating_before DOUBLE PRECISION;     -- the sprint's exam key, Weng-Lin mu
ALTER TABLE sprint_players ADD COLUMN deviation_before DOUBLE PRECISION;
ALTER TABLE sprint_players ADD COLUMN rating_after DOUBLE PRECISION;
ALTER TABLE sprint_players ADD COLUMN deviation_after DOUBLE PRECISION;
ALTER TABLE sprint_players ADD COLUMN games_after BIGINT;
-- Sprints finished before this migration were announced by the code of their time.
UPDATE sprints SET announced_at = finished_at WHERE state = 'finished';
CREATE INDEX sprints_unannounced ON sprints (finished_at) WHERE state = 'finished' AND announced_at IS NULL;
