-- +goose Up
-- Help in the room: during a class a learner (or a guest with the class
-- code) asks for help from their phone; instructors take the requests in
-- order of asking.
CREATE TABLE class_help (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    session_id TEXT NOT NULL REFERENCES class_sessions(id),
    learner_id TEXT NOT NULL DEFAULT '',
    guest_id   TEXT NOT NULL DEFAULT '',
    seat       INTEGER NOT NULL DEFAULT 0,
    name       TEXT NOT NULL DEFAULT '',
    asked_at   TIMESTAMPTZ NOT NULL,
    taken_by   TEXT NOT NULL DEFAULT '',
    taken_at   TIMESTAMPTZ,
    closed_at  TIMESTAMPTZ
);
-- One open request per person and class, whatever runs at once.
CREATE UNIQUE INDEX class_help_open ON class_help(session_id, learner_id, guest_id) WHERE closed_at IS NULL;
CREATE INDEX class_help_session ON class_help(session_id, asked_at);

-- +goose Down
DROP TABLE class_help;
