"""Parsing of consent Asks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import ContractError
from .fields import as_text, delivery_point_id, parse_datetime
from .models import Ask, AskContract, AskPage

_DURATION_RE = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


def add_duration(start: dt.datetime, duration: str | None) -> dt.datetime | None:
    """``start`` plus a consent duration such as ``"1 year"`` (None when unreadable)."""
    match = _DURATION_RE.match(duration or "")
    if not match:
        return None
    count, unit = int(match.group(1)), match.group(2).lower()
    if unit == "day":
        return start + dt.timedelta(days=count)
    if unit == "week":
        return start + dt.timedelta(weeks=count)
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    day = start.day
    while True:
        try:
            return start.replace(year=start.year + year, month=month + 1, day=day)
        except ValueError:
            day -= 1


def parse_ask(body: Any) -> Ask:
    """Parse an Ask from ``POST /v0_1/ask`` or ``GET /v0_1/ask/{id}``."""
    if not isinstance(body, dict) or not body.get("id"):
        raise ContractError("Ask reply without an id")
    details = body.get("consentCollectionDetails")
    user_url = as_text(details.get("userUrl")) if isinstance(details, dict) else None
    contracts = tuple(
        AskContract(
            delivery_point_id=delivery_point_id(c.get("deliveryPointId", "")),
            energy_type=as_text(c.get("_energyType")),
            status=as_text(c.get("status")),
        )
        for c in body.get("contracts") or []
        if isinstance(c, dict)
    )
    accepted_at = parse_datetime(body.get("acceptedAt"))
    duration = as_text(body.get("consentDuration"))
    expires_at = parse_datetime(body.get("expiresAt") or body.get("consentExpiresAt"))
    if expires_at is None and accepted_at is not None:
        expires_at = add_duration(accepted_at, duration)
    return Ask(
        id=str(body["id"]),
        status=str(body.get("status") or "UNKNOWN"),
        created_at=parse_datetime(body.get("createdAt")),
        accepted_at=accepted_at,
        user_url=user_url,
        contracts=contracts,
        consent_duration=duration,
        expires_at=expires_at,
        raw=body,
    )


def parse_ask_page(body: Any) -> AskPage:
    """Parse a page of ``GET /v0_1/ask``."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise ContractError("Ask list without items")
    items = tuple(parse_ask(item) for item in body["items"])
    return AskPage(
        skip=int(body.get("skip") or 0),
        limit=int(body.get("limit") or len(items)),
        total=int(body.get("totalItemsCount") or len(items)),
        items=items,
    )
