from pathlib import Path

import pytest

from lyrad.config.errors import ConfigError
from lyrad.config.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lyrad.toml"
    path.write_text(text)
    return path


def only_line(error: ConfigError) -> str:
    assert len(error.lines) == 1, error.lines
    return error.lines[0]


def test_defaults_need_no_file() -> None:
    settings = load_settings(None)
    assert str(settings.http.listen) == "127.0.0.1:8787"
    assert settings.venues["sim"].kind == "sim"


def test_file_values_are_used(tmp_path: Path) -> None:
    path = write(tmp_path, '[http]\nlisten = "127.0.0.1:9100"\n[daemon]\nstop_timeout = "3s"\n')
    settings = load_settings(path)
    assert settings.http.listen.port == 9100
    assert settings.daemon.stop_timeout.total_seconds() == 3


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[http]\nlisten = "127.0.0.1:9100"\n')
    monkeypatch.setenv("LYRAD_HTTP__LISTEN", "127.0.0.1:9200")
    monkeypatch.setenv("LYRAD_JOURNAL__PATH", str(tmp_path / "j.sqlite3"))
    settings = load_settings(path)
    assert settings.http.listen.port == 9200
    assert settings.journal.path == tmp_path / "j.sqlite3"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "absent.toml")
    assert only_line(info.value) == f"{tmp_path / 'absent.toml'}: file not found"


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[http\nlisten = 1\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    line = only_line(info.value)
    assert line.startswith(f"{path}: TOML syntax error")
    assert "line 1" in line


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[http]\nlisten_port = 80\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert only_line(info.value) == f"{path}: http.listen_port: unknown key"


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[daemon]\nrestart_budget = "many"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    line = only_line(info.value)
    assert line.startswith(f"{path}: daemon.restart_budget: ")
    assert "integer" in line


def test_negative_duration_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[daemon]\nstop_timeout = "-5s"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert (
        only_line(info.value)
        == f"{path}: daemon.stop_timeout: duration must not be negative, got -5s"
    )


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LYRAD_LOG__LEVEL", "loud")
    with pytest.raises(ConfigError) as info:
        load_settings(None)
    assert only_line(info.value).startswith("environment LYRAD_LOG__LEVEL: log.level: ")


def test_literal_secret_for_a_real_exchange_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[venues.live]\nkind = "ccxt"\napi_key = "AKIAxxxxxxxx"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    line = only_line(info.value)
    assert line.startswith(f"{path}: venues.live.api_key: a literal secret is only accepted")
    assert "AKIA" not in line


def test_literal_secret_is_accepted_for_a_loopback_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[venues.local]\nkind = "ccxt"\nurl = "http://127.0.0.1:9000"\n'
        'api_key = "k"\nsecret = "s"\n',
    )
    assert load_settings(path).venues["local"].url == "http://127.0.0.1:9000"


def test_contradictory_backoff_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[daemon]\nrestart_initial_backoff = "1m"\nrestart_max_backoff = "1s"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "restart_max_backoff must be at least" in only_line(info.value)


def test_a_strategy_must_trade_a_configured_venue_and_symbol(tmp_path: Path) -> None:
    path = write(tmp_path, '[strategies.mm]\nvenue = "nowhere"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert only_line(info.value) == f"{path}: strategies.mm.venue: no venue named 'nowhere'"
    path = write(tmp_path, '[strategies.mm]\nsymbol = "DOGE/USDT"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "strategies.mm.symbol: DOGE/USDT is not in venues.sim.symbols" in only_line(info.value)


def test_own_venues_without_strategies_get_no_default_strategy(tmp_path: Path) -> None:
    path = write(tmp_path, '[venues.paper]\nkind = "sim"\n')
    assert load_settings(path).strategies == {}
