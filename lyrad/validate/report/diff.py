"""What changed since a previous report (`--baseline PREVIOUS.json`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from lyrad.validate.model import Json


class BaselineError(ValueError):
    """A baseline file that cannot be read as a validation report; one line."""


def load_baseline(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise BaselineError(f"baseline {path}: not a JSON report ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        raise BaselineError(f"baseline {path}: not a lyrad validation report")
    return data


def _states(report: Mapping[str, object]) -> dict[str, str]:
    checks = report.get("checks")
    if not isinstance(checks, list):
        return {}
    return {
        str(c.get("id")): str(c.get("state"))
        for c in checks
        if isinstance(c, Mapping) and c.get("id") is not None
    }


def _verdict(report: Mapping[str, object]) -> Mapping[str, object]:
    verdict = report.get("verdict")
    return verdict if isinstance(verdict, Mapping) else {}


def diff_reports(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, Json]:
    """Checks whose state changed, and the verdict and total before and after."""
    old, new = _states(before), _states(after)
    changed: list[Json] = [
        {"id": check, "before": old.get(check), "after": new.get(check)}
        for check in sorted(set(old) | set(new))
        if old.get(check) != new.get(check)
    ]
    header = before.get("header")
    started = header.get("started_at") if isinstance(header, Mapping) else None
    return {
        "baseline_started_at": str(started) if started is not None else None,
        "verdict_before": str(_verdict(before).get("verdict")),
        "verdict_after": str(_verdict(after).get("verdict")),
        "total_before": _number(_verdict(before).get("total")),
        "total_after": _number(_verdict(after).get("total")),
        "changed": changed,
    }


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
