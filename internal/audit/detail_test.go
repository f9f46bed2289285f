package audit

import (
	"fmt"
	"testing"
)

func TestSayAndWord(t *testing.T) {
	catalog := map[string]string{
		"audit.detail.calendar.set": "%[1]s: %[2]s",
		"calendar.kind.holiday":     "休業日",
	}
	t1 := func(key string, args ...any) (string, bool) {
		f, ok := catalog[key]
		if !ok {
			return "", false
		}
		return fmt.Sprintf(f, args...), true
	}
	tests := []struct{ summary, want string }{
		{Say("audit.detail.calendar.set", "~calendar.kind.holiday", `年末 "休み"`), `休業日: 年末 "休み"`},
		{"holiday 年末休み", "holiday 年末休み"},                                // an entry from before worded summaries
		{Say("unknown.key", "x"), `{"say":"unknown.key","args":["x"]}`}, // shown as stored rather than lost
		{`{"say":`, `{"say":`},
	}
	for _, tt := range tests {
		if got := Word(tt.summary, t1); got != tt.want {
			t.Errorf("Word(%q) = %q, want %q", tt.summary, got, tt.want)
		}
	}
}
