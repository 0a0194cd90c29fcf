"""Article identity, versions and copies: a fingerprint of the normalised text (unique), the
version number and earlier versions (article_versions), the near-copy mark and MinHash signature,
and the analysis version that made each document.

Existing rows get their fingerprint and signature here; a row whose normalised
text repeats an earlier row's (the same article stored twice under different
ids, e.g. with CRLF) keeps no fingerprint and is marked a copy of the earlier one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as b:
        b.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True,
                               comment="sha256 of the normalised text: the article's identity"))
        b.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False,
                               comment="1, then +1 each time the id comes back with new text"))
        b.add_column(sa.Column("copy_of", sa.String(length=200), nullable=True,
                               comment="id of the stored article this one is a near-copy of"))
        b.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True,
                               comment="MinHash signature of the text (near-copy search)"))
        b.add_column(sa.Column("analysis_version", sa.String(length=100), nullable=True,
                               comment="eventwire and model versions that analysed it"))
    _backfill()
    with op.batch_alter_table("articles", schema=None) as b:
        b.create_index("ix_articles_fingerprint", ["fingerprint"], unique=True)
    op.create_table(
        "article_versions",
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("document", JSON, nullable=False),
        sa.Column("analysis_version", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  comment="when this version was stored"),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_article_versions_article_id_articles"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "version", name=op.f("pk_article_versions")),
        comment="earlier versions of an article whose id came back with new text",
    )


def _backfill() -> None:
    """Fingerprints and signatures of the stored texts, oldest first."""
    from eventwire.ingest.article import fingerprint
    from eventwire.store.dedup import signature, to_bytes

    conn = op.get_bind()
    arts = sa.table("articles", sa.column("id", sa.String), sa.column("text", sa.Text),
                    sa.column("created_at", sa.DateTime), sa.column("fingerprint", sa.String),
                    sa.column("copy_of", sa.String), sa.column("minhash", sa.LargeBinary))
    seen: dict[str, str] = {}
    rows = conn.execute(sa.select(arts.c.id, arts.c.text).order_by(arts.c.created_at, arts.c.id)).all()
    for aid, text in rows:
        fp = fingerprint(text)
        sig = signature(text)
        values = {"minhash": to_bytes(sig) if sig is not None else None}
        if fp in seen:
            values["copy_of"] = seen[fp]
        else:
            seen[fp] = aid
            values["fingerprint"] = fp
        conn.execute(arts.update().where(arts.c.id == aid).values(**values))


def downgrade() -> None:
    op.drop_table("article_versions")
    with op.batch_alter_table("articles", schema=None) as b:
        b.drop_index("ix_articles_fingerprint")
        b.drop_column("analysis_version")
        b.drop_column("minhash")
        b.drop_column("copy_of")
        b.drop_column("version")
        b.drop_column("fingerprint")
