-- +goose Up
-- National holiday lists the network coordinator publishes for a year the
-- embedded lists do not cover (Indonesia's joint decree on holidays and
-- cuti bersama comes out each autumn for the next year). Days of a year
-- count only once the year is published; until then they are a draft.
CREATE TABLE national_holidays (
    country  TEXT NOT NULL,
    day      TEXT NOT NULL,
    name_id  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    name_ja  TEXT NOT NULL DEFAULT '',
    kind     TEXT NOT NULL,
    PRIMARY KEY (country, day)
);
CREATE TABLE national_holiday_years (
    country      TEXT NOT NULL,
    year         INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    PRIMARY KEY (country, year)
);

-- +goose Down
DROP TABLE national_holiday_years;
DROP TABLE national_holidays;
