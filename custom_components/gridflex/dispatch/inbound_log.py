"""The last inbound dispatch requests and their replies, for diagnostics (secrets redacted)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
import re
from typing import Any

from homeassistant.util import dt as dt_util

from ..const import DISPATCH_INBOUND_LOG_SIZE

REDACTED = "**REDACTED**"
# Any header whose name says it may carry a credential.
SECRET_HEADER_WORDS = (
    "auth",
    "key",
    "token",
    "secret",
    "cookie",
    "signature",
    "password",
)
MAX_LOGGED_BODY = 65_536
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
_ENDPOINT_OR_WEBHOOK = re.compile(r"^(/api/(?:gridflex/fpp|webhook))/[^/]+")


def is_secret_header(name: str) -> bool:
    """Whether a header may carry a credential (redacted wherever it is shown)."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_HEADER_WORDS)


def redact_url(url: str) -> str:
    """Drop the ``user:password@`` part of a URL."""
    return _USERINFO.sub(f"{REDACTED}@", url)


def redacted_path(path: str) -> str:
    """Return the request path with its endpoint or webhook id hidden."""
    return _ENDPOINT_OR_WEBHOOK.sub(rf"\1/{REDACTED}", path)


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
        """Remember one request and what was answered (redacted when read: off the reply path)."""
        self._entries.append(
            {
                "received_at": dt_util.utcnow(),
                "method": method,
                "path": path,
                "headers": list(headers.items()),
                "body": None if body is None else body[:MAX_LOGGED_BODY],
                "status": status,
                "reply": reply,
            }
        )

    def as_list(self) -> list[dict[str, Any]]:
        """Oldest first, with secrets and ids redacted."""
        return [
            {
                **entry,
                "received_at": entry["received_at"].isoformat(),
                "path": redacted_path(entry["path"]),
                "headers": {
                    name: REDACTED if is_secret_header(name) else redact_url(value)
                    for name, value in entry["headers"]
                },
                "body": None
                if entry["body"] is None
                else entry["body"].decode("utf-8", errors="replace"),
            }
            for entry in self._entries
        ]
