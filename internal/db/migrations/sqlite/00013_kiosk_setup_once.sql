-- +goose Up
-- A kiosk's setup link works once, within a day: the link's token
-- (token_hash) is no longer the device's. Setting up gives the device a
-- token of its own (device_hash); the demo's kiosks keep a reusable link
-- so the demo can be tried from any browser. Kiosks set up before this
-- change keep working: their device holds the old link's token.
ALTER TABLE kiosks ADD COLUMN device_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE kiosks ADD COLUMN setup_used_at TIMESTAMP;
ALTER TABLE kiosks ADD COLUMN setup_expires_at TIMESTAMP;
ALTER TABLE kiosks ADD COLUMN setup_reusable BOOLEAN NOT NULL DEFAULT 0;
UPDATE kiosks SET device_hash = token_hash, setup_used_at = created_at;
CREATE INDEX kiosks_device ON kiosks(device_hash);

-- +goose Down
DROP INDEX kiosks_device;
ALTER TABLE kiosks DROP COLUMN setup_reusable;
ALTER TABLE kiosks DROP COLUMN setup_expires_at;
ALTER TABLE kiosks DROP COLUMN setup_used_at;
ALTER TABLE kiosks DROP COLUMN device_hash;
