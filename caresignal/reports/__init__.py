"""CareSignal reports layer (see DESIGN.md)."""
