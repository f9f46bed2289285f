-- +goose Up
-- The last accepted TOTP time step per account: a code is good for about
-- 90 seconds, and without this one overheard code signs in again and again.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
