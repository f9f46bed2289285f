-- +goose Up
-- A tenant's practice twin: the same published services and counters,
-- where smartphone-class learners practise applying and taking a number.
-- It is a tenant of its own (its own applications, tracking sequence,
-- queue and documents), so nothing done there can reach the real one;
-- practice_of names the real tenant, '' for every real one.
ALTER TABLE tenants ADD COLUMN practice_of TEXT NOT NULL DEFAULT '';
CREATE INDEX tenants_practice_of ON tenants(practice_of);

-- +goose Down
DROP INDEX tenants_practice_of;
ALTER TABLE tenants DROP COLUMN practice_of;
