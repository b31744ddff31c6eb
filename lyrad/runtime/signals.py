"""Signal handlers only express intent; the daemon's main loop does the work."""

from __future__ import annotations

import asyncio
import signal


class SignalIntents:
    """What operators asked for: stop (a second stop forces), reload."""

    def __init__(self) -> None:
        self.stop_requested = asyncio.Event()
        self.force_requested = asyncio.Event()
        self.reload_requested = asyncio.Event()
        self.stop_signal: str | None = None

    def request_stop(self, name: str) -> None:
        if self.stop_requested.is_set():
            self.force_requested.set()
        self.stop_signal = self.stop_signal or name
        self.stop_requested.set()

    def request_reload(self) -> None:
        self.reload_requested.set()

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        loop.add_signal_handler(signal.SIGTERM, self.request_stop, "SIGTERM")
        loop.add_signal_handler(signal.SIGINT, self.request_stop, "SIGINT")
        loop.add_signal_handler(signal.SIGHUP, self.request_reload)

    @staticmethod
    def uninstall(loop: asyncio.AbstractEventLoop) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(sig)
