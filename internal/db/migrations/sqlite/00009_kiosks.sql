-- +goose Up
-- A kiosk is a registered device in a community hall (a tablet or a
-- touch screen with a document camera). It holds a device token; its
-- pages show the tenant's counters as large buttons and take queue
-- numbers. Revoking it switches every page of it off at once.
CREATE TABLE kiosks (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    name         TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_seen_at TIMESTAMP
);
CREATE INDEX kiosks_tenant ON kiosks(tenant_id, created_at);

-- +goose Down
DROP TABLE kiosks;
