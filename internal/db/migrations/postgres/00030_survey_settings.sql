-- +goose Up
-- A government's additions to its country's survey: its own questions
-- (asked after the standard ones, on the same scale, never changing
-- them) and whether the free comment is asked. Answers to its own
-- questions are summed per month like the standard ones.
CREATE TABLE survey_settings (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants(id),
    no_comment BOOLEAN NOT NULL DEFAULT FALSE,
    questions  TEXT NOT NULL DEFAULT '[]',
    updated_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE survey_responses ADD COLUMN extra TEXT NOT NULL DEFAULT '';

CREATE TABLE survey_extra_rollups (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    period      TEXT NOT NULL,
    question_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    unit_kind   TEXT NOT NULL,
    unit_id     TEXT NOT NULL,
    respondents INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period, question_id, channel, service_id, unit_kind, unit_id)
);

-- +goose Down
DROP TABLE survey_extra_rollups;
ALTER TABLE survey_responses DROP COLUMN extra;
DROP TABLE survey_settings;
