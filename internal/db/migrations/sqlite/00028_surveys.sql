-- +goose Up
-- Satisfaction surveys: Indonesia's SKM (PermenPANRB 14/2017) and
-- Japan's counter survey. An invitation follows a decided application,
-- a finished call, a kiosk visit or an attended class; its link is
-- derived from its id with the server's key (nothing secret is stored)
-- and answers one response. The answers so far wait in the invitation's
-- draft (one question per screen, no JavaScript) and leave it when the
-- response is sent.
CREATE TABLE survey_invitations (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    template    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    service_id  TEXT NOT NULL DEFAULT '',
    unit_kind   TEXT NOT NULL DEFAULT 'tenant',
    unit_id     TEXT NOT NULL DEFAULT '',
    resident_id TEXT NOT NULL DEFAULT '',
    draft       TEXT NOT NULL DEFAULT '',
    answered    BOOLEAN NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, subject)
);
CREATE INDEX survey_invitations_resident ON survey_invitations(tenant_id, resident_id);

-- A response keeps what it is about (service, unit, channel, month in
-- the tenant's zone) and nothing that leads back to the invitation or
-- the resident: no invitation id, no time finer than the month, a random
-- id. Officers see only sums.
CREATE TABLE survey_responses (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    template    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    service_id  TEXT NOT NULL DEFAULT '',
    unit_kind   TEXT NOT NULL DEFAULT 'tenant',
    unit_id     TEXT NOT NULL DEFAULT '',
    period      TEXT NOT NULL,
    a1 INTEGER NOT NULL DEFAULT 0, a2 INTEGER NOT NULL DEFAULT 0, a3 INTEGER NOT NULL DEFAULT 0,
    a4 INTEGER NOT NULL DEFAULT 0, a5 INTEGER NOT NULL DEFAULT 0, a6 INTEGER NOT NULL DEFAULT 0,
    a7 INTEGER NOT NULL DEFAULT 0, a8 INTEGER NOT NULL DEFAULT 0, a9 INTEGER NOT NULL DEFAULT 0,
    sex         TEXT NOT NULL DEFAULT '',
    age         TEXT NOT NULL DEFAULT '',
    education   TEXT NOT NULL DEFAULT '',
    occupation  TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_responses_period ON survey_responses(tenant_id, period);

-- Sums of the responses per month and what they are about, kept in the
-- transaction that stores each response, so an index over any period is
-- a few rows added up (months make quarters, semesters and years).
CREATE TABLE survey_rollups (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    period      TEXT NOT NULL,
    template    TEXT NOT NULL,
    channel     TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    unit_kind   TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    respondents INTEGER NOT NULL DEFAULT 0,
    s1 INTEGER NOT NULL DEFAULT 0, s2 INTEGER NOT NULL DEFAULT 0, s3 INTEGER NOT NULL DEFAULT 0,
    s4 INTEGER NOT NULL DEFAULT 0, s5 INTEGER NOT NULL DEFAULT 0, s6 INTEGER NOT NULL DEFAULT 0,
    s7 INTEGER NOT NULL DEFAULT 0, s8 INTEGER NOT NULL DEFAULT 0, s9 INTEGER NOT NULL DEFAULT 0,
    c1 INTEGER NOT NULL DEFAULT 0, c2 INTEGER NOT NULL DEFAULT 0, c3 INTEGER NOT NULL DEFAULT 0,
    c4 INTEGER NOT NULL DEFAULT 0, c5 INTEGER NOT NULL DEFAULT 0, c6 INTEGER NOT NULL DEFAULT 0,
    c7 INTEGER NOT NULL DEFAULT 0, c8 INTEGER NOT NULL DEFAULT 0, c9 INTEGER NOT NULL DEFAULT 0,
    t1 INTEGER NOT NULL DEFAULT 0, t2 INTEGER NOT NULL DEFAULT 0, t3 INTEGER NOT NULL DEFAULT 0,
    t4 INTEGER NOT NULL DEFAULT 0, t5 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period, template, channel, service_id, unit_kind, unit_id)
);

-- What a government will do about its weakest elements: what, who, by
-- when, done.
CREATE TABLE survey_actions (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    element    INTEGER NOT NULL,
    service_id TEXT NOT NULL DEFAULT '',
    period     TEXT NOT NULL,
    what       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    due        TEXT NOT NULL,
    done       BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_actions_tenant ON survey_actions(tenant_id, period);

-- +goose Down
DROP TABLE survey_actions;
DROP TABLE survey_rollups;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
