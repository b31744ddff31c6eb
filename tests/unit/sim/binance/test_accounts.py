from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lyrad.sim.accounts import AccountsError, default_account, load_accounts


def test_default_account_is_deterministic_per_seed() -> None:
    first, again, other = default_account(1), default_account(1), default_account(2)
    assert first == again
    assert first.api_key != other.api_key
    assert first.secret != first.api_key
    assert len(first.api_key) == 64
    assert first.balances == {
        "USDT": Decimal(10000),
        "BTC": Decimal(1),
        "ETH": Decimal(10),
    }


def test_load_accounts(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text(
        """
[[accounts]]
name = "alice"
api_key = "alice-key"
secret = "alice-secret"
maker_fee = "0.0002"
taker_fee = 0.0004
permissions = ["trade", "withdraw"]
[accounts.balances]
USDT = "500.5"
BTC = 2

[[accounts]]
name = "bob"
api_key = "bob-key"
secret = "bob-secret"
permissions = []
"""
    )
    alice, bob = load_accounts(path)
    assert alice.name == "alice"
    assert alice.balances == {"USDT": Decimal("500.5"), "BTC": Decimal(2)}
    assert (alice.maker_fee, alice.taker_fee) == (Decimal("0.0002"), Decimal("0.0004"))
    assert (alice.can_trade, alice.can_withdraw, alice.can_deposit) == (True, True, False)
    assert bob.balances == {}
    assert bob.maker_fee == Decimal("0.001")
    assert not bob.can_trade


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[accounts]]\nname='a'\napi_key='k'\n", "accounts.toml: accounts[0].secret: missing"),
        (
            "[[accounts]]\nname='a'\napi_key='k'\nsecret='s'\n[accounts.balances]\nUSDT='x'\n",
            "accounts.toml: accounts[0].balances.USDT: not a decimal number: 'x'",
        ),
        (
            "[[accounts]]\nname='a'\napi_key='k'\nsecret='s'\ncolour='red'\n",
            "accounts.toml: accounts[0].colour: unknown key",
        ),
        (
            "[[accounts]]\nname='a'\napi_key='k'\nsecret='s'\ntaker_fee='1.5'\n",
            "accounts.toml: accounts[0].taker_fee: must be a rate below 1 (0.001 = 0.1%)",
        ),
        (
            "[[accounts]]\nname='a'\napi_key='k'\nsecret='s'\n"
            "[[accounts]]\nname='a'\napi_key='j'\nsecret='s'\n",
            "accounts.toml: accounts[1].name: duplicate account name",
        ),
        ("accounts = 3", "accounts.toml: accounts: expected at least one [[accounts]] table"),
        ("[[accounts]\n", "accounts.toml: invalid TOML"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text(text)
    with pytest.raises(AccountsError) as excinfo:
        load_accounts(path)
    rendered = str(excinfo.value).replace(str(tmp_path) + "/", "")
    assert rendered.startswith(message)
    assert "\n" not in rendered


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AccountsError) as excinfo:
        load_accounts(tmp_path / "nope.toml")
    assert "nope.toml: cannot read" in str(excinfo.value)
