-- +goose Up
CREATE TABLE messages (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    recipient_id TEXT NOT NULL DEFAULT '',
    to_address   TEXT NOT NULL,
    lang         TEXT NOT NULL,
    template     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    related      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP
);
CREATE INDEX messages_tenant ON messages(tenant_id, created_at);
CREATE INDEX messages_status ON messages(status, updated_at);

-- +goose Down
DROP TABLE messages;
