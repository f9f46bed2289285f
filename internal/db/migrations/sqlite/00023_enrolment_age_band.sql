-- +goose Up
-- The learner's age band, asked at enrolment if they wish to say, so staff
-- see which ages the classes reach (no birth date is kept).
ALTER TABLE enrolments ADD COLUMN age_band TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE enrolments DROP COLUMN age_band;
