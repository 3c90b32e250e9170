"""The Textual TUI: one client of the core."""
