"""The root settings: TOML file first, `LYRAD_<SECTION>__<KEY>` environment overrides on top."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from lyrad.config.errors import ENV_DELIMITER, ENV_PREFIX, ConfigError, from_validation_error
from lyrad.config.sections import (
    DaemonConfig,
    HttpConfig,
    JournalConfig,
    LogConfig,
    MarketMakerConfig,
    VenueConfig,
)
from lyrad.security.config import AuditConfig, ControlConfig, VaultConfig
from lyrad.trading.risk.config import RiskConfig
from lyrad.trading.stops.config import StopsConfig


def _default_venues() -> dict[str, VenueConfig]:
    return {"sim": VenueConfig()}


def _default_strategies() -> dict[str, MarketMakerConfig]:
    return {"mm": MarketMakerConfig()}


class Settings(BaseSettings):
    """Every section of lyrad's configuration. Built only by `load_settings`."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_DELIMITER,
        case_sensitive=False,
    )

    daemon: DaemonConfig = DaemonConfig()
    log: LogConfig = LogConfig()
    http: HttpConfig = HttpConfig()
    journal: JournalConfig = JournalConfig()
    venues: dict[str, VenueConfig] = Field(default_factory=_default_venues)
    strategies: dict[str, MarketMakerConfig] = Field(default_factory=_default_strategies)
    vault: VaultConfig = VaultConfig()
    control: ControlConfig = ControlConfig()
    audit: AuditConfig = AuditConfig()
    risk: RiskConfig = Field(default_factory=RiskConfig)
    stops: StopsConfig = StopsConfig()

    @model_validator(mode="before")
    @classmethod
    def _default_strategy_needs_its_venue(cls, data: Any) -> Any:
        # The default market maker trades the default sim venue; a file that defines its own
        # venues and no strategies gets none, rather than an error about a venue it never named.
        if isinstance(data, dict) and "strategies" not in data:
            venues = data.get("venues")
            if isinstance(venues, dict) and "sim" not in venues:
                return {**data, "strategies": {}}
        return data

    @model_validator(mode="after")
    def _strategies_trade_configured_venues(self) -> Settings:
        for name, strategy in self.strategies.items():
            venue = self.venues.get(strategy.venue)
            if venue is None:
                raise ValueError(f"strategies.{name}.venue: no venue named {strategy.venue!r}")
            if strategy.symbol not in venue.symbols:
                raise ValueError(
                    f"strategies.{name}.symbol: {strategy.symbol} is not in "
                    f"venues.{strategy.venue}.symbols"
                )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's content arrives as init kwargs; the environment overrides it.
        return (env_settings, init_settings)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except OSError as e:
        raise ConfigError([f"{path}: cannot read: {e.strerror or e}"]) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path}: TOML syntax error: {e}"]) from None


def load_settings(path: Path | None) -> Settings:
    """Validate the file (or the built-in defaults) plus environment; raise ConfigError."""
    data = read_toml(path) if path is not None else {}
    try:
        return Settings(**data)
    except ValidationError as e:
        raise from_validation_error(e, path) from None
    except SettingsError as e:
        # pydantic-settings could not decode an environment value (e.g. a list that is not JSON)
        raise ConfigError([f"environment: {e}"]) from None
