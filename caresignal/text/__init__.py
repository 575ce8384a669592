"""CareSignal text layer (see DESIGN.md)."""
