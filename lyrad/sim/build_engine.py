"""Compile the sim engine with mypyc: `python -m lyrad.sim.build_engine` (run by `make`).

See `lyrad.sim.engine.native` for what is compiled and how a build is picked up.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from lyrad.sim.engine.native import (
    COMPILED_MODULES,
    GROUP,
    MANIFEST,
    NATIVE_DIR,
    PACKAGE_DIR,
    build_is_current,
    expected_manifest,
)


def build() -> str:
    """Compile the engine into _native/ unless it is current; returns what happened."""
    if build_is_current():
        return "sim engine: compiled build is current"
    for old in PACKAGE_DIR.glob("_native*"):  # a stale build must never be picked up
        shutil.rmtree(old, ignore_errors=True)
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution  # type: ignore[import-untyped]
    except ImportError as e:
        return f"sim engine: interpreted ({e.name} is not installed, nothing compiled)"
    sources = [str(PACKAGE_DIR / f"{name}.py") for name in COMPILED_MODULES]
    with tempfile.TemporaryDirectory(prefix="lyrad-engine-build-") as work:
        try:
            extensions = mypycify(sources, group_name=GROUP, target_dir=f"{work}/c")
            dist = Distribution({"name": "lyrad-sim-engine", "ext_modules": extensions})
            command = dist.get_command_obj("build_ext")
            command.build_lib = f"{work}/lib"
            command.build_temp = f"{work}/temp"
            dist.run_command("build_ext")
        except (Exception, SystemExit) as e:  # no compiler, a mypyc error: stay interpreted
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            if isinstance(e, SystemExit):  # mypyc printed its errors above
                reason = f"mypyc exited with status {e.code}"
            return f"sim engine: interpreted (compiling failed: {reason})"
        built = sorted((Path(work) / "lib" / "lyrad" / "sim" / "engine").glob("*.so"))
        staging = Path(tempfile.mkdtemp(prefix="_native-", dir=PACKAGE_DIR))
        for library in built:
            shutil.copy2(library, staging / library.name)
        # The manifest is written last: a build cut short is never taken for a current one.
        (staging / MANIFEST.name).write_text(json.dumps(expected_manifest()), encoding="utf-8")
        staging.rename(NATIVE_DIR)
    return f"sim engine: compiled {len(COMPILED_MODULES)} modules into {NATIVE_DIR}"


def main() -> None:
    print(build(), file=sys.stderr)


if __name__ == "__main__":
    main()
