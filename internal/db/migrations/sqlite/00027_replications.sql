-- +goose Up
-- A government replicating another's good practice (URBACT's
-- "understand, adapt, re-use"): the adopting tenant, how far it has come,
-- the mentor at the origin who accepted to help, a plan of milestones,
-- notes at each step (shared with the others replicating the same
-- practice, their transfer network, when the writer says so), and its
-- own figures on the origin's measures, to show side by side.
CREATE TABLE replications (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    stage        TEXT NOT NULL,
    stop_reason  TEXT NOT NULL DEFAULT '',
    mentor_state TEXT NOT NULL DEFAULT 'none',
    mentor_label TEXT NOT NULL DEFAULT '',
    started_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (practice_id, tenant_id)
);
CREATE INDEX replications_tenant ON replications(tenant_id);

CREATE TABLE replication_milestones (
    id             TEXT PRIMARY KEY,
    replication_id TEXT NOT NULL REFERENCES replications(id),
    title          TEXT NOT NULL,
    due            TEXT NOT NULL DEFAULT '',
    done           BOOLEAN NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX replication_milestones_of ON replication_milestones(replication_id);

CREATE TABLE replication_notes (
    id             TEXT PRIMARY KEY,
    replication_id TEXT NOT NULL REFERENCES replications(id),
    practice_id    TEXT NOT NULL REFERENCES practices(id),
    author_id      TEXT NOT NULL DEFAULT '',
    author_label   TEXT NOT NULL,
    stage          TEXT NOT NULL,
    body           TEXT NOT NULL,
    shared         BOOLEAN NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX replication_notes_of ON replication_notes(replication_id);
CREATE INDEX replication_notes_practice ON replication_notes(practice_id);

CREATE TABLE replication_results (
    replication_id TEXT NOT NULL REFERENCES replications(id),
    metric         INTEGER NOT NULL,
    value          REAL NOT NULL,
    measured       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (replication_id, metric)
);

-- A reader's request for a practice in a language it is missing, until
-- a version with that language is published (one a reader and language).
CREATE TABLE practice_translation_requests (
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    lang         TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id),
    requested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (practice_id, lang, user_id)
);

-- Questions staff of one government ask about another's practice, and
-- the origin's answers: a thread on the practice, for network staff.
CREATE TABLE practice_questions (
    id           TEXT PRIMARY KEY,
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    asker_id     TEXT NOT NULL REFERENCES users(id),
    asker_label  TEXT NOT NULL,
    body         TEXT NOT NULL,
    asked_at     TIMESTAMP NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_by  TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP
);
CREATE INDEX practice_questions_of ON practice_questions(practice_id);

-- Study visits and webinars a government holds about its practice, and
-- who registered (staff of the network). seats_taken moves with each
-- registration in the same statement that checks it against capacity,
-- so two people cannot take the last seat.
CREATE TABLE practice_events (
    id          TEXT PRIMARY KEY,
    practice_id TEXT NOT NULL REFERENCES practices(id),
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    venue       TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL DEFAULT '',
    capacity    INTEGER NOT NULL,
    seats_taken INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX practice_events_of ON practice_events(practice_id);

CREATE TABLE practice_event_registrations (
    event_id      TEXT NOT NULL REFERENCES practice_events(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    user_label    TEXT NOT NULL,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    registered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

-- +goose Down
DROP TABLE practice_event_registrations;
DROP TABLE practice_events;
DROP TABLE practice_questions;
DROP TABLE practice_translation_requests;
DROP TABLE replication_results;
DROP TABLE replication_notes;
DROP TABLE replication_milestones;
DROP TABLE replications;
