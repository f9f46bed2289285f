-- +goose Up
-- A video call at the remote counter, for one ticket or one appointment.
CREATE TABLE calls (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    counter_id       TEXT NOT NULL REFERENCES counters(id),
    ticket_id        TEXT NOT NULL DEFAULT '',
    appointment_id   TEXT NOT NULL DEFAULT '',
    officer_id       TEXT NOT NULL,
    resident_id      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    satisfaction     INTEGER NOT NULL DEFAULT 0,
    application_id   TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    started_at       TIMESTAMP,
    ended_at         TIMESTAMP,
    duration_seconds INTEGER NOT NULL DEFAULT 0
);
-- At most one open call per ticket and per appointment: an officer's
-- second click joins the call that is already open.
CREATE UNIQUE INDEX calls_open_ticket ON calls(ticket_id) WHERE status = 'open' AND ticket_id <> '';
CREATE UNIQUE INDEX calls_open_appointment ON calls(appointment_id) WHERE status = 'open' AND appointment_id <> '';
CREATE INDEX calls_tenant ON calls(tenant_id, created_at);

-- One-time links that let a helper (a family member, an interpreter) join.
-- The link's token is used once; it then becomes a pass held in the
-- helper's browser until the call ends.
CREATE TABLE call_invites (
    id          TEXT PRIMARY KEY,
    call_id     TEXT NOT NULL REFERENCES calls(id),
    token_hash  TEXT NOT NULL UNIQUE,
    pass_hash   TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

-- Images a participant showed during a call (a photo of a form, an ID
-- card). The bytes are an ordinary stored document of the resident, not
-- attached to any application until the resident agrees.
CREATE TABLE call_documents (
    document_id  TEXT PRIMARY KEY,
    call_id      TEXT NOT NULL REFERENCES calls(id),
    shown_by     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX call_documents_call ON call_documents(call_id, created_at);

-- +goose Down
DROP TABLE call_documents;
DROP TABLE call_invites;
DROP TABLE calls;
