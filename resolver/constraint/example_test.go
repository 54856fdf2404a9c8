package constraint_test

import (
	"fmt"

	"github.com/drupdate/drupdate/resolver/constraint"
)

// A module lists "drupal:views (>=8.x-3.1, <4.x)"; Drupal checks the
// installed Views against it.
func ExampleParseDependency() {
	d := constraint.ParseDependency("drupal:views (>=8.x-3.1, <4.x)")
	fmt.Printf("%q %q %q\n", d.Project, d.Name, d.Constraint)
	for _, installed := range []string{"8.x-3.0", "8.x-3.5", "4.0.0", ""} {
		fmt.Printf("%q %v\n", installed, d.IsCompatible(installed))
	}
	// Output:
	// "drupal" "views" ">=8.x-3.1, <4.x"
	// "8.x-3.0" false
	// "8.x-3.5" true
	// "4.0.0" false
	// "" false
}

// Branch constraints need Drupal's rewriting because version_compare puts
// "2.x" below "2.0".
func ExampleNew() {
	c := constraint.New(">1.x, <=3.x, !=2.4-beta3", "8.x")
	fmt.Println(c.Ops())
	// Output:
	// [{> 2.x} {<= 4.x} {!= 2.4-beta3}]
}
