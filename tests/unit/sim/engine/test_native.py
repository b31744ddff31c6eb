"""Which engine build is used: a compiled one only while it matches every source exactly."""

from __future__ import annotations

import json
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from lyrad.sim.engine.native import (
    COMPILED_MODULES,
    GROUP,
    INTERPRETED_ENV,
    build_is_current,
    expected_manifest,
    use_compiled,
)


def _package(root: Path) -> Path:
    """A package with two sources and a _native/ build recorded for them as they are now (the
    extensions are empty stand-ins: only their presence is checked)."""
    package = root / "engine"
    package.mkdir()
    (package / "market.py").write_text("X = 1\n")
    (package / "types.py").write_text("Y = 2\n")
    native = package / "_native"
    native.mkdir()
    for name in (*COMPILED_MODULES, f"{GROUP.rpartition('.')[2]}__mypyc"):
        (native / f"{name}{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    (native / "manifest.json").write_text(json.dumps(expected_manifest(package)))
    return package


def test_a_build_of_the_current_sources_goes_first_on_the_search_path(tmp_path: Path) -> None:
    package = _package(tmp_path)
    search_path = [str(package)]
    assert use_compiled(search_path, package, {})
    assert search_path == [str(package / "_native"), str(package)]


def test_an_edited_source_makes_the_build_stale(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / "types.py").write_text("Y = 3\n")  # not a compiled module: it still counts
    search_path = [str(package)]
    assert not build_is_current(package)
    assert not use_compiled(search_path, package, {})
    assert search_path == [str(package)]


def test_a_new_source_makes_the_build_stale(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / "extra.py").write_text("Z = 4\n")
    assert not build_is_current(package)


def test_a_missing_or_garbled_manifest_means_no_build(tmp_path: Path) -> None:
    package = _package(tmp_path)
    manifest = package / "_native" / "manifest.json"
    manifest.write_text("{not json")
    assert not build_is_current(package)
    manifest.unlink()
    assert not build_is_current(package)


def test_a_build_for_another_interpreter_is_stale(tmp_path: Path) -> None:
    package = _package(tmp_path)
    manifest = package / "_native" / "manifest.json"
    recorded = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**recorded, "interpreter": "3.99.0 (other)"}))
    assert not build_is_current(package)


def test_the_environment_can_ask_for_the_interpreted_engine(tmp_path: Path) -> None:
    package = _package(tmp_path)
    search_path = [str(package)]
    assert not use_compiled(search_path, package, {INTERPRETED_ENV: "1"})
    assert search_path == [str(package)]
    assert use_compiled(search_path, package, {INTERPRETED_ENV: "0"})


def test_a_manifest_without_its_extensions_is_no_build(tmp_path: Path) -> None:
    # e.g. a copy of the tree that kept the manifest but not the compiled libraries
    package = _package(tmp_path)
    assert build_is_current(package)
    next((package / "_native").glob("market.*")).unlink()
    assert not build_is_current(package)
