import pytest
from pydantic import BaseModel

from lyrad.config.types import Secret, SecretRef
from lyrad.security.errors import EntryNotFound, SecretUnavailable
from lyrad.security.redaction import MASK, Redactor
from lyrad.security.secrets import needs_vault, resolve_all, resolve_secret, secret_refs


class FakeVault:
    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = entries

    def get(self, name: str) -> str:
        try:
            return self.entries[name]
        except KeyError:
            raise EntryNotFound(f"no entry named {name!r}") from None


def test_env_vault_and_literal_are_resolved_and_registered() -> None:
    redactor = Redactor()
    vault = FakeVault({"binance/secret": "vault-value-123"})
    env = {"API_KEY": "env-value-456"}
    assert resolve_secret(SecretRef("env", "API_KEY"), redactor=redactor, environ=env) == (
        "env-value-456"
    )
    assert resolve_secret(SecretRef("vault", "binance/secret"), redactor=redactor, vault=vault) == (
        "vault-value-123"
    )
    assert resolve_secret(SecretRef("literal", "literal-789"), redactor=redactor) == "literal-789"
    text = "env-value-456 vault-value-123 literal-789"
    assert redactor.redact_text(text) == f"{MASK} {MASK} {MASK}"


def test_missing_env_var_is_one_line_naming_the_reference() -> None:
    with pytest.raises(SecretUnavailable) as info:
        resolve_secret(SecretRef("env", "NOPE"), redactor=Redactor(), environ={})
    assert str(info.value) == "secret env:NOPE: environment variable NOPE is not set"


def test_missing_vault_entry_is_one_line_naming_the_reference() -> None:
    with pytest.raises(SecretUnavailable) as info:
        resolve_secret(SecretRef("vault", "x/y"), redactor=Redactor(), vault=FakeVault({}))
    assert str(info.value) == "secret vault:x/y: the vault has no such entry"
    with pytest.raises(SecretUnavailable, match="no vault is unlocked"):
        resolve_secret(SecretRef("vault", "x/y"), redactor=Redactor(), vault=None)


class Venue(BaseModel):
    api_key: Secret | None = None
    secret: Secret | None = None


class Root(BaseModel):
    venues: dict[str, Venue]
    token: Secret | None = None


def _root() -> Root:
    return Root.model_validate(
        {
            "venues": {"a": {"api_key": "vault:a/key", "secret": "env:A_SECRET"}, "b": {}},
            "token": "literal-token-value",
        }
    )


def test_references_are_found_through_the_whole_tree() -> None:
    found = {key: str(ref) for key, ref in secret_refs(_root())}
    assert found == {
        "venues.a.api_key": "vault:a/key",
        "venues.a.secret": "env:A_SECRET",
        "token": "<redacted>",
    }
    assert needs_vault(_root())
    assert not needs_vault(Root(venues={}))


def test_resolve_all_lists_every_problem_on_one_line_without_values() -> None:
    with pytest.raises(SecretUnavailable) as info:
        resolve_all(_root(), redactor=Redactor(), vault=FakeVault({}), environ={})
    message = str(info.value)
    assert "\n" not in message
    assert "venues.a.api_key: secret vault:a/key" in message
    assert "venues.a.secret: secret env:A_SECRET" in message
    assert "literal-token-value" not in message


def test_resolve_all_returns_values_by_key() -> None:
    values = resolve_all(
        _root(),
        redactor=Redactor(),
        vault=FakeVault({"a/key": "k-value"}),
        environ={"A_SECRET": "s-value"},
    )
    assert values == {
        "venues.a.api_key": "k-value",
        "venues.a.secret": "s-value",
        "token": "literal-token-value",
    }
