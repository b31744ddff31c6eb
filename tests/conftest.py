"""Suite-wide settings: hypothesis profiles and paths to shared reference data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parent.parent

# A 2-core CI machine under load makes per-example deadlines flaky; shrinking still works.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile(
    "soak", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=2000
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Captured real exchange wire formats (ccxt's static fixtures), kept beside the checkout."""
    path = REPO_ROOT.parent / "shared" / "reference" / "ccxt-static"
    if not path.is_dir():
        pytest.fail(f"reference data not found at {path}: shared/ must sit beside the checkout")
    return path
