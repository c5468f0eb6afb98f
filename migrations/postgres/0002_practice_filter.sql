-- Personal questions remember the domain the member asked /quiz for, so "Next question"
-- keeps dealing from it. NULL: any domain (and every channel post).
ALTER TABLE posts ADD COLUMN practice_domain BIGINT;
