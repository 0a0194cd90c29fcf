"""One default database: `ingest` and `serve` with no --db use the same one, shown by `settings`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

TEXT = "DAMASCUS (Reuters) - Shelling killed 2 people in Douma on Monday, state media said.\n"


def test_fresh_environment_ingest_then_serve_shows_the_article(tmp_path: Path, monkeypatch, nlp):
    import uvicorn

    from eventwire.cli import cli
    from eventwire.settings import load_settings

    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", load_settings().cache_dir)  # the compiled gazetteer, not the DB
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                     ("XDG_CONFIG_HOME", ".config")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("EVENTWIRE_DB", raising=False)
    monkeypatch.delenv("EVENTWIRE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no eventwire.toml here
    (tmp_path / "douma.txt").write_text(TEXT, encoding="utf-8")

    shown = CliRunner().invoke(cli, ["settings"])
    db_line = next(x for x in shown.stdout.splitlines() if x.startswith("db "))
    expected = home / ".local/share/eventwire/eventwire.db"
    assert str(expected) in db_line and db_line.rstrip().endswith("default")

    r = CliRunner().invoke(cli, ["ingest", "douma.txt", "--published", "2018-04-02"])
    assert r.exit_code == 0, r.output
    assert expected.is_file() and not (tmp_path / "eventwire.db").exists()

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
    s = CliRunner().invoke(cli, ["serve"])
    assert s.exit_code == 0, s.output
    assert "home/.local/share/eventwire/eventwire.db" in s.stderr
    listed = TestClient(seen["app"], base_url="http://127.0.0.1").get("/api/articles").json()
    items = listed["items"] if isinstance(listed, dict) else listed
    assert len(items) == 1 and items[0]["events"] == 1
    doc = TestClient(seen["app"], base_url="http://127.0.0.1").get(f"/api/articles/{items[0]['id']}").json()
    assert doc["article"]["text"] == TEXT.strip() or "Douma" in doc["article"]["text"]
