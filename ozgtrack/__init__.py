"""ozgtrack: track how far a town's administrative services are online (OZG, LeiKa)."""

__version__ = "0.1.0"
