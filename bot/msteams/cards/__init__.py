"""Adaptive Cards (schema 1.5) for Tally's replies in Teams: pure builders, each with a plain-text fallback."""
