"""The store: SQLAlchemy Core over SQLite (a file, the default) or PostgreSQL (a URL).

`open_store(url)` gives an Engine whose schema is at the newest Alembic
revision (applied on first use, like `eventwire db upgrade`); `store.repo`
holds the functions that read and write through a Connection.

Creating and migrating the schema is one transaction under a lock, so a kill
leaves either the old schema or the new one, and concurrent first runs wait for
each other: SQLite takes its write lock first (`BEGIN IMMEDIATE`), PostgreSQL an
advisory lock. SQLite runs in WAL mode with a busy timeout, so readers never
block the writer and a busy writer waits instead of failing.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from eventwire.store import scale as _scale  # noqa: F401 - its tables join schema.metadata (no circle)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30.0  # SQLite waits this long for a lock before a statement fails (then repo retries)
PG_MIGRATION_LOCK = 0x65766E74  # pg_advisory_xact_lock key of schema changes ("evnt")


class SchemaError(RuntimeError):
    """The database holds something eventwire cannot use or repair by itself."""


def engine_for(url: str) -> Engine:
    """An Engine for a database URL; a SQLite file's folder is created, foreign keys are on.

    On SQLite the driver's own transaction handling is off, so a transaction is
    one `BEGIN` ... `COMMIT` that includes DDL; a connection with the execution
    option `sqlite_begin="IMMEDIATE"` takes the write lock when it begins.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _sqlite_events(engine)
    else:
        engine = create_engine(url)
    return engine


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if engine.url.database not in (None, "", ":memory:"):
            with contextlib.suppress(Exception):  # busy now: the next connection switches it
                cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())



def alembic_config(engine: Engine):
    """An Alembic Config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                        .replace("%", "%%"))
    return cfg


def _lock_schema(conn: Connection) -> None:
    """Inside a transaction: wait for any other process changing the schema."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})


def _repair_half_created(conn: Connection) -> None:
    """Drop the tables of an interrupted first run (no revision recorded, every table empty).

    Older versions created tables one statement at a time, so a kill could leave
    some of them and no `alembic_version`; that file could never be opened again.
    Empty tables hold nothing to lose, so they are dropped and created properly; a
    table with rows is left alone and explained.
    """
    from eventwire.store.schema import metadata

    names = set(inspect(conn).get_table_names())
    ours = [t for t in reversed(metadata.sorted_tables) if t.name in names]
    if "alembic_version" in names or not ours:
        return
    full = [t.name for t in ours if conn.execute(text(f'SELECT 1 FROM "{t.name}" LIMIT 1')).first()]
    if full:
        raise SchemaError(
            f"the database has eventwire tables with rows ({', '.join(sorted(full))}) but no schema "
            "revision; it was not made by eventwire or was changed by hand. Back it up, then either "
            "use a new database file or run `alembic stamp` with the revision it matches")
    for t in ours:
        t.drop(conn)


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Apply the migrations up to `revision` in one locked transaction; the revision afterwards."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    cfg = alembic_config(engine)
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        _lock_schema(conn)
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            _repair_half_created(conn)
        if not (revision == "head" and current == head_revision()):
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    return current_revision(engine)


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
