"""The reports assembled from the analysis and the plan, as the renderers receive them."""
