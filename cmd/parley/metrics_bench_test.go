package main

import (
	"testing"

	"parley/internal/metrics"
)

// BenchmarkCachedPage1Metrics is BenchmarkCachedPage1 with metrics on
// (--metrics-addr): the difference is what timing a request by route costs
// the hottest path.
func BenchmarkCachedPage1Metrics(b *testing.B) {
	benchCachedPage1(b, handlerConfig{Metrics: metrics.New()})
}
