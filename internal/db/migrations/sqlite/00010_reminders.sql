-- +goose Up
-- An email may carry one text attachment (an appointment's .ics file).
ALTER TABLE messages ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN attachment_type TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN attachment TEXT NOT NULL DEFAULT '';

-- Which appointment reminders went out ("day" before, "hour" before):
-- the primary key makes two nodes' reminder jobs send each one once.
CREATE TABLE appointment_reminders (
    appointment_id TEXT NOT NULL REFERENCES appointments(id),
    kind           TEXT NOT NULL,
    sent_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (appointment_id, kind)
);

-- +goose Down
DROP TABLE appointment_reminders;
ALTER TABLE messages DROP COLUMN attachment;
ALTER TABLE messages DROP COLUMN attachment_type;
ALTER TABLE messages DROP COLUMN attachment_name;
