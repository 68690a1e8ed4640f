"""Plain values the commands show and the renderers take: no SQLAlchemy here."""
