"""The pure core: routines, timelines, sessions, progression, history.

Nothing in here imports Textual, a sound library, or prints; clients (the TUI, the plain
player, the CLI) build on it. An import-hygiene test keeps it that way.
"""
