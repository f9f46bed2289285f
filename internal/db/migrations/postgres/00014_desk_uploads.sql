-- +goose Up
-- The desk refuses a second called number per officer: it reads the
-- officer's called tickets of the day before every call.
CREATE INDEX tickets_called_by ON tickets(called_by, day, status);
-- The upload quota sums a person's uploads of the last day, and the
-- hourly clean-up finds files attached to nothing, oldest first.
CREATE INDEX documents_uploader ON documents(uploaded_by, created_at);
CREATE INDEX documents_unattached ON documents(created_at) WHERE application_id = '';

-- +goose Down
DROP INDEX documents_unattached;
DROP INDEX documents_uploader;
DROP INDEX tickets_called_by;
