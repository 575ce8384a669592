"""CareSignal: open quality surveillance for health services."""

__version__ = "0.1.0"
