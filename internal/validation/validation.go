// Package validation collects what is wrong with a user's input, field by
// field, as message keys that the web layer shows in the user's language.
package validation

import "strings"

// Problem is one thing wrong with one field. Code is a message-catalog key
// (and the stable "code" in API problems); Args fill its placeholders.
type Problem struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	Args  []any  `json:"-"`
}

// Errors is the list of problems of one submission, in form order.
type Errors []Problem

// Add records a problem.
func (e *Errors) Add(field, code string, args ...any) { *e = append(*e, Problem{field, code, args}) }

// For returns the first problem of field, if any.
func (e Errors) For(field string) (Problem, bool) {
	for _, p := range e {
		if p.Field == field {
			return p, true
		}
	}
	return Problem{}, false
}

// Err returns e as an error, or nil when there is no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

func (e Errors) Error() string {
	var parts []string
	for _, p := range e {
		parts = append(parts, p.Field+": "+p.Code)
	}
	return "invalid input: " + strings.Join(parts, ", ")
}
