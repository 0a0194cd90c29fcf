"""The offline gazetteer: `build` compiles it once into the user cache, `load` opens it.

`eventwire gazetteer build` calls `build(cache_dir, force, progress)`.
"""

from __future__ import annotations

from eventwire.gazetteer.builder import GazetteerBuildError, build, build_id, gazetteer_path
from eventwire.gazetteer.index import Gazetteer, load, precision_of

__all__ = ["Gazetteer", "GazetteerBuildError", "build", "build_id", "gazetteer_path", "load", "precision_of"]
