-- certsprint schema. Times are UTC integer milliseconds. Discord ids (snowflakes) fit in INTEGER.
-- Every row that belongs to a guild carries guild_id, and every query filters on it.
-- guild_id 0 is the terminal practice mode's local "guild".

CREATE TABLE guilds (
    guild_id    INTEGER PRIMARY KEY,
    timezone    TEXT    NOT NULL DEFAULT 'UTC',   -- IANA zone: weeks and months of leaderboards
    created_at  INTEGER NOT NULL
);

CREATE TABLE members (
    guild_id        INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    display_name    TEXT    NOT NULL,             -- snapshot, refreshed on each answer
    current_streak  INTEGER NOT NULL DEFAULT 0,
    best_streak     INTEGER NOT NULL DEFAULT 0,
    streak_day      INTEGER,                      -- guild-local day (days since 1970-01-01) of the last scheduled answer
    first_seen_at   INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

CREATE TABLE schedules (
    schedule_id   INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL,
    exam          TEXT    NOT NULL,               -- an exam id, or 'all' to rotate
    time_of_day   TEXT    NOT NULL,               -- HH:MM in the zone below
    timezone      TEXT    NOT NULL,
    days          TEXT    NOT NULL,               -- 'daily', 'weekdays' or e.g. 'mon,wed,fri'
    window_minutes INTEGER NOT NULL,
    mention_role_id INTEGER,                      -- opt-in: the one ping allowed
    paused        INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,
    created_by    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,               -- occurrences before this are not owed
    notified_at   INTEGER,                        -- when admins were told of an automatic pause
    UNIQUE (guild_id, channel_id)
);

-- A question shown to a channel (mode 'channel') or to one member (mode 'personal').
CREATE TABLE posts (
    post_id       INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    channel_id    INTEGER,
    mode          TEXT    NOT NULL CHECK (mode IN ('channel', 'personal')),
    owner_id      INTEGER,                        -- personal: the member it was shown to
    schedule_id   INTEGER REFERENCES schedules (schedule_id) ON DELETE SET NULL,
    occurrence_at INTEGER,                        -- scheduled: the occurrence this post fulfils
    exam          TEXT    NOT NULL,
    question_id   TEXT    NOT NULL,
    domain        INTEGER NOT NULL,
    cycle         INTEGER NOT NULL DEFAULT 0,     -- channel: pass through the exam's bank
    message_id    INTEGER,
    opens_at      INTEGER NOT NULL,
    closes_at     INTEGER NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('claimed', 'open', 'closed', 'missed')),
    created_at    INTEGER NOT NULL,
    UNIQUE (schedule_id, occurrence_at)
);
CREATE INDEX posts_by_channel ON posts (guild_id, channel_id, exam, cycle);
CREATE INDEX posts_by_guild_time ON posts (guild_id, opens_at) WHERE schedule_id IS NOT NULL;
CREATE INDEX posts_open ON posts (state, closes_at) WHERE state IN ('claimed', 'open');

-- One answer per member per post; the first counts.
CREATE TABLE answers (
    post_id     INTEGER NOT NULL REFERENCES posts (post_id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    exam        TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    domain      INTEGER NOT NULL,
    task        TEXT    NOT NULL,
    choice      TEXT    NOT NULL,                 -- letters as answered: 'B', 'AC', 'CADB'
    correct     INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    latency_ms  INTEGER NOT NULL,
    on_board    INTEGER NOT NULL,                 -- channel answers count on leaderboards
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX answers_by_member ON answers (guild_id, user_id, answered_at);
CREATE INDEX answers_by_post ON answers (post_id, correct, latency_ms);

-- Running totals per leaderboard period, kept in the answer's transaction so a leaderboard reads
-- a few hundred rows rather than summing every answer. period: 'all', 'm2026-11', 'w2026-48'.
CREATE TABLE score_totals (
    guild_id  INTEGER NOT NULL,
    exam      TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, period, exam, user_id)
) WITHOUT ROWID;

-- Spaced review of missed questions.
CREATE TABLE review_cards (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    exam         TEXT    NOT NULL,
    box          INTEGER NOT NULL DEFAULT 0,       -- Leitner box: the interval grows with each right review
    due_at       INTEGER NOT NULL,
    lapses       INTEGER NOT NULL DEFAULT 1,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, question_id)
) WITHOUT ROWID;
CREATE INDEX review_cards_due ON review_cards (guild_id, user_id, due_at);

CREATE TABLE question_flags (
    flag_id      INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    resolved_at  INTEGER
);
CREATE INDEX question_flags_open ON question_flags (guild_id, resolved_at);

-- Duels and group sprints: rows, not tasks, so a restart continues them.
CREATE TABLE sprints (
    sprint_id     INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    channel_id    INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('duel', 'group')),
    host_id       INTEGER NOT NULL,
    opponent_id   INTEGER,                        -- a duel's challenged member
    exam          TEXT    NOT NULL,
    question_ids  TEXT    NOT NULL,               -- the same items, in order, for every player
    seed          INTEGER NOT NULL,
    seconds_limit INTEGER NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('lobby', 'running', 'finished', 'expired', 'declined')),
    message_id    INTEGER,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    ends_at       INTEGER,
    finished_at   INTEGER
);
CREATE INDEX sprints_live ON sprints (state, ends_at);

CREATE TABLE sprint_players (
    sprint_id    INTEGER NOT NULL REFERENCES sprints (sprint_id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    joined_at    INTEGER NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,      -- the next question index
    score        INTEGER NOT NULL DEFAULT 0,
    elapsed_ms   INTEGER NOT NULL DEFAULT 0,
    responses    TEXT    NOT NULL DEFAULT '',     -- choices in order, '|' separated
    finished_at  INTEGER,
    PRIMARY KEY (sprint_id, user_id)
);
CREATE INDEX sprint_players_by_member ON sprint_players (guild_id, user_id);

CREATE TABLE ratings (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    exam        TEXT    NOT NULL,                 -- an exam id, or 'all'
    rating      REAL    NOT NULL,
    deviation   REAL    NOT NULL,
    volatility  REAL    NOT NULL,
    games       INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, exam)
) WITHOUT ROWID;

CREATE TABLE mock_attempts (
    attempt_id    INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    exam          TEXT    NOT NULL,
    length        TEXT    NOT NULL CHECK (length IN ('full', 'half', 'quick')),
    question_ids  TEXT    NOT NULL,
    responses     TEXT    NOT NULL DEFAULT '',
    flagged       TEXT    NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    started_at    INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    submitted_at  INTEGER,
    raw_correct   INTEGER,
    scaled_score  INTEGER,
    passed        INTEGER
);
CREATE INDEX mock_attempts_by_member ON mock_attempts (guild_id, user_id, started_at);
