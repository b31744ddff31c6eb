"""config.example.toml is valid and documents every key with its default."""

from __future__ import annotations

import re
import tomllib

from pydantic import BaseModel

from lyrad.config.sections import MarketMakerConfig, VenueConfig
from lyrad.config.settings import Settings, load_settings
from tests.conftest import REPO_ROOT

EXAMPLE = REPO_ROOT / "config.example.toml"


def documented_keys() -> set[str]:
    """Keys set in the example, plus keys shown commented out (`# key = ...`)."""
    keys: set[str] = set()
    section = ""
    for line in EXAMPLE.read_text().splitlines():
        header = re.match(r"^\[([\w.]+)\]", line)
        if header:
            section = header.group(1)
            continue
        key = re.match(r"^#?\s*(\w+)\s*=", line)
        if key and section:
            keys.add(f"{section}.{key.group(1)}")
    return keys


def model_keys(prefix: str, model: type[BaseModel]) -> set[str]:
    return {f"{prefix}.{name}" for name in model.model_fields}


def test_example_is_valid_and_equals_the_defaults() -> None:
    loaded = load_settings(EXAMPLE)
    assert loaded == Settings()


def test_every_key_is_documented() -> None:
    expected: set[str] = set()
    for name, field in Settings.model_fields.items():
        if name == "venues":
            expected |= model_keys("venues.sim", VenueConfig)
        elif name == "strategies":
            expected |= model_keys("strategies.mm", MarketMakerConfig)
        else:
            assert isinstance(field.annotation, type)
            assert issubclass(field.annotation, BaseModel)
            expected |= model_keys(name, field.annotation)
    missing = expected - documented_keys()
    assert not missing, f"config.example.toml does not document: {sorted(missing)}"


def test_example_parses_as_toml() -> None:
    assert "daemon" in tomllib.loads(EXAMPLE.read_text())
