package audit

import (
	"encoding/json"
	"strings"
)

// The trail cannot be edited, and its readers do not share a language, so
// an entry's summary is written as a message to be worded when read: a
// key of the message catalogs ("audit.detail.…") and its arguments, stored
// as a small JSON object. Arguments that start with "~" are message keys
// themselves (a kind of day, a priority) and are worded too. Older entries
// hold plain English text, which readers show as it is.

// detail is the stored form of a worded summary.
type detail struct {
	Key  string   `json:"say"`
	Args []string `json:"args,omitempty"`
}

// Say returns a summary that the audit page words in the reader's
// language with the catalog message key and args.
func Say(key string, args ...string) string {
	b, err := json.Marshal(detail{Key: key, Args: args})
	if err != nil { // strings always marshal; keep the key at least
		return key
	}
	return string(b)
}

// Word writes a summary for a reader: a Say summary through t (the
// reader's catalog lookup, which reports whether it knows the key), any
// other summary as it was stored.
func Word(summary string, t func(key string, args ...any) (string, bool)) string {
	if !strings.HasPrefix(summary, `{"say":`) {
		return summary
	}
	var d detail
	if err := json.Unmarshal([]byte(summary), &d); err != nil || d.Key == "" {
		return summary
	}
	args := make([]any, len(d.Args))
	for i, a := range d.Args {
		args[i] = a
		if key, ok := strings.CutPrefix(a, "~"); ok {
			if worded, known := t(key); known {
				args[i] = worded
			} else {
				args[i] = key
			}
		}
	}
	if worded, known := t(d.Key, args...); known {
		return worded
	}
	return summary
}
