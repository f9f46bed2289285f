package sandbox

import "fmt"

// wrapf prefixes a failed operation's error with what was being done and
// on which object ("sandbox: open practice … %s: cause"), set by a defer in
// each exported method; errors.Is and errors.As still find the cause.
func wrapf(err *error, format string, args ...any) {
	if *err != nil {
		*err = fmt.Errorf("sandbox: "+format+": %w", append(args, *err)...)
	}
}
