"""Test support, one module per subject (formerly ``tests/helpers.py``); import from the module itself.

    name                                                  module
    run, ok, command_paths                                support.cli        the CLI in-process, the command tree
    dump, independent_totals, independent_services,       support.db         reading a test database back
      connect, query, execute, is_postgres                                     (a SQLite path or a PostgreSQL URL)
    Cluster, start, selected                              support.postgres   a throwaway PostgreSQL cluster
                                                                             (OZGTRACK_TEST_DB=postgresql)
    SHARED_DATA, FLAT_CSV, shared_data                    support.data       the real data in ../shared/data
    Server, Reply, Seen                                   support.http       a real HTTP server on 127.0.0.1
    read_flat, leika_rows, leika_csv, leika_zip,          support.catalogue  catalogue files built from the
      fim_items, fim_route, LEIKA_HEADER, FIM_THEMENFELDER                     real flat catalogue
    MailServer, StallingServer, Received                  support.mail       a real SMTP server on 127.0.0.1
    free_port                                             support.net        a free port on 127.0.0.1

``from helpers import X`` becomes ``from support.<module> import X``; ``independent_figures`` (test_mail.py)
is now ``support.db.independent_totals``.

Databases come from the fixtures ``db``, ``town``, ``empty_db`` and ``new_db`` (tests/conftest.py): a SQLite
path, or with ``OZGTRACK_TEST_DB=postgresql`` a PostgreSQL URL. Pass them as ``--db str(db)`` and read
them back with support.db (not sqlite3), and a new test runs on both. A test that is SQLite by nature
(backup files, WAL, locks, file paths) carries ``@pytest.mark.sqlite_only(reason=...)``.
"""
