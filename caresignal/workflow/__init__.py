"""CareSignal workflow layer (see DESIGN.md)."""
