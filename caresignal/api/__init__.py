"""CareSignal api layer (see DESIGN.md)."""
