"""State the consumption coordinator keeps per account and per delivery point."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt

from ..api.switchgrid.models import Ask, DemandResponseEvent
from ..const import EnergyType


@dataclass(slots=True)
class PendingOrder:
    """An order that was not finished when last polled: polled again later, never waited on."""

    order_id: str
    ordered_at: dt.datetime
    polls: int = 0


@dataclass(slots=True)
class PointState:
    """What GridFlex knows about one delivery point."""

    subentry_id: str
    point: str
    energy_type: EnergyType
    ask: Ask | None = None
    latest_day: dt.date | None = None
    last_energy_kwh: float | None = None
    last_volume_m3: float | None = None
    conversion_coefficient: float | None = None
    subscribed_power_kva: float | None = None
    off_peak_hours: str | None = None
    pending_order: PendingOrder | None = None
    last_error: str | None = None


@dataclass(slots=True)
class ConsumptionData:
    """Everything the consumption entities show."""

    points: dict[str, PointState] = field(default_factory=dict)
    events: tuple[DemandResponseEvent, ...] = ()
