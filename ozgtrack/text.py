"""Text from outside made harmless for people's screens: no control characters."""

from __future__ import annotations

import re

# C0 and C1 controls (BEL, ESC: a terminal acts on them), the bidi embeddings, overrides and isolates that
# reorder what a reader sees, and the invisible direction marks (LRM, RLM, ALM); tab, line feed and carriage
# return are whitespace and handled where they matter. ``ozgtrack.fields`` refuses to store any of them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Text without control characters; line breaks and tabs stay."""
    return CONTROL.sub("", str(text))
