"""Errors ozgtrack reports to its user: one sentence saying what is wrong and what to do."""


class OzgtrackError(Exception):
    """Base class; the CLI prints the message and exits with code 1."""

    exit_code = 1


class ConfigError(OzgtrackError):
    """The configuration file or an environment variable is unusable."""


class SourceError(OzgtrackError):
    """An input file or network answer is not what the source format promises."""


class FetchError(OzgtrackError):
    """A download failed (network, HTTP status, size limit, wrong content)."""


class DatabaseError(OzgtrackError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(OzgtrackError):
    """A key, release or other record named by the user does not exist."""


class InputError(OzgtrackError):
    """A value the user gave (an option, a worksheet cell) is not valid."""


class ConflictError(OzgtrackError):
    """A change based on a state that someone else has changed since (the optimistic version check)."""


class UsageError(InputError):
    """The command was called without what it needs to act (as click's usage errors: exit code 2)."""

    exit_code = 2
