package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// standardPermits is the whole rulebook of Standard(), written out by hand:
// for each state, the actions that leave it and the roles that may take them.
// Every (state, action) pair not listed must answer ErrNotAllowed.
var standardPermits = map[string]map[string][]string{
	"draft": {
		"submit":   {Resident, Officer},
		"withdraw": {Resident},
	},
	"submitted": {
		"start_review": {Officer, Admin},
		"send_back":    {Officer, Admin},
		"withdraw":     {Resident},
	},
	"in_review": {
		"send_back": {Officer, Admin},
		"approve":   {Officer, Admin},
		"reject":    {Officer, Admin},
		"withdraw":  {Resident},
	},
	"sent_back": {
		"resubmit": {Resident},
		"withdraw": {Resident},
	},
	"approved":  {},
	"rejected":  {},
	"withdrawn": {},
}

var standardTargets = map[string]string{
	"submit": "submitted", "start_review": "in_review", "send_back": "sent_back",
	"resubmit": "submitted", "approve": "approved", "reject": "rejected", "withdraw": "withdrawn",
}

func TestStandardEveryTransition(t *testing.T) {
	t.Parallel()
	d := Standard()
	if len(d.States) != len(standardPermits) || len(d.Actions) != len(standardTargets) {
		t.Fatalf("Standard has %d states and %d actions; the expectation table has %d and %d",
			len(d.States), len(d.Actions), len(standardPermits), len(standardTargets))
	}
	for _, s := range d.States {
		for _, a := range d.Actions {
			for _, role := range knownRoles {
				want := expectation(s.Name, a.Name, role)
				t.Run(fmt.Sprintf("%s/%s/%s", s.Name, a.Name, role), func(t *testing.T) {
					got, err := d.Check(s.Name, a.Name, []string{role}, "Foto KTP buram")
					if !errors.Is(err, want) {
						t.Fatalf("Check = %v, want %v", err, want)
					}
					if want == nil && got.To != standardTargets[a.Name] {
						t.Errorf("To = %q, want %q", got.To, standardTargets[a.Name])
					}
				})
			}
		}
	}
}

func expectation(state, action, role string) error {
	roles, ok := standardPermits[state][action]
	switch {
	case !ok:
		return ErrNotAllowed
	case !slices.Contains(roles, role):
		return ErrForbidden
	}
	return nil
}

func TestCheckComment(t *testing.T) {
	t.Parallel()
	d := Standard()
	tests := []struct {
		state, action, role, comment string
		want                         error
	}{
		{"in_review", "reject", Officer, "", ErrCommentRequired},
		{"in_review", "reject", Officer, "  \n\t", ErrCommentRequired},
		{"in_review", "reject", Officer, "Bukan warga kabupaten ini", nil},
		{"submitted", "send_back", Admin, "", ErrCommentRequired},
		{"in_review", "send_back", Officer, "写真が不鮮明です", nil},
		{"in_review", "approve", Officer, "", nil},
		// Role is decided before the comment: a resident learns "not yours", not "add a reason".
		{"in_review", "reject", Resident, "", ErrForbidden},
		{"in_review", "nonexistent", Admin, "x", ErrNotAllowed},
		{"archived", "approve", Admin, "x", ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.action+"/"+tt.role, func(t *testing.T) {
			if _, err := d.Check(tt.state, tt.action, []string{tt.role}, tt.comment); !errors.Is(err, tt.want) {
				t.Errorf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	d := Standard()
	tests := []struct {
		state string
		roles []string
		want  []string
	}{
		{"in_review", []string{Officer}, []string{"send_back", "approve", "reject"}},
		{"in_review", []string{Officer, Admin}, []string{"send_back", "approve", "reject"}},
		{"in_review", []string{Resident}, []string{"withdraw"}},
		{"in_review", []string{Resident, Officer}, []string{"send_back", "approve", "reject", "withdraw"}},
		{"draft", []string{Officer}, []string{"submit"}},
		{"draft", nil, nil},
		{"approved", []string{Resident, Officer, Admin}, nil},
		{"unknown", []string{Admin}, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range d.Allowed(tt.state, tt.roles) {
			got = append(got, a.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Allowed(%s, %v) = %v, want %v", tt.state, tt.roles, got, tt.want)
		}
	}
}

func TestStandardShape(t *testing.T) {
	t.Parallel()
	d := Standard()
	if ps := d.Validate(); len(ps) != 0 {
		t.Fatalf("Standard().Validate() = %v", ps)
	}
	if s := d.StartState(); s.Name != "draft" || !s.ResidentEdits {
		t.Errorf("StartState = %+v", s)
	}
	tests := []struct {
		name          string
		sla           int
		residentEdits bool
		outcome       string
	}{
		{"draft", 0, true, ""},
		{"submitted", 1, false, ""},
		{"in_review", 3, false, ""},
		{"sent_back", 0, true, ""},
		{"approved", 0, false, Approved},
		{"rejected", 0, false, Rejected},
		{"withdrawn", 0, false, Withdrawn},
	}
	for _, tt := range tests {
		s, ok := d.State(tt.name)
		if !ok || s.SLADays != tt.sla || s.ResidentEdits != tt.residentEdits || s.Outcome != tt.outcome {
			t.Errorf("State(%s) = %+v, %v", tt.name, s, ok)
		}
	}
	if _, ok := d.State("nope"); ok {
		t.Error("State(nope) found")
	}
	if a, ok := d.Action("reject"); !ok || !a.CommentRequired {
		t.Errorf("Action(reject) = %+v, %v", a, ok)
	}
}

func TestStandardIsFresh(t *testing.T) {
	t.Parallel()
	// Callers may edit the default to make a tenant's own; that must not leak.
	d := Standard()
	d.States[0].Labels["id"] = "changed"
	d.Actions[0].Roles[0] = "changed"
	if e := Standard(); e.States[0].Labels["id"] != "Draf" || e.Actions[0].Roles[0] != Resident {
		t.Error("editing one Standard() changed the next")
	}
}

func TestLabelsIn(t *testing.T) {
	t.Parallel()
	l := Labels{"id": "Kirim", "en": "Submit"}
	for lang, want := range map[string]string{"id": "Kirim", "en": "Submit", "ja": "Submit", "": "Submit"} {
		if got := l.In(lang); got != want {
			t.Errorf("In(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (Labels{"id": "Kirim"}).In("ja"); got != "Kirim" {
		t.Errorf("fallback to id = %q", got)
	}
}

// edit returns Standard() changed by f.
func edit(f func(d *Definition)) Definition {
	d := Standard()
	f(&d)
	return d
}

func state(d *Definition, name string) *State {
	for i := range d.States {
		if d.States[i].Name == name {
			return &d.States[i]
		}
	}
	panic("no state " + name)
}

func action(d *Definition, name string) *Action {
	for i := range d.Actions {
		if d.Actions[i].Name == name {
			return &d.Actions[i]
		}
	}
	panic("no action " + name)
}

func labels(s string) Labels { return Labels{"id": s, "ja": s, "en": s} }

func TestValidateBroken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  Definition
		want []Problem
	}{
		{"empty", Definition{}, []Problem{{CodeNoStart, ""}, {CodeNoEnd, ""}}},
		{"no start", edit(func(d *Definition) { state(d, "draft").Start = false }),
			[]Problem{{CodeNoStart, ""}}},
		{"two starts", edit(func(d *Definition) { state(d, "sent_back").Start = true }),
			[]Problem{{CodeManyStarts, ""}}},
		{"no end", edit(func(d *Definition) {
			for i := range d.States {
				d.States[i].End, d.States[i].Outcome = false, ""
			}
		}), []Problem{{CodeNoEnd, ""}}},
		{"empty state name", edit(func(d *Definition) {
			d.States = append(d.States, State{Labels: labels("x"), End: true, Outcome: Approved})
		}), []Problem{{CodeStateName, ""}, {CodeUnreachable, ""}}},
		{"duplicate state", edit(func(d *Definition) {
			d.States = append(d.States, State{Name: "draft", Labels: labels("Draft")})
		}), []Problem{{CodeDuplicateState, "draft"}}},
		{"state label blank in every language", edit(func(d *Definition) { state(d, "draft").Labels = Labels{"id": " ", "ja": "", "en": ""} }),
			[]Problem{{CodeStateLabel, "draft"}}},
		{"state labels nil", edit(func(d *Definition) { state(d, "draft").Labels = nil }),
			[]Problem{{CodeStateLabel, "draft"}}},
		{"negative sla", edit(func(d *Definition) { state(d, "in_review").SLADays = -1 }),
			[]Problem{{CodeNegativeSLA, "in_review"}}},
		{"end without outcome", edit(func(d *Definition) { state(d, "rejected").Outcome = "" }),
			[]Problem{{CodeNoOutcome, "rejected"}}},
		{"unknown outcome", edit(func(d *Definition) { state(d, "rejected").Outcome = "denied" }),
			[]Problem{{CodeUnknownOutcome, "rejected"}}},
		{"outcome on a non-end state", edit(func(d *Definition) { state(d, "in_review").Outcome = Approved }),
			[]Problem{{CodeOutcomeNotEnd, "in_review"}}},
		{"empty action name", edit(func(d *Definition) { action(d, "approve").Name = "" }),
			[]Problem{{CodeActionName, ""}}},
		{"duplicate action", edit(func(d *Definition) {
			d.Actions = append(d.Actions, *action(d, "approve"))
		}), []Problem{{CodeDuplicateAction, "approve"}}},
		{"action label in no language", edit(func(d *Definition) { action(d, "approve").Labels = Labels{} }),
			[]Problem{{CodeActionLabel, "approve"}}},
		{"action without from", edit(func(d *Definition) { action(d, "approve").From = nil }),
			[]Problem{{CodeNoFrom, "approve"}, {CodeUnreachable, "approved"}}},
		{"unknown from", edit(func(d *Definition) { action(d, "approve").From = []string{"in_review", "archived"} }),
			[]Problem{{CodeUnknownFrom, "approve"}}},
		{"unknown to", edit(func(d *Definition) { action(d, "approve").To = "done" }),
			[]Problem{{CodeUnknownTo, "approve"}, {CodeUnreachable, "approved"}}},
		{"leaves an end state", edit(func(d *Definition) {
			d.Actions = append(d.Actions, Action{Name: "reopen", Labels: labels("Reopen"),
				From: []string{"rejected"}, To: "in_review", Roles: []string{Admin}})
		}), []Problem{{CodeLeavesEnd, "reopen"}}},
		{"no roles", edit(func(d *Definition) { action(d, "approve").Roles = nil }),
			[]Problem{{CodeNoRoles, "approve"}}},
		{"unknown role", edit(func(d *Definition) { action(d, "approve").Roles = []string{Officer, "mayor"} }),
			[]Problem{{CodeUnknownRole, "approve"}}},
		{"unreachable state", edit(func(d *Definition) {
			d.States = append(d.States, State{Name: "archived", Labels: labels("Archived"), End: true, Outcome: Withdrawn})
		}), []Problem{{CodeUnreachable, "archived"}}},
		{"state with no action out", edit(func(d *Definition) {
			d.States = append(d.States, State{Name: "parked", Labels: labels("Parked")})
			d.Actions = append(d.Actions, Action{Name: "park", Labels: labels("Park"),
				From: []string{"in_review"}, To: "parked", Roles: []string{Officer}})
		}), []Problem{{CodeNoWayOut, "parked"}}},
		{"loop with no way to an end", edit(func(d *Definition) {
			d.States = append(d.States, State{Name: "a", Labels: labels("A")}, State{Name: "b", Labels: labels("B")})
			d.Actions = append(d.Actions,
				Action{Name: "to_a", Labels: labels("A"), From: []string{"in_review", "b"}, To: "a", Roles: []string{Officer}},
				Action{Name: "to_b", Labels: labels("B"), From: []string{"a"}, To: "b", Roles: []string{Officer}})
		}), []Problem{{CodeNoWayOut, "a"}, {CodeNoWayOut, "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.def.Validate(); !slices.Equal(got, tt.want) {
				t.Errorf("Validate() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Standard())
	if err != nil {
		t.Fatal(err)
	}
	var back Definition
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, Standard()) {
		t.Errorf("round trip changed the definition:\n%s", b)
	}
}

func TestJSONFieldNames(t *testing.T) {
	t.Parallel()
	// The stored form is a contract with services.workflow; pin its names.
	const stored = `{"states":[{"name":"s","labels":{"en":"S"},"start":true,"sla_days":2,"resident_edits":true},
		{"name":"e","labels":{},"end":true,"outcome":"approved"}],
		"actions":[{"name":"go","labels":{},"from":["s"],"to":"e","roles":["officer"],"comment_required":true}]}`
	var d Definition
	if err := json.Unmarshal([]byte(stored), &d); err != nil {
		t.Fatal(err)
	}
	s, e, a := d.States[0], d.States[1], d.Actions[0]
	if !s.Start || s.SLADays != 2 || !s.ResidentEdits || !e.End || e.Outcome != Approved ||
		!a.CommentRequired || a.To != "e" || a.From[0] != "s" || a.Roles[0] != Officer || s.Labels["en"] != "S" {
		t.Errorf("decoded %+v", d)
	}
}

func FuzzValidate(f *testing.F) {
	std, _ := json.Marshal(Standard())
	f.Add(std)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"states":[{"name":"a","start":true,"end":true}],"actions":[{"name":"x","from":["a","a"],"to":"a","roles":[]}]}`))
	f.Add([]byte(`{"states":[{"name":""}],"actions":[{"from":null,"roles":["admin"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Definition
		if json.Unmarshal(data, &d) != nil {
			return
		}
		clean := len(d.Validate()) == 0
		_ = d.StartState()
		for _, s := range d.States {
			for _, a := range d.Allowed(s.Name, knownRoles) {
				// On a valid definition (unique names) Allowed and Check must agree.
				if _, err := d.Check(s.Name, a.Name, knownRoles, "ok"); clean && err != nil {
					t.Errorf("Allowed offers %q in %q but Check says %v", a.Name, s.Name, err)
				}
			}
		}
	})
}
