"""The daemon's own Prometheus metrics, on a registry the composition root owns."""

from __future__ import annotations

import platform

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Info,
    PlatformCollector,
    ProcessCollector,
)

from lyrad import __version__


def new_registry() -> CollectorRegistry:
    """A registry with the process and platform collectors: one per daemon, never the global."""
    registry = CollectorRegistry(auto_describe=True)
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    return registry


class DaemonMetrics:
    """Build, component and config-reload metrics."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.build_info = Info("lyrad_build", "lyrad build information", registry=registry)
        self.build_info.info({"version": __version__, "python": platform.python_version()})
        self.component_up = Gauge(
            "lyrad_component_up",
            "1 while the component runs and is ready, else 0",
            ["component"],
            registry=registry,
        )
        self.component_restarts = Counter(
            "lyrad_component_restarts_total",
            "Restarts of a component after it failed",
            ["component"],
            registry=registry,
        )
        self.config_reloads = Counter(
            "lyrad_config_reloads_total",
            "Configuration reloads by result",
            ["result"],
            registry=registry,
        )
        for result in ("success", "failure"):
            self.config_reloads.labels(result=result)
        self.config_last_reload_success = Gauge(
            "lyrad_config_last_reload_success_timestamp_seconds",
            "Unix time of the last successful configuration load or reload",
            registry=registry,
        )
