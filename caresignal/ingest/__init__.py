"""CareSignal ingest layer (see DESIGN.md)."""
