package composer_test

import (
	"fmt"

	"github.com/drupdate/drupdate/resolver/composer"
)

// Drupal checks a module's core_version_requirement against the running
// core. Composer lets pre-releases into plain ranges.
func ExampleSatisfies() {
	for _, core := range []string{"10.3.10", "11.0.0-beta1", "11.1.4", "12.0.0-alpha1"} {
		ok, err := composer.Satisfies(core, "^10.3 || ^11")
		fmt.Println(core, ok, err)
	}
	// Output:
	// 10.3.10 true <nil>
	// 11.0.0-beta1 true <nil>
	// 11.1.4 true <nil>
	// 12.0.0-alpha1 false <nil>
}

// A constraint is compiled once and matched against normalized versions.
func ExampleParseConstraint() {
	c, err := composer.ParseConstraint("^9.5 || ~10.1.0")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	for _, v := range []string{"9.5.11", "10.1.8", "10.2.0"} {
		n, _ := composer.Normalize(v)
		fmt.Println(v, n, c.Matches(n))
	}
	// Output:
	// >= 9.5.0.0-dev, < 10.0.0.0-dev || >= 10.1.0.0-dev, < 10.2.0.0-dev
	// 9.5.11 9.5.11.0 true
	// 10.1.8 10.1.8.0 true
	// 10.2.0 10.2.0.0 false
}
