-- +goose Up
-- How many were invited, per month (in the government's zone) and what
-- the invitation is about: the people served that the regulation's
-- sample table is read against. Kept in the transaction that makes each
-- invitation, so a period's count is a few rows added up instead of a
-- count of every invitation (a published report reads five periods).
CREATE TABLE survey_invited (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    period     TEXT NOT NULL,
    template   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    service_id TEXT NOT NULL,
    unit_kind  TEXT NOT NULL,
    unit_id    TEXT NOT NULL,
    invited    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period, template, channel, service_id, unit_kind, unit_id)
);

-- The invitations made before, by month in each government's zone.
INSERT INTO survey_invited (tenant_id, period, template, channel, service_id, unit_kind, unit_id, invited)
SELECT i.tenant_id, to_char(i.created_at AT TIME ZONE t.time_zone, 'YYYY-MM') AS month,
       i.template, i.channel, i.service_id, i.unit_kind, i.unit_id, COUNT(*)
FROM survey_invitations i JOIN tenants t ON t.id = i.tenant_id
GROUP BY i.tenant_id, month, i.template, i.channel, i.service_id, i.unit_kind, i.unit_id;

-- +goose Down
DROP TABLE survey_invited;
