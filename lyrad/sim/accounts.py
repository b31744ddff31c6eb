"""The sim's trading accounts: a TOML file of them, or one deterministic test account.

File format (`--accounts FILE`)::

    [[accounts]]
    name = "alice"
    api_key = "..."
    secret = "..."
    maker_fee = "0.001"           # optional, rate
    taker_fee = "0.001"           # optional, rate
    permissions = ["trade", "deposit"]   # optional; any of trade, withdraw, deposit
    [accounts.balances]
    USDT = "10000"
    BTC = "1"
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lyrad.sim.engine import AccountSpec

DEFAULT_NAME = "default"
DEFAULT_BALANCES: Mapping[str, Decimal] = {
    "USDT": Decimal(10000),
    "BTC": Decimal(1),
    "ETH": Decimal(10),
}
PERMISSIONS = ("trade", "withdraw", "deposit")
_DEFAULT_PERMISSIONS = ("trade", "deposit")
_ASSET = re.compile(r"^[A-Z0-9]{1,20}$")
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
_ACCOUNT_KEYS = {"name", "api_key", "secret", "balances", "maker_fee", "taker_fee", "permissions"}


class AccountsError(Exception):
    """A bad accounts file; str() is one line naming the file and the field."""

    def __init__(self, file: str, field: str, message: str) -> None:
        super().__init__(f"{file}: {field}: {message}" if field else f"{file}: {message}")


def _derive(seed: int, purpose: str) -> str:
    return hashlib.sha256(f"lyrad-sim:{seed}:{purpose}".encode()).hexdigest()


def default_account(seed: int = 0) -> AccountSpec:
    """The test account: credentials derived from the seed, 10000 USDT, 1 BTC, 10 ETH."""
    return AccountSpec(
        name=DEFAULT_NAME,
        api_key=_derive(seed, "api-key"),
        secret=_derive(seed, "secret"),
        balances=dict(DEFAULT_BALANCES),
    )


def load_accounts(path: str | Path) -> list[AccountSpec]:
    """Accounts from a TOML file; raises AccountsError naming the file and field."""
    file = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise AccountsError(file, "", f"cannot read: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise AccountsError(file, "", f"invalid TOML: {e}") from e
    unknown = sorted(set(data) - {"accounts"})
    if unknown:
        raise AccountsError(file, unknown[0], "unknown key")
    entries = data.get("accounts")
    if not isinstance(entries, list) or not entries:
        raise AccountsError(file, "accounts", "expected at least one [[accounts]] table")
    accounts = [_account(file, f"accounts[{i}]", entry) for i, entry in enumerate(entries)]
    _check_unique(file, accounts)
    return accounts


def _check_unique(file: str, accounts: list[AccountSpec]) -> None:
    names: set[str] = set()
    keys: set[str] = set()
    for index, account in enumerate(accounts):
        if account.name in names:
            raise AccountsError(file, f"accounts[{index}].name", "duplicate account name")
        if account.api_key in keys:
            raise AccountsError(file, f"accounts[{index}].api_key", "duplicate api key")
        names.add(account.name)
        keys.add(account.api_key)


def _account(file: str, where: str, entry: object) -> AccountSpec:
    if not isinstance(entry, dict):
        raise AccountsError(file, where, "expected a table")
    unknown = sorted(set(entry) - _ACCOUNT_KEYS)
    if unknown:
        raise AccountsError(file, f"{where}.{unknown[0]}", "unknown key")
    permissions = _permissions(file, where, entry.get("permissions", list(_DEFAULT_PERMISSIONS)))
    return AccountSpec(
        name=_text(file, f"{where}.name", entry.get("name"), _ASSET_OR_NAME),
        api_key=_text(file, f"{where}.api_key", entry.get("api_key"), _KEY),
        secret=_text(file, f"{where}.secret", entry.get("secret"), _KEY),
        balances=_balances(file, f"{where}.balances", entry.get("balances", {})),
        maker_fee=_rate(file, f"{where}.maker_fee", entry.get("maker_fee", "0.001")),
        taker_fee=_rate(file, f"{where}.taker_fee", entry.get("taker_fee", "0.001")),
        can_trade="trade" in permissions,
        can_withdraw="withdraw" in permissions,
        can_deposit="deposit" in permissions,
    )


_ASSET_OR_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _text(file: str, field: str, value: object, pattern: re.Pattern[str]) -> str:
    if value is None:
        raise AccountsError(file, field, "missing")
    if not isinstance(value, str) or not pattern.match(value):
        raise AccountsError(file, field, f"must be a string matching {pattern.pattern}")
    return value


def _decimal(file: str, field: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AccountsError(file, field, 'must be a decimal number (a string like "0.001")')
    try:
        number = Decimal(str(value))
    except InvalidOperation as e:
        raise AccountsError(file, field, f"not a decimal number: {value!r}") from e
    if not number.is_finite() or number < 0:
        raise AccountsError(file, field, "must be a finite number >= 0")
    return number


def _rate(file: str, field: str, value: object) -> Decimal:
    rate = _decimal(file, field, value)
    if rate >= 1:
        raise AccountsError(file, field, "must be a rate below 1 (0.001 = 0.1%)")
    return rate


def _balances(file: str, field: str, value: object) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise AccountsError(file, field, "expected a table of ASSET = amount")
    balances: dict[str, Decimal] = {}
    for asset, amount in value.items():
        if not _ASSET.match(asset):
            raise AccountsError(file, f"{field}.{asset}", "asset must be upper-case letters/digits")
        balances[asset] = _decimal(file, f"{field}.{asset}", amount)
    return balances


def _permissions(file: str, where: str, value: object) -> set[str]:
    field = f"{where}.permissions"
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise AccountsError(file, field, "expected a list of strings")
    unknown = sorted(set(value) - set(PERMISSIONS))
    if unknown:
        raise AccountsError(
            file, field, f"unknown permission {unknown[0]!r} ({', '.join(PERMISSIONS)})"
        )
    return set(value)
