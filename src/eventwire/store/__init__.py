"""The store: SQLAlchemy Core over SQLite (a file, the default) or PostgreSQL (a URL).

`open_store(url)` gives an Engine whose schema is at the newest Alembic
revision (applied on first use, like `eventwire db upgrade`); `store.repo`
holds the functions that read and write through a Connection.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def engine_for(url: str) -> Engine:
    """An Engine for a database URL; a SQLite file's folder is created, foreign keys are on."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


def alembic_config(engine: Engine):
    """An Alembic Config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Apply the migrations up to `revision`; the revision the database is at afterwards."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = alembic_config(create_engine("sqlite://"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def open_store(url: str) -> Engine:
    """An Engine with the schema at head (migrations applied when behind)."""
    engine = engine_for(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine
