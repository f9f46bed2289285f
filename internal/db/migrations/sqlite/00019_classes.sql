-- +goose Up
-- Smartphone classes (pillar 3): a tenant's courses at three levels, their
-- ordered lessons, the sessions a course runs as, and who enrols.
CREATE TABLE courses (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    code        TEXT NOT NULL,
    level       TEXT NOT NULL,
    title_id    TEXT NOT NULL DEFAULT '',
    title_ja    TEXT NOT NULL DEFAULT '',
    title_en    TEXT NOT NULL DEFAULT '',
    summary_id  TEXT NOT NULL DEFAULT '',
    summary_ja  TEXT NOT NULL DEFAULT '',
    summary_en  TEXT NOT NULL DEFAULT '',
    published   BOOLEAN NOT NULL DEFAULT 0,
    shared      BOOLEAN NOT NULL DEFAULT 0,
    copied_from TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE lessons (
    id         TEXT PRIMARY KEY,
    course_id  TEXT NOT NULL REFERENCES courses(id),
    position   INTEGER NOT NULL,
    title_id   TEXT NOT NULL DEFAULT '',
    title_ja   TEXT NOT NULL DEFAULT '',
    title_en   TEXT NOT NULL DEFAULT '',
    body_id    TEXT NOT NULL DEFAULT '',
    body_ja    TEXT NOT NULL DEFAULT '',
    body_en    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (course_id, position)
);

CREATE TABLE class_sessions (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    course_id     TEXT NOT NULL REFERENCES courses(id),
    starts_at     TIMESTAMP NOT NULL,
    ends_at       TIMESTAMP NOT NULL,
    online        BOOLEAN NOT NULL DEFAULT 0,
    venue_name    TEXT NOT NULL DEFAULT '',
    venue_address TEXT NOT NULL DEFAULT '',
    map_url       TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL,
    -- the last place in order of arrival given to an enrolment
    places        INTEGER NOT NULL DEFAULT 0,
    cancelled     BOOLEAN NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX class_sessions_tenant ON class_sessions(tenant_id, starts_at);

-- An enrolment holds a seat (1..capacity) or a place on the waitlist
-- (position, in order of arrival); a cancelled one holds neither.
CREATE TABLE enrolments (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    session_id  TEXT NOT NULL REFERENCES class_sessions(id),
    learner_id  TEXT NOT NULL REFERENCES users(id),
    enrolled_by TEXT NOT NULL,
    state       TEXT NOT NULL,
    seat        INTEGER,
    position    INTEGER NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    borrow      BOOLEAN NOT NULL DEFAULT 0,
    needs       TEXT NOT NULL DEFAULT '',
    attended_at TIMESTAMP,
    reminded_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
-- The database itself keeps one learner per seat and one live enrolment
-- per learner and session, whatever runs at the same time.
CREATE UNIQUE INDEX enrolments_seat ON enrolments(session_id, seat) WHERE seat IS NOT NULL;
CREATE UNIQUE INDEX enrolments_learner ON enrolments(session_id, learner_id) WHERE state <> 'cancelled';
CREATE INDEX enrolments_learner_all ON enrolments(learner_id);
-- Counting a session's seated and waiting learners, and the next place in
-- its order, on every enrolment.
CREATE INDEX enrolments_session ON enrolments(session_id, state, position);
CREATE INDEX enrolments_place ON enrolments(session_id, position);

-- +goose Down
DROP TABLE enrolments;
DROP TABLE class_sessions;
DROP TABLE lessons;
DROP TABLE courses;
