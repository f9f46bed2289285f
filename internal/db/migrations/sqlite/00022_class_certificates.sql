-- +goose Up
-- Certificates of completed courses: verified on the same public page as
-- the results of services, by their code; the content is stored as issued
-- with its digest, so a changed paper or record no longer matches.
CREATE TABLE class_certificates (
    code       TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    course_id  TEXT NOT NULL REFERENCES courses(id),
    learner_id TEXT NOT NULL REFERENCES users(id),
    content    TEXT NOT NULL,
    digest     TEXT NOT NULL,
    issued_at  TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    UNIQUE (course_id, learner_id)
);

-- +goose Down
DROP TABLE class_certificates;
