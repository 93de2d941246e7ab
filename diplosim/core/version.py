"""The version of diplosim, in one place (the package, the CLI and the store read it from here)."""
__version__ = "0.1.0"
