"""The incremental linker keeps each indexed report packed next to its index row.

* ``link_reports.report``: the linker's `Report` (`link.incremental.pack`), so the stored reports a
  new event may link with are read from the index, not flattened again from their documents
  (about 20 us a report instead of 200 us). Rows without it (older stores, or a report the
  linker's current version cannot read) fall back to the document.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("link_reports", sa.Column("report", sa.LargeBinary(), nullable=True,
                                            comment="the linker's Report, packed (link.incremental.pack); null: "
                                                    "read the document"))


def downgrade() -> None:
    with op.batch_alter_table("link_reports") as batch:
        batch.drop_column("report")
