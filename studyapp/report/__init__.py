"""Rendering for people: exercise sets and worksheets, the progress report (its figures from the store's
queries, Markdown and HTML), Anki packages. No argv, no SQL."""
