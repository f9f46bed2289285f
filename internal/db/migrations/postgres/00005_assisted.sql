-- +goose Up
ALTER TABLE applications ADD COLUMN confirm_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN confirm_expires TIMESTAMPTZ;

-- +goose Down
ALTER TABLE applications DROP COLUMN confirm_expires;
ALTER TABLE applications DROP COLUMN confirm_hash;
