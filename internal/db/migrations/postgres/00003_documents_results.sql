-- +goose Up
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    owner_id       TEXT NOT NULL REFERENCES users(id),
    application_id TEXT NOT NULL DEFAULT '',
    requirement    TEXT NOT NULL DEFAULT '',
    filename       TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    storage_key    TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_application ON documents(tenant_id, application_id);
CREATE INDEX documents_owner ON documents(tenant_id, owner_id);

CREATE TABLE results (
    code           TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
    kind           TEXT NOT NULL,
    content        TEXT NOT NULL,
    digest         TEXT NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ
);

-- +goose Down
DROP TABLE results;
DROP TABLE documents;
