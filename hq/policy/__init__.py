"""Policy template content: the catalogue of terms, validation, the starter templates, diffs, overrides."""
