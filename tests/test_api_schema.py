"""Schemathesis against the OpenAPI schema: its own command line (`schemathesis run`, every check,
all four phases: examples, coverage, fuzzing, stateful) against the API served by uvicorn on a free
localhost port, on a copy of the API test database, with a bounded number of examples per operation.

It checks that no request makes a server error, that every status, content type and header answered
is the one documented, that bodies match their schemas, that data the schema rejects is refused, and
that what it accepts is accepted, except where the API refuses schema-valid input on purpose with the
reason (a 422): a box whose numbers are out of range or reversed, a date that does not exist, a text
that is not English, a correction the incident's state does not allow (and a 415 for an upload of a
kind it cannot read). Incidents and corrections are named by real ids, so the calls reach past a 404.

Why the command line and not the pytest plugin (`schemathesis.pytest.from_fixture`): with pytest 9
the plugin fails at the first test, `AttributeError: 'Function' object has no attribute '_nodeid'`
(schemathesis 4.32.5, schemathesis/pytest/lazy.py line 212 reads `request.node._nodeid`, which pytest
9 no longer has: node ids are `Node._id`). The command line is also what a CI job would run.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import cli
from store_helpers import copy_db

pytest.importorskip("schemathesis")

WEB = Path(__file__).resolve().parent / "data" / "web"
EXAMPLES = 10  # per operation and phase: about a minute here
DEFAULT_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]

CONFIG = """
seed = 1
continue-on-failure = true

[generation]
max-examples = {examples}

[parameters]
"path.incident_id" = "{incident}"
"path.correction_id" = {correction}
# (no fixed article id: the stateful phase takes real ones from GET and POST /api/articles, and may
# delete them, so a fixed one would be gone for the next call)


# schema-valid input these operations refuse on purpose, with a 422 saying why: a box out of range
# or reversed, a date that does not exist (2024-02-30)
[[operations]]
include-name-regex = "^GET /api/(events|incidents|map|places/labels|export/.*|articles)$"
checks.positive_data_acceptance.expected-statuses = {accepted_422}

# ... a correction the incident's state does not allow: splitting out a report it does not have, or
# its only report; merging an incident into itself (422, naming its reports)
[[operations]]
include-name-regex = "^POST /api/(incidents|corrections)/"
checks.positive_data_acceptance.expected-statuses = {accepted_422}

# ... and an upload it cannot read: a PDF or an image (415, with the kinds it reads), a text that is
# not English or is empty once cleaned (422)
[[operations]]
include-name = "POST /api/articles"
checks.positive_data_acceptance.expected-statuses = {accepted_upload}
"""


def _free_port() -> int:
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory, shared, nlp):
    """The API on a copy of the test store, served by uvicorn in a thread: (base URL, store path)."""
    import uvicorn

    from eventwire.api import create_app
    from eventwire.settings import load_settings

    tmp = tmp_path_factory.mktemp("schema")
    built = tmp / "built.db"
    for args in (["ingest", str(shared / "examples"), str(WEB / "articles.jsonl"), "--db", str(built)],
                 ["link", "--db", str(built)]):
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0, res.output
    path = tmp / "ew.db"
    copy_db(built, path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(load_settings({"db": str(path)})), host="127.0.0.1",
                                           port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", path
    server.should_exit = True
    th.join(timeout=10)


def _ids(base: str) -> dict[str, str]:
    """A stored incident's id."""
    import httpx

    with httpx.Client(base_url=base) as c:
        incident = c.get("/api/incidents", params={"limit": 1}).json()["items"][0]["id"]
    return {"incident": incident}


def _failures(out: str) -> str:
    """The FAILURES section of the run's output (each request cut short) and its summary."""
    part = out.split("= FAILURES =")[-1].split("= WARNINGS =")[0]
    lines = [x[:300] for x in part.splitlines()]
    return "\n".join(lines[:200]) + "\n" + out.split("= SUMMARY =")[-1]


def test_schemathesis_run_finds_no_failures(served, tmp_path):
    base, _ = served
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if exe is None:
        pytest.skip("the schemathesis command is not installed")
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(examples=EXAMPLES, correction=1, **_ids(base),
                                    accepted_422=json.dumps([*DEFAULT_ACCEPTED, "422"]),
                                    accepted_upload=json.dumps([*DEFAULT_ACCEPTED, "415", "422"])))
    junit = tmp_path / "junit.xml"
    proc = subprocess.run([exe, "--config-file", str(config), "run", f"{base}/openapi.json", "--checks", "all",
                           "--workers", "1", "--no-color", "--report", "junit", "--report-junit-path", str(junit)],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    (tmp_path / "schemathesis.txt").write_text(out)
    assert proc.returncode == 0, _failures(out)
    tested = re.search(r"Tested: (\d+)", out)
    cases = re.search(r"(\d+) generated, (\d+) passed", out)
    assert tested and int(tested.group(1)) >= 20, out[-2000:]  # every operation of the schema
    assert cases and int(cases.group(1)) == int(cases.group(2)) > 500, out[-2000:]
    assert all(f"✅ {phase}" in out for phase in ("Coverage", "Fuzzing", "Stateful")), out[-2000:]
