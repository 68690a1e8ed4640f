"""The test support itself: a setup step that fails stops the test and shows what the command said."""

import pytest
from support.cli import ok
from support.data import shared_data


def test_ok_returns_the_result_of_a_command_that_succeeds(db):
    assert ok("--db", str(db), "catalog", "releases").exit_code == 0


def test_ok_fails_the_test_with_what_the_command_said(db):
    ok("--db", str(db), "catalog", "releases")  # the database exists: no note about creating it
    with pytest.raises(pytest.fail.Exception) as failed:
        ok("--db", str(db), "municipality", "use", "Atlantis")

    assert str(failed.value).startswith(
        f"setup step failed with exit code 1: ozgtrack --db {db} municipality use Atlantis\n--- stdout ---\n\n"
        "--- stderr ---\nFehler: keine Gemeinde namens 'Atlantis'")


def test_the_real_data_is_found_through_a_symlinked_shared_folder(tmp_path):
    (tmp_path / "elsewhere" / "data").mkdir(parents=True)
    (tmp_path / "shared").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    assert shared_data(tmp_path / "checkout") == tmp_path / "elsewhere" / "data"
