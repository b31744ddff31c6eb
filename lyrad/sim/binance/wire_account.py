"""Binance JSON for the account, its fees and its API key's restrictions."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from decimal import Decimal

from lyrad.sim.binance.numbers import fixed8, plain
from lyrad.sim.engine import AccountSpec, Balance

Json = dict[str, object]
_ZERO = Decimal(0)
_BASIS = Decimal(10000)


def uid(account: AccountSpec) -> int:
    """A stable numeric user id for the account (Binance's `uid`)."""
    return 100_000_000 + zlib.crc32(account.name.encode()) % 900_000_000


def account(
    spec: AccountSpec,
    balances: Sequence[Balance],
    update_ms: int,
    *,
    can_withdraw: bool | None = None,
) -> Json:
    """GET /api/v3/account (`can_withdraw` overrides the account's own permission)."""
    return {
        "makerCommission": int(spec.maker_fee * _BASIS),
        "takerCommission": int(spec.taker_fee * _BASIS),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {
            "maker": fixed8(spec.maker_fee),
            "taker": fixed8(spec.taker_fee),
            "buyer": fixed8(_ZERO),
            "seller": fixed8(_ZERO),
        },
        "canTrade": spec.can_trade,
        "canWithdraw": spec.can_withdraw if can_withdraw is None else can_withdraw,
        "canDeposit": spec.can_deposit,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": update_ms,
        "accountType": "SPOT",
        "balances": [
            {"asset": b.asset, "free": fixed8(b.free), "locked": fixed8(b.locked)} for b in balances
        ],
        "permissions": ["SPOT"],
        "uid": uid(spec),
    }


def trade_fee(symbol: str, spec: AccountSpec) -> Json:
    """One entry of GET /sapi/v1/asset/tradeFee."""
    return {
        "symbol": symbol,
        "makerCommission": plain(spec.maker_fee),
        "takerCommission": plain(spec.taker_fee),
    }


def commission(symbol: str, spec: AccountSpec) -> Json:
    """GET /api/v3/account/commission."""
    zeros = {
        "maker": fixed8(_ZERO),
        "taker": fixed8(_ZERO),
        "buyer": fixed8(_ZERO),
        "seller": fixed8(_ZERO),
    }
    return {
        "symbol": symbol,
        "standardCommission": {
            "maker": fixed8(spec.maker_fee),
            "taker": fixed8(spec.taker_fee),
            "buyer": fixed8(_ZERO),
            "seller": fixed8(_ZERO),
        },
        "specialCommission": dict(zeros),
        "taxCommission": dict(zeros),
        "discount": {
            "enabledForAccount": False,
            "enabledForSymbol": False,
            "discountAsset": "BNB",
            "discount": fixed8(_ZERO),
        },
    }


def api_restrictions(
    spec: AccountSpec,
    create_ms: int,
    *,
    withdrawals: bool | None = None,
    ip_restricted: bool = False,
) -> Json:
    """GET /sapi/v1/account/apiRestrictions (`withdrawals` overrides the account's own)."""
    return {
        "ipRestrict": ip_restricted,
        "createTime": create_ms,
        "enableReading": True,
        "enableWithdrawals": spec.can_withdraw if withdrawals is None else withdrawals,
        "enableInternalTransfer": False,
        "enableMargin": False,
        "enableFutures": False,
        "permitsUniversalTransfer": False,
        "enableVanillaOptions": False,
        "enableFixApiTrade": False,
        "enableFixReadOnly": False,
        "enableSpotAndMarginTrading": spec.can_trade,
        "enablePortfolioMarginTrading": False,
    }
