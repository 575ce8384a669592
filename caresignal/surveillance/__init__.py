"""CareSignal surveillance layer (see DESIGN.md)."""
