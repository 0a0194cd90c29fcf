"""Work shared by the CLI, the API and the pages: they parse input and format output, these do the job.

One module per job; so far `export` (events and incidents in every export format,
with the API's filters), `ingest` (storing one analysed article, or its error
record) and `corrections` (which report a split names). The rest of issue 17's
services (link, the correction writes, read) follow once the parallel changes to
those paths have landed.
"""
