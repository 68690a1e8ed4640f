"""The database: tables, engine and migrations, the one handle library functions receive."""
