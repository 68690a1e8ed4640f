"""Downloads against a real HTTP server on 127.0.0.1."""

from email.utils import format_datetime
from datetime import UTC, datetime, timedelta

import pytest
import requests
from support.http import Reply

from ozgtrack.errors import FetchError
from ozgtrack.settings import HttpSettings
from ozgtrack.sources.fetch import Request, fetch, make_session

FAST = HttpSettings(timeout=1, retries=2, backoff=0.01)


def test_download_is_kept_in_the_cache_with_checksum_and_validators(http_server, tmp_path):
    url = http_server.add("/kataloge/leika.zip", Reply(body=b"PK\x03\x04data", headers={
        "ETag": '"abc"', "Last-Modified": "Wed, 01 Oct 2025 10:00:00 GMT"}))
    seen = []

    fetched = fetch(make_session(), Request(url, cache_dir=tmp_path / "cache"), FAST, progress=lambda d, t: seen.append((d, t)))

    assert fetched.data == b"PK\x03\x04data"
    assert (fetched.etag, fetched.last_modified) == ('"abc"', "Wed, 01 Oct 2025 10:00:00 GMT")
    assert fetched.cache_path.read_bytes() == b"PK\x03\x04data"
    assert fetched.cache_path.name.endswith("-leika.zip")
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [fetched.cache_path.name]  # no partial files left
    assert seen[-1] == (8, 8)
    assert http_server.seen[0].headers["User-Agent"].startswith("ozgtrack/")


def test_sha256_is_of_the_bytes(http_server):
    import hashlib

    fetched = fetch(make_session(), Request(http_server.add("/f", Reply(body=b"abc"))), FAST)
    assert fetched.sha256 == hashlib.sha256(b"abc").hexdigest()


def test_conditional_request_and_not_modified(http_server):
    url = http_server.add("/f", Reply(304))

    fetched = fetch(make_session(), Request(url, etag='"v1"', last_modified="Wed, 01 Oct 2025 10:00:00 GMT"), FAST)

    assert fetched.not_modified and fetched.data is None
    headers = http_server.seen[0].headers
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == ('"v1"', "Wed, 01 Oct 2025 10:00:00 GMT")


def test_client_errors_are_not_retried(http_server):
    url = http_server.add("/missing", Reply(404, b"nope"))
    with pytest.raises(FetchError, match=r"/missing antwortete mit HTTP 404 Not Found"):
        fetch(make_session(), Request(url), FAST)
    assert len(http_server.seen) == 1


def test_size_limit_from_content_length(http_server):
    url = http_server.add("/big", Reply(body=b"x" * 5000))
    with pytest.raises(FetchError, match="hat 5.000 Bytes, mehr als die Grenze von 1.000"):
        fetch(make_session(), Request(url), HttpSettings(max_bytes=1000))


def test_retry_after_as_http_date(http_server):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    url = http_server.add("/f", Reply(503, headers={"Retry-After": when}), Reply(body=b"ok"))
    waits = []

    fetched = fetch(make_session(), Request(url), FAST, sleep=waits.append)

    assert fetched.data == b"ok"
    assert len(waits) == 1 and 0 <= waits[0] <= 1.0


def test_backoff_doubles(http_server):
    url = http_server.add("/f", Reply(502), Reply(502), Reply(body=b"ok"))
    waits = []
    fetch(make_session(), Request(url), HttpSettings(retries=3, backoff=0.5), sleep=waits.append)
    assert waits == [0.5, 1.0]


def test_connection_refused_is_a_clear_error():
    with pytest.raises(FetchError, match=r"http://127.0.0.1:9/f ließ sich nicht herunterladen: Verbindung gescheitert .* \(nach 3 Versuchen\)"):
        fetch(make_session(), Request("http://127.0.0.1:9/f"), FAST, sleep=lambda s: None)


def test_messages_do_not_show_credentials_or_query(http_server):
    url = http_server.add("/f", Reply(500)).replace("http://", "http://user:secret@") + "?token=geheim"
    with pytest.raises(FetchError) as caught:
        fetch(make_session(), Request(url), FAST, sleep=lambda s: None)
    assert "secret" not in str(caught.value) and "geheim" not in str(caught.value)


def test_injected_session_is_used(http_server):
    session = requests.Session()
    session.headers["pvog-sud-api-client-id"] = "ozgtrack-test"
    fetch(session, Request(http_server.add("/f", Reply(body=b"ok"))), FAST)
    assert http_server.seen[0].headers["pvog-sud-api-client-id"] == "ozgtrack-test"
