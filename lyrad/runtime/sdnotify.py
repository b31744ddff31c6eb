"""systemd's notification protocol, written directly over $NOTIFY_SOCKET (no libsystemd)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping

import structlog

log = structlog.get_logger("lyrad.sdnotify", component="sdnotify")


class SdNotifier:
    """Sends `KEY=VALUE` datagrams to systemd; a no-op when not started by systemd."""

    def __init__(self, socket_path: str | None, watchdog_usec: int | None = None) -> None:
        self._address: str | bytes | None = None
        if socket_path:
            # A leading '@' names a socket in the abstract namespace.
            self._address = (
                b"\0" + socket_path[1:].encode() if socket_path.startswith("@") else socket_path
            )
        self.watchdog_usec = watchdog_usec
        self._dropping = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SdNotifier:
        env = os.environ if environ is None else environ
        watchdog: int | None = None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            watchdog = int(usec)
        return cls(env.get("NOTIFY_SOCKET") or None, watchdog)

    @property
    def enabled(self) -> bool:
        return self._address is not None

    @property
    def watchdog_interval_s(self) -> float | None:
        """Half the watchdog timeout, as systemd recommends; None without a watchdog."""
        return self.watchdog_usec / 2_000_000 if self.watchdog_usec else None

    def send(self, **fields: str | int) -> None:
        if self._address is None:
            return
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            # Non-blocking: a receiver that stops reading must never stall the event loop.
            kind = socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK
            with socket.socket(socket.AF_UNIX, kind) as sock:
                sock.sendto(message, self._address)
            self._dropping = False
        except BlockingIOError:
            if not self._dropping:  # once per episode: a stuck reader must not flood the log
                log.warning("sd_notify_dropped", reason="the notification socket is full")
            self._dropping = True
            return
        except OSError as e:
            # Losing a notification must never take the daemon down; systemd will time us out.
            log.warning("sd_notify_failed", error=str(e))

    def ready(self, status: str) -> None:
        self.send(READY=1, STATUS=status)

    def reloading(self) -> None:
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        self.send(RELOADING=1, MONOTONIC_USEC=usec, STATUS="reloading configuration")

    def stopping(self, status: str = "stopping") -> None:
        self.send(STOPPING=1, STATUS=status)

    def watchdog(self) -> None:
        self.send(WATCHDOG=1)

    def status(self, text: str) -> None:
        self.send(STATUS=text)
