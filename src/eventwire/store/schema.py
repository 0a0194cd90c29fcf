"""The database schema as SQLAlchemy Core tables: one place for every column.

Column names are the contract's field names (CONTRACT.md), so a stored value
can be found under the same name in the CLI, the API and the document JSON.
Nested contract values (spans, ranges, id lists) are JSON columns; the whole
document is kept on the article row, so `get_document` returns exactly what
`extract` printed. Every schema change is an Alembic revision in
`store/migrations/versions/`; a test checks that the revisions and this module
agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
Json = JSON().with_variant(JSONB(), "postgresql")


def _now() -> datetime:
    return datetime.now(UTC)


def _article_fk() -> Column:
    return Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"),
                  primary_key=True)


articles = Table(
    "articles", metadata,
    Column("id", String(200), primary_key=True, comment="given id, else sha256 of the text"),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(32), comment="ISO date or datetime"),
    Column("outlet_id", String(100)),
    Column("outlet_name", Text),
    Column("outlet_country", String(3)),
    Column("outlet_affiliation", String(32)),
    Column("language", String(16)),
    Column("dateline_place", String(16)),
    Column("source", Text, comment="where the input came from: path, path:line, -:n"),
    Column("kind", String(16), comment="reader that produced it: txt, html, jsonl, rss"),
    Column("text", Text, nullable=False),
    Column("raw", Text, comment="the input as received (HTML page, JSON line, text)"),
    Column("document", Json, nullable=False, comment="the eventwire/document/1 record"),
    Column("created_at", DateTime(timezone=True), nullable=False, default=_now),
    # 0004: identity, versions, copies and the analysis that made the document
    Column("fingerprint", String(64), comment="sha256 of the normalised text: the article's identity"),
    Column("version", Integer, nullable=False, server_default="1", default=1,
           comment="1, then +1 each time the id comes back with new text"),
    Column("copy_of", String(200), comment="id of the stored article this one is a near-copy of"),
    Column("minhash", LargeBinary, comment="MinHash signature of the text (near-copy search)"),
    Column("analysis_version", String(100), comment="eventwire and model versions that analysed it"),
)
Index("ix_articles_published", articles.c.published)
Index("ix_articles_fingerprint", articles.c.fingerprint, unique=True)
Index("ix_articles_outlet_id", articles.c.outlet_id)
Index("ix_articles_copy_of", articles.c.copy_of)  # a near-copy origin's copies (0007)
Index("ix_articles_outlet_affiliation", articles.c.outlet_affiliation)  # facets, affiliation filter (0010)

places = Table(
    "places", metadata,
    _article_fk(),
    Column("id", String(16), primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("geonameid", Integer),
    Column("name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3)),
    Column("admin1", Text),
    Column("feature_code", String(10)),
    Column("precision", String(16)),
    Column("kind", String(16)),
    Column("score", Float),
)
Index("ix_places_geonameid", places.c.geonameid)

times = Table(
    "times", metadata,
    _article_fk(),
    Column("id", String(16), primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("date", String(32)),
    Column("end_date", String(32)),
    Column("granularity", String(16)),
)

actors = Table(
    "actors", metadata,
    _article_fk(),
    Column("id", String(16), primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("name", Text),
    Column("country", String(3)),
    Column("sector", String(16)),
    Column("entity", String(100)),
)
Index("ix_actors_entity", actors.c.entity)
Index("ix_actors_name", actors.c.name)  # API actor filter: entity or name (0006)

claims = Table(
    "claims", metadata,
    _article_fk(),
    Column("id", String(16), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("speaker", Json, comment="{text, start, end, actor} or null"),
    Column("cue", Json, nullable=False),
    Column("content", Json, nullable=False),
    Column("channel", String(32)),
    Column("addressees", Json),
    Column("parent", String(16)),
)

events = Table(
    "events", metadata,
    _article_fk(),
    Column("id", String(16), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("mode", String(32)),
    Column("context", Json),
    Column("actors", Json),
    Column("recipients", Json),
    Column("place", String(16)),
    Column("date", String(32)),
    Column("end_date", String(32)),
    Column("date_precision", String(16)),
    Column("killed", Json),
    Column("injured", Json),
    Column("trigger", Json, nullable=False),
    Column("sentence", Json, nullable=False),
    Column("status", String(16), nullable=False),
    Column("claim", String(16)),
    Column("negated", Boolean, nullable=False, default=False),
    Column("reciprocal", Boolean, nullable=False, server_default=false(),
           comment="a symmetric act: every party is an actor and a recipient (0012)"),
    # flat copies of the ranges and the place, for linking and filtering in SQL
    Column("killed_min", Integer),
    Column("killed_max", Integer),
    Column("injured_min", Integer),
    Column("injured_max", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3), comment="ISO alpha-3 of the event's place (copied, like lat/lon; 0006)"),
)
Index("ix_events_type_date", events.c.type, events.c.date)
# API bbox + dates (0003), covering type, status, country and the article for the filters (0010)
Index("ix_events_date_cover", events.c.date, events.c.lat, events.c.lon, events.c.type, events.c.status,
      events.c.country, events.c.article_id)
Index("ix_events_lat_lon", events.c.lat, events.c.lon)
# API country filter (0006) in page order, with the article for a text filter (0010)
Index("ix_events_country_date_cover", events.c.country, events.c.date, events.c.lat, events.c.lon, events.c.article_id)

framing = Table(
    "framing", metadata,
    _article_fk(),
    Column("n", Integer, primary_key=True, comment="position in the document's framing list"),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("technique", String(64), nullable=False),
    Column("about", String(16)),
)

article_versions = Table(
    "article_versions", metadata,
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("fingerprint", String(64)),
    Column("text", Text, nullable=False),
    Column("raw", Text),
    Column("source", Text),
    Column("document", Json, nullable=False),
    Column("analysis_version", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False, comment="when this version was stored"),
    Column("replaced_at", DateTime(timezone=True), nullable=False, default=_now),
    comment="earlier versions of an article whose id came back with new text",
)

ingest_errors = Table(
    "ingest_errors", metadata,
    Column("key", String(64), primary_key=True,
           comment="sha256 of source, item id, code and message: the same failure is kept once"),
    Column("source", Text),
    Column("item_id", Text),
    Column("code", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, default=_now),
)

# The child tables of an article, keyed by the document section they hold.
SECTIONS: dict[str, Table] = {
    "places": places, "times": times, "actors": actors, "claims": claims, "events": events,
    "framing": framing,
}

# ------------------------------------------------------------------ incidents (eventwire.link)
incidents = Table(
    "incidents", metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(16)),
    Column("mode", String(32)),
    Column("date", String(32)),
    Column("end_date", String(32)),
    Column("date_precision", String(16)),
    Column("place", Json),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3)),
    Column("admin1", Text),
    Column("actors", Json),
    Column("recipients", Json),
    Column("killed_min", Integer),
    Column("killed_max", Integer),
    Column("injured_min", Integer),
    Column("injured_max", Integer),
    Column("grade", String(16), nullable=False),
    Column("grade_reason", Text),
    Column("origins", Integer, nullable=False, default=0),
    Column("n_reports", Integer, nullable=False, default=0),
    Column("record", Json, nullable=False, comment="the eventwire/incident/1 record"),
    Column("linked_at", DateTime(timezone=True), nullable=False, default=_now),
)
Index("ix_incidents_grade", incidents.c.grade)
Index("ix_incidents_date", incidents.c.date)
Index("ix_incidents_country_date", incidents.c.country, incidents.c.date)  # incidents table filters (0006)
Index("ix_incidents_admin1", incidents.c.admin1)
Index("ix_incidents_killed_max", incidents.c.killed_max, incidents.c.id)  # incidents table sorts (0006)
Index("ix_incidents_n_reports", incidents.c.n_reports, incidents.c.id)
Index("ix_incidents_type_date", incidents.c.type, incidents.c.date)  # type filter, facets (0010)

incident_reports = Table(
    "incident_reports", metadata,
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", String(16), primary_key=True),
    Column("incident_id", String(64), ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("outlet", String(100)),
    Column("status", String(16)),
)
Index("ix_incident_reports_incident_id", incident_reports.c.incident_id)

incident_corrections = Table(
    "incident_corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(16), nullable=False, comment="merge, split or grade"),
    Column("incident", String(64), nullable=False, comment="the incident id as the person named it"),
    Column("other", String(64), comment="merge: the incident merged into it"),
    Column("event", Text, comment="split: the report key <article>:<event> taken out"),
    Column("grade", String(16), comment="grade: the grade set"),
    Column("note", Text),
    Column("anchors", Json, nullable=False, comment="report keys of the incidents when corrected"),
    Column("by", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, default=_now),
    Column("undone_at", DateTime(timezone=True), comment="when undone (kept in the history, no longer applied)"),
    Column("undone_by", String(200)),
)
