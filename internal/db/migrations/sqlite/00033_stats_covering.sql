-- +goose Up
-- Every dashboard counts the applications of the days not yet summed
-- (today, and yesterday until the job has summed it) from these indexes.
-- With the columns the count reads in the index itself, a busy day's
-- thousand decisions are read from the index alone instead of one
-- lookup in the table each (measured in docs/benchmarks.md, issue 13).
DROP INDEX applications_submitted;
DROP INDEX applications_decided;
CREATE INDEX applications_submitted ON applications(tenant_id, submitted_at, service_id);
CREATE INDEX applications_decided ON applications(tenant_id, decided_at, service_id, submitted_at);

-- +goose Down
DROP INDEX applications_decided;
DROP INDEX applications_submitted;
CREATE INDEX applications_submitted ON applications(tenant_id, submitted_at);
CREATE INDEX applications_decided ON applications(tenant_id, decided_at);
