"""Issue 8: the reliability and security suite (docs/RELIABILITY.md reports its figures)."""
