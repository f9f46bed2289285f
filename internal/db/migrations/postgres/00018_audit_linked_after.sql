-- +goose Up
-- On PostgreSQL an audit entry is written with a placeholder (negative)
-- sequence number and linked into the chain shortly after its transaction
-- commits (internal/audit Link). Taken by the writing transaction, the
-- chain head's row lock was held until COMMIT and every change of the
-- network queued behind it: about 450 submissions/s on 2 vCPUs with a
-- dozen backends waiting on that one row, fewer with a larger pool. The
-- placeholders come from this sequence, which takes no lock.
CREATE SEQUENCE audit_pending;

-- +goose Down
DROP SEQUENCE audit_pending;
