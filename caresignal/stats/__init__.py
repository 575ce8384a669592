"""CareSignal stats layer (see DESIGN.md)."""
