.PHONY: bench

# The gateway benchmark (issue 10): every scenario side by side in one run, see docs/benchmarks.md.
# Knobs (environment): BENCH_SECONDS, BENCH_RATES, BENCH_MODES, BENCH_SOAK_SECONDS (300 for the
# 5-minute soak), BENCH_SHIP_SECONDS, BENCH_LITELLM=0, ... (listed in bench/run.sh).
bench:
	bench/run.sh
