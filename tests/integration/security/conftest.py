"""Fast key material for vault tests: scrypt at a toy cost, files at mode 0600."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lyrad.security.key_sources import KeySources
from lyrad.security.keys import Passphrase, ScryptParams

FAST = ScryptParams(n=2**4, r=1, p=1)
PASSPHRASE = "correct horse battery staple"


def private_file(path: Path, data: bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    return private_file(tmp_path / "passphrase", PASSPHRASE.encode() + b"\n")


@pytest.fixture
def passphrase_sources(passphrase_file: Path) -> KeySources:
    return KeySources(passphrase_file=passphrase_file)


@pytest.fixture
def passphrase() -> Passphrase:
    return Passphrase(PASSPHRASE.encode())
