"""Analyses of the town's view: gaps, trends, baselines. Result values only; no formatting here."""
