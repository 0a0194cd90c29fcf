"""Work shared by the CLI, the API and the pages: they parse input and format output, these do the job.

One module per job, the way datasette's CLI and web read the same query functions:

    ingest       store one analysed article, or its error record
    link         link the stored events into incidents (full, or the new articles only)
    corrections  merge, split, regrade (discount) and undo, each re-linking; the history
    read         one incident, one article (document or raw input), events by filter
    export       events and incidents in every export format, with the API's filters
    filters      the query models every reader takes (checked the same on both sides)
    formats      the export writers (JSON lines, ACLED-like CSV, GeoJSON, PLOVER)
    errors       what a service refuses; each front end words it for itself

Services import the store, the linker and the records, never `eventwire.api` or
`eventwire.cli` (tests/test_imports.py checks it).
"""
