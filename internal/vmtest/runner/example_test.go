package runner_test

import (
	"fmt"

	"github.com/anysock/anysock/internal/vmtest/runner"
)

// The runner's exit status tells the outcomes apart.
func ExampleResult_ExitCode() {
	for _, o := range []runner.Outcome{runner.Passed, runner.HarnessFailed, runner.Panicked, runner.TimedOut} {
		r := runner.Result{Outcome: o}
		fmt.Println(o, r.ExitCode())
	}
	// Output:
	// passed 0
	// harness failed 125
	// guest panicked 126
	// guest timed out 124
}
