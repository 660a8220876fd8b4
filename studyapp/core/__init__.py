"""The pure domain core: content, generators, solvers, grading.

Nothing in this package imports Textual, reads the clock or uses global random
state; callers pass the RNG seed (and, later, the clock) in.
"""
