"""The analyst's workbench: an event's country to filter on, indexes for the incidents table and the
actor filter, and undo for corrections.

* ``events.country``: the ISO alpha-3 of the event's place, copied like ``lat``/``lon`` so
  ``GET /api/events?country=`` reads ``ix_events_country_date`` in date order instead of probing
  the places of every event (backfilled here from ``places``);
* ``ix_actors_name``: the actor filter matches an entity id or a name;
* ``ix_incidents_country_date``, ``ix_incidents_admin1``: the incidents table's country and
  province filters; ``ix_incidents_killed_max``, ``ix_incidents_n_reports``: its sorts by deaths
  and by reports (with the id, the tie-break, so a page is read in index order);
* ``incident_corrections.undone_at`` / ``undone_by``: an undone correction stays in the history
  but is no longer applied.

The free-text index (SQLite FTS5 over article titles and texts) is not a table Alembic can
describe; `eventwire.store.queries.ensure_text_index` creates it when the API opens a store.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as b:
        b.add_column(sa.Column("country", sa.String(length=3), nullable=True,
                               comment="ISO alpha-3 of the event's place (copied, like lat/lon; 0006)"))
    op.execute("UPDATE events SET country = (SELECT places.country FROM places WHERE places.article_id = "
               "events.article_id AND places.id = events.place) WHERE place IS NOT NULL")
    op.create_index("ix_events_country_date", "events", ["country", "date"])
    op.create_index("ix_actors_name", "actors", ["name"])
    op.create_index("ix_incidents_country_date", "incidents", ["country", "date"])
    op.create_index("ix_incidents_admin1", "incidents", ["admin1"])
    op.create_index("ix_incidents_killed_max", "incidents", ["killed_max", "id"])
    op.create_index("ix_incidents_n_reports", "incidents", ["n_reports", "id"])
    with op.batch_alter_table("incident_corrections") as b:
        b.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True,
                               comment="when undone (kept in the history, no longer applied)"))
        b.add_column(sa.Column("undone_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_corrections") as b:
        b.drop_column("undone_by")
        b.drop_column("undone_at")
    op.drop_index("ix_incidents_n_reports", table_name="incidents")
    op.drop_index("ix_incidents_killed_max", table_name="incidents")
    op.drop_index("ix_incidents_admin1", table_name="incidents")
    op.drop_index("ix_incidents_country_date", table_name="incidents")
    op.drop_index("ix_actors_name", table_name="actors")
    op.drop_index("ix_events_country_date", table_name="events")
    with op.batch_alter_table("events") as b:
        b.drop_column("country")
