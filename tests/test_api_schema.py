"""Schemathesis against the OpenAPI schema: every operation with generated valid and invalid
requests (a bounded number of examples, so CI stays quick), on a copy of the API test database.

It checks that no request makes a server error, that every status and content type answered is
the one documented, that bodies match their schemas, and that data the schema rejects is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store_helpers import copy_db

schemathesis = pytest.importorskip("schemathesis")
from click.testing import CliRunner  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from eventwire.cli import cli  # noqa: E402

WEB = Path(__file__).resolve().parent / "data" / "web"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory, shared, nlp):
    from eventwire.api import create_app
    from eventwire.settings import load_settings

    path = tmp_path_factory.mktemp("schema") / "ew.db"
    for args in (["ingest", str(shared / "examples"), str(WEB / "articles.jsonl"), "--db", str(path)],
                 ["link", "--db", str(path)]):
        res = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0, res.output
    copy_db(path, path.with_suffix(".orig"))
    settings_ = load_settings({"db": str(path)})
    settings_.allowed_hosts = "*"  # Schemathesis' ASGI client sends Host: localhost-like names of its own
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_))


# operations that refuse some schema-valid input on purpose (422 with the reason): a text that is not
# English or is empty after cleaning, a box whose numbers are out of range or reversed
SEMANTIC = {path: [positive_data_acceptance] for path in (
    "/api/articles", "/api/events", "/api/incidents", "/api/map", "/api/places/labels",
    "/api/export/events.{fmt}", "/api/export/incidents.{fmt}")}
EXAMPLES = 25  # per operation and mode: about 45 s here (40 took 72 s with no failure)


def _check(op, mode) -> None:
    """Up to EXAMPLES generated requests to one operation in one mode; the first failure raises."""
    from hypothesis import given

    skip = list(SEMANTIC.get(op.path, []))

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(excluded_checks=skip)

    run()


def test_api_conforms_to_its_schema(api_schema):
    from schemathesis.generation import GenerationMode

    failures: list[str] = []
    n = 0
    for result in api_schema.get_all_operations():
        op = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode == GenerationMode.NEGATIVE and not (op.query or op.path_parameters or op.body):
                continue  # nothing to get wrong
            try:
                _check(op, mode)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected: every operation is tried
                failures.append(f"{op.method.upper()} {op.path} ({mode}): {str(exc)[:1500]}")
            n += 1
    assert n >= 30
    assert not failures, "\n\n".join(failures)
