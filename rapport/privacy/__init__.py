"""A person's data across every app: their export, and their erasure."""
