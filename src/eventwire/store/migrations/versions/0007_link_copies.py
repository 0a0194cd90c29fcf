"""The incremental linker follows every blocking path: near-copies at any date, and the earlier days
an undated event's article names.

* ``ix_articles_copy_of``: the copies of an origin, read by index (a near-copy is compared with its
  origin and the other copies whatever their dates);
* ``link_report_days``: the days a report is blocked on outside its window (an undated event's
  article naming an earlier day: "the Aug. 29 strike"), one row each, indexed by type and day, so a
  new event of that day finds it without reading every report.

Existing stores get the new rows on their next full relink (`eventwire incidents relink`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_copy_of", "articles", ["copy_of"])
    op.create_table(
        "link_report_days",
        sa.Column("key", sa.String(length=220), nullable=False, comment="<article id>:<event id>"),
        sa.Column("day", sa.Integer(), nullable=False, comment="a day ordinal outside the report's window"),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_link_report_days_article_id_articles",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "day", name="pk_link_report_days"),
    )
    op.create_index("ix_link_report_days_type_day", "link_report_days", ["type", "day"])
    op.create_index("ix_link_report_days_article_id", "link_report_days", ["article_id"])


def downgrade() -> None:
    op.drop_table("link_report_days")
    op.drop_index("ix_articles_copy_of", table_name="articles")
