"""Request bodies and query strings, validated by pydantic; every refusal is one line."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lyrad.config.types import Duration
from lyrad.domain.values import OrderType, Side, TimeInForce
from lyrad.security.roles import Role

BODY = ConfigDict(frozen=True, extra="forbid")
M = TypeVar("M", bound=BaseModel)
_IDENT = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
_SYMBOL = r"^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}$"
_REASON = r"^[^\x00-\x1f\x7f]{0,200}$"


class ApiError(Exception):
    """A refusal: HTTP status and the one-line reason sent as {"error": ...}."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class IntentBody(BaseModel):
    model_config = BODY

    venue: str = Field(pattern=_IDENT)
    symbol: str = Field(pattern=_SYMBOL)
    side: Side
    type: OrderType
    amount: Decimal = Field(gt=0, max_digits=38, decimal_places=18)
    price: Decimal | None = Field(default=None, gt=0, max_digits=38, decimal_places=18)
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False

    @model_validator(mode="after")
    def _price_matches_type(self) -> IntentBody:
        if self.type is OrderType.LIMIT and self.price is None:
            raise ValueError("price: a limit order needs a price")
        if self.type is OrderType.MARKET and self.price is not None:
            raise ValueError("price: a market order takes no price")
        return self


class HaltBody(BaseModel):
    model_config = BODY

    flatten: bool = False
    reason: str = Field(default="operator halt", pattern=_REASON)


class ResumeBody(BaseModel):
    model_config = BODY

    reason: str = Field(default="operator resume", pattern=_REASON)


class EmptyBody(BaseModel):
    model_config = BODY


class TokenBody(BaseModel):
    model_config = BODY

    role: Role
    expires: Duration
    name: str = Field(default="", pattern=r"^[A-Za-z0-9 ._@:-]{0,64}$")


class OrdersQuery(BaseModel):
    model_config = BODY

    state: Literal["open", "all"] = "open"
    venue: str | None = Field(default=None, pattern=_IDENT)
    symbol: str | None = Field(default=None, pattern=_SYMBOL)
    limit: int = Field(default=100, ge=1, le=1000)


class AuditQuery(BaseModel):
    model_config = BODY

    after: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=1000)


def one_line(error: ValidationError) -> str:
    """The first problem, naming its field: `amount: Input should be greater than 0`."""
    detail = error.errors(include_url=False, include_input=False, include_context=False)[0]
    if detail["type"] == "json_invalid":
        return "body is not valid JSON"
    message = detail["msg"].removeprefix("Value error, ").replace("\n", " ")
    loc = ".".join(str(part) for part in detail["loc"])
    if not loc:
        return message if ":" in message.split(" ", 1)[0] else f"body: {message}"
    return f"{loc}: {message}"


async def read_body(request: web.Request, model: type[M], limit: int) -> M:
    """The body as `model`; 413 over `limit` bytes, 415 if not JSON, 400 naming the field."""
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, f"body is larger than {limit} bytes")
    raw = bytearray()
    while chunk := await request.content.read(limit + 1 - len(raw)):
        raw += chunk
        if len(raw) > limit:
            raise ApiError(413, f"body is larger than {limit} bytes")
    if not raw.strip():
        raw = bytearray(b"{}")
    elif request.content_type != "application/json":
        raise ApiError(415, "Content-Type must be application/json")
    try:
        return model.model_validate_json(bytes(raw))
    except ValidationError as e:
        raise ApiError(400, one_line(e)) from None


def read_query(request: web.Request, model: type[M]) -> M:
    params: dict[str, str] = {}
    for key in request.query:
        values = request.query.getall(key)
        if len(values) > 1:
            raise ApiError(400, f"{key}: given more than once")
        params[key] = values[0]
    try:
        return model.model_validate(params)
    except ValidationError as e:
        raise ApiError(400, one_line(e)) from None
