"""Tables for scaling out: analysis versions, the incremental linker's index, feed state.

They live on the same `MetaData` as `store/schema.py` (revision 0005_scale adds them):

* ``articles.analysis_version``: which analysis produced the stored document (filled on
  insert from `eventwire.analysis.version`), so `eventwire reanalyse --outdated` finds old ones;
* ``link_reports``: one row per linkable report (an event after same-sentence fusion) with its
  type, date window (day ordinals) and place, indexed, so new events meet only the stored reports
  of their date and place window, never the whole corpus; each row also keeps its grid square
  and the report itself, packed (revision 0008), so a candidate is not flattened again from its
  document;
  a partial index holds the coarse rows (and those blocked on an earlier day) alone (revision 0011);
* ``link_report_days``: the days a report is blocked on outside its window (an undated event's
  article naming an earlier day), by type and day (revision 0007);
* ``link_terms``: document frequency of each report term (no longer read or kept: the linker's term
  weights are fixed; the table stays for the migrations);
* ``linked_articles``: articles the linker has seen (so an article without linkable events is not
  read again);
* ``feed_state`` / ``feed_entries``: what `eventwire watch` knows of each feed (ETag,
  Last-Modified) and the entries it has already taken.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    or_,
)

from eventwire.store.schema import articles, metadata

VERSION_COLUMN = "analysis_version"
SHORT_DAYS = 10  # reports blocked on more days than this are "wide" (looked up with a longer range)


def _now() -> datetime:
    return datetime.now(UTC)


def _current_version() -> str:
    from eventwire.analysis.version import version

    return version()


# Another revision may add the column too; add it here only when schema.py does not have it.
if VERSION_COLUMN not in articles.c:
    articles.append_column(Column(VERSION_COLUMN, String(64), default=_current_version,
                                  comment="eventwire.analysis.version() of the analysis that made it"))
if not any(ix.name == "ix_articles_analysis_version" for ix in articles.indexes):
    Index("ix_articles_analysis_version", articles.c[VERSION_COLUMN])

link_reports = Table(
    "link_reports", metadata,
    Column("key", String(220), primary_key=True, comment="<article id>:<event id>"),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
    Column("lo", Integer, comment="first day of the date window (ordinal); null when undated"),
    Column("hi", Integer),
    Column("reach", Integer, comment="earliest day blocking puts it on (a day its article names, or lo)"),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(3), comment="the event's own country, else null"),
    Column("fine", Boolean, nullable=False, default=False, comment="a place at district precision or finer"),
    Column("wide", Boolean, nullable=False, default=False, comment="blocked on more than SHORT_DAYS days"),
    Column("cell", Integer, comment="the place's grid square (link.incremental.cell_id), for box lookups"),
    Column("report", LargeBinary, comment="the linker's Report, packed (link.incremental.pack); null: read the "
                                          "document"),
)
# window lookups: equality on type, wide (and country), then a short range of lo
Index("ix_link_reports_type_wide_lo", link_reports.c.type, link_reports.c.wide, link_reports.c.lo)
Index("ix_link_reports_type_wide_country_lo", link_reports.c.type, link_reports.c.wide, link_reports.c.country,
      link_reports.c.lo)
Index("ix_link_reports_type_wide_cell_lo", link_reports.c.type, link_reports.c.wide, link_reports.c.cell,
      link_reports.c.lo)
Index("ix_link_reports_article_id", link_reports.c.article_id)
# a fine place meets, within its country, only the coarse reports and those blocked on a day their article
# names (link.window's `strict` lookups): a partial index of just those rows (revision 0011), so such a
# lookup no longer reads and drops every fine report of the country
COARSE_OR_BACK = or_(link_reports.c.fine.is_(False), link_reports.c.reach < link_reports.c.lo)
Index("ix_link_reports_coarse_country_lo", link_reports.c.type, link_reports.c.wide, link_reports.c.country,
      link_reports.c.lo, sqlite_where=COARSE_OR_BACK, postgresql_where=COARSE_OR_BACK)

link_report_days = Table(
    "link_report_days", metadata,
    Column("key", String(220), primary_key=True, comment="<article id>:<event id>"),
    Column("day", Integer, primary_key=True, comment="a day ordinal outside the report's window"),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(16), nullable=False),
)
Index("ix_link_report_days_type_day", link_report_days.c.type, link_report_days.c.day)
Index("ix_link_report_days_article_id", link_report_days.c.article_id)

link_terms = Table(
    "link_terms", metadata,
    Column("term", String(200), primary_key=True),
    Column("df", Integer, nullable=False, comment="reports with this term"),
)

linked_articles = Table(
    "linked_articles", metadata,
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, default=_now),
)

feed_state = Table(
    "feed_state", metadata,
    Column("url", String(2000), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("checked_at", DateTime(timezone=True)),
    Column("status", Text, comment="the last pull: ok, not modified, or what went wrong"),
)

feed_entries = Table(
    "feed_entries", metadata,
    Column("feed", String(2000), primary_key=True),
    Column("entry", String(64), primary_key=True, comment="sha256 of the entry id or link"),
    Column("article_id", String(200)),
    Column("status", String(16), nullable=False, comment="stored, present or failed"),
    Column("seen_at", DateTime(timezone=True), nullable=False, default=_now),
)

TABLES = (link_reports, link_report_days, link_terms, linked_articles, feed_state, feed_entries)
