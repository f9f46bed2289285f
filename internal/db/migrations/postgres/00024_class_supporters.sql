-- +goose Up
-- Digital supporters: volunteers who help in the classes. A resident
-- applies, the tenant approves, training is recorded, instructors and
-- supporters are assigned to sessions, and supporters log their hours.
CREATE TABLE class_supporters (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    status     TEXT NOT NULL,
    motivation TEXT NOT NULL DEFAULT '',
    applied_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE class_supporter_training (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    user_id     TEXT NOT NULL REFERENCES users(id),
    topic       TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX class_supporter_training_user ON class_supporter_training(tenant_id, user_id);

-- Who teaches or supports a session, and the minutes a supporter logged
-- for it.
CREATE TABLE class_assignments (
    session_id TEXT NOT NULL REFERENCES class_sessions(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    role       TEXT NOT NULL,
    minutes    INTEGER NOT NULL DEFAULT 0,
    logged_at  TIMESTAMPTZ,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX class_assignments_user ON class_assignments(tenant_id, user_id);

-- +goose Down
DROP TABLE class_assignments;
DROP TABLE class_supporter_training;
DROP TABLE class_supporters;
