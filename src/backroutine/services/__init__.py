"""Use cases shared by the clients (the CLI, the plain player, the TUI): each does one thing the
person asks for, on top of the pure core, and returns what to say; none prints or draws."""
