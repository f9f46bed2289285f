-- +goose Up
-- When a learner who came to a class was asked the satisfaction survey
-- about it (once, after the class ended).
ALTER TABLE enrolments ADD COLUMN surveyed_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE enrolments DROP COLUMN surveyed_at;
