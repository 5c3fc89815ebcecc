//go:build race

package sandbox

// raceEnabled: this binary is built with the race detector, whose runtime
// (ThreadSanitizer) maps far more address space than any limit Command sets
// and aborts when a mapping fails; such builds are test builds only.
const raceEnabled = true
