"""
FPP settlement reads and the emergency stop: GridFlex's *proposal* (fpp-participant-api.md), all here.

Utilisation-event performance and invoices are read-only; the emergency stop tells the DSO that
a participant must abandon delivery. Parsing is tolerant: a list or ``{"items": [...]}``, unknown
fields kept, a numeric string read as a number, an entry without an id skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from ..errors import ContractError
from ..fields import extra, number, text

UTILISATION_EVENTS_PATH = "utilisation-events"
INVOICES_PATH = "invoices"
EMERGENCY_STOP_PATH = "emergency-stop"

_EVENT_FIELDS = {
    "id",
    "instruction_id",
    "meterable_unit_id",
    "product",
    "start",
    "end",
    "baseline_kwh",
    "metered_kwh",
    "delivered_kwh",
    "requested_kwh",
    "performance_pct",
    "payment_gbp",
}
_INVOICE_FIELDS = {"id", "month", "status", "amount_gbp", "issued_at"}


@dataclass(frozen=True, slots=True)
class EventPerformance:
    """How one MU delivered in one utilisation event (delivered = baseline - metered, as paid)."""

    id: str
    instruction_id: str | None
    meterable_unit_id: str | None
    product: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    baseline_kwh: float | None
    metered_kwh: float | None
    delivered_kwh: float | None
    requested_kwh: float | None
    performance_pct: float | None
    payment_gbp: float | None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Invoice:
    """One monthly invoice (issued on the 15th for the month before)."""

    id: str
    month: str | None  # "YYYY-MM"
    status: str | None
    amount_gbp: float | None
    issued_at: dt.datetime | None
    extra: Mapping[str, Any] = field(default_factory=dict)


def utc_text(moment: dt.datetime) -> str:
    """Return an aware instant as FPP writes it: UTC with ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def month_text(day: dt.date) -> str:
    """Return the ``YYYY-MM`` FPP's invoice query takes."""
    return f"{day.year:04d}-{day.month:02d}"


def events_params(mu_id: str, start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    """Query of one MU's utilisation events between two instants."""
    return {"meterable_unit_id": mu_id, "from": utc_text(start), "to": utc_text(end)}


def invoices_params(first: dt.date, last: dt.date) -> dict[str, str]:
    """Query of the invoices of the months from ``first`` to ``last``."""
    return {"from": month_text(first), "to": month_text(last)}


def emergency_stop_body(mu_id: str, when: dt.datetime, reason: str) -> dict[str, Any]:
    """Return the body of ``PUT emergency-stop``."""
    return {"meterable_unit_id": mu_id, "timestamp": utc_text(when), "reason": reason}


def _identified(body: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """Return the listed objects with their ids; one without an id is skipped."""
    if isinstance(body, Mapping) and isinstance(body.get("items"), list):
        body = body["items"]
    if not isinstance(body, list):
        raise ContractError("FPP listing: neither a list nor {items: [...]}")
    return [
        (item_id, item)
        for item in body
        if isinstance(item, Mapping) and (item_id := text(item, "id")) is not None
    ]


def _instant(data: Mapping[str, Any], key: str) -> dt.datetime | None:
    """FPP's API is UTC: a zoneless time is read as UTC."""
    value = text(data, key)
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_events(body: Any, mu_id: str | None = None) -> list[EventPerformance]:
    """Utilisation events, earliest start first (events without an id are skipped)."""
    events = [
        EventPerformance(
            id=event_id,
            instruction_id=text(item, "instruction_id"),
            meterable_unit_id=text(item, "meterable_unit_id") or mu_id,
            product=text(item, "product"),
            start=_instant(item, "start"),
            end=_instant(item, "end"),
            baseline_kwh=number(item, "baseline_kwh"),
            metered_kwh=number(item, "metered_kwh"),
            delivered_kwh=number(item, "delivered_kwh"),
            requested_kwh=number(item, "requested_kwh"),
            performance_pct=number(item, "performance_pct"),
            payment_gbp=number(item, "payment_gbp"),
            extra=extra(item, _EVENT_FIELDS),
        )
        for event_id, item in _identified(body)
    ]
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(events, key=lambda e: e.end or e.start or far_past)


def parse_invoices(body: Any) -> list[Invoice]:
    """Invoices, oldest month first (invoices without an id are skipped)."""
    invoices = [
        Invoice(
            id=invoice_id,
            month=text(item, "month"),
            status=text(item, "status"),
            amount_gbp=number(item, "amount_gbp"),
            issued_at=_instant(item, "issued_at"),
            extra=extra(item, _INVOICE_FIELDS),
        )
        for invoice_id, item in _identified(body)
    ]
    return sorted(invoices, key=lambda i: (i.month or "", i.id))
