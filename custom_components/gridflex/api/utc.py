"""The one UTC ``Z`` timestamp format of the remote APIs."""

from __future__ import annotations

import datetime as dt


def utc_z(moment: dt.datetime, timespec: str = "seconds") -> str:
    """Format an aware datetime as UTC ISO-8601 with a ``Z`` (naive ones are refused)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    utc = moment.astimezone(dt.UTC).isoformat(timespec=timespec)
    return utc.removesuffix("+00:00") + "Z"
