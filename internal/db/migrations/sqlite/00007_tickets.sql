-- +goose Up
CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    counter_id   TEXT NOT NULL REFERENCES counters(id),
    day          TEXT NOT NULL,
    number       INTEGER NOT NULL,
    label        TEXT NOT NULL,
    resident_id  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    priority     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    called_by    TEXT NOT NULL DEFAULT '',
    calls        INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    called_at    TIMESTAMP,
    finished_at  TIMESTAMP,
    UNIQUE (counter_id, day, number)
);
CREATE INDEX tickets_waiting ON tickets(counter_id, status, created_at);

-- +goose Down
DROP TABLE tickets;
