"""Data shipped with ozgtrack: source definitions, Themenfelder and the demo catalogue."""
