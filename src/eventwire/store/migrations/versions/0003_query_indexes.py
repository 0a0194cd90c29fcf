"""Indexes for the API's event filters: dates with a bounding box, and a bounding box alone.

`GET /api/events?bbox=...&since=...&until=...` scans `ix_events_date_lat_lon` in date
order and filters the box inside the index; `ix_events_lat_lon` serves a box without dates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_date_lat_lon", "events", ["date", "lat", "lon"])
    op.create_index("ix_events_lat_lon", "events", ["lat", "lon"])


def downgrade() -> None:
    op.drop_index("ix_events_lat_lon", table_name="events")
    op.drop_index("ix_events_date_lat_lon", table_name="events")
