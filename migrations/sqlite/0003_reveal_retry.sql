-- A channel question owes its reveal edit from when it closes until the edit lands or is given
-- up, so a reveal that failed, or that a restart interrupted, is tried again.
ALTER TABLE posts ADD COLUMN reveal_due_at INTEGER;
ALTER TABLE posts ADD COLUMN reveal_attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX posts_reveal_due ON posts (reveal_due_at) WHERE reveal_due_at IS NOT NULL;
