"""A small blocking client for the control API, for the operator commands."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lyrad.domain.errors import LyradError

MAX_RESPONSE_BYTES = 16 * 1024 * 1024


class ClientError(LyradError):
    """The daemon could not be reached, or refused: one line, with the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ControlClient:
    base_url: str
    token: str = field(repr=False)
    ssl_context: ssl.SSLContext | None = None
    timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if urlsplit(self.base_url).scheme not in ("http", "https"):
            raise ClientError(f"{self.base_url}: the daemon URL must be http:// or https://")

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, body or {})

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The decoded JSON answer of a 2xx; ClientError with the daemon's reason otherwise."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310  # the scheme is checked above
            self.base_url.rstrip("/") + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310  # the scheme is checked above
                request, timeout=self.timeout_s, context=self.ssl_context
            ) as response:
                return _decode(response.read(MAX_RESPONSE_BYTES))
        except urllib.error.HTTPError as e:
            raise ClientError(_reason(e), e.code) from None
        except urllib.error.URLError as e:
            raise ClientError(f"cannot reach the daemon at {self.base_url}: {e.reason}") from None
        except (TimeoutError, ConnectionError) as e:
            raise ClientError(f"cannot reach the daemon at {self.base_url}: {e}") from None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ClientError("the daemon answered with something that is not JSON") from None


def _reason(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(64 * 1024))
        message = body["error"] if isinstance(body, dict) else None
    except (OSError, ValueError, KeyError):
        message = None
    text = message if isinstance(message, str) else (error.reason or "refused")
    return f"{' '.join(str(text).split())} (HTTP {error.code})"
