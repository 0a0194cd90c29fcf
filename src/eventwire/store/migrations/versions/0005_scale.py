"""Scale-out: analysis versions on articles, the incremental linker's index, feed state.
Written to match eventwire.store.scale. The analysis_version column and its index are added
only when missing (another revision may bring them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    ins = sa.inspect(op.get_bind())
    if "analysis_version" not in {c["name"] for c in ins.get_columns("articles")}:
        with op.batch_alter_table("articles") as batch:
            batch.add_column(sa.Column("analysis_version", sa.String(length=64), nullable=True,
                                       comment="eventwire.analysis.version() of the analysis that made it"))
    if "ix_articles_analysis_version" not in {i["name"] for i in ins.get_indexes("articles")}:
        op.create_index("ix_articles_analysis_version", "articles", ["analysis_version"])
    op.create_table(
        "link_reports",
        sa.Column("key", sa.String(length=220), nullable=False, comment="<article id>:<event id>"),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("lo", sa.Integer(), nullable=True,
                  comment="first day of the date window (ordinal); null when undated"),
        sa.Column("hi", sa.Integer(), nullable=True),
        sa.Column("reach", sa.Integer(), nullable=True,
                  comment="earliest day blocking puts it on (a day its article names, or lo)"),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True, comment="the event's own country, else null"),
        sa.Column("fine", sa.Boolean(), nullable=False, comment="a place at district precision or finer"),
        sa.Column("wide", sa.Boolean(), nullable=False, comment="blocked on more than SHORT_DAYS days"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_link_reports_article_id_articles",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", name="pk_link_reports"),
    )
    op.create_index("ix_link_reports_type_wide_lo", "link_reports", ["type", "wide", "lo"])
    op.create_index("ix_link_reports_type_wide_country_lo", "link_reports", ["type", "wide", "country", "lo"])
    op.create_index("ix_link_reports_article_id", "link_reports", ["article_id"])
    op.create_table(
        "link_terms",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False, comment="reports with this term"),
        sa.PrimaryKeyConstraint("term", name="pk_link_terms"),
    )
    op.create_table(
        "linked_articles",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name="fk_linked_articles_article_id_articles",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", name="pk_linked_articles"),
    )
    op.create_table(
        "feed_state",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.Text(), nullable=True, comment="the last pull: ok, not modified, or what went wrong"),
        sa.PrimaryKeyConstraint("url", name="pk_feed_state"),
    )
    op.create_table(
        "feed_entries",
        sa.Column("feed", sa.String(length=2000), nullable=False),
        sa.Column("entry", sa.String(length=64), nullable=False, comment="sha256 of the entry id or link"),
        sa.Column("article_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False, comment="stored, present or failed"),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed", "entry", name="pk_feed_entries"),
    )


def downgrade() -> None:
    for t in ("feed_entries", "feed_state", "linked_articles", "link_terms", "link_reports"):
        op.drop_table(t)
    op.drop_index("ix_articles_analysis_version", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("analysis_version")
