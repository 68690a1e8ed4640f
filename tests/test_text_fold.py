"""The German folds, in one place: umlauts written out, and the umlaut-insensitive search fold."""

import pytest

from ozgtrack.text import fold, spelled_out


@pytest.mark.parametrize(("text", "spelled"), [
    ("Dessau-Roßlau", "dessau-rosslau"),
    ("Börde", "boerde"),
    ("Bo\u0308rde", "boerde"),  # a combining diaeresis is the same letter
    ("ÄÖÜ", "aeoeue"),
])
def test_spelled_out(text, spelled):
    assert spelled_out(text) == spelled


def test_the_search_fold_matches_either_spelling():
    assert fold("Führerschein") == fold("Fuehrerschein") == fold("fuhrerschein")
    assert fold(spelled_out("Börde")) == fold("Börde")
