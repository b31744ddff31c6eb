"""The stop manager's config section (`[stops]`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lyrad.config.types import Duration


class StopsConfig(BaseModel):
    """How often marks are read, trailing levels saved, ATR refreshed; how exits retry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    poll_interval: Duration = timedelta(seconds=1)  # one ticker per watched symbol per round
    # A trailing level moved by the market is saved at most this often; after a crash the
    # level may be this much older (looser), never tighter than the market allowed.
    persist_interval: Duration = timedelta(seconds=5)
    atr_refresh: Duration = timedelta(minutes=1)  # candles per (venue, symbol, timeframe)
    atr_candles: int = Field(default=100, ge=2, le=1000)  # at least period + 2 are fetched
    # An exit refused by the risk gate or the venue (nothing sent) is tried again on the next
    # round while the stop still holds, this many times in all; then the stop is FAILED.
    max_attempts: int = Field(default=3, ge=1, le=20)
    history: int = Field(default=50, ge=0, le=1000)  # finished stops kept for listing
    flush_timeout: Duration = timedelta(seconds=2)  # saving trailing levels at shutdown

    @model_validator(mode="after")
    def _positive_durations(self) -> StopsConfig:
        for name in ("poll_interval", "atr_refresh", "flush_timeout"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        if self.persist_interval < timedelta(0):
            raise ValueError("persist_interval must not be negative")
        return self
