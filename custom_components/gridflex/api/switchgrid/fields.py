"""Field parsers shared by the Switchgrid reply parsers: tolerant of JSON's shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ContractError

PARIS = ZoneInfo("Europe/Paris")


def parse_datetime(value: Any, naive_tz: dt.tzinfo = PARIS) -> dt.datetime | None:
    """Parse an ISO-8601 timestamp as aware (naive ones are in ``naive_tz``, Paris by default)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=naive_tz)


def as_text(value: Any) -> str | None:
    """Return a JSON scalar as text (None stays None)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def delivery_point_id(value: Any) -> str:
    """Return a PCE/PRM as 14 digits: a JSON number lost its leading zeros, put them back."""
    if isinstance(value, bool):
        raise ContractError("delivery point id is a boolean")
    if isinstance(value, int):
        return f"{value:014d}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):014d}"
    text = str(value).strip()
    return text.zfill(14) if text.isdigit() else text
