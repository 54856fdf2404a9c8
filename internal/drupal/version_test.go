package drupal

import (
	"errors"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in                  string
		major, minor, extra string
		hasMinor, hasExtra  bool
	}{
		{"8.x-1.3", "1", "", "", false, false},
		{"8.x-1.0-alpha1", "1", "", "alpha1", false, true},
		{"0.1", "0", "", "", false, false},
		{"1.3-alpha1", "1", "", "alpha1", false, true},
		{"0.2.0", "0", "2", "", true, false},
		{"10.2.0-rc1", "10", "2", "rc1", true, true},
		{"8.x-1.x-dev", "1", "", "dev", false, true},
		{"8.x-8.x-dev", "8", "", "dev", false, true},
		{"1.x-dev", "1", "", "dev", false, true},
		{"8.x-dev", "8", "", "dev", false, true},
		{"1.2.x-dev", "1", "2", "dev", true, true},
		{"8.x-1.2+5-dev", "1", "", "dev", false, true},
		{"1.0.0-alpha1+3-dev", "1", "0", "alpha1+3", true, true},
		{"10.x-dev", "10", "", "dev", false, true},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.in)
		if err != nil {
			t.Errorf("ParseVersion(%q) error %v, want major %s", tt.in, err, tt.major)
			continue
		}
		if v.Major != tt.major || v.Minor != tt.minor || v.HasMinor != tt.hasMinor || v.Extra != tt.extra || v.HasExtra != tt.hasExtra {
			t.Errorf("ParseVersion(%q) = major %q minor %q/%v extra %q/%v, want %q %q/%v %q/%v",
				tt.in, v.Major, v.Minor, v.HasMinor, v.Extra, v.HasExtra, tt.major, tt.minor, tt.hasMinor, tt.extra, tt.hasExtra)
		}
		if v.String() != tt.in {
			t.Errorf("ParseVersion(%q).String() = %q", tt.in, v.String())
		}
	}
}

func TestParseVersionInvalid(t *testing.T) {
	for _, in := range []string{"", "8", "x", "xx", "8.x-", "8.x", ".x", ".0", ".1", ".1.0", "1.0.", "x.1", "1.x.0", "1.1.x", "1.1.x-extra", "x.1.1", "1.1.1.1", "1.1.1.0"} {
		if v, err := ParseVersion(in); !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("ParseVersion(%q) = %+v, %v; want ErrInvalidVersion", in, v, err)
		}
	}
	for _, in := range []string{"6.x-1.0", "7.x-1.x", "9.x-1.x", "10.x-1.x", "7.x-1.0"} {
		if _, err := ParseVersion(in); !errors.Is(err, ErrCorePrefix) {
			t.Errorf("ParseVersion(%q) error %v, want ErrCorePrefix", in, err)
		}
	}
}

func TestParseSupportBranch(t *testing.T) {
	for in, major := range map[string]string{"0.": "0", "8.x-1.": "1", "1.2.": "1", "10.4.": "10", "2.": "2"} {
		v, err := ParseSupportBranch(in)
		if err != nil || v.Major != major {
			t.Errorf("ParseSupportBranch(%q) = %q, %v; want %q", in, v.Major, err, major)
		}
	}
	for _, in := range []string{"1.x", "7.x-1.", "8.x-1", ""} {
		if _, err := ParseSupportBranch(in); err == nil {
			t.Errorf("ParseSupportBranch(%q) succeeded, want an error", in)
		}
	}
}

func TestD7Major(t *testing.T) {
	tests := []struct {
		version, explicit string
		hasExplicit       bool
		want              string
	}{
		{"7.x-3.5", "", false, "3"},
		{"7.22", "", false, "7"},
		{"7.x-3.x-dev", "", false, "3"},
		{"7.x-3.5+10-dev", "", false, "3"},
		{"custom", "2", true, "2"},
		{"custom", "", false, "-1"},
		{"7.x-1.0\n", "", false, "1"}, // PCRE's $ matches before a final newline
	}
	for _, tt := range tests {
		if got := D7Major(tt.version, tt.explicit, tt.hasExplicit); got != tt.want {
			t.Errorf("D7Major(%q, %q, %v) = %q, want %q", tt.version, tt.explicit, tt.hasExplicit, got, tt.want)
		}
	}
}

func TestInstallTypeOf(t *testing.T) {
	tests := []struct {
		v       string
		present bool
		want    InstallType
	}{
		{"8.x-1.0", true, InstallOfficial},
		{"8.x-1.2+5-dev", true, InstallDev},
		{"2.1.x-dev", true, InstallDev},
		{"HEAD", true, InstallDev},
		{"", false, InstallUnknown},
		{"", true, InstallOfficial},
	}
	for _, tt := range tests {
		if got := InstallTypeOf(tt.v, tt.present); got != tt.want {
			t.Errorf("InstallTypeOf(%q, %v) = %s, want %s", tt.v, tt.present, got, tt.want)
		}
	}
}

func TestCompareOrder(t *testing.T) {
	// Ascending.
	order := []string{"8.x-1.x-dev", "8.x-1.0-alpha1", "8.x-1.0-beta2", "8.x-1.0-rc1", "8.x-1.0", "8.x-1.1", "1.2.0", "2.0.0-alpha1", "2.0.0", "10.0.0"}
	for i := 1; i < len(order); i++ {
		a, _ := ParseVersion(order[i-1])
		b, _ := ParseVersion(order[i])
		if c := Compare(a, b); c >= 0 {
			t.Errorf("Compare(%q, %q) = %d, want < 0", order[i-1], order[i], c)
		}
	}
}

// FuzzParseVersion checks that parsing never panics, that a parsed version
// prints back as its input, and that Compare is a total order.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"8.x-1.3", "10.2.0-rc1", "1.2.x-dev", "8.x-1.2+5-dev", "1.0.0-alpha1+3-dev", "7.x-1.0", "1e3.0", " 1.0"} {
		f.Add(s, "8.x-1.0", "2.0.0")
	}
	f.Fuzz(func(t *testing.T, x, y, z string) {
		vx, errx := ParseVersion(x)
		if errx != nil {
			return
		}
		if vx.String() != x {
			t.Fatalf("ParseVersion(%q).String() = %q", x, vx.String())
		}
		again, err := ParseVersion(vx.String())
		if err != nil || Compare(again, vx) != 0 {
			t.Fatalf("ParseVersion(%q) does not round-trip: %v", x, err)
		}
		if Compare(vx, vx) != 0 {
			t.Fatalf("Compare(%q, %q) != 0", x, x)
		}
		vy, erry := ParseVersion(y)
		if erry != nil {
			return
		}
		cxy, cyx := Compare(vx, vy), Compare(vy, vx)
		if cxy != -cyx {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", x, y, cxy, y, x, cyx)
		}
		if (cxy == 0) != (x == y) {
			t.Fatalf("Compare(%q, %q) = 0 for different strings", x, y)
		}
		vz, errz := ParseVersion(z)
		if errz != nil {
			return
		}
		if cxy <= 0 && Compare(vy, vz) <= 0 && Compare(vx, vz) > 0 {
			t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", x, y, z, x, z)
		}
	})
}
