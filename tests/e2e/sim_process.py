"""A standalone `lyrad sim` process, as an operator would run it, and ccxt pointed at it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.process import lyrad_command


@dataclass(frozen=True)
class SimProcess:
    process: subprocess.Popen[str]
    base_url: str
    admin_url: str
    admin_token: str
    api_key: str
    secret: str

    def venue_toml(self, **settings: str) -> str:
        """`[venues.ex]`: a ccxt venue on this sim trading BTC/USDT, plus `settings` (text)."""
        extra = "".join(f'{key} = "{value}"\n' for key, value in settings.items())
        return (
            "[venues.ex]\n"
            'kind = "ccxt"\n'
            f'url = "{self.base_url}"\n'
            f'api_key = "{self.api_key}"\n'
            f'secret = "{self.secret}"\n'
            'symbols = ["BTC/USDT"]\n'
            f"{extra}"
        )

    def admin(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.admin_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.admin_token}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode())

    def set_faults(self, rules: list[dict[str, object]]) -> None:
        self.admin("PUT", "/faults", rules)


@contextmanager
def sim_process(tmp_path: Path, *args: str) -> Iterator[SimProcess]:
    log = (tmp_path / "sim.log").open("w")
    process = subprocess.Popen(
        lyrad_command("sim", "--port", "0", *args),
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"lyrad sim printed nothing; log:\n{(tmp_path / 'sim.log').read_text()}"
        info = json.loads(line)
        account = info["accounts"][0]
        yield SimProcess(
            process,
            info["base_url"],
            info["admin_url"],
            info["admin_token"],
            account["api_key"],
            account["secret"],
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        log.close()
