"""Removes secret values from anything about to leave the process as text."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words and numbers

# Keys whose values are secrets whatever they contain.
_SECRET_KEY = re.compile(
    r"pass(word|phrase)?|secret|token|api[-_]?key|private[-_]?key|authorization|signature|"
    r"credential|cookie",
    re.IGNORECASE,
)


class Redactor:
    """Masks registered secret values (and their URL-encoded forms) and secret-named keys."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def register(self, value: str) -> None:
        if len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            self._secrets.update({value, quote(value, safe=""), quote_plus(value)})
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def redact_text(self, text: str) -> str:
        pattern = self._pattern
        return text if pattern is None else pattern.sub(MASK, text)

    def redact(self, value: Any) -> Any:
        """A copy of `value` with secrets masked, through dicts, lists, tuples and sets."""
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, Mapping):
            return {k: self._redact_item(k, v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.redact(v) for v in value]
        if isinstance(value, BaseException):
            return self.redact_text(f"{type(value).__name__}: {value}")
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.redact_text(str(value))

    def _redact_item(self, key: object, value: Any) -> Any:
        if (
            isinstance(key, str)
            and _SECRET_KEY.search(key)
            and value not in (None, "", True, False)
        ):
            return MASK
        return self.redact(value)

    def __call__(
        self, logger: object, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """structlog processor: runs after exceptions are formatted to text."""
        for key in list(event_dict):
            if key == "event":
                event_dict[key] = self.redact(event_dict[key])
            else:
                event_dict[key] = self._redact_item(key, event_dict[key])
        return event_dict
