"""Start the real `lyrad` process with a real sd_notify socket, and talk to it over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# The head of every e2e daemon config: the port is filled in by `running_daemon`.
HTTP_AND_JSON_LOGS = '[http]\nlisten = "127.0.0.1:{port}"\n[log]\nformat = "json"\n'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def lyrad_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "lyrad", *args]


def run_lyrad(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        lyrad_command(*args),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


@dataclass
class Notifications:
    """Datagrams the daemon sent to its NOTIFY_SOCKET."""

    sock: socket.socket
    seen: list[str] = field(default_factory=list)

    def wait_for(self, prefix: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        for message in self.seen:
            if any(line.startswith(prefix) for line in message.split("\n")):
                return message
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                message = self.sock.recv(65536).decode()
            except TimeoutError:
                break
            self.seen.append(message)
            if any(line.startswith(prefix) for line in message.split("\n")):
                return message
        raise AssertionError(f"no {prefix!r} notification; got {self.seen}")

    def drain(self) -> None:
        self.sock.settimeout(0.05)
        try:
            while True:
                self.seen.append(self.sock.recv(65536).decode())
        except TimeoutError:
            return


@dataclass
class RunningDaemon:
    process: subprocess.Popen[str]
    base_url: str
    notifications: Notifications
    log_path: Path

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as e:
            return int(e.code), e.read().decode()

    def get_json(self, path: str) -> tuple[int, dict[str, object]]:
        status, body = self.get(path)
        parsed: dict[str, object] = json.loads(body)
        return status, parsed

    def wait_ready(self, timeout: float = 30.0) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            try:
                status, body = self.get_json("/readyz")
                if status == 200:
                    return body
                last = body
            except (urllib.error.URLError, ConnectionError) as e:
                last = e
            time.sleep(0.1)
        raise AssertionError(f"never ready: {last}; log:\n{self.log()}")

    def metric(self, name: str, labels: str = "") -> float | None:
        _, text = self.get("/metrics")
        wanted = f"{name}{{{labels}}}" if labels else name
        for line in text.splitlines():
            if line.startswith(wanted + " "):
                return float(line.rsplit(" ", 1)[1])
        return None

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait_exit(self, timeout: float = 30.0) -> int:
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_daemon(
    tmp_path: Path,
    config_text: str,
    *,
    extra_env: Mapping[str, str] | None = None,
    watchdog_usec: int = 1_000_000,
    args: tuple[str, ...] = (),
) -> Iterator[RunningDaemon]:
    """`lyrad run` on a free port with a real NOTIFY_SOCKET; killed if left running."""
    port = free_port()
    config = tmp_path / "lyrad.toml"
    config.write_text(config_text.replace("{port}", str(port)).replace("{tmp}", str(tmp_path)))
    sock_path = str(tmp_path / "notify.sock")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sock_path)  # left by an earlier daemon of the same test
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    env = {
        **os.environ,
        "NOTIFY_SOCKET": sock_path,
        "WATCHDOG_USEC": str(watchdog_usec),
        "LYRAD_JOURNAL__PATH": str(tmp_path / "journal.sqlite3"),
        **(extra_env or {}),
    }
    log_path = tmp_path / "lyrad.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            lyrad_command("run", "--config", str(config), *args),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
            cwd=tmp_path,  # relative state paths (audit log, tokens, vault) land here
        )
    try:
        yield RunningDaemon(process, f"http://127.0.0.1:{port}", Notifications(sock), log_path)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        sock.close()
