"""Every command is documented in docs/cli.md and every setting in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

import click

from eventwire.cli import cli
from eventwire.settings import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_documented_and_has_help():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    cmds = list(_commands(cli))
    assert len(cmds) >= 8
    for path, cmd in cmds:
        assert f"## eventwire {' '.join(path)}\n" in text, f"`eventwire {' '.join(path)}` missing from docs/cli.md"
        assert cmd.help, f"`eventwire {' '.join(path)}` has no help text"


def test_every_setting_documented():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, *_ in SETTINGS:
        assert f"| `{name}` |" in text, f"setting {name} missing from docs/settings.md"
        assert f"EVENTWIRE_{name.upper()}" in text


def test_readme_starts_with_the_two_commands():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head
    assert "make test" in (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
