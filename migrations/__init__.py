"""Alembic migrations of the ozgtrack database (shipped as ``ozgtrack.migrations``)."""
