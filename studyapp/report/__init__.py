"""Rendering for people: exercise sheets (and, later, progress reports and exports)."""
