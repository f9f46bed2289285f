-- +goose Up
CREATE TABLE tenants (
    id             TEXT PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    region_code    TEXT NOT NULL UNIQUE,
    country        TEXT NOT NULL,
    name_id        TEXT NOT NULL,
    name_ja        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    default_lang   TEXT NOT NULL,
    contact_email  TEXT NOT NULL DEFAULT '',
    contact_phone  TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    brand_color    TEXT NOT NULL DEFAULT '#0b5cad',
    ask_civil_id   BOOLEAN NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'active',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT UNIQUE,
    phone              TEXT UNIQUE,
    name               TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    lang               TEXT NOT NULL DEFAULT 'id',
    text_size          TEXT NOT NULL DEFAULT 'normal',
    coordinator        BOOLEAN NOT NULL DEFAULT 0,
    civil_id_kind      TEXT NOT NULL DEFAULT '',
    civil_id_sealed    TEXT NOT NULL DEFAULT '',
    civil_id_hash      TEXT UNIQUE,
    totp_secret_sealed TEXT NOT NULL DEFAULT '',
    totp_enabled       BOOLEAN NOT NULL DEFAULT 0,
    mfa_exempt         BOOLEAN NOT NULL DEFAULT 0,
    disabled           BOOLEAN NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    mfa_ok       BOOLEAN NOT NULL DEFAULT 0,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE signin_failures (
    id     TEXT PRIMARY KEY,
    key    TEXT NOT NULL,
    at     TIMESTAMP NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures(key, at);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    tenant_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    summary     TEXT NOT NULL,
    ip          TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, seq);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_head;
DROP TABLE signin_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE tenants;
