"""Search over every searchable kind, Korean analyzers, indexing in the worker, and deflection."""
