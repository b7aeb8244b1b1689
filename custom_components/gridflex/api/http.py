"""One place that turns HTTP replies into data or typed errors, for every client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
from email.utils import parsedate_to_datetime
import json
import math
from typing import Any, Required, TypedDict, Unpack

import aiohttp

from .errors import (
    AuthError,
    ContractError,
    NotAvailableError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)

DEFAULT_TIMEOUT = 30.0


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (delta or HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        # RFC 2822 "-0000" parses as naive; HTTP dates are always GMT.
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _detail(text: str) -> str:
    """Return the most useful short message from an error body."""
    try:
        body = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(body, dict):
        for key in ("detail", "message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])[:300]
    return text[:300]


# A reply larger than this is not read (a year of half-hourly points is about 1 MB).
MAX_REPLY_BYTES = 16 * 1024 * 1024


async def _read_capped(resp: aiohttp.ClientResponse, what: str) -> bytes:
    """Read a reply body, refusing (without reading on) once it passes ``MAX_REPLY_BYTES``."""
    if resp.content_length is not None and resp.content_length > MAX_REPLY_BYTES:
        raise ContractError(f"{what}: reply larger than {MAX_REPLY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    while chunk := await resp.content.read(65_536):
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise ContractError(f"{what}: reply larger than {MAX_REPLY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class RawReply:
    """An HTTP reply before any interpretation: for services whose errors hide in the body."""

    status: int
    text: str
    retry_after: float | None


class RequestOptions(TypedDict, total=False):
    """What a request carries besides its method and URL."""

    headers: Required[Mapping[str, str]]
    params: Mapping[str, str] | None
    json_body: Any
    encoded_body: (
        bytes | None
    )  # a JSON body already encoded (large bodies built without dicts)
    request_timeout: float


async def send_request(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    **options: Unpack[RequestOptions],
) -> RawReply:
    """Send one request and return its status and text; only transport faults raise."""
    all_headers = dict(options["headers"])
    encoded_body = options.get("encoded_body")
    if encoded_body is not None:
        all_headers["Content-Type"] = "application/json"
    params = options.get("params")
    request_timeout = options.get("request_timeout", DEFAULT_TIMEOUT)
    try:
        async with session.request(
            method,
            url,
            headers=all_headers,
            params=dict(params) if params else None,
            json=options.get("json_body"),
            data=encoded_body,
            timeout=aiohttp.ClientTimeout(total=request_timeout),
        ) as resp:
            # JSON is UTF-8 (RFC 8259); undecodable bytes must not escape as a raw error.
            text = (await _read_capped(resp, f"{method} {url}")).decode(
                "utf-8", errors="replace"
            )
            return RawReply(
                resp.status, text, parse_retry_after(resp.headers.get("Retry-After"))
            )
    except TimeoutError as err:
        raise TemporaryError(
            f"{method} {url}: timed out after {request_timeout:g} s"
        ) from err
    except aiohttp.ClientError as err:
        raise TemporaryError(f"{method} {url}: {err.__class__.__name__}") from err


async def request_json(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    **options: Unpack[RequestOptions],
) -> Any:
    """Send one request and return its decoded JSON body, or raise a typed error."""
    reply = await send_request(session, method, url, **options)
    status, text, retry_after = reply.status, reply.text, reply.retry_after
    if status in (401, 403):
        raise AuthError(f"{method} {url}: HTTP {status}", status)
    if status == 429:
        raise RateLimitedError(f"{method} {url}: rate limited", retry_after)
    if status == 404:
        raise NotAvailableError(f"{method} {url}: not found")
    if status >= 500:
        raise TemporaryError(f"{method} {url}: HTTP {status}", retry_after)
    if status >= 400:
        raise RejectedError(
            f"{method} {url}: HTTP {status}", status, _detail(text), _json_or_none(text)
        )
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError as err:
        raise ContractError(f"{method} {url}: reply is not JSON") from err


@dataclass(slots=True)
class BearerJsonClient:
    """What every GridFlex client shares: a base URL, a bearer token and JSON requests."""

    session: aiohttp.ClientSession
    token: str
    base_url: str
    timeout: float = 30.0

    def _extra_headers(self) -> dict[str, str]:
        """Headers a service adds to every request (none by default)."""
        return {}

    def _url(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        encoded_body: bytes | None = None,
    ) -> Any:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            **self._extra_headers(),
        }
        return await request_json(
            self.session,
            method,
            self._url(path),
            headers=headers,
            params=params,
            json_body=json_body,
            encoded_body=encoded_body,
            request_timeout=self.timeout,
        )
