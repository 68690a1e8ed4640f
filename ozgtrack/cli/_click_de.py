"""click's own texts in German: "Aufruf:", "Optionen:", "Fehler: Unbekannte Option …", the --help option.

click looks its texts up with ``gettext`` in the process's locale, which under cron or in a
container is C or English; ozgtrack speaks German whatever the locale. So the ``_`` and
``ngettext`` click imported into its modules are replaced by a lookup in the table below; a text
not listed stays as click wrote it. The usage line (``[OPTIONS]``, ``COMMAND [ARGS]...``) and the
metavars click makes up itself (an argument's name, a type's name: ``FILE``, ``KEY``, ``INTEGER``)
are no gettext texts: they go through :data:`USAGE` and :data:`METAVAR`. Installed once, when the
CLI is imported; tests/cli/test_help.py walks every command's help for English left over.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Any

TEXT = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Positional arguments": "Argumente",
    "Error: {message}": "Fehler: {message}",
    "Aborted!": "Abgebrochen.",
    "Try '{command} {option}' for help.": "Hilfe: '{command} {option}'.",
    "Show this message and exit.": "Diese Hilfe zeigen und beenden.",
    "Show the version and exit.": "Die Version zeigen und beenden.",
    "Confirm the action without prompting.": "Ohne Rückfrage ausführen.",
    "Do you want to continue?": "Fortfahren?",
    "Missing command.": "Befehl fehlt.",
    "Missing argument": "Argument fehlt",
    "Missing option": "Option fehlt",
    "Missing parameter": "Parameter fehlt",
    "Missing parameter: {param_name}": "Parameter fehlt: {param_name}",
    "No such option {name!r}.": "Unbekannte Option {name!r}.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Option {name!r} nimmt keinen Wert.",
    "Value must be an iterable.": "Der Wert muss eine Liste sein.",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige Zahl ({number_type}).",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "{value!r} is not a valid UUID.": "{value!r} ist keine gültige UUID.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} ist kein Wahrheitswert. Möglich sind: {states}",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} gibt es nicht.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ist eine Datei.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ist ein Ordner.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht beschreibbar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} ist nicht ausführbar.",
    "Could not open file {filename!r}: {message}": "Datei {filename!r} kann nicht geöffnet werden: {message}",
    "unknown error": "unbekannter Fehler",
    "Choose from:\n\t{choices}": "Möglich sind:\n\t{choices}",
    "env var: {var}": "env: {var}",
    "default: {default}": "Standard: {default}",
    "required": "Pflicht",
    "(dynamic)": "(dynamisch)",
    "deprecated": "veraltet",
    "Repeat for confirmation": "Zur Bestätigung wiederholen",
    "Error: The two entered values do not match.": "Fehler: Die beiden Eingaben stimmen nicht überein.",
    "Error: invalid input": "Fehler: ungültige Eingabe",
}
PLURAL = {
    "Did you mean {possibility}?": ("Meinten Sie {possibility}?", "(Meinten Sie eines von: {possibilities}?)"),
    "Got unexpected extra argument ({args})": ("Überzähliges Argument ({args})", "Überzählige Argumente ({args})"),
    "Option {name!r} requires an argument.": ("Option {name!r} braucht einen Wert.",
                                              "Option {name!r} braucht {nargs} Werte."),
    "{value!r} is not {choice}.": ("{value!r} ist nicht {choice}.", "{value!r} ist keins von {choices}."),
    "{value!r} does not match the format {format}.": ("{value!r} passt nicht zum Format {format}.",
                                                      "{value!r} passt zu keinem der Formate {formats}."),
    "Takes {nargs} values but 1 was given.": ("Braucht {nargs} Werte, 1 wurde angegeben.",
                                              "Braucht {nargs} Werte, {len} wurden angegeben."),
}
# The pieces of a usage line after the command's name: "Aufruf: ozgtrack status [OPTIONEN] BEFEHL [ARGUMENTE]…".
USAGE = {
    "[OPTIONS]": "[OPTIONEN]",
    "COMMAND [ARGS]...": "BEFEHL [ARGUMENTE]…",
    "[COMMAND] [ARGS]...": "[BEFEHL] [ARGUMENTE]…",
    "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]...": "BEFEHL1 [ARGUMENTE]… [BEFEHL2 [ARGUMENTE]…]…",
    "[COMMAND1] [ARGS]... [COMMAND2 [ARGS]...]...": "[BEFEHL1] [ARGUMENTE]… [BEFEHL2 [ARGUMENTE]…]…",
}
# The words click makes a metavar of when a command declares none: an argument's name (``file`` -> FILE) and a
# type's name (``click.INT`` -> INTEGER). Declared metavars ("N", "ARS|NAME") are the command's own and stay.
METAVAR = {
    "FILE": "DATEI", "FILENAME": "DATEI", "PATH": "PFAD", "DIRECTORY": "ORDNER", "KEY": "SCHLÜSSEL",
    "TITLE": "TITEL", "TARGET": "ZIEL", "TEXT": "TEXT", "NAME": "NAME", "ID": "ID", "INTEGER": "ZAHL",
    "FLOAT": "ZAHL", "INTEGER RANGE": "ZAHL", "FLOAT RANGE": "ZAHL", "BOOLEAN": "JA|NEIN", "UUID": "UUID",
    "DATETIME": "DATUM", "OLD": "ALT", "NEW": "NEU", "COMMAND": "BEFEHL", "ARGS": "ARGUMENTE",
}
_WORD = re.compile(r"[A-Z][A-Z_]*(?: RANGE)?")
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def gettext(message: str) -> str:
    return TEXT.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    forms = PLURAL.get(singular, (singular, plural))
    return forms[0] if count == 1 else forms[1]


def metavar(text: str) -> str:
    """A metavar click made up, in German: FILE -> DATEI, [KEY]... -> [SCHLÜSSEL]…; unknown words stay."""
    return _WORD.sub(lambda word: METAVAR.get(word.group(), word.group()), text).replace("...", "…")


def _german_pieces(collect: Callable[..., list[str]]) -> Callable[..., list[str]]:
    @functools.wraps(collect)
    def pieces(self: Any, *args: Any, **kwargs: Any) -> list[str]:
        return [USAGE.get(piece, piece) for piece in collect(self, *args, **kwargs)]

    return pieces


def _german_metavar(make: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(make)
    def make_metavar(self: Any, *args: Any, **kwargs: Any) -> str:
        made = make(self, *args, **kwargs)
        return made if self.metavar is not None else metavar(made)

    return make_metavar


def install() -> None:
    """Put the German lookup where click's modules call ``_`` and ``ngettext``; German usage pieces and metavars."""
    import click

    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    if getattr(click.Command.collect_usage_pieces, "__wrapped__", None):
        return  # installed already
    # Each class wraps what it finds (click 8.1 keeps Group's pieces on MultiCommand); a second pass changes nothing.
    for command in (click.Command, click.Group):
        command.collect_usage_pieces = _german_pieces(command.collect_usage_pieces)
    for parameter in (click.Parameter, click.Argument):
        parameter.make_metavar = _german_metavar(parameter.make_metavar)
    named = click.Argument.human_readable_name  # "Argument fehlt: 'DATEI'"
    click.Argument.human_readable_name = property(lambda self: named.fget(self) if self.metavar is not None
                                                  else metavar(named.fget(self)))
