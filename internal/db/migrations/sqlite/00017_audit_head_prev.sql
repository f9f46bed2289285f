-- +goose Up
-- The head keeps the hash before its last, so PostgreSQL can take the
-- head, hash the entry and insert it in one statement (the head's lock is
-- held for one round trip less on every change).
ALTER TABLE audit_head ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_head DROP COLUMN prev_hash;
