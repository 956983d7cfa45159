"""Reading and checking spec files: YAML with positions, JSON Schema, references."""
