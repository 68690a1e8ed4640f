"""The link checker's politeness and the reports' link section, without the CLI."""

import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ozgtrack.evidence.linkcheck import CheckOptions, check_links
from ozgtrack.render.document import to_text
from ozgtrack.render.links import chapter_blocks, mail_blocks
from ozgtrack.views.links import BrokenLink, LinkCheckView, LinkReport, LinkState


class Counting:
    """A real server on 127.0.0.1 that answers slowly and counts how many requests it serves at once."""

    def __init__(self) -> None:
        self.active = self.most = 0
        self.lock = threading.Lock()
        counting = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:  # noqa: N802
                with counting.lock:
                    counting.active += 1
                    counting.most = max(counting.most, counting.active)
                time.sleep(0.4)
                with counting.lock:
                    counting.active -= 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def counting():
    server = Counting()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_one_host_gets_at_most_per_host_requests_at_once(counting):
    urls = [counting.url(f"/seite-{n}") for n in range(6)]

    found = check_links(urls, CheckOptions(timeout=5, concurrency=8, per_host=2, delay=0))

    assert {r.state for r in found.values()} == {LinkState.OK} and set(found) == set(urls)
    assert counting.most == 2


AT = datetime(2026, 11, 25, 8, 30)


def broken(key, department):
    return BrokenLink(key, f"Leistung {key}", department, f"https://example.org/{key}",
                      LinkCheckView(LinkState.BROKEN, AT, 404, None, 0, "nicht gefunden (HTTP 404)"))


def test_a_town_that_never_checked_gets_no_section():
    assert chapter_blocks(None) == [] and mail_blocks(None) == []


def test_a_departments_mail_names_only_its_links():
    links = LinkReport(3, 1, AT, (broken("1", "FB 2"), broken("2", "FB 4")))

    text = to_text(mail_blocks(links, "fb 2"))

    assert text == ("Defekte Links\n-------------\n\n- Leistung 1 (1): https://example.org/1 – "
                    "nicht gefunden (HTTP 404), geprüft am 25.11.2026\n")
    assert to_text(mail_blocks(links, "FB 3")).endswith(
        "Keine – die letzte Prüfung vom 25.11.2026 fand keinen kaputten Link.\n")
