package workflow

import (
	"slices"
	"strings"
)

// Problem is one thing wrong with a definition. Code is a message key;
// Subject names the state or action it is about (empty when about the whole).
type Problem struct {
	Code    string
	Subject string
}

// Problem codes, one per rule, so an editor can explain each in words.
const (
	CodeNoStart         = "error.workflow.no_start"
	CodeManyStarts      = "error.workflow.many_starts"
	CodeNoEnd           = "error.workflow.no_end"
	CodeStateName       = "error.workflow.state_name"
	CodeActionName      = "error.workflow.action_name"
	CodeDuplicateState  = "error.workflow.duplicate_state"
	CodeDuplicateAction = "error.workflow.duplicate_action"
	CodeStateLabel      = "error.workflow.state_label"
	CodeActionLabel     = "error.workflow.action_label"
	CodeNegativeSLA     = "error.workflow.negative_sla"
	CodeNoOutcome       = "error.workflow.no_outcome"
	CodeUnknownOutcome  = "error.workflow.unknown_outcome"
	CodeOutcomeNotEnd   = "error.workflow.outcome_not_end"
	CodeNoFrom          = "error.workflow.no_from"
	CodeUnknownFrom     = "error.workflow.unknown_from"
	CodeUnknownTo       = "error.workflow.unknown_to"
	CodeLeavesEnd       = "error.workflow.leaves_end"
	CodeNoRoles         = "error.workflow.no_roles"
	CodeUnknownRole     = "error.workflow.unknown_role"
	CodeUnreachable     = "error.workflow.unreachable"
	CodeNoWayOut        = "error.workflow.no_way_out"
)

var (
	knownRoles    = []string{Resident, Officer, Admin}
	knownOutcomes = []string{Approved, Rejected, Withdrawn}
)

// Validate lists everything wrong with d, states first, then actions, then
// the shape of the graph; nil means d can be saved. It reports all problems
// at once so an editor can fix them in one pass.
func (d Definition) Validate() []Problem {
	var ps []Problem
	ps = append(ps, d.checkStarts()...)
	for i, s := range d.States {
		ps = append(ps, s.problems(d.States[:i])...)
	}
	for i, a := range d.Actions {
		ps = append(ps, d.actionProblems(a, d.Actions[:i])...)
	}
	return append(ps, d.graphProblems()...)
}

func (d Definition) checkStarts() []Problem {
	starts, ends := 0, 0
	for _, s := range d.States {
		if s.Start {
			starts++
		}
		if s.End {
			ends++
		}
	}
	var ps []Problem
	switch {
	case starts == 0:
		ps = append(ps, Problem{CodeNoStart, ""})
	case starts > 1:
		ps = append(ps, Problem{CodeManyStarts, ""})
	}
	if ends == 0 {
		ps = append(ps, Problem{CodeNoEnd, ""})
	}
	return ps
}

// problems checks one state on its own; before are the states defined
// earlier, to catch a name used twice.
func (s State) problems(before []State) []Problem {
	var ps []Problem
	add := func(code string) { ps = append(ps, Problem{code, s.Name}) }
	if s.Name == "" {
		add(CodeStateName)
	}
	if slices.ContainsFunc(before, func(o State) bool { return o.Name == s.Name }) {
		add(CodeDuplicateState)
	}
	if !s.Labels.complete() {
		add(CodeStateLabel)
	}
	if s.SLADays < 0 {
		add(CodeNegativeSLA)
	}
	if code := s.outcomeProblem(); code != "" {
		add(code)
	}
	return ps
}

func (s State) outcomeProblem() string {
	switch {
	case s.End && s.Outcome == "":
		return CodeNoOutcome
	case !s.End && s.Outcome != "":
		return CodeOutcomeNotEnd
	case s.Outcome != "" && !slices.Contains(knownOutcomes, s.Outcome):
		return CodeUnknownOutcome
	}
	return ""
}

func (d Definition) actionProblems(a Action, before []Action) []Problem {
	var ps []Problem
	add := func(code string) { ps = append(ps, Problem{code, a.Name}) }
	if a.Name == "" {
		add(CodeActionName)
	}
	if slices.ContainsFunc(before, func(o Action) bool { return o.Name == a.Name }) {
		add(CodeDuplicateAction)
	}
	if !a.Labels.complete() {
		add(CodeActionLabel)
	}
	for _, code := range d.endpointProblems(a) {
		add(code)
	}
	for _, code := range a.roleProblems() {
		add(code)
	}
	return ps
}

// endpointProblems reports each kind of bad endpoint once per action, however
// many of its From entries share it, to keep the list readable.
func (d Definition) endpointProblems(a Action) []string {
	var codes []string
	if len(a.From) == 0 {
		codes = append(codes, CodeNoFrom)
	}
	unknown, fromEnd := false, false
	for _, name := range a.From {
		s, ok := d.State(name)
		unknown = unknown || !ok
		fromEnd = fromEnd || s.End
	}
	if unknown {
		codes = append(codes, CodeUnknownFrom)
	}
	if fromEnd {
		codes = append(codes, CodeLeavesEnd)
	}
	if _, ok := d.State(a.To); !ok {
		codes = append(codes, CodeUnknownTo)
	}
	return codes
}

func (a Action) roleProblems() []string {
	if len(a.Roles) == 0 {
		return []string{CodeNoRoles}
	}
	for _, r := range a.Roles {
		if !slices.Contains(knownRoles, r) {
			return []string{CodeUnknownRole}
		}
	}
	return nil
}

// complete: a label needs text in at least one language; the others may
// wait for a translation (readers get In's fallback with a notice).
func (l Labels) complete() bool {
	for _, lang := range Languages {
		if strings.TrimSpace(l[lang]) != "" {
			return true
		}
	}
	return false
}

// graphProblems finds states no application can reach and states an
// application can enter but never leave for an end: both would strand
// someone's application for good.
func (d Definition) graphProblems() []Problem {
	var starts, ends []string
	for _, s := range d.States {
		if s.Start {
			starts = append(starts, s.Name)
		}
		if s.End {
			ends = append(ends, s.Name)
		}
	}
	forward := d.reach(starts, func(a Action) ([]string, []string) { return a.From, []string{a.To} })
	backward := d.reach(ends, func(a Action) ([]string, []string) { return []string{a.To}, a.From })
	var ps []Problem
	for _, s := range d.States {
		// Without a start everything would be unreachable; no_start says it once.
		if len(starts) > 0 && !forward[s.Name] {
			ps = append(ps, Problem{CodeUnreachable, s.Name})
		}
		if !s.End && len(ends) > 0 && !backward[s.Name] {
			ps = append(ps, Problem{CodeNoWayOut, s.Name})
		}
	}
	return ps
}

// reach returns the states reachable from seeds, following each action from
// the states edge gives as its source to those it gives as its target.
func (d Definition) reach(seeds []string, edge func(Action) (src, dst []string)) map[string]bool {
	seen := map[string]bool{}
	queue := slices.Clone(seeds)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, a := range d.Actions {
			if src, dst := edge(a); slices.Contains(src, name) {
				queue = append(queue, dst...)
			}
		}
	}
	return seen
}

// Empty tells whether l has no text in any language.
func (l Labels) Empty() bool { return !l.complete() }
