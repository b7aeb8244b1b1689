"""The last inbound dispatch requests and their replies, for diagnostics (secrets redacted)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from homeassistant.util import dt as dt_util

from ..const import DISPATCH_INBOUND_LOG_SIZE

REDACTED = "**REDACTED**"
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "cookie"})
MAX_LOGGED_BODY = 65_536


class InboundLog:
    """A ring of the last requests GridFlex answered on its dispatch endpoint."""

    def __init__(self, size: int = DISPATCH_INBOUND_LOG_SIZE) -> None:
        """Keep at most ``size`` entries."""
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)

    def add(
        self,
        *,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None,
        status: int,
        reply: Any,
    ) -> None:
        """Remember one request and what was answered."""
        self._entries.append(
            {
                "received_at": dt_util.utcnow().isoformat(),
                "method": method,
                "path": path,
                "headers": {
                    name: REDACTED if name.lower() in SECRET_HEADERS else value
                    for name, value in headers.items()
                },
                "body": None
                if body is None
                else body[:MAX_LOGGED_BODY].decode("utf-8", errors="replace"),
                "status": status,
                "reply": reply,
            }
        )

    def as_list(self) -> list[dict[str, Any]]:
        """Oldest first."""
        return list(self._entries)
