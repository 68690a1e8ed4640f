"""`ozgtrack status check-links`: three states against a real server, redirects recorded, history, reports."""

import json
import pytest
from support.cli import ok, run
from support.db import connect, dump
from support.http import Reply, Seen
from support.net import free_port

# Services of the demo catalogue the demo town may track (Typisierung 5, or unklar by rule).
OK, MOVED, NO_HEAD = "99101001107000", "99115003012000", "99115004000000"
NOT_FOUND, GONE, DEAD_PORT, NO_NAME = "99102013002000", "99102013010000", "99102017002000", "99107023017000"
BLOCKED, BUSY, STALLED, FAILING = "99108001001000", "99089017000000", "99093003001000", "99050012104000"
BROKEN = [NOT_FOUND, GONE, DEAD_PORT, NO_NAME]
QUICK = ("--timeout", "0.5", "--delay", "0")


def head_refused(seen: Seen) -> Reply:
    return Reply(405) if seen.method == "HEAD" else Reply(200, b"<html>da</html>")


@pytest.fixture
def checked_town(town, http_server):
    """The demo town with one status link per kind of answer; returns (database, {key: url})."""
    http_server.add("/ok", Reply(200, b"<html>da</html>"))
    http_server.add("/alt", Reply(301, headers={"Location": "/neu"}))
    http_server.add("/neu", Reply(200, b"<html>umgezogen</html>"))
    http_server.routes["/nohead"] = head_refused
    for path, status in (("/404", 404), ("/410", 410), ("/403", 403), ("/429", 429), ("/503", 503)):
        http_server.add(path, Reply(status))
    http_server.add("/stall", Reply(200, delay=3))
    urls = {OK: "/ok", MOVED: "/alt", NO_HEAD: "/nohead", NOT_FOUND: "/404", GONE: "/410", BLOCKED: "/403",
            BUSY: "/429", FAILING: "/503", STALLED: "/stall"}
    urls = {key: http_server.url(path) for key, path in urls.items()}
    urls[DEAD_PORT] = f"http://127.0.0.1:{free_port()}/antrag"
    urls[NO_NAME] = "https://does-not-exist.invalid/antrag"
    for key, url in urls.items():
        ok("--db", str(town), "status", "set", key, "--stage", "3", "--url", url)
    return town, urls


def results(database):
    found = json.loads(ok("--db", str(database), "status", "check-links", *QUICK, "--format", "json").stdout)
    return {link["key"]: link["result"] for link in found["links"]}


def test_three_states_redirects_and_reasons(checked_town, http_server):
    database, urls = checked_town
    result = run("--db", str(database), "status", "check-links", *QUICK, "--format", "json")

    assert (result.exit_code, result.stderr) == (
        0, "Wolmirstedt, Stadt: 11 Links geprüft: 3 in Ordnung, 4 kaputt, 4 nicht prüfbar.\n")
    found = {link["key"]: link["result"] for link in json.loads(result.stdout)["links"]}

    def expect(key, state, status=None, error=None, final=None, redirects=0):
        return {"url": urls[key], "state": state, "http_status": status, "final_url": final, "redirects": redirects,
                "error": error}

    assert found == {
        OK: expect(OK, "ok", 200),
        MOVED: expect(MOVED, "ok", 200, final=urls[MOVED].replace("/alt", "/neu"), redirects=1),
        NO_HEAD: expect(NO_HEAD, "ok", 200),
        NOT_FOUND: expect(NOT_FOUND, "broken", 404, "nicht gefunden (HTTP 404)"),
        GONE: expect(GONE, "broken", 410, "entfernt (HTTP 410)"),
        DEAD_PORT: expect(DEAD_PORT, "broken", error="Verbindung abgelehnt"),
        NO_NAME: expect(NO_NAME, "broken", error="der Servername existiert nicht (DNS)"),
        BLOCKED: expect(BLOCKED, "unverifiable", 403,
                        "Zugriff verweigert (HTTP 403), vermutlich eine Sperre für automatische Abrufe"),
        BUSY: expect(BUSY, "unverifiable", 429, "zu viele Anfragen (HTTP 429); später erneut prüfen"),
        FAILING: expect(FAILING, "unverifiable", 503, "Serverfehler (HTTP 503)"),
        STALLED: expect(STALLED, "unverifiable", error="keine Antwort innerhalb von 0.5 s"),
    }
    # HEAD first; GET only where HEAD was not ok, and not after 429 (the server asked to slow down).
    methods = {path: [s.method for s in http_server.requests_to(path)] for path in ("/ok", "/nohead", "/403", "/429")}
    assert methods == {"/ok": ["HEAD"], "/nohead": ["HEAD", "GET"], "/403": ["HEAD", "GET"], "/429": ["HEAD"]}
    assert {s.headers["User-Agent"].split(" ")[0].split("/")[0] for s in http_server.seen} == {"ozgtrack"}


def test_the_table_lists_what_is_not_ok_broken_first(checked_town):
    database, urls = checked_town
    result = run("--db", str(database), "status", "check-links", *QUICK)

    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and lines[0].split() == ["Schlüssel", "Leistung", "Befund", "HTTP", "Link", "Grund"]
    assert [(line.split()[0], "kaputt" in line, "nicht prüfbar" in line) for line in lines[2:]] == [
        *[(key, True, False) for key in sorted(BROKEN)],
        *[(key, False, True) for key in sorted([BLOCKED, BUSY, STALLED, FAILING])]]


def test_every_check_is_stored_and_the_newest_is_shown(checked_town):
    database, urls = checked_town
    results(database)
    results(database)

    with connect(database) as connection:
        stored = connection.execute("SELECT count(*), count(DISTINCT checked_at) FROM link_check").fetchone()
        redirect = connection.execute(
            "SELECT l.url, state, http_status, final_url, redirects FROM link_check l "
            "JOIN leika_service s ON s.id = l.service_id WHERE s.key = ?", (MOVED,)).fetchall()
        newest = connection.execute("SELECT max(checked_at) FROM link_check").fetchone()[0]
    assert stored == (22, 2)
    assert redirect == [(urls[MOVED], "ok", 200, urls[MOVED].replace("/alt", "/neu"), 1)] * 2
    shown = json.loads(ok("--db", str(database), "status", "show", NOT_FOUND, "--format", "json").stdout)[0]
    assert shown["link_check"] == {"state": "broken", "checked_at": str(newest).replace(" ", "T") + "Z",
                                   "http_status": 404, "final_url": None, "redirects": 0,
                                   "error": "nicht gefunden (HTTP 404)"}


def test_list_marks_and_filters_broken_links(checked_town):
    database, urls = checked_town
    results(database)

    broken = json.loads(ok("--db", str(database), "status", "list", "--broken", "--format", "json").stdout)
    table = ok("--db", str(database), "status", "list").stdout.splitlines()
    marked = {line.split()[0]: line.rstrip().endswith("kaputt") for line in table[2:]}
    assert [v["key"] for v in broken] == sorted(BROKEN)
    assert table[0].split()[-1] == "Linkprüfung" and {k for k, m in marked.items() if m} == set(BROKEN)


def test_a_check_of_an_earlier_url_says_nothing_about_the_new_one(checked_town, http_server):
    database, urls = checked_town
    results(database)
    ok("--db", str(database), "status", "set", NOT_FOUND, "--url", http_server.url("/ok"))

    shown = json.loads(ok("--db", str(database), "status", "show", NOT_FOUND, "--format", "json").stdout)[0]
    broken = json.loads(ok("--db", str(database), "status", "list", "--broken", "--format", "json").stdout)
    assert shown["link_check"] is None and [v["key"] for v in broken] == sorted([GONE, DEAD_PORT, NO_NAME])


def test_dry_run_checks_and_stores_nothing(checked_town):
    database, urls = checked_town
    before = dump(database)
    result = run("--db", str(database), "status", "check-links", *QUICK, "--dry-run")

    assert (result.exit_code, result.stderr) == (0, "Wolmirstedt, Stadt: 11 Links geprüft: 3 in Ordnung, 4 kaputt, "
                                                    "4 nicht prüfbar. (Probelauf, nichts gespeichert)\n")
    assert dump(database) == before


def test_no_links_to_check(town):
    result = run("--db", str(town), "status", "check-links")

    assert (result.exit_code, result.stderr) == (
        0, "Wolmirstedt, Stadt: kein Status hat einen Online-Link (http/https); nichts zu prüfen.\n")


def test_when_no_name_resolves_the_resolver_is_the_problem_not_the_links(town):
    for key, host in ((OK, "eins.invalid"), (MOVED, "zwei.invalid")):
        ok("--db", str(town), "status", "set", key, "--url", f"https://{host}/antrag")

    found = results(town)

    assert {k: (r["state"], r["error"]) for k, r in found.items()} == {
        k: ("unverifiable", "kein Servername ließ sich auflösen; ist die Namensauflösung (DNS) dieses Rechners "
            "gestört?") for k in (OK, MOVED)}


def test_the_deadline_ends_the_run(town, http_server):
    for key, path in ((OK, "/a"), (MOVED, "/b")):
        ok("--db", str(town), "status", "set", key, "--url", http_server.add(path, Reply(200, delay=5)))

    result = run("--db", str(town), "status", "check-links", "--per-host", "1", "--deadline", "1", "--format", "json")

    found = {link["key"]: link["result"] for link in json.loads(result.stdout)["links"]}
    assert result.exit_code == 0 and {r["state"] for r in found.values()} == {"unverifiable"}
    assert {r["error"] for r in found.values()} <= {"keine Antwort innerhalb von 1 s", "keine Antwort innerhalb von "
                                                    "0.1 s", "nicht geprüft: die Gesamtfrist von 1 s war erreicht"}


def test_chapter_and_mail_name_the_broken_links(checked_town, tmp_path):
    database, urls = checked_town
    results(database)
    chapter = ok("--db", str(database), "report", "chapter").stdout
    mail = tmp_path / "bericht.eml"
    ok("--db", str(database), "report", "email", "--dry-run", "-o", str(mail), "--to", "it@wolmirstedt.example",
       env={"OZGTRACK_MAIL_FROM": "ozgtrack@wolmirstedt.example"})

    section = chapter[chapter.index("### Defekte Links"):chapter.index("### Warum noch nicht online")]
    with connect(database) as connection:
        names = dict(connection.execute("SELECT key, name FROM leika_service"))
    assert section.splitlines()[2].startswith("Die Online-Links von 11 Leistungen wurden zuletzt am ")
    assert section.splitlines()[2].endswith(": 4 davon sind kaputt; 4 ließen sich nicht prüfen (Zugriff gesperrt, "
                                            "keine Antwort oder Serverfehler) und gelten nicht als defekt.")
    assert [line.split(" | ")[0].lstrip("| ") for line in section.splitlines()[6:] if line] == sorted(BROKEN)
    assert all(f"{names[key]} ({key}): {urls[key]}" in _text_part(mail) for key in BROKEN)


def _text_part(path):
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    return message.get_body(("plain",)).get_content()
