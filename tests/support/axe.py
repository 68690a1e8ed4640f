"""axe-core in headless Chromium: the WCAG 2.0/2.1 level A and AA violations of an HTML page.

axe-core is installed by npm (``.ci/run``: ``npm install --prefix .ci/node axe-core@4``); ``OZGTRACK_AXE`` may name
its ``axe.min.js``, its package folder or a ``node_modules`` folder instead. A copy of the page gets axe injected
(its Content-Security-Policy, which forbids every script, is left out of the copy only), Chromium loads it with
``--dump-dom`` and a virtual time budget, and a small script writes axe's result into the DOM, base64 so that no
HTML escaping can bend it. Tests skip, saying why, where Chromium or axe-core is absent.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_ENV = "OZGTRACK_AXE"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
_RESULT_ID = "ozgtrack-axe-result"
_CSP = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*', re.IGNORECASE)
_RUNNER = """<script src="axe.min.js"></script>
<script>
(function () {
  function done(value) {
    var out = document.createElement("pre");
    out.id = "%(id)s";
    out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(value))));
    document.documentElement.appendChild(out);
  }
  window.addEventListener("load", function () {
    if (typeof axe === "undefined") { done({error: "axe.min.js did not load"}); return; }
    axe.run(document, {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]})
      .then(function (r) {
        done({version: axe.version, violations: r.violations.map(function (v) {
          return {id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(function (n) { return {target: n.target.join(" "), html: n.html}; })};
        })});
      })
      .catch(function (e) { done({error: String(e)}); });
  });
})();
</script>
"""


@dataclass(frozen=True)
class Violation:
    """One rule axe found broken, with the elements that break it."""

    id: str
    impact: str | None
    help: str
    nodes: tuple[tuple[str, str], ...]  # (CSS selector, the element's HTML)

    def __str__(self) -> str:
        where = "; ".join(f"{target}: {html[:120]}" for target, html in self.nodes[:5])
        return f"{self.id} ({self.impact}): {self.help} – {len(self.nodes)}× – {where}"


def axe_script() -> Path | None:
    """axe-core's ``axe.min.js``: from ``OZGTRACK_AXE``, ``.ci/node`` (as .ci/run installs it), ./node_modules or the
    global npm folders; None where none is found."""
    candidates: list[Path] = []
    if given := os.environ.get(AXE_ENV):
        path = Path(given)
        candidates += [path, path / "axe.min.js", path / "axe-core" / "axe.min.js",
                       path / "node_modules" / "axe-core" / "axe.min.js"]
    for base in (ROOT / ".ci" / "node", ROOT, Path("/usr/local/lib"), Path("/usr/lib"), Path.home() / ".npm-global"):
        candidates.append(base / "node_modules" / "axe-core" / "axe.min.js")
    return next((c for c in candidates if c.is_file() and c.name == "axe.min.js"), None)


def require() -> Path:
    """The axe script, or skip the test with the reason (no Chromium, no axe-core)."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs the Debian package chromium)")
    script = axe_script()
    if script is None:
        pytest.skip(f"axe-core is not installed (.ci/run: npm install --prefix .ci/node axe-core@4; or set {AXE_ENV} "
                    "to its axe.min.js)")
    return script


def violations(page: Path, workdir: Path, tags: tuple[str, ...] = TAGS, width: int = 1280) -> list[Violation]:
    """The WCAG 2.0/2.1 A and AA violations axe-core finds in ``page`` (an HTML file), run in headless Chromium in a
    window ``width`` pixels wide (360: a phone); ``tags`` chooses other rules (``best-practice``: landmarks, one
    ``<h1>``).

    Skips where Chromium or axe-core is absent or Chromium cannot start; fails where axe ran but gave no result.
    """
    script = require()
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(script, workdir / "axe.min.js")
    checked = workdir / f"axe-{page.name}"
    checked.write_text(_with_axe(page.read_text(encoding="utf-8"), tags), encoding="utf-8")
    dom = _dump_dom(checked, workdir / "profile", width)
    found = re.search(f'<pre id="{_RESULT_ID}">([A-Za-z0-9+/=]*)</pre>', dom)
    assert found, f"axe-core gave no result for {page.name}; the browser printed: {dom[-500:]!r}"
    result = json.loads(base64.b64decode(found.group(1)).decode("utf-8"))
    assert "error" not in result, f"axe-core failed on {page.name}: {result['error']}"
    return [Violation(v["id"], v["impact"], v["help"], tuple((n["target"], n["html"]) for n in v["nodes"]))
            for v in result["violations"]]


def _with_axe(html: str, tags: tuple[str, ...]) -> str:
    """The page with the runner before ``</body>``; only the CSP that would block it is left out."""
    runner = _RUNNER % {"id": _RESULT_ID, "tags": json.dumps(list(tags))}
    without_csp = _CSP.sub("", html, count=1)
    head, tag, tail = without_csp.rpartition("</body>")
    assert tag, "the page has no </body>"
    return f"{head}{runner}{tag}{tail}"


def _dump_dom(page: Path, profile: Path, width: int) -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
               f"--window-size={width},900", "--allow-file-access-from-files", "--virtual-time-budget=60000",
               "--dump-dom", page.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Chromium cannot run here: {exc}")
    if done.returncode != 0 or "<html" not in done.stdout:
        pytest.skip(f"Chromium did not start here: {done.stderr[-500:]}")
    return done.stdout


def report(found: list[Violation]) -> str:
    """The violations, one per line, for an assertion message."""
    return "\n".join(map(str, found)) or "(none)"
