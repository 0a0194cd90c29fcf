"""Initial schema: articles (raw input kept), their places, times, actors, claims, events and
framing, and ingest errors. Written to match eventwire.store.schema (a test compares them).

Revision ID: 0001
Revises:
Create Date: 2026-11-26 08:38:20.732649
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# JSON on SQLite, JSONB on PostgreSQL, as in eventwire.store.schema
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(length=200), nullable=False, comment="given id, else sha256 of the text"),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=32), nullable=True, comment="ISO date or datetime"),
        sa.Column("outlet_id", sa.String(length=100), nullable=True),
        sa.Column("outlet_name", sa.Text(), nullable=True),
        sa.Column("outlet_country", sa.String(length=3), nullable=True),
        sa.Column("outlet_affiliation", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("dateline_place", sa.String(length=16), nullable=True),
        sa.Column(
            "source", sa.Text(), nullable=True, comment="where the input came from: path, path:line, -:n"
        ),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=True,
            comment="reader that produced it: txt, html, jsonl, rss",
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "raw", sa.Text(), nullable=True, comment="the input as received (HTML page, JSON line, text)"
        ),
        sa.Column("document", JSON, nullable=False, comment="the eventwire/document/1 record"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_outlet_id", ["outlet_id"], unique=False)
        batch_op.create_index("ix_articles_published", ["published"], unique=False)

    op.create_table(
        "ingest_errors",
        sa.Column(
            "key",
            sa.String(length=64),
            nullable=False,
            comment="sha256 of source, item id, code and message: the same failure is kept once",
        ),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("item_id", sa.Text(), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ingest_errors")),
    )
    op.create_table(
        "actors",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("sector", sa.String(length=16), nullable=True),
        sa.Column("entity", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_actors_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "id", name=op.f("pk_actors")),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index("ix_actors_entity", ["entity"], unique=False)

    op.create_table(
        "claims",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("speaker", JSON, nullable=True, comment="{text, start, end, actor} or null"),
        sa.Column("cue", JSON, nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("addressees", JSON, nullable=True),
        sa.Column("parent", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_claims_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "id", name=op.f("pk_claims")),
    )
    op.create_table(
        "events",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("context", JSON, nullable=True),
        sa.Column("actors", JSON, nullable=True),
        sa.Column("recipients", JSON, nullable=True),
        sa.Column("place", sa.String(length=16), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("end_date", sa.String(length=32), nullable=True),
        sa.Column("date_precision", sa.String(length=16), nullable=True),
        sa.Column("killed", JSON, nullable=True),
        sa.Column("injured", JSON, nullable=True),
        sa.Column("trigger", JSON, nullable=False),
        sa.Column("sentence", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claim", sa.String(length=16), nullable=True),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("killed_min", sa.Integer(), nullable=True),
        sa.Column("killed_max", sa.Integer(), nullable=True),
        sa.Column("injured_min", sa.Integer(), nullable=True),
        sa.Column("injured_max", sa.Integer(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_events_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_type_date", ["type", "date"], unique=False)

    op.create_table(
        "framing",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, comment="position in the document's framing list"),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("technique", sa.String(length=64), nullable=False),
        sa.Column("about", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_framing_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "n", name=op.f("pk_framing")),
    )
    op.create_table(
        "places",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("geonameid", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("admin1", sa.Text(), nullable=True),
        sa.Column("feature_code", sa.String(length=10), nullable=True),
        sa.Column("precision", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_places_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "id", name=op.f("pk_places")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index("ix_places_geonameid", ["geonameid"], unique=False)

    op.create_table(
        "times",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("end_date", sa.String(length=32), nullable=True),
        sa.Column("granularity", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_times_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "id", name=op.f("pk_times")),
    )


def downgrade() -> None:
    op.drop_table("times")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index("ix_places_geonameid")

    op.drop_table("places")
    op.drop_table("framing")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_type_date")

    op.drop_table("events")
    op.drop_table("claims")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index("ix_actors_entity")

    op.drop_table("actors")
    op.drop_table("ingest_errors")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_published")
        batch_op.drop_index("ix_articles_outlet_id")

    op.drop_table("articles")
