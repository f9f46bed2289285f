-- +goose Up
-- Whether people may take a number while a counter is closed (to be
-- called when it opens). Off by default: they are told when it opens.
ALTER TABLE tenants ADD COLUMN queue_while_closed BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE tenants DROP COLUMN queue_while_closed;
