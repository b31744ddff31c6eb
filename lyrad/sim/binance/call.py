"""What an endpoint handler receives: the venue, the parsed parameters, the caller and the time."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from lyrad.sim.binance import errors
from lyrad.sim.binance.params import Params
from lyrad.sim.engine import AccountSpec, SymbolSpec
from lyrad.sim.venue import Venue

_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(slots=True)
class Call:
    """One request being served."""

    venue: Venue
    params: Params
    now_ms: int  # sim time, the engine already brought up to it
    caller: AccountSpec | None
    rng: random.Random

    @property
    def account(self) -> AccountSpec:
        """The authenticated account (signed endpoints only)."""
        if self.caller is None:  # pragma: no cover - the route table guarantees it
            raise errors.rejected_api_key()
        return self.caller

    def spec(self, symbol: str) -> SymbolSpec:
        """The symbol's spec, or -1121 Invalid symbol."""
        spec = self.venue.engine.symbols.get(symbol)
        if spec is None:
            raise errors.invalid_symbol()
        return spec

    def required_spec(self) -> SymbolSpec:
        return self.spec(self.params.required_symbol())

    def symbol_list(self) -> list[SymbolSpec] | None:
        """`symbol` or `symbols` (JSON array) if either was sent; both at once is -1128."""
        one = self.params.symbol()
        many = self.params.symbols()
        if one is not None and many is not None:
            raise errors.bad_combination()
        if one is not None:
            return [self.spec(one)]
        if many is not None:
            return [self.spec(name) for name in many]
        return None

    def new_client_order_id(self) -> str:
        """A random 22-character id like the ones Binance generates (seeded, so reproducible)."""
        return "".join(self.rng.choices(_ID_ALPHABET, k=22))
