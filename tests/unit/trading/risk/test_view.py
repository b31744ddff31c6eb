"""PortfolioRiskView: the running portfolio, markets and live orders as the gate reads them."""

from __future__ import annotations

from decimal import Decimal

from lyrad.domain.values import Balance, Position
from lyrad.trading.portfolio import Portfolio
from lyrad.trading.risk.view import PortfolioReader, PortfolioRiskView, RiskView
from tests.unit.trading.risk.fakes import D, FakeView, market


def _portfolio_is_a_reader(portfolio: Portfolio) -> PortfolioReader:
    return portfolio  # mypy: the lead hands the real portfolio over as it is


def _fake_view_is_a_risk_view(view: FakeView) -> RiskView:
    return view


class FakePortfolio:
    def __init__(self) -> None:
        self.held = {("a", "BTC/USDT"): Position("a", "BTC/USDT", D(2), D(100))}
        self.wallet = {
            ("a", "BTC"): Balance("a", "BTC", D(1), D("0.5")),
            ("b", "BTC"): Balance("b", "BTC", D(3), D(0)),
        }
        self.equities = {("a", "USDT"): D(700), ("b", "USDT"): D(300)}

    def position(self, venue: str, symbol: str) -> Position:
        return self.held.get((venue, symbol)) or Position(venue, symbol)

    def positions(self) -> list[Position]:
        return list(self.held.values())

    def balance(self, venue: str, asset: str) -> Balance | None:
        return self.wallet.get((venue, asset))

    def mark_price(self, venue: str, symbol: str) -> Decimal | None:
        return D(101) if (venue, symbol) == ("a", "BTC/USDT") else None

    def equity(self, venue: str, quote: str) -> Decimal:
        return self.equities.get((venue, quote), D(0))


def view(portfolio: FakePortfolio) -> PortfolioRiskView:
    btc = market("BTC/USDT", venue="a")
    return PortfolioRiskView(
        portfolio,
        ("a", "b", "c"),
        markets=lambda v, s: btc if (v, s) == ("a", "BTC/USDT") else None,
        open_orders=lambda v, s: 4 if s == "BTC/USDT" else 0,
    )


def test_the_view_reads_through_to_the_portfolio_markets_and_orders() -> None:
    portfolio = FakePortfolio()
    v = view(portfolio)
    assert v.market("a", "BTC/USDT") is not None
    assert v.market("b", "BTC/USDT") is None
    assert v.position("a", "BTC/USDT").quantity == 2
    assert v.positions() == portfolio.positions()
    assert v.balance("b", "BTC") == portfolio.wallet[("b", "BTC")]
    assert sorted(b.venue for b in v.holdings("BTC")) == ["a", "b"]
    assert v.reference_price("a", "BTC/USDT") == 101
    assert v.equity("USDT") == 1000  # across venues
    assert v.open_order_count("a", "BTC/USDT") == 4


def test_no_equity_is_unknown_equity() -> None:
    portfolio = FakePortfolio()
    portfolio.equities.clear()
    assert view(portfolio).equity("USDT") is None
