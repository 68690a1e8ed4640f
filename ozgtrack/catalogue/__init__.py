"""The catalogue: LeiKa and OZG services, their sync, releases and grouping data."""
