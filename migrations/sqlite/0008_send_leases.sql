-- A claimed channel post is being sent by one process until send_lease_until, and a finished
-- sprint's result announced until announce_lease_until. Anyone else (a restart, or another
-- process overlapping during a redeploy) takes over only after the lease ends, by
-- compare-and-set, so a message goes out once. NULL: nobody holds it.
ALTER TABLE posts ADD COLUMN send_lease_until INTEGER;
ALTER TABLE sprints ADD COLUMN announce_lease_until INTEGER;
