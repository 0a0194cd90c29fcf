"""Work shared by the CLI, the API and the pages: they parse input and format output, these do the job.

One module per job; so far `export` (events and incidents in every export format,
with the API's filters) and `ingest` (storing one analysed article, or its error
record). The rest of issue 17's services (link, correct, read) follow once the
parallel changes to those paths have landed.
"""
