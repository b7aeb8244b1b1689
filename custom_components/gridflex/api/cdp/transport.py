"""
The CKAN Action API's envelope and manners: raw token, one request at a time, backoff.

CKAN answers ``{"success": true|false, "result"|"error"}``; a refusal may arrive with HTTP 200,
so the envelope decides, not the status. A 403 *without* an envelope comes from the CDN in front
of the portal (too fast), and is retried like 429 and 5xx.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
import json
import time
from typing import Any

import aiohttp

from ..errors import (
    AuthError,
    ContractError,
    GridFlexApiError,
    NotAvailableError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)
from ..http import RawReply, send_request

DEFAULT_CDP_BASE_URL = "https://connecteddata.nationalgrid.co.uk/api/3/action/"
# The portal's CDN may answer 403 to rapid clients: wait 2, 4, 8, 16 s before giving up.
DEFAULT_RETRY_DELAYS = (2.0, 4.0, 8.0, 16.0)
MAX_RETRY_AFTER = 60.0


class AccessRefusedError(AuthError):
    """The portal refused a resource: a token is needed, or the one sent is no longer valid."""

    def __init__(self, message: str, *, token_sent: bool) -> None:
        super().__init__(message)
        self.token_sent = token_sent


def _error_message(error: Mapping[str, Any]) -> str:
    message = error.get("message")
    if isinstance(message, str):
        return message[:300]
    details = {k: v for k, v in error.items() if k != "__type"}
    return json.dumps(details, ensure_ascii=False)[:300]


@dataclass(slots=True)
class CkanTransport:
    """Sends CKAN actions politely and turns their envelopes into results or typed errors."""

    session: aiohttp.ClientSession
    token: str | None = None
    base_url: str = DEFAULT_CDP_BASE_URL
    timeout: float = 30.0
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    # Seconds kept between the end of one request and the start of the next.
    pause: float = 0.25
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    requests_made: int = 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _last_done: float | None = None

    def _url(self, action: str) -> str:
        return f"{self.base_url.rstrip('/')}/{action}"

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = self.token  # raw: CKAN wants no "Bearer"
        return headers

    async def _send_one(self, action: str, params: Mapping[str, str]) -> RawReply:
        async with self._lock:
            if self._last_done is not None and self.pause > 0:
                wait = self.pause - (time.monotonic() - self._last_done)
                if wait > 0:
                    await self.sleep(wait)
            try:
                return await send_request(
                    self.session,
                    "GET",
                    self._url(action),
                    headers=self._headers(),
                    params=params,
                    request_timeout=self.timeout,
                )
            finally:
                self.requests_made += 1
                self._last_done = time.monotonic()

    async def action(self, action: str, params: Mapping[str, str]) -> Any:
        """Call one action and return its ``result``; retry what is worth retrying."""
        delays = iter(self.retry_delays)
        while True:
            try:
                reply = await self._send_one(action, params)
                return self._interpret(action, reply)
            except (TemporaryError, RateLimitedError) as err:
                delay = next(delays, None)
                if delay is None:
                    raise
                await self.sleep(
                    min(max(delay, err.retry_after or 0.0), MAX_RETRY_AFTER)
                )

    def _interpret(self, action: str, reply: RawReply) -> Any:
        status = reply.status
        try:
            body = json.loads(reply.text) if reply.text else None
        except ValueError:
            body = None
        if isinstance(body, dict) and "success" in body:
            if body["success"] is True:
                return body.get("result")
            error = body.get("error")
            raise self._envelope_error(
                action, status, error if isinstance(error, dict) else {}
            )
        where = f"{action}: HTTP {status}"
        if status == 403:
            raise TemporaryError(
                f"{where} without a CKAN reply (CDN)", reply.retry_after
            )
        if status == 429:
            raise RateLimitedError(f"{where}: rate limited", reply.retry_after)
        if status >= 500:
            raise TemporaryError(where, reply.retry_after)
        if status == 401:
            raise AccessRefusedError(where, token_sent=bool(self.token))
        if status == 404:
            raise NotAvailableError(f"{where}: not found")
        if status >= 400:
            detail = body if isinstance(body, str) else reply.text[:300]
            raise RejectedError(where, status, detail)
        raise ContractError(f"{where}: not a CKAN reply")

    def _envelope_error(
        self, action: str, status: int, error: Mapping[str, Any]
    ) -> GridFlexApiError:
        kind = error.get("__type")
        message = f"{action}: {kind or 'error'}: {_error_message(error)}"
        if kind == "Authorization Error":
            return AccessRefusedError(message, token_sent=bool(self.token))
        if kind == "Not Found Error":
            return NotAvailableError(message)
        if status == 429:
            return RateLimitedError(message)
        if status >= 500:
            return TemporaryError(message)
        return RejectedError(message, status if status >= 400 else 409, message)
