"""Renderers: pure functions from result values to text; they never touch the database or the network."""
