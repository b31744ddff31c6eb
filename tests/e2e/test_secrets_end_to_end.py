"""Secrets from the vault never leave it in clear: not in logs, metrics, API answers, the
journal or the audit log, even when the venue echoes them, a reload fails, or a component
crashes with them in its traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.process import RunningDaemon, lyrad_command, running_daemon
from tests.e2e.sim_process import SimProcess, sim_process

pytestmark = pytest.mark.e2e

PASSPHRASE = "correct horse battery staple e2e"


def lyrad(cwd: Path, env: dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        lyrad_command(*args),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={**os.environ, **env},
        check=False,
        start_new_session=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def config(sim: SimProcess) -> str:
    return f"""
[http]
listen = "127.0.0.1:{{port}}"
[log]
format = "json"
level = "debug"
[daemon]
restart_initial_backoff = "100ms"
restart_max_backoff = "200ms"
restart_budget = 100
[vault]
scrypt_n = 16384
[venues.ex]
kind = "ccxt"
url = "{sim.base_url}"
api_key = "vault:ex/api_key"
secret = "vault:ex/secret"
symbols = ["BTC/USDT"]
reconcile_interval = "1s"
[strategies.mm]
venue = "ex"
symbol = "BTC/USDT"
requote_interval = "300ms"
"""


def echo_faults(sim: SimProcess) -> list[dict[str, object]]:
    """The venue answers with our own credentials in its error texts."""
    return [
        {
            "kind": "error",
            "route": "POST /api/v3/order",
            "rate": 1.0,
            "status": 400,
            "code": -2010,
            "message": f"Account {sim.api_key} rejected; signature made with {sim.secret}",
        },
        {
            "kind": "error",
            "route": "GET /api/v3/ticker/bookTicker",
            "rate": 0.5,
            "status": 500,
            "code": -1000,
            "message": f"internal error for key {sim.api_key}",
        },
    ]


def wait_for_refusal(daemon: RunningDaemon) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if daemon.metric("lyrad_config_reloads_total", 'result="failure"') == 1.0:
            return
        time.sleep(0.1)
    raise AssertionError("the bad reload was never refused")


def scrape(daemon: RunningDaemon, token: str) -> str:
    import urllib.request

    texts = [daemon.get("/metrics")[1], daemon.get("/readyz")[1]]
    for path in ("/v1/status", "/v1/orders", "/v1/positions"):
        request = urllib.request.Request(
            daemon.base_url + path, headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            texts.append(answer.read().decode())
    return "\n".join(texts)


def test_secrets_never_appear_anywhere(tmp_path: Path) -> None:
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE)
    passphrase_file.chmod(0o600)
    env = {"LYRAD_VAULT_PASSPHRASE_FILE": str(passphrase_file)}
    with sim_process(tmp_path, "--seed", "5") as sim:
        (tmp_path / "lyrad.toml").write_text(config(sim).replace("{port}", "1"))
        cfg = ("--config", str(tmp_path / "lyrad.toml"))
        lyrad(tmp_path, env, "vault", "init", *cfg)
        lyrad(tmp_path, env, "vault", "set", "ex/api_key", *cfg, stdin=sim.api_key + "\n")
        lyrad(tmp_path, env, "vault", "set", "ex/secret", *cfg, stdin=sim.secret + "\n")
        token = (
            lyrad(tmp_path, {}, "token", "create", *cfg, "--role", "viewer", "--expires", "1h")
            .strip()
            .splitlines()[-1]
        )
        sim.set_faults(echo_faults(sim))
        collected: list[str] = []
        with running_daemon(tmp_path, config(sim), extra_env=env) as daemon:
            daemon.wait_ready()
            time.sleep(3)  # orders refused with the echo, tickers failing with it
            collected.append(scrape(daemon, token))
            # A reload that fails, with a secret in the refused file.
            config_path = tmp_path / "lyrad.toml"
            good = config_path.read_text()
            config_path.write_text(good + f'\n[bogus]\nkey = "{sim.secret}"\n')
            daemon.signal(signal.SIGHUP)
            wait_for_refusal(daemon)
            config_path.write_text(good)
            # A crash with the secret in its traceback: the venue's market list fails, echoing
            # the key, so the venue component fails and restarts until the fault goes away.
            sim.set_faults(
                [
                    {
                        "kind": "error",
                        "route": "GET /api/v3/exchangeInfo",
                        "rate": 1.0,
                        "status": 500,
                        "code": -1000,
                        "message": f"cannot list markets for {sim.api_key} {sim.secret}",
                    }
                ]
            )
            daemon.signal(signal.SIGHUP)  # nothing changed; and restart the venue by hand:
            (tmp_path / "lyrad.toml").write_text(
                good.replace('reconcile_interval = "1s"', 'reconcile_interval = "2s"')
            )
            daemon.signal(signal.SIGHUP)  # the venue section changed: its component restarts
            time.sleep(3)
            collected.append(scrape(daemon, token))
            daemon.signal(signal.SIGTERM)
            assert daemon.wait_exit(timeout=30) == 0
            log = daemon.log()
    secrets = {
        "api key": sim.api_key,
        "secret": sim.secret,
        "passphrase": PASSPHRASE,
    }
    places = {
        "daemon log": log,
        "metrics and API answers": "\n".join(collected),
        "journal": (tmp_path / "journal.sqlite3").read_bytes().decode("latin-1"),
        "audit log": (tmp_path / "var" / "lyrad" / "audit.jsonl").read_text(),
    }
    for place, text in places.items():
        for name, value in secrets.items():
            assert value not in text, f"the {name} leaked into the {place}"
    # The situations really happened (otherwise the test proves nothing).
    assert "***" in log  # the adapter masked the venue's echo of our credentials
    assert '"config_reload_refused"' in log
    assert '"component_failed"' in log
    assert "Traceback" in log
