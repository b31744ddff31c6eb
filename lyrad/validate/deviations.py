"""Per-venue known deviations: `lyrad/validate/venues/<venue>.toml` (ccxt's skip-tests pattern).

```toml
hold_before_cancel_s = 0     # wait this long after placing before a cancel (Kraken: 5)
young_cancel_s = 2           # a cancel sooner than this after placing is "young"
max_young_cancels = 10       # PRD-15's allowance
balance_idle_gap_s = 2       # TEC-14's gap between the two balance reads

[[skip]]                     # a whole check: N/A with this reason, until the date
check = "TEC-11"
reason = "the venue serves no websocket streams"
until = 2026-12-31

[tolerances]                 # property-level tolerances handed to the structure validators
"ticker.open" = "may be 0 on this venue"
```
A gate can never be skipped; an expired skip no longer applies and the report says so.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from lyrad.validate.catalogue import CATALOGUE

_KEYS = frozenset(
    {
        "hold_before_cancel_s",
        "young_cancel_s",
        "max_young_cancels",
        "balance_idle_gap_s",
        "skip",
        "tolerances",
    }
)


class DeviationError(ValueError):
    """A deviation file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Skip:
    check: str
    reason: str
    until: dt.date

    def describe(self) -> str:
        return f"{self.check}: {self.reason} (until {self.until.isoformat()})"


@dataclass(frozen=True, slots=True)
class Deviations:
    """What the suite accepts from one venue, and how it paces itself there."""

    venue: str
    hold_before_cancel_s: float = 0.0
    young_cancel_s: float = 2.0
    max_young_cancels: int = 10
    balance_idle_gap_s: float = 2.0
    skips: tuple[Skip, ...] = ()
    tolerances: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def skip_for(self, check: str, today: dt.date) -> Skip | None:
        """The skip that applies to `check` today, if any."""
        for skip in self.skips:
            if skip.check == check and skip.until >= today:
                return skip
        return None

    def expired(self, today: dt.date) -> tuple[Skip, ...]:
        return tuple(s for s in self.skips if s.until < today)


def load_deviations(venue: str) -> Deviations:
    """The shipped file for `venue`, or no deviations at all when there is none."""
    name = f"{venue}.toml"
    folder = resources.files("lyrad.validate.venues")
    entry = folder / name
    if not entry.is_file():
        return Deviations(venue)
    return parse_deviations(venue, entry.read_text(encoding="utf-8"), where=f"venues/{name}")


def parse_deviations(venue: str, text: str, *, where: str) -> Deviations:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DeviationError(f"{where}: TOML syntax error: {e}") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise DeviationError(f"{where}: {unknown[0]}: unknown key")
    skips = tuple(_skip(where, i, entry) for i, entry in enumerate(data.get("skip", [])))
    tolerances = data.get("tolerances", {})
    if not isinstance(tolerances, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in tolerances.items()
    ):
        raise DeviationError(f'{where}: tolerances: expected property = "reason" pairs')
    return Deviations(
        venue=venue,
        hold_before_cancel_s=_number(where, data, "hold_before_cancel_s", 0.0),
        young_cancel_s=_number(where, data, "young_cancel_s", 2.0),
        max_young_cancels=int(_number(where, data, "max_young_cancels", 10)),
        balance_idle_gap_s=_number(where, data, "balance_idle_gap_s", 2.0),
        skips=skips,
        tolerances=MappingProxyType(dict(tolerances)),
    )


def _number(where: str, data: Mapping[str, object], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise DeviationError(f"{where}: {key}: expected a number >= 0")
    return float(value)


def _skip(where: str, index: int, entry: object) -> Skip:
    at = f"{where}: skip[{index}]"
    if not isinstance(entry, dict):
        raise DeviationError(f"{at}: expected a table")
    unknown = sorted(set(entry) - {"check", "reason", "until"})
    if unknown:
        raise DeviationError(f"{at}.{unknown[0]}: unknown key")
    check, reason, until = entry.get("check"), entry.get("reason"), entry.get("until")
    if not isinstance(check, str) or check not in CATALOGUE:
        raise DeviationError(f"{at}.check: {check!r} is not a check id")
    if CATALOGUE[check].gate:
        raise DeviationError(f"{at}.check: {check} is a gate and can never be skipped")
    if not isinstance(reason, str) or not reason.strip():
        raise DeviationError(f"{at}.reason: a skip needs a reason")
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise DeviationError(f"{at}.until: expected a date like 2026-12-31")
    return Skip(check, reason.strip(), until)
