"""Indexes that let the events filters, the filter lists and the incidents type filter read an index
instead of a table.

* ``ix_events_date_cover`` (date, lat, lon, type, status, country, article_id) replaces
  ``ix_events_date_lat_lon``: `GET /api/events` walks it newest first and tests type, status,
  country and (by article) the text filter inside the index, so only the page's rows are read from
  the table (a medium word's page read ~2,000 event rows to keep 100);
* ``ix_events_country_date_cover`` (country, date, lat, lon, article_id) replaces
  ``ix_events_country_date``: the country filter in page order, with the article for a text filter;
* ``ix_incidents_type_date``: the incidents table's type filter in date order, and the types the
  filters offer (`queries.incident_facets` reads distinct values one index seek each);
* ``ix_articles_outlet_affiliation``: the affiliations the filters offer, and the affiliation filter.

Without them `/api/facets` read every incident and every article (about 230 ms CPU at 330,000
incidents and 100,000 articles).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def _analyze(*names: str) -> None:
    """SQLite plans from sqlite_stat1: a store that has statistics gets them for the new indexes too
    (the box-over-years skip-scan needs them), one pass over each index."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for name in names:
            op.execute(f"ANALYZE {name}")


def upgrade() -> None:
    op.drop_index("ix_events_date_lat_lon", table_name="events")
    op.create_index("ix_events_date_cover", "events", ["date", "lat", "lon", "type", "status", "country", "article_id"])
    op.drop_index("ix_events_country_date", table_name="events")
    op.create_index("ix_events_country_date_cover", "events", ["country", "date", "lat", "lon", "article_id"])
    op.create_index("ix_incidents_type_date", "incidents", ["type", "date"])
    op.create_index("ix_articles_outlet_affiliation", "articles", ["outlet_affiliation"])
    _analyze("ix_events_date_cover", "ix_events_country_date_cover", "ix_incidents_type_date",
             "ix_articles_outlet_affiliation")


def downgrade() -> None:
    op.drop_index("ix_articles_outlet_affiliation", table_name="articles")
    op.drop_index("ix_incidents_type_date", table_name="incidents")
    op.drop_index("ix_events_country_date_cover", table_name="events")
    op.create_index("ix_events_country_date", "events", ["country", "date"])
    op.drop_index("ix_events_date_cover", table_name="events")
    op.create_index("ix_events_date_lat_lon", "events", ["date", "lat", "lon"])
