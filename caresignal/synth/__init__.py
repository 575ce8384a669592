"""CareSignal synth layer (see DESIGN.md)."""
