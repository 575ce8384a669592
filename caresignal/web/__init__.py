"""CareSignal web layer (see DESIGN.md)."""
