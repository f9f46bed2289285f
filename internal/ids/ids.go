// Package ids names the identifiers Serambi passes around, one type per
// kind of thing, so that a tenant's ID given where a user's is expected
// (or two IDs swapped in a call) is a compile error instead of a silent
// "not found". They are strings underneath (UUIDs), stored and scanned as
// such by both databases.
package ids

// Tenant identifies a local government (tenant.Tenant).
type Tenant string

// User identifies an account (identity.User).
type User string

// Application identifies an application for a service.
type Application string

// Counter identifies a counter of the remote counter.
type Counter string

// Ticket identifies a number in a counter's virtual queue.
type Ticket string

// Document identifies an uploaded document.
type Document string

// Call identifies a video call.
type Call string

// Course identifies a smartphone-class course (classes.Course).
type Course string

// ClassSession identifies one meeting of a course (classes.Session).
type ClassSession string

// Enrolment identifies a learner's place in a class session.
type Enrolment string

// Practice identifies a good practice of the knowledge exchange.
type Practice string
