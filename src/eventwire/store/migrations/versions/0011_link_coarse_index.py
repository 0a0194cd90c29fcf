"""Link index: a partial index of the coarse reports (and those blocked on a day their article names).

The incremental linker's `strict` window lookups (`link.window`: a fine place meets, within its
country, only coarse places and reports blocked on an earlier day their article names) read
``ix_link_reports_type_wide_country_lo`` and dropped every fine report of the country after reading
its row: about five rows read per row kept. ``ix_link_reports_coarse_country_lo`` holds only the rows
such a lookup keeps (``fine IS false OR reach < lo``), a small part of the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_WHERE = sa.or_(sa.column("fine").is_(False), sa.column("reach") < sa.column("lo"))


def upgrade() -> None:
    op.create_index("ix_link_reports_coarse_country_lo", "link_reports", ["type", "wide", "country", "lo"],
                    sqlite_where=_WHERE, postgresql_where=_WHERE)


def downgrade() -> None:
    op.drop_index("ix_link_reports_coarse_country_lo", table_name="link_reports")
