-- Review cards are scheduled by FSRS (default parameters) instead of Leitner boxes. Each card
-- keeps FSRS's memory state; `box` stays only as the source of the mapping below and is no
-- longer read or written.
ALTER TABLE review_cards ADD COLUMN state          TEXT    NOT NULL DEFAULT 'learning'
    CHECK (state IN ('learning', 'review', 'relearning'));
ALTER TABLE review_cards ADD COLUMN stability      DOUBLE PRECISION    NOT NULL DEFAULT 0.4072;
ALTER TABLE review_cards ADD COLUMN difficulty     DOUBLE PRECISION    NOT NULL DEFAULT 7.2102;
ALTER TABLE review_cards ADD COLUMN reps           BIGINT NOT NULL DEFAULT 1;
ALTER TABLE review_cards ADD COLUMN last_review_at BIGINT NOT NULL DEFAULT 0;

-- Existing Leitner cards keep their due dates. The mapping:
-- * every card began with a miss, so its difficulty is FSRS's initial difficulty after Again
--   (w[4] = 7.2102 in the default parameters);
-- * box 0 (missed last time, due one day after that miss) is still being learnt: 'learning'
--   after its first miss, 'relearning' after a later one, with the stability FSRS gives a first
--   Again (w[0] = 0.4072 days), reviewed one day before it is due;
-- * box 1-4 (answered right 1-4 times since the miss, due 3/7/14/30 days after the last right
--   answer) is in 'review' with a stability equal to that interval: at FSRS's default desired
--   retention of 0.9 the next interval equals the stability, so the card's next step grows from
--   where the Leitner schedule left it. Its last review is its due date less that interval.
-- reps counts every review the card had: its misses plus its right answers.
UPDATE review_cards SET
    state = CASE WHEN box > 0 THEN 'review' WHEN lapses > 1 THEN 'relearning' ELSE 'learning' END,
    stability = CASE box WHEN 0 THEN 0.4072 WHEN 1 THEN 3 WHEN 2 THEN 7 WHEN 3 THEN 14 ELSE 30 END,
    difficulty = 7.2102,
    reps = lapses + box,
    last_review_at = due_at - 86400000 *
        (CASE box WHEN 0 THEN 1 WHEN 1 THEN 3 WHEN 2 THEN 7 WHEN 3 THEN 14 ELSE 30 END);

-- Personal posts dealt by /review (their result offers the next due card, not a new question),
-- with the exam the member narrowed /review to (NULL: every exam).
CREATE TABLE review_posts (
    post_id   BIGINT PRIMARY KEY REFERENCES posts (post_id) ON DELETE CASCADE,
    exam      TEXT
);

-- The opt-in daily review reminder by DM, and the day's decision so a restart never sends twice.
CREATE TABLE review_reminders (
    guild_id      BIGINT NOT NULL,
    user_id       BIGINT NOT NULL,
    enabled       BIGINT NOT NULL DEFAULT 1,
    hour          BIGINT NOT NULL CHECK (hour BETWEEN 0 AND 23),  -- in the guild's time zone
    last_day      BIGINT,   -- the guild-local day (days from CE) of the latest decision
    last_outcome  TEXT,      -- 'sending', 'sent', 'nothing_due' or 'closed' (DMs refused)
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
