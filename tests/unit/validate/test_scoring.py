"""Scores, coverage and the verdict rules of VALIDATION.md §6.2, in their order."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given
from hypothesis import strategies as st

from lyrad.validate.catalogue import CATALOGUE
from lyrad.validate.model import Category, CheckResult, Orders, State
from lyrad.validate.scoring import Verdict, category_score, score


def results(default: State = State.PASS, **states: State) -> list[CheckResult]:
    """Every check in `default` but those named (TEC_01=State.FAIL)."""
    named = {key.replace("_", "-"): state for key, state in states.items()}
    return [CheckResult(spec, named.get(check, default), "") for check, spec in CATALOGUE.items()]


def with_states(overrides: Mapping[str, State]) -> list[CheckResult]:
    return [
        CheckResult(spec, overrides.get(check, State.PASS), "") for check, spec in CATALOGUE.items()
    ]


def test_all_pass_is_go_with_100() -> None:
    card = score(results())
    assert card.verdict is Verdict.GO
    assert card.total == 100
    assert card.coverage == 1


def test_a_failing_gate_is_no_go_whatever_the_score() -> None:
    card = score(results(SEC_04=State.FAIL))
    assert card.verdict is Verdict.NO_GO
    assert card.failing_gates == ("SEC-04",)
    assert card.total == 95


def test_an_error_counts_as_fail_and_is_flagged() -> None:
    card = score(results(TEC_09=State.ERROR))
    assert card.errors == ("TEC-09",)
    assert card.categories[Category.TEC].score == 23
    assert score(results(TRD_06=State.ERROR)).verdict is Verdict.NO_GO


def test_not_applicable_leaves_the_denominator() -> None:
    card = score(results(TEC_11=State.NOT_APPLICABLE, TEC_12=State.FAIL))
    tec = card.categories[Category.TEC]
    assert tec.applicable_weight == 23
    assert tec.score == 25 * 21.5 / 23
    assert card.coverage == 1


def test_not_run_reduces_coverage() -> None:
    trades = {s.id: State.NOT_RUN for s in CATALOGUE.values() if s.orders is Orders.EXECUTES}
    card = score(with_states(trades))
    assert card.coverage == 0.94  # the default run without --allow-trades
    assert card.verdict is Verdict.GO
    assert card.categories[Category.TRD].score == 25


def test_low_coverage_or_a_thin_category_is_incomplete() -> None:
    read_only = {s.id: State.NOT_RUN for s in CATALOGUE.values() if s.orders.places}
    card = score(with_states(read_only))
    assert card.verdict is Verdict.INCOMPLETE
    assert any("TRD ran" in reason for reason in card.reasons)
    public_only = {s.id: State.NOT_RUN for s in CATALOGUE.values() if s.credentials.value == "yes"}
    assert score(with_states(public_only)).verdict is Verdict.INCOMPLETE


def test_not_yet_and_not_ready_by_total() -> None:
    names = ("TEC-02", "TEC-06", "TEC-09", "SEC-01", "SEC-05", "PRD-09", "TRD-14")
    failing = {c: State.FAIL for c in names}
    card = score(with_states(failing))
    assert 70 <= card.total < 85
    assert card.verdict is Verdict.NOT_YET
    more = ("SEC-03", "SEC-06", "TRD-02", "PRD-03", "PRD-04", "PRD-05", "TEC-04")
    worse = dict(failing) | {c: State.FAIL for c in more}
    assert score(with_states(worse)).verdict is Verdict.NOT_READY


def test_a_weak_category_cannot_hide_behind_the_total() -> None:
    weak = {c: State.FAIL for c in ("SEC-01", "SEC-05", "SEC-06", "SEC-07", "SEC-08", "SEC-03")}
    card = score(with_states(weak))
    assert card.total >= 85
    assert (card.categories[Category.SEC].score or 0.0) < 15
    assert card.verdict is Verdict.NOT_YET


def test_postponed_overrides_everything() -> None:
    card = score(results(SEC_04=State.FAIL), postponed="system maintenance")
    assert card.verdict is Verdict.POSTPONED


def test_an_empty_category_has_no_score() -> None:
    assert category_score(Category.TEC, results(State.NOT_RUN)).score is None


@given(st.lists(st.sampled_from(list(State)), min_size=58, max_size=58))
def test_scores_stay_in_range(states: list[State]) -> None:
    card = score(
        CheckResult(spec, state, "") for spec, state in zip(CATALOGUE.values(), states, strict=True)
    )
    assert 0 <= card.total <= 100
    assert 0 <= card.coverage <= 1
    for category in card.categories.values():
        assert category.score is None or 0 <= category.score <= 25
