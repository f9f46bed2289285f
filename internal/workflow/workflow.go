// Package workflow describes how an application moves through a service:
// states, the actions that move it between them, who may take each action
// and how many working days each state may last. A workflow is data (stored
// as JSON with its service), so a tenant can shape it without a release;
// this package checks that such data makes sense and decides single
// transitions. It touches no database and knows no clock.
package workflow

import (
	"errors"
	"slices"
	"strings"

	"github.com/serambi/serambi/internal/locale"
)

// Roles that may take actions. They are the role names of the identity
// package, repeated as strings so this package stays free of it.
const (
	Resident = "resident"
	Officer  = "officer"
	Admin    = "admin"
)

// Outcomes an end state records, so reports need not know state names.
const (
	Approved  = "approved"
	Rejected  = "rejected"
	Withdrawn = "withdrawn"
)

// Languages are the languages a label may be given in (at least one).
var Languages = locale.Langs

var (
	// ErrNotAllowed: no action of that name leaves the current state.
	ErrNotAllowed = errors.New("workflow: action not possible in this state")
	// ErrForbidden: the action exists here but none of the caller's roles may take it.
	ErrForbidden = errors.New("workflow: action not permitted for this role")
	// ErrCommentRequired: the action needs a reason and none was given.
	ErrCommentRequired = errors.New("workflow: a comment is required")
)

// Labels holds one text per language: "id", "ja", "en".
type Labels map[string]string

// In returns the text in lang, falling back to English and then Indonesian
// so a half-translated custom workflow still shows words, not keys.
func (l Labels) In(lang string) string {
	for _, k := range []string{lang, "en", "id"} {
		if s := l[k]; s != "" {
			return s
		}
	}
	return ""
}

// State is one place an application can be in.
type State struct {
	Name   string `json:"name"`
	Labels Labels `json:"labels"`
	Start  bool   `json:"start,omitempty"`
	End    bool   `json:"end,omitempty"`
	// SLADays is the number of working days allowed in this state; 0 means
	// no clock runs (e.g. while waiting for the resident).
	SLADays int `json:"sla_days,omitempty"`
	// ResidentEdits lets the resident change answers here (draft, sent back).
	ResidentEdits bool `json:"resident_edits,omitempty"`
	// Outcome of an end state: Approved, Rejected or Withdrawn.
	Outcome string `json:"outcome,omitempty"`
}

// Action moves an application from one of From to To.
type Action struct {
	Name            string   `json:"name"`
	Labels          Labels   `json:"labels"`
	From            []string `json:"from"`
	To              string   `json:"to"`
	Roles           []string `json:"roles"`
	CommentRequired bool     `json:"comment_required,omitempty"`
}

// Definition is a whole workflow.
type Definition struct {
	States  []State  `json:"states"`
	Actions []Action `json:"actions"`
}

// StartState returns the state new applications begin in (the first one
// marked Start), or the zero State when there is none.
func (d Definition) StartState() State {
	for _, s := range d.States {
		if s.Start {
			return s
		}
	}
	return State{}
}

// State finds a state by name.
func (d Definition) State(name string) (State, bool) {
	for _, s := range d.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// Action finds an action by name.
func (d Definition) Action(name string) (Action, bool) {
	for _, a := range d.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Allowed lists the actions a caller holding roles may take in state, in
// definition order, so buttons appear in the order the designer chose.
func (d Definition) Allowed(state string, roles []string) []Action {
	var out []Action
	for _, a := range d.Actions {
		if a.leaves(state) && a.permits(roles) {
			out = append(out, a)
		}
	}
	return out
}

// Check decides one transition: ErrNotAllowed when no action of that name
// leaves state (whoever asks), ErrForbidden when it does but none of roles
// may take it, ErrCommentRequired when it needs a comment and got a blank one.
func (d Definition) Check(state, action string, roles []string, comment string) (Action, error) {
	a, ok := d.Action(action)
	if !ok || !a.leaves(state) {
		return Action{}, ErrNotAllowed
	}
	if !a.permits(roles) {
		return Action{}, ErrForbidden
	}
	if a.CommentRequired && strings.TrimSpace(comment) == "" {
		return Action{}, ErrCommentRequired
	}
	return a, nil
}

func (a Action) leaves(state string) bool { return slices.Contains(a.From, state) }

func (a Action) permits(roles []string) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}
