"""The package version (below everything, so the Lab can stamp saved files with it)."""

__version__ = "0.1.0"
