-- +goose Up
ALTER TABLE tenants ADD COLUMN tracking_prefix TEXT NOT NULL DEFAULT '';

CREATE TABLE services (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    code          TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    name_id       TEXT NOT NULL DEFAULT '',
    name_ja       TEXT NOT NULL DEFAULT '',
    name_en       TEXT NOT NULL DEFAULT '',
    desc_id       TEXT NOT NULL DEFAULT '',
    desc_ja       TEXT NOT NULL DEFAULT '',
    desc_en       TEXT NOT NULL DEFAULT '',
    eligibility   TEXT NOT NULL DEFAULT '{}',
    requirements  TEXT NOT NULL DEFAULT '[]',
    fee_amount    BIGINT NOT NULL DEFAULT 0,
    fee_currency  TEXT NOT NULL DEFAULT '',
    sla_days      INTEGER NOT NULL,
    form          TEXT NOT NULL,
    workflow      TEXT NOT NULL,
    output        TEXT NOT NULL DEFAULT '{}',
    published     BOOLEAN NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE tracking_sequences (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    year      INTEGER NOT NULL,
    last      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE applications (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    service_id      TEXT NOT NULL REFERENCES services(id),
    tracking_number TEXT UNIQUE,
    applicant_id    TEXT NOT NULL REFERENCES users(id),
    filled_by       TEXT NOT NULL DEFAULT '',
    confirmed_by    TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    answers         TEXT NOT NULL DEFAULT '{}',
    lang            TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    assigned_to     TEXT NOT NULL DEFAULT '',
    state_since     TIMESTAMP NOT NULL,
    due_at          TIMESTAMP,
    escalated       BOOLEAN NOT NULL DEFAULT 0,
    submitted_at    TIMESTAMP,
    decided_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX applications_tenant_state ON applications(tenant_id, state, due_at);
CREATE INDEX applications_applicant ON applications(tenant_id, applicant_id);
CREATE INDEX applications_assigned ON applications(tenant_id, assigned_to);

CREATE TABLE application_events (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id),
    at             TIMESTAMP NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL,
    to_state       TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events(application_id, at);

CREATE TABLE tenant_calendar (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    day       TEXT NOT NULL,
    kind      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, day)
);

-- +goose Down
DROP TABLE tenant_calendar;
DROP TABLE application_events;
DROP TABLE applications;
DROP TABLE tracking_sequences;
DROP TABLE services;
ALTER TABLE tenants DROP COLUMN tracking_prefix;
