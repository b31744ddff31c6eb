"""Numbered schema migrations, applied in order at open; `user_version` is the last applied.

A migration is never edited once released: a change to the schema is a new module appended here.
"""

from __future__ import annotations

from dataclasses import dataclass

from lyrad.journal.migrations import v0001_initial


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (Migration(1, "initial", v0001_initial.STATEMENTS),)
