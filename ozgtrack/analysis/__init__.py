"""Analyses of the town's view: gaps, trends, baselines, roll-ups: queries that fill the pure results of ``views/``."""
