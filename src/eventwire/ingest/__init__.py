"""Readers that turn files, JSON lines and web pages into Articles."""

from eventwire.ingest.article import Article, text_id
from eventwire.ingest.readers import READERS, iter_articles

__all__ = ["Article", "READERS", "iter_articles", "text_id"]
