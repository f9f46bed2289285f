package db

import "github.com/google/uuid"

// NewID returns a time-ordered UUIDv7 string, so new rows append to indexes.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID tells whether s looks like an ID we generate, so handlers can
// answer 404 to garbage without asking the database.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
