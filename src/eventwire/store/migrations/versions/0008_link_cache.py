"""The incremental linker keeps each indexed report packed next to its index row, with its grid square.

* ``link_reports.cell``: the place's grid square, indexed with type and date, so a fine place's
  neighbourhood is read by index instead of filtering every place of its days;
* ``link_reports.report``: the linker's `Report` (`link.incremental.pack`), so the stored reports a
  new event may link with are read from the index, not flattened again from their documents
  (about 20 us a report instead of 200 us). Rows without it (older stores, or a report the
  linker's current version cannot read) fall back to the document.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
_SQUARE_DEG = 2.0  # link.incremental.REACH_DEG when this revision was written


def upgrade() -> None:
    op.add_column("link_reports", sa.Column("cell", sa.Integer(), nullable=True,
                                            comment="the place's grid square (link.incremental.cell_id), for "
                                                    "box lookups"))
    op.create_index("ix_link_reports_type_wide_cell_lo", "link_reports", ["type", "wide", "cell", "lo"])
    _fill_cells(op.get_bind())
    op.add_column("link_reports", sa.Column("report", sa.LargeBinary(), nullable=True,
                                            comment="the linker's Report, packed (link.incremental.pack); null: "
                                                    "read the document"))


def _fill_cells(bind) -> None:
    """Grid squares of the rows already indexed (the computation of `link.incremental.cell_id`, written
    out so this revision does not change with the code)."""
    t = sa.table("link_reports", sa.column("key", sa.String), sa.column("lat", sa.Float),
                 sa.column("lon", sa.Float), sa.column("cell", sa.Integer))
    rows = bind.execute(sa.select(t.c.key, t.c.lat, t.c.lon).where(t.c.lat.is_not(None), t.c.lon.is_not(None))).all()
    upd = sa.update(t).where(t.c.key == sa.bindparam("k")).values(cell=sa.bindparam("c"))
    for i in range(0, len(rows), 5000):
        bind.execute(upd, [{"k": k, "c": int(lat // _SQUARE_DEG) * 1000 + int(lon // _SQUARE_DEG)}
                           for k, lat, lon in rows[i:i + 5000]])


def downgrade() -> None:
    op.drop_index("ix_link_reports_type_wide_cell_lo", table_name="link_reports")
    with op.batch_alter_table("link_reports") as batch:
        batch.drop_column("report")
        batch.drop_column("cell")
