"""Domain core: interchange types, the court network, persistence. Imports nothing from rules/solver/api."""

__version__ = "0.1.0"
