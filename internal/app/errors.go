package app

import (
	"errors"
	"fmt"
)

// Exit statuses. 3 follows drush's convention for "security updates
// pending" so existing monitoring keeps working.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitInsecure = 3
)

// errInsecure is returned by commands that found a project needing a
// security update; its message is never printed.
var errInsecure = errors.New("security updates required")

// usageError is a mistake in the command line; the command's usage follows it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitCode is the one place errors become exit statuses.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInsecure):
		return exitInsecure
	case errors.As(err, &ue):
		return exitUsage
	}
	return exitError
}
