-- One row the health check rewrites to prove the database takes a committed write.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL    -- unix milliseconds of the latest probe
);
