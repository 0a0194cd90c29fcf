"""The read queries behind the CLI, the REST API and the web pages: one function per question.

`eventwire incidents`, `GET /api/incidents` and the map page all call
`list_incidents`; `GET /api/events` calls `list_events`; the article search and
the article page call `search_articles` and `get_document`; the incident page and
`GET /api/incidents/{id}` call `get_incident`. Each formats the same rows, so
the three front ends cannot disagree. Core expressions with bound values only.

One module per job; every public name is re-exported here, so callers import
`eventwire.store.queries` (as `Q`) and need not know which module holds what:

* `filters`: the filter sets (`EventFilters`, `IncidentFilters`, `parse_bbox`);
* `search`: the SQLite text and actor indexes and the free-text conditions;
* `events`: the events page and export (`list_events`, `iter_events`);
* `incident_list`: the incidents table, its total, the map and the facets;
* `timeline`: incidents counted per day, week, month or year;
* `detail`: one incident with its reports' articles and claim chains;
* `articles`: article search, one document, an article's incidents, delete;
* `lists`: the outlets and actors lists.
"""

from __future__ import annotations

from eventwire.records import GRADES
from eventwire.store.queries.articles import (
    article_incident_list,
    article_incidents,
    delete_article,
    get_document,
    search_articles,
)
from eventwire.store.queries.detail import claim_chain, get_incident, incident_record
from eventwire.store.queries.events import LONG_WINDOW_DAYS, SMALL_BOX_DEG2, iter_events, list_events
from eventwire.store.queries.filters import BBox, EventFilters, IncidentFilters, filters_from, parse_bbox
from eventwire.store.queries.incident_list import (
    INCIDENT_SORTS,
    MAP_COLUMNS,
    TEXT_TOTAL_CAP,
    TOTAL_CAP,
    count_incidents,
    distinct_values,
    incident_facets,
    incident_total,
    list_incidents,
    map_incidents,
)
from eventwire.store.queries.lists import list_actors, list_outlets
from eventwire.store.queries.search import (
    ACTOR_INDEX,
    SAMPLE_SHARE,
    TEXT_INDEX,
    count_text_articles,
    ensure_actor_index,
    ensure_search_indexes,
    ensure_text_index,
    estimate_text_articles,
    fts_query,
)
from eventwire.store.queries.timeline import TIMELINE_UNITS, incident_timeline, timeline_unit

__all__ = [
    "ACTOR_INDEX", "GRADES", "INCIDENT_SORTS", "LONG_WINDOW_DAYS", "MAP_COLUMNS", "SAMPLE_SHARE",
    "SMALL_BOX_DEG2", "TEXT_INDEX", "TEXT_TOTAL_CAP", "TIMELINE_UNITS", "TOTAL_CAP", "BBox", "EventFilters",
    "IncidentFilters", "article_incident_list", "article_incidents", "claim_chain", "count_incidents",
    "count_text_articles", "delete_article", "distinct_values", "ensure_actor_index", "ensure_search_indexes",
    "ensure_text_index", "estimate_text_articles", "filters_from", "fts_query", "get_document", "get_incident",
    "incident_facets", "incident_record", "incident_timeline", "incident_total", "iter_events", "list_actors",
    "list_events", "list_incidents", "list_outlets", "map_incidents", "parse_bbox", "search_articles",
    "timeline_unit",
]
