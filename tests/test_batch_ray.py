"""`eventwire batch --engine ray`: Ray in local mode (2 CPUs), the same documents as `ingest`.

Ray is started once for this module and shut down after it; the input is tiny so the
run costs little beyond the actors loading the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from eventwire.cli import cli

ray = pytest.importorskip("ray", reason="Ray is the optional extra eventwire[ray]")


@pytest.fixture(scope="module")
def ray_local():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _docs(db: str) -> dict[str, dict]:
    from eventwire.store import open_store
    from eventwire.store import schema as s

    engine = open_store(f"sqlite:///{db}")
    with engine.connect() as conn:
        return dict(conn.execute(select(s.articles.c.id, s.articles.c.document)).all())


def test_ray_stores_what_ingest_stores(ray_local, shared, nlp, tmp_path: Path):
    lines = (shared / "data" / "bench-news.jsonl").read_text(encoding="utf-8").splitlines()[10:16]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(lines[:4] + ["[1, 2]"]) + "\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(__import__("json").loads(lines[4])["text"], encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "i.db")])
    assert r.exit_code == 1, r.output
    r = runner.invoke(cli, ["batch", str(tmp_path / "in"), "--db", str(tmp_path / "r.db"), "--engine", "ray",
                            "--workers", "2", "--quiet"])
    assert r.exit_code == 1, r.output  # the line that is not an object
    assert "stored           5" in r.output and "failed           1" in r.output
    assert "a.jsonl:5: not a JSON object" in r.output
    want, got = _docs(str(tmp_path / "i.db")), _docs(str(tmp_path / "r.db"))
    assert len(got) == 5 and got == want
    r = runner.invoke(cli, ["batch", str(tmp_path / "in"), "--db", str(tmp_path / "r.db"), "--engine", "ray",
                            "--workers", "2", "--quiet"])
    assert "stored           0" in r.output and "already present  5" in r.output
