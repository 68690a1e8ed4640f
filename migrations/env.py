"""Alembic environment: runs on the connection ozgtrack passes in, or on OZGTRACK_DB for developers."""

from alembic import context

from ozgtrack.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs table rebuilds for most ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    # Developer use (`alembic -c ... revision --autogenerate`): the database ozgtrack would open.
    from ozgtrack.config import load_settings
    from ozgtrack.store.db import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or load_settings().db_url)
    with engine.connect() as connection:
        run_migrations(connection)


if context.is_offline_mode():
    raise SystemExit("ozgtrack migrations run online only")
run_online()
