-- +goose Up
-- A family link lets one account (a daughter) act for another (her
-- father): book his appointments and join his video calls. The person
-- acted for approves it; either side can end it.
CREATE TABLE family_links (
    id          TEXT PRIMARY KEY,
    helper_id   TEXT NOT NULL REFERENCES users(id),
    person_id   TEXT NOT NULL REFERENCES users(id),
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    approved_at TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ
);
-- One live link (asked or approved) per pair.
CREATE UNIQUE INDEX family_links_live ON family_links(helper_id, person_id) WHERE status <> 'ended';
CREATE INDEX family_links_person ON family_links(person_id, status);

-- +goose Down
DROP TABLE family_links;
