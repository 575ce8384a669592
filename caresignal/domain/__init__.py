"""Plain typed records, enums, source schemas and the indicator registry. Imports nothing of ours."""
