"""The command line (`eventwire`): click is imported only in this package.

`common` holds the root group and shared options; `commands` (extract, ingest,
articles, show, db, gazetteer, schema, settings), `incidents` (link, incidents)
`serve`, `batch` (batch, reanalyse, watch) and `export` register their commands on it when imported here. `eventwire.cli:main`
is the console script; `from eventwire.cli import cli` gives the group.
"""

from __future__ import annotations

from eventwire.cli import batch, commands, export, incidents, serve
from eventwire.cli.common import cli

__all__ = ["cli", "main"]

for _cmd in (*incidents.COMMANDS, *serve.COMMANDS, *batch.COMMANDS, *export.COMMANDS):
    cli.add_command(_cmd)
del _cmd
_ = commands  # its commands register on `cli` as it is imported


def main() -> None:
    cli(prog_name="eventwire")


if __name__ == "__main__":
    main()
