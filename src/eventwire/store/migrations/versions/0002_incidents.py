"""Incidents: linked reports of one event across outlets, their grades, and people's corrections.
Written to match eventwire.store.incidents (the test comparing migrations and metadata covers it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("end_date", sa.String(length=32), nullable=True),
        sa.Column("date_precision", sa.String(length=16), nullable=True),
        sa.Column("place", JSON, nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("admin1", sa.Text(), nullable=True),
        sa.Column("actors", JSON, nullable=True),
        sa.Column("recipients", JSON, nullable=True),
        sa.Column("killed_min", sa.Integer(), nullable=True),
        sa.Column("killed_max", sa.Integer(), nullable=True),
        sa.Column("injured_min", sa.Integer(), nullable=True),
        sa.Column("injured_max", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("grade_reason", sa.Text(), nullable=True),
        sa.Column("origins", sa.Integer(), nullable=False),
        sa.Column("n_reports", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False, comment="the eventwire/incident/1 record"),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_grade", ["grade"], unique=False)
        batch_op.create_index("ix_incidents_date", ["date"], unique=False)

    op.create_table(
        "incident_reports",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("outlet", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_incident_reports_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_incident_reports_incident_id_incidents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "event_id", name=op.f("pk_incident_reports")),
    )
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.create_index("ix_incident_reports_incident_id", ["incident_id"], unique=False)

    op.create_table(
        "incident_corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False, comment="merge, split or grade"),
        sa.Column("incident", sa.String(length=64), nullable=False,
                  comment="the incident id as the person named it"),
        sa.Column("other", sa.String(length=64), nullable=True, comment="merge: the incident merged into it"),
        sa.Column("event", sa.Text(), nullable=True, comment="split: the report key <article>:<event> taken out"),
        sa.Column("grade", sa.String(length=16), nullable=True, comment="grade: the grade set"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("anchors", JSON, nullable=False, comment="report keys of the incidents when corrected"),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_corrections")),
    )


def downgrade() -> None:
    op.drop_table("incident_corrections")
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_reports_incident_id")
    op.drop_table("incident_reports")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_date")
        batch_op.drop_index("ix_incidents_grade")
    op.drop_table("incidents")
