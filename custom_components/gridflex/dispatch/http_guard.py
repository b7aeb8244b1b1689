"""What the endpoint checks before it reads a body: the secret, the size, the content type."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import hmac

from aiohttp import StreamReader
from multidict import CIMultiDictProxy

from ..api.fpp.dispatch import MAX_BODY_BYTES


def _same(candidate: str, secret: str) -> bool:
    return hmac.compare_digest(
        candidate.strip().encode("utf-8", "surrogateescape"),
        secret.encode("utf-8", "surrogateescape"),
    )


def is_authorized(headers: CIMultiDictProxy[str], secret: str) -> bool:
    """Any one valid credential suffices: ``Authorization: Bearer`` (any case) or ``X-API-Key``."""
    valid = False
    for value in headers.getall("Authorization", []):
        scheme, _, credential = value.strip().partition(" ")
        # Every candidate is compared, so the time taken does not tell which one matched.
        valid |= scheme.lower() == "bearer" and _same(credential, secret)
    for value in headers.getall("X-API-Key", []):
        valid |= _same(value, secret)
    return valid


# A body (at most 64 KiB) that takes longer than this to arrive is not waited for.
BODY_TIMEOUT_S = 10.0


class BodyTooLargeError(Exception):
    """The body is over the 64 KiB limit."""


class BodyTimeoutError(Exception):
    """The body did not arrive within ``BODY_TIMEOUT_S`` (trickled)."""


async def read_bounded(
    content: StreamReader, declared: int | None, timeout_s: float = BODY_TIMEOUT_S
) -> bytes:
    """Read the body, refusing (without reading on) once it passes the limit or the time."""
    if declared is not None and declared > MAX_BODY_BYTES:
        raise BodyTooLargeError
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout_s):
            while chunk := await content.read(MAX_BODY_BYTES + 1 - size):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise BodyTooLargeError
    except TimeoutError as err:
        raise BodyTimeoutError from err
    return b"".join(chunks)


def is_json_or_missing(headers: Mapping[str, str]) -> bool:
    """Whether the declared type is JSON, or absent (then the body must be JSON)."""
    declared = headers.get("Content-Type", "").strip()
    if not declared:
        return True
    mime = declared.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )
