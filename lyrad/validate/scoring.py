"""Category scores, coverage and the verdict (VALIDATION.md §6.2), from check results alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from lyrad.validate.catalogue import CATEGORY_POINTS
from lyrad.validate.model import Category, CheckResult, State

GO_TOTAL = 85.0
NOT_YET_TOTAL = 70.0
CATEGORY_FLOOR = 15.0
MIN_COVERAGE = 0.80
MIN_CATEGORY_RAN = 0.50


class Verdict(StrEnum):
    GO = "GO"
    NOT_YET = "NOT YET"
    NOT_READY = "NOT READY"
    NO_GO = "NO-GO"
    INCOMPLETE = "INCOMPLETE"
    POSTPONED = "POSTPONED"


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: Category
    score: float | None  # None when nothing in the category ran
    ran_weight: float  # PASS, WARN, FAIL or ERROR
    applicable_weight: float  # every check but N/A
    total_weight: float

    @property
    def ran_share(self) -> float:
        if self.applicable_weight == 0:
            return 1.0
        return self.ran_weight / self.applicable_weight


@dataclass(frozen=True, slots=True)
class Scorecard:
    verdict: Verdict
    total: float
    coverage: float
    categories: Mapping[Category, CategoryScore]
    failing_gates: tuple[str, ...]
    errors: tuple[str, ...]  # checks in ERROR: harness bugs to flag
    reasons: tuple[str, ...]  # why the verdict is what it is, one line each


def category_score(category: Category, results: Iterable[CheckResult]) -> CategoryScore:
    mine = [r for r in results if r.spec.category is category]
    ran = [r for r in mine if r.state.ran]
    ran_weight = sum(r.spec.weight for r in ran)
    applicable = sum(r.spec.weight for r in mine if r.state is not State.NOT_APPLICABLE)
    earned = sum(r.spec.weight * r.credit for r in ran)
    score = CATEGORY_POINTS * earned / ran_weight if ran_weight else None
    return CategoryScore(category, score, ran_weight, applicable, sum(r.spec.weight for r in mine))


def score(results: Iterable[CheckResult], *, postponed: str | None = None) -> Scorecard:
    """The scorecard of a run; `postponed` (the venue's maintenance) overrides everything."""
    results = list(results)
    categories = {c: category_score(c, results) for c in Category}
    total = sum(s.score or 0.0 for s in categories.values())
    applicable = sum(s.applicable_weight for s in categories.values())
    ran = sum(s.ran_weight for s in categories.values())
    coverage = ran / applicable if applicable else 0.0
    gates = tuple(r.spec.id for r in results if r.spec.gate and r.state in _GATE_FAILS)
    errors = tuple(r.spec.id for r in results if r.state is State.ERROR)
    verdict, reasons = _verdict(categories, total, coverage, gates, postponed)
    return Scorecard(verdict, total, coverage, categories, gates, errors, reasons)


_GATE_FAILS = frozenset({State.FAIL, State.ERROR})


def _verdict(
    categories: Mapping[Category, CategoryScore],
    total: float,
    coverage: float,
    gates: tuple[str, ...],
    postponed: str | None,
) -> tuple[Verdict, tuple[str, ...]]:
    if postponed is not None:
        return Verdict.POSTPONED, (f"venue in maintenance: {postponed}",)
    if gates:
        return Verdict.NO_GO, (f"gate checks failed: {', '.join(gates)}",)
    thin = [c for c, s in categories.items() if s.ran_share < MIN_CATEGORY_RAN]
    if coverage < MIN_COVERAGE or thin:
        reasons = [f"coverage {coverage:.0%} (at least {MIN_COVERAGE:.0%} needed)"]
        reasons += [
            f"{c.value} ran {categories[c].ran_share:.0%} of its weight "
            f"(at least {MIN_CATEGORY_RAN:.0%} needed)"
            for c in thin
        ]
        return Verdict.INCOMPLETE, tuple(reasons)
    weak = [c for c, s in categories.items() if (s.score or 0.0) < CATEGORY_FLOOR]
    if total >= GO_TOTAL and not weak:
        return Verdict.GO, (f"total {total:.1f} >= {GO_TOTAL:.0f}, every category >= 15",)
    if total >= GO_TOTAL:
        names = ", ".join(f"{c.value} {categories[c].score or 0.0:.1f}" for c in weak)
        return Verdict.NOT_YET, (f"total {total:.1f} but categories below 15: {names}",)
    if total >= NOT_YET_TOTAL:
        return Verdict.NOT_YET, (f"total {total:.1f} in [70, 85): paper or limited capital",)
    return Verdict.NOT_READY, (f"total {total:.1f} below 70",)
