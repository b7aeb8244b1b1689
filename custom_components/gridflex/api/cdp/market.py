"""
The flexibility market of a few zones, read politely: re-read a resource only when it moved.

One ``package_show`` gives the version (``last_modified``/``metadata_modified``) of every trade
resource; the DataStore is queried only for a resource whose version changed since the last read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import datetime as dt

from .client import CdpClient, resource_in
from .models import (
    TRADE_PARAMETERS,
    TRADE_RESULTS_SUMMARY,
    TRADES_DATASET,
    Outcome,
    Resource,
    TradePeriod,
    TradeResult,
)


@dataclass(frozen=True, slots=True)
class ResourceRead:
    """What one resource gave for the zones asked, at one version."""

    resource_id: str
    version: str
    zones: frozenset[str]
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """Trade periods and results of the followed zones, with the versions they were read at."""

    periods: dict[str, tuple[TradePeriod, ...]]
    results: dict[str, tuple[TradeResult, ...]]
    reads: dict[str, ResourceRead]
    rights: str | None
    # Resources re-read from the DataStore in the refresh that built this snapshot.
    reread: tuple[str, ...] = ()


def _unchanged(
    previous: MarketSnapshot, name: str, resource: Resource, zones: frozenset[str]
) -> bool:
    if name not in previous.reads:
        return False
    read = previous.reads[name]
    return (
        read.resource_id == resource.id
        and read.version == resource.version
        and zones <= read.zones
    )


def _by_zone[T: (TradePeriod, TradeResult)](
    rows: Iterable[T], zones: frozenset[str]
) -> dict[str, tuple[T, ...]]:
    grouped: dict[str, list[T]] = {code: [] for code in zones}
    for row in rows:
        if row.cmz_code in grouped:
            grouped[row.cmz_code].append(row)
    return {code: tuple(items) for code, items in grouped.items()}


async def async_read_market(
    client: CdpClient,
    cmz_codes: Iterable[str],
    previous: MarketSnapshot | None = None,
) -> MarketSnapshot:
    """Read trade periods and results of these zones; reuse ``previous`` where nothing moved."""
    zones = frozenset(cmz_codes)
    dataset = await client.async_dataset(TRADES_DATASET)
    reads: dict[str, ResourceRead] = {}
    reread: list[str] = []
    periods = previous.periods if previous else {}
    results = previous.results if previous else {}
    for name in (TRADE_PARAMETERS, TRADE_RESULTS_SUMMARY):
        resource = resource_in(dataset, name) or await client.async_find_resource(
            TRADES_DATASET, name, dataset
        )
        if not zones:
            reads[name] = ResourceRead(resource.id, resource.version, zones)
            continue
        if previous is not None and _unchanged(previous, name, resource, zones):
            reads[name] = previous.reads[name]
            continue
        reread.append(name)
        if name == TRADE_PARAMETERS:
            rows, skipped = await client.async_trade_periods(resource.id, zones)
            periods = _by_zone(sorted(rows, key=lambda p: p.start), zones)
        else:
            offers, skipped = await client.async_trade_results(resource.id, zones)
            results = _by_zone(offers, zones)
        reads[name] = ResourceRead(resource.id, resource.version, zones, skipped.counts)
    return MarketSnapshot(
        periods={code: periods.get(code, ()) for code in zones},
        results={code: results.get(code, ()) for code in zones},
        reads=reads,
        rights=dataset.rights,
        reread=tuple(reread),
    )


# --- What the entities show -------------------------------------------------------------


def still_offered(
    periods: Iterable[TradePeriod], now: dt.datetime
) -> tuple[TradePeriod, ...]:
    """
    Periods of open and upcoming trades: those whose offers have not closed yet.

    A closed trade's delivery periods are no longer anyone's to bid for; what was awarded shows
    through Market Gateway, not here.
    """
    return tuple(p for p in periods if p.closes is None or p.closes > now)


def upcoming(
    periods: Iterable[TradePeriod],
    now: dt.datetime,
    horizon: dt.timedelta | None = None,
) -> list[TradePeriod]:
    """Periods not yet over (and starting within ``horizon`` when given), soonest first."""
    until = now + horizon if horizon is not None else None
    return [p for p in periods if p.end > now and (until is None or p.start < until)]


def next_closing(
    periods: Iterable[TradePeriod], now: dt.datetime
) -> TradePeriod | None:
    """Return the period of the trade that closes next (still open to offers)."""
    closing = [p for p in periods if p.closes is not None and p.closes > now]
    return min(closing, key=lambda p: (p.closes, p.start), default=None)


@dataclass(frozen=True, slots=True)
class ResultsSummary:
    """The latest trade with results in a zone: what was accepted, at what price."""

    trade_name: str | None
    closes: dt.datetime | None
    delivery_start: dt.date | None
    accepted_capacity_kw: float | None
    highest_utilisation_price: float | None
    lowest_utilisation_price: float | None
    outcomes: dict[Outcome, int]


def latest_results(results: Iterable[TradeResult]) -> ResultsSummary | None:
    """
    Summarise the latest trade of a zone (latest close, then delivery start).

    Accepted capacity is the sum over accepted offers; an offer without a number adds nothing,
    and a trade whose accepted offers all lack one has no capacity (None, not 0).
    """
    offers = list(results)
    if not offers:
        return None

    def when(r: TradeResult) -> tuple[dt.datetime, dt.date]:
        return (
            r.closes or dt.datetime.min.replace(tzinfo=dt.UTC),
            r.delivery_start or dt.date.min,
        )

    latest = max(offers, key=when)
    same = [
        r
        for r in offers
        if (r.trade_name, when(r)) == (latest.trade_name, when(latest))
    ]
    accepted = [r for r in same if r.outcome is Outcome.ACCEPTED]
    capacities = [
        r.accepted_capacity_kw for r in accepted if r.accepted_capacity_kw is not None
    ]
    prices = [
        r.awarded_utilisation_price
        for r in accepted
        if r.awarded_utilisation_price is not None
    ]
    return ResultsSummary(
        trade_name=latest.trade_name,
        closes=latest.closes,
        delivery_start=latest.delivery_start,
        accepted_capacity_kw=sum(capacities) if capacities else None,
        highest_utilisation_price=max(prices) if prices else None,
        lowest_utilisation_price=min(prices) if prices else None,
        outcomes={o: sum(r.outcome is o for r in same) for o in Outcome},
    )
