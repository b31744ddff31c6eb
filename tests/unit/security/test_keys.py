import pytest

from lyrad.security.keys import (
    KdfSpec,
    Passphrase,
    RawKey,
    ScryptParams,
    derive_keys,
    derive_master,
    entry_aad,
    scrypt_problem,
)

FAST = ScryptParams(n=2**4, r=1, p=1)


def test_scrypt_parameters_are_bounded() -> None:
    assert scrypt_problem(2**15, 8, 1) is None
    assert "power of two" in (scrypt_problem(3000, 8, 1) or "")
    assert "MiB" in (scrypt_problem(2**24, 8, 1) or "")
    assert "range" in (scrypt_problem(2**10, 8, 99) or "")
    with pytest.raises(ValueError, match="power of two"):
        ScryptParams(n=1000)


def test_production_default_cost_is_at_least_2_to_the_15() -> None:
    assert ScryptParams().n >= 2**15


def test_key_material_never_shows_in_repr() -> None:
    assert "hunter2-passphrase" not in repr(Passphrase(b"hunter2-passphrase"))
    assert repr(b"\x07" * 32) not in repr(RawKey(b"\x07" * 32))
    keys = derive_keys(b"\x01" * 32, b"\x02" * 16)
    assert repr(keys.entries) not in repr(keys)


def test_raw_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        RawKey(b"short")


def test_scrypt_derivation_depends_on_passphrase_and_salt() -> None:
    spec = KdfSpec("scrypt", b"s" * 16, FAST)
    first = derive_master(Passphrase(b"correct horse battery"), spec)
    assert first == derive_master(Passphrase(b"correct horse battery"), spec)
    assert first != derive_master(Passphrase(b"correct horse batterx"), spec)
    assert first != derive_master(
        Passphrase(b"correct horse battery"), KdfSpec("scrypt", b"t" * 16, FAST)
    )


def test_material_must_match_the_kdf() -> None:
    with pytest.raises(TypeError):
        derive_master(RawKey(b"k" * 32), KdfSpec("scrypt", b"s" * 16, FAST))
    with pytest.raises(TypeError):
        derive_master(Passphrase(b"x"), KdfSpec("none"))


def test_subkeys_differ_by_purpose_and_vault() -> None:
    keys = derive_keys(b"m" * 32, b"a" * 16)
    assert len({keys.entries, keys.seal, keys.check}) == 3
    assert derive_keys(b"m" * 32, b"b" * 16).entries != keys.entries


def test_associated_data_binds_name_and_vault() -> None:
    assert entry_aad(b"a" * 16, "x") != entry_aad(b"a" * 16, "y")
    assert entry_aad(b"a" * 16, "x") != entry_aad(b"b" * 16, "x")
