-- One row the health check rewrites to prove the database takes a committed write.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL    -- unix milliseconds of the latest probe
);
