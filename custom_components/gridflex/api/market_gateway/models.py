"""Market Gateway data as GridFlex uses it: typed, aware UTC instants, whatever the wire says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any


class Horizon(StrEnum):
    """How far ahead the trade opportunity listing looks."""

    DAY_AHEAD = "DAY_AHEAD"
    WEEKLY = "WEEKLY"


@dataclass(frozen=True, slots=True)
class MeterableUnit:
    """One Meterable Unit registered in Market Gateway."""

    id: str
    name: str
    status: str | None = None
    zone: str | None = None
    products: tuple[str, ...] = ()
    granularity: str | None = None  # "MINUTE" | "HALF_HOURLY" as MG writes it
    asset_ids: tuple[str, ...] = ()
    max_import_kw: float | None = None
    max_export_kw: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BaselinePoint:
    """A baseline value: the MU's power in the half-hour that *begins* at ``local_time`` (UK clock)."""

    meterable_unit_id: str
    day_of_week: int  # Monday = 0, as datetime.weekday()
    local_time: dt.time
    power_kw: float


@dataclass(frozen=True, slots=True)
class DeliveryPeriod:
    """One delivery period of a window, as UTC instants (MG gives UK clock times)."""

    start: dt.datetime
    end: dt.datetime
    min_required_capacity_mw: float | None = None


@dataclass(frozen=True, slots=True)
class TradeWindow:
    """A window of a trade opportunity or award: one or more delivery periods."""

    id: str | None
    delivery_periods: tuple[DeliveryPeriod, ...]


def _earliest_first(windows: tuple[TradeWindow, ...]) -> list[DeliveryPeriod]:
    return sorted(
        (p for w in windows for p in w.delivery_periods), key=lambda p: p.start
    )


@dataclass(frozen=True, slots=True)
class TradeOpportunity:
    """A competition for flexibility in one zone (CMZ)."""

    id: str
    name: str
    zone: str | None
    direction: str | None
    product: str | None
    utilisation_ceiling_price: float | None  # £/MWh
    availability_ceiling_price: float | None  # £/MW/h
    closing: dt.datetime | None
    windows: tuple[TradeWindow, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def is_open(self, now: dt.datetime) -> bool:
        """Whether responses are still taken (an opportunity without a closing time counts as open)."""
        return self.closing is None or self.closing > now

    @property
    def delivery_periods(self) -> list[DeliveryPeriod]:
        """Every delivery period of every window, earliest first."""
        return _earliest_first(self.windows)


@dataclass(frozen=True, slots=True)
class TradeResponseWindow:
    """What a response offers in one window."""

    window_id: str | None
    offered_capacity_mw: float
    availability_price: float | None
    utilisation_price: float | None


@dataclass(frozen=True, slots=True)
class TradeResponse:
    """A response (bid) to a trade opportunity."""

    id: str
    opportunity_id: str | None
    meterable_unit_id: str | None
    status: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TradeAward:
    """Capacity awarded to one MU in a trade."""

    id: str
    opportunity_id: str | None
    response_id: str | None
    meterable_unit_id: str | None
    zone: str | None
    product: str | None
    awarded_capacity_mw: float | None
    availability_price: float | None
    utilisation_price: float | None
    windows: tuple[TradeWindow, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def delivery_periods(self) -> list[DeliveryPeriod]:
        """Every awarded delivery period, earliest first."""
        return _earliest_first(self.windows)


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a listing."""

    items: list[T]
    page: int
    total_pages: int | None
