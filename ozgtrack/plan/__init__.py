"""The multi-year plan: citizens' proposals, measures with their history, and the plan worksheet."""
