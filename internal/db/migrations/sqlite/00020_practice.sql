-- +goose Up
-- Practice on the learner's own phone (pillar 3): which exercises a lesson
-- offers, the guests who practise with a session's code instead of an
-- account, each practiser's result per lesson and exercise, and their
-- practice mailbox.

-- Exercise kinds, comma-separated, in the order the lesson offers them.
ALTER TABLE lessons ADD COLUMN exercises TEXT NOT NULL DEFAULT '';

-- A guest is known by a random token kept in their browser; only its
-- hash is stored here, so the table cannot be used to pose as one.
CREATE TABLE practice_guests (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    session_id TEXT NOT NULL REFERENCES class_sessions(id),
    name       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX practice_guests_session ON practice_guests(session_id);

-- A practiser is a learner (learner_id) or a guest (guest_id); the other
-- column is empty, so one unique index holds one row per practiser,
-- lesson and exercise.
CREATE TABLE practice_results (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    lesson_id  TEXT NOT NULL REFERENCES lessons(id),
    exercise   TEXT NOT NULL,
    learner_id TEXT NOT NULL DEFAULT '',
    guest_id   TEXT NOT NULL DEFAULT '',
    tries      INTEGER NOT NULL DEFAULT 0,
    misses     INTEGER NOT NULL DEFAULT 0,
    done_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (lesson_id, exercise, learner_id, guest_id)
);
CREATE INDEX practice_results_tenant ON practice_results(tenant_id, exercise);
CREATE INDEX practice_results_learner ON practice_results(learner_id);

-- The practice mailbox: what a practiser did with each message.
CREATE TABLE practice_mail (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    lesson_id     TEXT NOT NULL REFERENCES lessons(id),
    learner_id    TEXT NOT NULL DEFAULT '',
    guest_id      TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL,
    opened_at     TIMESTAMP,
    attachment_at TIMESTAMP,
    verdict       TEXT NOT NULL DEFAULT '',
    reply         TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (lesson_id, learner_id, guest_id, message)
);

-- +goose Down
DROP TABLE practice_mail;
DROP TABLE practice_results;
DROP TABLE practice_guests;
ALTER TABLE lessons DROP COLUMN exercises;
