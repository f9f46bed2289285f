package ical

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCalendar(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	out := Calendar("Serambi", []Event{{UID: "a@serambi", Start: start, End: start.Add(20 * time.Minute),
		Summary: "リモート窓口（住民記録）; 福岡市, 相談", URL: "https://x.example/fukuoka/appointments"}}, start)
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "DTSTART:20261130T000000Z\r\n", "DTEND:20261130T002000Z\r\n",
		"UID:a@serambi\r\n", "STATUS:CONFIRMED\r\n", "END:VCALENDAR\r\n", `\;`, `\,`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("folding cut a character: %q", l)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	if !strings.Contains(unfolded, `SUMMARY:リモート窓口（住民記録）\; 福岡市\, 相談`) {
		t.Errorf("summary does not unfold back:\n%s", unfolded)
	}
}

// TestSequence: an event with a version carries it, so a calendar replaces
// an older copy of it; one without has no SEQUENCE line.
func TestSequence(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	with := Calendar("Serambi", []Event{{UID: "c@serambi", Start: start, End: start.Add(time.Hour), Summary: "x", Sequence: 3_600_123}}, start)
	if !strings.Contains(with, "\r\nSEQUENCE:3600123\r\n") {
		t.Errorf("no SEQUENCE in\n%s", with)
	}
	if without := Calendar("Serambi", []Event{{UID: "c@serambi", Start: start, End: start.Add(time.Hour), Summary: "x"}}, start); strings.Contains(without, "SEQUENCE") {
		t.Errorf("a SEQUENCE with none given:\n%s", without)
	}
}
