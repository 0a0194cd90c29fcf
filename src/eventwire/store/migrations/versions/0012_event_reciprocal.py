"""Events: the ``reciprocal`` flag of the document record (a symmetric act: "X met Y", "X and Y
agreed"), so `GET /api/events` and the CLI show what the article page shows. Rows stored before
it read false until their article is analysed again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("reciprocal", sa.Boolean(), nullable=False, server_default=sa.false(),
                                   comment="a symmetric act: every party is an actor and a recipient (0012)"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("reciprocal")
