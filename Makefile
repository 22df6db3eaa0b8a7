.PHONY: bench

# The gateway benchmark (issue 6): see docs/benchmarks.md. Knobs: BENCH_SECONDS, BENCH_SOAK_SECONDS, ...
bench:
	bench/run.sh
