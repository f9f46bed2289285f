-- +goose Up
-- The knowledge exchange's good practices: one library for the whole
-- network (not per tenant). A practice belongs to a government by its
-- region code: the staff of the tenant with that region code (one at
-- most: tenants.region_code is unique) edit it, and a government that
-- joins Serambi later finds its practices already its own.
--
-- What a practice says lives in its versions, each a JSON body with the
-- texts in id/ja/en: the one published is what the public sees, while a
-- later one is written, submitted and reviewed beside it (so an update to
-- a published practice never shows half-done). Keeping every version is
-- the history of edits.
CREATE TABLE practices (
    id                   TEXT PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    country              TEXT NOT NULL,
    region_code          TEXT NOT NULL,
    state                TEXT NOT NULL,
    looking_for_partners BOOLEAN NOT NULL DEFAULT 0,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    published_at         TIMESTAMP
);
CREATE INDEX practices_region ON practices(region_code);
CREATE INDEX practices_updated ON practices(updated_at);

CREATE TABLE practice_versions (
    practice_id  TEXT NOT NULL REFERENCES practices(id),
    number       INTEGER NOT NULL,
    state        TEXT NOT NULL,
    body         TEXT NOT NULL,
    author_id    TEXT NOT NULL DEFAULT '',
    author_label TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at   TIMESTAMP,
    decided_by   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (practice_id, number)
);

-- +goose Down
DROP TABLE practice_versions;
DROP TABLE practices;
