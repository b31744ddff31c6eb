"""Binance's error answers: HTTP status, numeric code and message text, exactly as sent.

ccxt matches the message text before the code (an exact message such as
"Account has insufficient balance for requested action." decides the exception class),
so the texts here are Binance's own, character for character.
"""

from __future__ import annotations

from collections.abc import Mapping


class BinanceError(Exception):
    """An error answer in Binance's wire form: `{"code": code, "msg": msg}` with an HTTP status."""

    def __init__(
        self, status: int, code: int, msg: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {msg}")
        self.status = status
        self.code = code
        self.msg = msg
        self.headers: dict[str, str] = dict(headers or {})

    def body(self) -> dict[str, object]:
        return {"code": self.code, "msg": self.msg}


BAD_REQUEST = 400
UNAUTHORIZED = 401
TOO_MANY_REQUESTS = 429
IP_BANNED = 418

DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
INTEGER_RANGE = r"^[0-9]{1,20}$"
SYMBOL_RANGE = r"^[A-Z0-9-_.]{1,20}$"
CLIENT_ORDER_ID_RANGE = r"^[a-zA-Z0-9-_]{1,36}$"
SYMBOLS_RANGE = r'^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\]$'

# Messages of -2010 NEW_ORDER_REJECTED / -2011 CANCEL_REJECTED (Binance errors.md).
MSG_INSUFFICIENT_BALANCE = "Account has insufficient balance for requested action."
MSG_WOULD_MATCH = "Order would immediately match and take."
MSG_DUPLICATE_ORDER = "Duplicate order sent."
MSG_UNKNOWN_ORDER_SENT = "Unknown order sent."
MSG_MARKET_CLOSED = "Market is closed."
MSG_ACCOUNT_CANNOT_TRADE = "This account may not place or cancel orders."


def unknown() -> BinanceError:
    return BinanceError(
        BAD_REQUEST, -1000, "An unknown error occurred while processing the request."
    )


def too_much_weight(limit: int) -> BinanceError:
    return BinanceError(
        TOO_MANY_REQUESTS,
        -1003,
        f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE."
        " Please use WebSocket Streams for live updates to avoid polling the API.",
    )


def ip_banned(until_ms: int) -> BinanceError:
    return BinanceError(
        IP_BANNED,
        -1003,
        f"Way too much request weight used; IP banned until {until_ms}."
        " Please use WebSocket Streams for live updates to avoid bans.",
    )


def too_many_orders(limit: int, interval: str) -> BinanceError:
    return BinanceError(
        TOO_MANY_REQUESTS,
        -1015,
        f"Too many new orders; current limit is {limit} orders per {interval}.",
    )


def filter_failure(name: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -1013, f"Filter failure: {name}")


def invalid_message(msg: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -1013, msg)


def unsupported_combination() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1014, "Unsupported order combination.")


def timestamp_outside_recv_window() -> BinanceError:
    return BinanceError(
        BAD_REQUEST, -1021, "Timestamp for this request is outside of the recvWindow."
    )


def timestamp_ahead() -> BinanceError:
    return BinanceError(
        BAD_REQUEST, -1021, "Timestamp for this request was 1000ms ahead of the server's time."
    )


def invalid_signature() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1022, "Signature for this request is not valid.")


def illegal_chars(param: str, legal_range: str) -> BinanceError:
    return BinanceError(
        BAD_REQUEST,
        -1100,
        f"Illegal characters found in parameter '{param}'; legal range is '{legal_range}'.",
    )


def illegal_chars_anywhere() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1100, "Illegal characters found in a parameter.")


def duplicate_parameter() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1101, "Duplicate values for a parameter detected.")


def mandatory(param: str) -> BinanceError:
    return BinanceError(
        BAD_REQUEST,
        -1102,
        f"Mandatory parameter '{param}' was not sent, was empty/null, or malformed.",
    )


def either_mandatory(first: str, second: str) -> BinanceError:
    return BinanceError(
        BAD_REQUEST, -1102, f"Param '{first}' or '{second}' must be sent, but both were empty/null!"
    )


def not_required(param: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -1106, f"Parameter '{param}' sent when not required.")


def too_much_precision(param: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -1111, f"Parameter '{param}' has too much precision.")


def invalid_time_in_force() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1115, "Invalid timeInForce.")


def invalid_order_type() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1116, "Invalid orderType.")


def invalid_side() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1117, "Invalid side.")


def invalid_interval() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1120, "Invalid interval.")


def invalid_symbol() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1121, "Invalid symbol.")


def lookup_interval_too_big() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1127, "More than 1 hours between startTime and endTime.")


def bad_combination() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1128, "Combination of optional parameters invalid.")


def invalid_value(param: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -1130, f"Data sent for parameter '{param}' is not valid.")


def recv_window_too_large() -> BinanceError:
    return BinanceError(BAD_REQUEST, -1131, "recvWindow must be less than 60000")


def new_order_rejected(msg: str) -> BinanceError:
    return BinanceError(BAD_REQUEST, -2010, msg)


def cancel_rejected(msg: str = MSG_UNKNOWN_ORDER_SENT) -> BinanceError:
    return BinanceError(BAD_REQUEST, -2011, msg)


def no_such_order() -> BinanceError:
    return BinanceError(BAD_REQUEST, -2013, "Order does not exist.")


def api_key_format_invalid() -> BinanceError:
    return BinanceError(UNAUTHORIZED, -2014, "API-key format invalid.")


def rejected_api_key() -> BinanceError:
    return BinanceError(UNAUTHORIZED, -2015, "Invalid API-key, IP, or permissions for action.")
