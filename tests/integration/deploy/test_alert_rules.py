"""The Prometheus alert rules are valid and fire as their tests say (promtool)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT

RULES = REPO_ROOT / "deploy" / "prometheus"


@pytest.fixture
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: the project bootstrap installs Debian's prometheus")
    return path


def test_rules_are_valid(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", "lyrad.rules.yml"],
        cwd=RULES,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_fire_as_specified(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", "lyrad.rules.test.yml"],
        cwd=RULES,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_metric_in_the_rules_exists() -> None:
    """Rules that name a metric lyrad no longer exports would silently never fire."""
    import re

    from lyrad.app import App
    from lyrad.config.settings import load_settings

    exported = {m.name for m in App(load_settings(None)).registry.collect()}
    exported |= {"lyrad_journal_write_failures", "up"}  # registered when the journal opens
    named = set(re.findall(r"\b(lyrad_[a-z_]+|up)\b", (RULES / "lyrad.rules.yml").read_text()))
    base = {re.sub(r"_(total|bucket|count|sum)$", "", n) for n in named}
    missing = {n for n in base if n not in exported and n + "_total" not in exported}
    assert not missing, missing


def test_dashboard_queries_name_exported_metrics() -> None:
    import json
    import re

    from lyrad.app import App
    from lyrad.config.settings import load_settings

    dashboard = json.loads((REPO_ROOT / "deploy" / "grafana" / "lyrad-overview.json").read_text())
    exported = {m.name for m in App(load_settings(None)).registry.collect()}
    # Registered by components once they run (journal) or by the risk work (trading state).
    exported |= {"lyrad_journal_commit_seconds", "lyrad_trading_state"}
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            for name in re.findall(r"\b((?:lyrad|process)_[a-z_]+)", target["expr"]):
                base = re.sub(r"_(total|bucket|count|sum)$", "", name)
                assert base in exported, f"{panel['title']}: {name} is not exported"
