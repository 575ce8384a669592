"""CareSignal engine layer (see DESIGN.md)."""
