"""eventwire: attributed, geolocated, dated event records from news reports."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "analyse", "analyse_many"]


def analyse(text: str, published: str | None = None, **kwargs):
    """The contract Document (eventwire/document/1) for one article text."""
    from eventwire.analysis import analyse as _analyse

    return _analyse(text, published, **kwargs)


def analyse_many(items, published: str | None = None, **kwargs):
    """Documents for many articles (texts or Articles), in order, through one nlp.pipe run."""
    from eventwire.analysis import analyse_many as _many

    return _many(items, published, **kwargs)
