package status

import (
	"strconv"

	"github.com/drupdate/drupdate/internal/phpver"
)

// rawDate is $available['releases'][$v]['date']: the feed's date text, or
// PHP null (compared as "") when absent.
func rawDate(rel *release) (string, bool) {
	if rel == nil || !rel.src.Date.Set {
		return "", false
	}
	return rel.src.Date.Value, true
}

// dateGreater compares two releases' raw dates as PHP compares two strings
// (numerically when both are numeric; null acts as "").
func dateGreater(a, b *release) bool {
	da, _ := rawDate(a)
	db, _ := rawDate(b)
	return phpver.CompareStrings(da, db) > 0
}

// datestampNewer is `$datestamp + 100 > $latest['date']` in PHP 8.
func datestampNewer(datestamp int64, latest *release) bool {
	d, ok := rawDate(latest)
	if !ok {
		// int > null compares as booleans.
		return datestamp+100 != 0
	}
	return greaterIntString(datestamp+100, d)
}

// greaterIntString is PHP 8's `int > string`: numeric strings compare as
// numbers, others compare with the integer's decimal form as strings.
func greaterIntString(n int64, s string) bool {
	if f, ok := phpver.Numeric(s); ok {
		return float64(n) > f
	}
	return strconv.FormatInt(n, 10) > s
}
