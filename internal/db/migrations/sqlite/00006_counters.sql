-- +goose Up
CREATE TABLE counters (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    code          TEXT NOT NULL,
    name_id       TEXT NOT NULL,
    name_ja       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    slot_minutes  INTEGER NOT NULL,
    buffer_before INTEGER NOT NULL DEFAULT 0,
    buffer_after  INTEGER NOT NULL DEFAULT 0,
    capacity      INTEGER NOT NULL DEFAULT 1,
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE counter_officers (
    counter_id TEXT NOT NULL REFERENCES counters(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (counter_id, user_id)
);

CREATE TABLE counter_plans (
    id         TEXT PRIMARY KEY,
    counter_id TEXT NOT NULL REFERENCES counters(id),
    weekday    INTEGER NOT NULL,
    start_min  INTEGER NOT NULL,
    end_min    INTEGER NOT NULL
);
CREATE INDEX counter_plans_counter ON counter_plans(counter_id);

CREATE TABLE counter_exceptions (
    id         TEXT PRIMARY KEY,
    counter_id TEXT NOT NULL REFERENCES counters(id),
    day        TEXT NOT NULL,
    closed     BOOLEAN NOT NULL,
    start_min  INTEGER NOT NULL DEFAULT 0,
    end_min    INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX counter_exceptions_counter ON counter_exceptions(counter_id, day);

CREATE TABLE appointments (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    counter_id  TEXT NOT NULL REFERENCES counters(id),
    resident_id TEXT NOT NULL REFERENCES users(id),
    booked_by   TEXT NOT NULL,
    start_at    TIMESTAMP NOT NULL,
    end_at      TIMESTAMP NOT NULL,
    seat        INTEGER NOT NULL,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
-- One person per seat per slot, enforced by the database itself, so two
-- concurrent bookings can never share a seat.
CREATE UNIQUE INDEX appointments_seat ON appointments(counter_id, start_at, seat) WHERE status <> 'cancelled';
CREATE INDEX appointments_resident ON appointments(tenant_id, resident_id, start_at);
CREATE INDEX appointments_counter ON appointments(counter_id, start_at);

-- +goose Down
DROP TABLE appointments;
DROP TABLE counter_exceptions;
DROP TABLE counter_plans;
DROP TABLE counter_officers;
DROP TABLE counters;
