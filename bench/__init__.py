"""Benchmarks: each module here has ``main(argv) -> int`` and records its result in results/."""
