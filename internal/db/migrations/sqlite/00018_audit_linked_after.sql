-- +goose Up
-- Nothing to change: PostgreSQL links audit entries into the chain after
-- their transaction commits (see its 00018); SQLite has one writer at a
-- time, so entries are linked as they are written.
SELECT 1;

-- +goose Down
SELECT 1;
