-- +goose Up
-- Daily sums for the staff dashboards, one row per government, local day
-- and service / counter (and hour of day for the queue). A job writes a
-- day once it is over (stats_closed holds the last day written); days
-- after it are counted from the raw tables when read. Durations are kept
-- as histograms with buckets 5 % wide ("bucket:count ..."), so medians
-- and 90th percentiles of any period come from the sums alone.
CREATE TABLE stats_closed (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
    through   TEXT NOT NULL,
    closed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE stats_app_days (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    day         TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    received    INTEGER NOT NULL DEFAULT 0,
    decided     INTEGER NOT NULL DEFAULT 0,
    on_time     INTEGER NOT NULL DEFAULT 0,
    escalations INTEGER NOT NULL DEFAULT 0,
    processing  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, day, service_id)
);

CREATE TABLE stats_ticket_days (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    day        TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    issued     INTEGER NOT NULL DEFAULT 0,
    done       INTEGER NOT NULL DEFAULT 0,
    no_show    INTEGER NOT NULL DEFAULT 0,
    cancelled  INTEGER NOT NULL DEFAULT 0,
    wait       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, day, counter_id, hour)
);

CREATE TABLE stats_call_days (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    day        TEXT NOT NULL,
    counter_id TEXT NOT NULL,
    held       INTEGER NOT NULL DEFAULT 0,
    length     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, day, counter_id)
);

-- Reading one day (the job) or the days not yet written (each dashboard)
-- by time, without going through a government's whole history.
CREATE INDEX applications_submitted ON applications(tenant_id, submitted_at);
CREATE INDEX applications_decided ON applications(tenant_id, decided_at);
CREATE INDEX application_events_action ON application_events(tenant_id, action, at);
CREATE INDEX tickets_created ON tickets(tenant_id, created_at);
CREATE INDEX calls_ended ON calls(tenant_id, ended_at);

-- +goose Down
DROP INDEX calls_ended;
DROP INDEX tickets_created;
DROP INDEX application_events_action;
DROP INDEX applications_decided;
DROP INDEX applications_submitted;
DROP TABLE stats_call_days;
DROP TABLE stats_ticket_days;
DROP TABLE stats_app_days;
DROP TABLE stats_closed;
