package composer

import (
	"cmp"
	"strings"

	"github.com/drupdate/drupdate/internal/phpver"
)

// Satisfies is Composer's Semver::satisfies: whether version, once
// normalized, meets constraint. A version or constraint Composer cannot
// parse is an error (Composer throws).
func Satisfies(version, constraint string) (bool, error) {
	v, err := Normalize(version)
	if err != nil {
		return false, err
	}
	c, err := ParseConstraint(constraint)
	if err != nil {
		return false, err
	}
	return c.Matches(v), nil
}

// SatisfiedBy is Composer's Semver::satisfiedBy: the versions that satisfy
// constraint, in their original order. Like Composer it fails on the first
// version it cannot normalize, and never looks at the constraint when there
// are no versions.
func SatisfiedBy(versions []string, constraint string) ([]string, error) {
	matched := []string{}
	var c Constraint
	for i, version := range versions {
		v, err := Normalize(version)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if c, err = ParseConstraint(constraint); err != nil {
				return nil, err
			}
		}
		if c.Matches(v) {
			matched = append(matched, version)
		}
	}
	return matched, nil
}

// Sort is Composer's Semver::sort: a new slice with the versions in
// ascending order.
//
// Composer's comparison is not a total order: two different branches are
// each "greater" than the other, as are "1.0" and "1.00". The result then
// depends on the sorting algorithm, so Sort runs the one PHP 8 uses (a
// stable hybrid insertion sort) to give the same order.
//
// Composer throws on a version it cannot normalize; Sort puts those first,
// in their original order, so that it can return a result at all.
func Sort(versions []string) []string {
	type item struct {
		version, normalized string
		index               int
	}
	var invalid []string
	items := make([]item, 0, len(versions))
	for _, v := range versions {
		n, err := Normalize(v)
		if err != nil {
			invalid = append(invalid, v)
			continue
		}
		switch n {
		case "dev-master", "dev-default", "dev-trunk":
			n = "9999999-dev"
		}
		items = append(items, item{v, n, len(items)})
	}
	byVersion := func(a, b item) int {
		switch {
		case a.normalized == b.normalized:
			// PHP 8 makes usort stable by breaking ties on position.
			return cmp.Compare(a.index, b.index)
		case lessThan(a.normalized, b.normalized):
			return -1
		}
		return 1
	}
	zendSort(items, byVersion)
	sorted := append(make([]string, 0, len(versions)), invalid...)
	for _, it := range items {
		sorted = append(sorted, it.version)
	}
	return sorted
}

// lessThan is Comparator::lessThan, which (unlike matching) orders a branch
// against a number with version_compare, but never two branches.
func lessThan(a, b string) bool {
	if strings.HasPrefix(a, "dev-") && strings.HasPrefix(b, "dev-") {
		return false
	}
	return phpver.VersionCompare(a, b) < 0
}

// zendSort is PHP's zend_sort: insertion sort up to 16 elements, otherwise
// quicksort with a median-of-three (or five) pivot, recursing on the
// shorter side. It only matters where cmp is not a consistent order.
func zendSort[T any](s []T, cmp func(a, b T) int) {
	for len(s) > 16 {
		n := len(s)
		offset := n >> 1
		if n>>10 != 0 {
			delta := offset >> 1
			sort5(s, 0, delta, offset, offset+delta, n-1, cmp)
		} else {
			sort3(s, 0, offset, n-1, cmp)
		}
		s[1], s[offset] = s[offset], s[1]
		pivot, i, j := 1, 2, n-1
	partition:
		for {
			for cmp(s[pivot], s[i]) > 0 {
				i++
				if i == j {
					break partition
				}
			}
			j--
			if j == i {
				break
			}
			for cmp(s[j], s[pivot]) > 0 {
				j--
				if j == i {
					break partition
				}
			}
			s[i], s[j] = s[j], s[i]
			i++
			if i == j {
				break
			}
		}
		s[pivot], s[i-1] = s[i-1], s[pivot]
		if i-1 < n-i {
			zendSort(s[:i-1], cmp)
			s = s[i:]
		} else {
			zendSort(s[i:], cmp)
			s = s[:i-1]
		}
	}
	insertSort(s, cmp)
}

func insertSort[T any](s []T, cmp func(a, b T) int) {
	switch len(s) {
	case 0, 1:
		return
	case 2:
		if cmp(s[0], s[1]) > 0 {
			s[0], s[1] = s[1], s[0]
		}
		return
	case 3:
		sort3(s, 0, 1, 2, cmp)
		return
	case 4:
		sort4(s, 0, 1, 2, 3, cmp)
		return
	case 5:
		sort5(s, 0, 1, 2, 3, 4, cmp)
		return
	}
	// shift moves s[i] down to position j.
	shift := func(i, j int) {
		for k := i; k > j; k-- {
			s[k], s[k-1] = s[k-1], s[k]
		}
	}
	// The first six elements: a plain linear search for the slot.
	for i := 1; i < 6 && i < len(s); i++ {
		j := i - 1
		if cmp(s[j], s[i]) <= 0 {
			continue
		}
		for j != 0 {
			j--
			if cmp(s[j], s[i]) <= 0 {
				j++
				break
			}
		}
		shift(i, j)
	}
	// The rest: the search steps back two at a time.
	for i := 6; i < len(s); i++ {
		j := i - 1
		if cmp(s[j], s[i]) <= 0 {
			continue
		}
		for {
			j -= 2
			if cmp(s[j], s[i]) <= 0 {
				j++
				if cmp(s[j], s[i]) <= 0 {
					j++
				}
				break
			}
			if j == 0 {
				break
			}
			if j == 1 {
				j--
				if cmp(s[i], s[j]) > 0 {
					j++
				}
				break
			}
		}
		shift(i, j)
	}
}

func sort3[T any](s []T, a, b, c int, cmp func(x, y T) int) {
	if cmp(s[a], s[b]) <= 0 {
		if cmp(s[b], s[c]) <= 0 {
			return
		}
		s[b], s[c] = s[c], s[b]
		if cmp(s[a], s[b]) > 0 {
			s[a], s[b] = s[b], s[a]
		}
		return
	}
	if cmp(s[c], s[b]) <= 0 {
		s[a], s[c] = s[c], s[a]
		return
	}
	s[a], s[b] = s[b], s[a]
	if cmp(s[b], s[c]) > 0 {
		s[b], s[c] = s[c], s[b]
	}
}

func sort4[T any](s []T, a, b, c, d int, cmp func(x, y T) int) {
	sort3(s, a, b, c, cmp)
	if cmp(s[c], s[d]) > 0 {
		s[c], s[d] = s[d], s[c]
		if cmp(s[b], s[c]) > 0 {
			s[b], s[c] = s[c], s[b]
			if cmp(s[a], s[b]) > 0 {
				s[a], s[b] = s[b], s[a]
			}
		}
	}
}

func sort5[T any](s []T, a, b, c, d, e int, cmp func(x, y T) int) {
	sort4(s, a, b, c, d, cmp)
	if cmp(s[d], s[e]) > 0 {
		s[d], s[e] = s[e], s[d]
		if cmp(s[c], s[d]) > 0 {
			s[c], s[d] = s[d], s[c]
			if cmp(s[b], s[c]) > 0 {
				s[b], s[c] = s[c], s[b]
				if cmp(s[a], s[b]) > 0 {
					s[a], s[b] = s[b], s[a]
				}
			}
		}
	}
}
