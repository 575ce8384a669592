"""CareSignal store layer (see DESIGN.md)."""
