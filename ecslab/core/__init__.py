"""Core of the engine: simulated clock, event table, ids, errors, seeded randomness."""
