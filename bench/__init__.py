"""`make bench`: page timings against databases seeded at scale 1 and 10 (see docs/benchmarks.md)."""
