"""What every command shares: the root `cli` group, common options, settings and the database.

Command modules (`commands`, `incidents`, `serve`) import from here and register on
`cli`; `eventwire.cli` imports them all, so nothing imports back and there are no circles.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from eventwire import __version__
from eventwire.settings import load_settings

EXIT_ITEM_ERRORS = 1


def _settings(ctx: click.Context, **overrides: Any):
    root = ctx.find_root()
    base = dict(root.obj or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    return load_settings(base)


def db_option(f):
    return click.option("--db", "db", default=None, metavar="FILE|URL",
                        help="SQLite file or database URL (default: user data dir; EVENTWIRE_DB).")(f)


def published_option(f):
    return click.option("--published", default=None, metavar="YYYY-MM-DD",
                        help="Reference date for articles that carry none.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
@click.option("--model", "spacy_model", default=None, help="spaCy model package name (setting spacy_model).")
@click.pass_context
def cli(ctx: click.Context, spacy_model: str | None) -> None:
    """eventwire: attributed, geolocated, dated event records from news reports."""
    ctx.obj = {"spacy_model": spacy_model}


def output_options(*choices: str, default: str | None = None):
    """`--format` with the given choices (the first is the default), shared by data commands."""
    helps = {"json": "indented JSON", "jsonl": "one JSON record per line", "table": "aligned columns",
             "csv": "comma-separated values"}

    def deco(f):
        return click.option(
            "--format", "fmt", type=click.Choice(list(choices)), default=default,
            help="; ".join(f"{c}: {helps.get(c, c)}" for c in choices) + f" (default {default or choices[0]})."
        )(f)
    return deco


def all_option(f):
    return click.option("--all", "all_files", is_flag=True,
                        help="In a directory, read every file (unknown kinds and hidden files as text); "
                             "without it, the files left out are listed on stderr.")(f)


def _skipped(d: dict) -> bool:
    """A directory walk's notice about a file it did not read (reported, not a failure)."""
    return d.get("schema") == "eventwire/error/1" and d.get("code") == "skipped"


def _open_db(settings):
    from sqlalchemy.exc import SQLAlchemyError

    from eventwire.store import open_store

    try:
        return open_store(settings.db)
    except (SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"cannot open database {_shown_db(settings.db)}: {exc}; "
                                   "check --db / EVENTWIRE_DB") from None


def _shown_db(url: str) -> str:
    """The database as a person named it: a SQLite path (relative when under cwd), or a URL sans password."""
    from pathlib import Path

    if not url.startswith("sqlite:///"):
        return url.split("@")[-1]
    p = Path(url.removeprefix("sqlite:///"))
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def print_table(head: list[str], rows: list[list[str]]) -> None:
    """Aligned columns on stdout: the one table printer of the CLI."""
    widths = [max([len(h)] + [len(t[i]) for t in rows]) for i, h in enumerate(head)]
    for line in [head, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


SECTIONS = ("places", "times", "actors", "claims", "events", "framing")


@contextmanager
def refusals(db: str) -> Iterator[None]:
    """What a service refuses (`services.errors`) as a click error in the CLI's words: the command
    that lists the records, the database `db` it looked in, the ids an ambiguous prefix matches."""
    from eventwire.services.errors import Ambiguous, Conflict, NotFound, ServiceError

    try:
        yield
    except NotFound as exc:
        listing = {"article": f"no stored article with id {exc.ident!r} in {db}; list them with eventwire articles",
                   "incident": f"no incident {exc.ident!r} in {db}; list them with eventwire incidents",
                   "correction": f"no correction {exc.ident} in force in {db}; "
                                 "list them with eventwire incidents corrections"}
        raise click.ClickException(listing.get(exc.what, str(exc))) from None
    except Ambiguous as exc:
        shown = (f"id prefix {exc.ident!r} matches several articles ({', '.join(i[:16] for i in exc.matches)}, ...)"
                 if exc.what == "article" else
                 f"{exc.what} prefix {exc.ident!r} matches several ({', '.join(exc.matches)})")
        raise click.ClickException(f"{shown}; give more characters") from None
    except Conflict as exc:
        raise click.ClickException(f"{exc} (in {db}); list them with eventwire incidents corrections") from None
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None



def query_options(model: Any, *, skip: tuple[str, ...] = ()):
    """One option per field of a `services.filters` query model, named and described as the API's
    parameter of that name, so a filter added to the API is an option of the command too."""
    import typing

    def deco(f):
        for name, field in reversed(list(model.model_fields.items())):
            if name in skip:
                continue
            args = [field.annotation, *typing.get_args(field.annotation)]  # X, or X | None
            choices = [c for a in args if typing.get_origin(a) is typing.Literal for c in typing.get_args(a)]
            help_ = field.description or ""
            if choices:
                help_ = f"{help_}; " if help_ else ""
                help_ += "one of " + ", ".join(choices) + (f" (default {field.default})" if field.default else "")
            metavar = "YYYY-MM-DD" if help_.startswith("YYYY-MM-DD") else None
            f = click.option(f"--{name}", name, default=None, metavar=metavar,
                             type=int if name == "limit" else None, help=(help_ or name) + ".")(f)
        return f
    return deco


def checked_query(model: Any, given: dict[str, Any], what: str, build: Any) -> Any:
    """`build(query)` with the options `given` checked by `model` (the API's query model): a value
    the API would refuse is a usage error naming the option and what to give instead."""
    from pydantic import ValidationError

    from eventwire.services.filters import HINTS

    try:
        return build(model.model_validate({k: v for k, v in given.items() if v is not None}))
    except (ValidationError, ValueError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": ("bbox",), "msg": str(exc)}]
        why = "; ".join(f"--{'.'.join(map(str, e['loc']))}: "
                        + (HINTS.get(str(e["loc"][-1]), e["msg"]) if e.get("type") == "string_pattern_mismatch"
                           else e["msg"]) for e in errors)
        raise click.UsageError(f"{what}: {why}") from None
