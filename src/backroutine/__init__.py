"""backroutine: guided routines for a sore lower back, in the terminal."""

__version__ = "0.1.0"
