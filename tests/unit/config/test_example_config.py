"""config.example.toml is valid and documents every key with its default."""

from __future__ import annotations

import fnmatch
import re
import tomllib
import types
import typing
from typing import Any

from pydantic import BaseModel

from lyrad.config.settings import Settings, load_settings
from tests.conftest import REPO_ROOT

EXAMPLE = REPO_ROOT / "config.example.toml"


def documented_keys() -> set[str]:
    """Keys set in the example, plus those shown commented out (`# key = ...`), with their
    table (tables may be commented out too: `# [risk.breakers.daily_loss]`)."""
    keys: set[str] = set()
    section = ""
    for line in EXAMPLE.read_text().splitlines():
        header = re.match(r'^#?\s*\[\[?([\w."/-]+)\]\]?\s*$', line)
        if header:
            section = header.group(1).replace('"', "")
            continue
        key = re.match(r"^#?\s*(\w+)\s*=", line)
        if key and section:
            keys.add(f"{section}.{key.group(1)}")
    return keys


def _models_in(annotation: Any) -> tuple[list[type[BaseModel]], str]:
    """The model types inside a field's annotation, and the path segment a container adds."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation], ""
    if origin in (dict,) and args:
        inner, _ = _models_in(args[1])
        return inner, ".*"
    if origin in (tuple, list) and args:
        inner, _ = _models_in(args[0])
        return inner, ""
    if origin in (typing.Union, types.UnionType):
        found = [m for a in args for m in _models_in(a)[0]]
        return found, ""
    return [], ""


def model_keys(prefix: str, model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        nested, segment = _models_in(field.annotation)
        if nested:
            for inner in nested:
                keys |= model_keys(f"{prefix}.{name}{segment}", inner)
        else:
            keys.add(f"{prefix}.{name}")
    return keys


def test_example_is_valid_and_equals_the_defaults() -> None:
    loaded = load_settings(EXAMPLE)
    assert loaded == Settings()


def test_every_key_is_documented() -> None:
    expected = model_keys("", Settings)
    expected = {key.lstrip(".") for key in expected}
    documented = documented_keys()
    missing = {key for key in expected if not fnmatch.filter(documented, key)}
    assert not missing, f"config.example.toml does not document: {sorted(missing)}"


def test_example_parses_as_toml() -> None:
    assert "daemon" in tomllib.loads(EXAMPLE.read_text())
