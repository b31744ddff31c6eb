"""The catalogue matches VALIDATION.md §6.4: 58 checks, 25 points per category, 9 gates."""

from __future__ import annotations

import re

from lyrad.validate.catalogue import CATALOGUE, GATES, RUN_ORDER
from lyrad.validate.model import Category, Orders
from lyrad.validate.runner import CHECKS


def test_58_checks_with_stable_ids() -> None:
    assert len(CATALOGUE) == 58
    assert all(re.fullmatch(r"(TEC|SEC|TRD|PRD)-\d\d", check) for check in CATALOGUE)
    counts = {c: sum(1 for s in CATALOGUE.values() if s.category is c) for c in Category}
    assert counts == {Category.TEC: 15, Category.SEC: 10, Category.TRD: 18, Category.PRD: 15}


def test_every_category_weighs_25_points() -> None:
    for category in Category:
        weights = [s.weight for s in CATALOGUE.values() if s.category is category]
        assert sum(weights) == 25, category


def test_the_nine_gates() -> None:
    assert sorted(GATES) == [
        "PRD-02", "PRD-06", "SEC-02", "SEC-04", "SEC-10", "TEC-01", "TEC-03", "TRD-06", "TRD-18",
    ]  # fmt: skip


def test_flag_gated_weight_is_six_points() -> None:
    executing = [s for s in CATALOGUE.values() if s.orders is Orders.EXECUTES]
    assert sorted(s.id for s in executing) == [f"TRD-{n}" for n in range(13, 18)]
    assert sum(s.weight for s in executing) == 6


def test_run_order_covers_each_check_once_and_each_has_a_function() -> None:
    assert sorted(RUN_ORDER) == sorted(CATALOGUE)
    assert set(CHECKS) == set(CATALOGUE)
    # the order lifecycle: place, look, cancel, judge; the end-of-run judges come last
    position = {check: i for i, check in enumerate(RUN_ORDER)}
    assert position["TRD-02"] < position["TRD-04"] < position["TRD-06"] < position["TRD-07"]
    assert position["TRD-06"] < position["TRD-05"]
    assert position["TRD-14"] < position["TRD-15"] < position["TRD-18"]
    assert RUN_ORDER[-1] == "SEC-10"


def test_every_check_says_how_to_fix_it() -> None:
    assert all(spec.remediation and spec.criterion for spec in CATALOGUE.values())
