"""
Market Gateway wire format: GridFlex's *proposal* (../shared/specs/market-gateway.md), all of it here.

The real format sits behind the participant login. Paths, query names, field names and list
shapes live in this one module, so correcting them against the DSO's guidance is a one-file
change. Parsing is tolerant: unknown fields are kept in ``extra``, a few spellings are accepted,
an item without an id is skipped rather than failing the listing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ContractError
from ..fields import extra, number, text, texts
from ..uk_time import parse_clock, parse_date, parse_uk_datetime, uk_period
from .models import (
    BaselinePoint,
    DeliveryPeriod,
    MeterableUnit,
    Page,
    TradeAward,
    TradeOpportunity,
    TradeResponse,
    TradeResponseWindow,
    TradeWindow,
)

DEFAULT_MG_BASE_URL = "https://marketgateway.nationalgrid.co.uk/api"
DEFAULT_PAGE_SIZE = 100
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")

# Operation names are confirmed (reference §3.2); using them as the last path segment is the proposal.
GET_METERABLE_UNITS = "getMeterableUnits"
GET_SINGLE_METERABLE_UNIT = "getSingleMeterableUnit"
GET_BASELINES = "getMeterableUnitBaselines"
GET_TRADE_OPPORTUNITIES = "getTradeOpportunities"
GET_SINGLE_TRADE_OPPORTUNITY = "getSingleTradeOpportunity"
CREATE_TRADE_RESPONSE = "createTradeResponse"
EDIT_TRADE_RESPONSE = "editTradeResponse"
GET_TRADE_RESPONSES = "getTradeResponses"
GET_SINGLE_TRADE_RESPONSE = "getSingleTradeResponse"
DELETE_TRADE_RESPONSE = "deleteTradeResponse"
GET_TRADE_AWARDS = "getTradeAwards"
GET_SINGLE_TRADE_AWARD = "getSingleTradeAward"
GET_ASSETS = "getAssets"

# Known fields per object: everything else is kept as ``extra``.
_MU_FIELDS = {
    "meterableUnitId",
    "id",
    "name",
    "meterableUnitName",
    "status",
    "assetIds",
    "products",
    "meteringGranularity",
    "cmzCode",
    "maxImportKw",
    "maxExportKw",
}
_OPPORTUNITY_FIELDS = {
    "opportunityId",
    "id",
    "opportunityName",
    "name",
    "cmzCode",
    "serviceResponseDirection",
    "product",
    "utilisationCeilingPrice",
    "availabilityCeilingPrice",
    "tradeClosingDate",
    "windows",
}
_AWARD_FIELDS = {
    "tradeAwardId",
    "id",
    "opportunityId",
    "tradeResponseId",
    "meterableUnitId",
    "cmzCode",
    "product",
    "awardedCapacityMw",
    "availabilityPrice",
    "utilisationPrice",
    "windows",
}


def page_params(page: int, page_size: int = DEFAULT_PAGE_SIZE) -> dict[str, str]:
    """Query parameters asking for one page."""
    return {"page": str(page), "pageSize": str(page_size)}


def opportunity_params(horizon: str, zone: str | None = None) -> dict[str, str]:
    """Query of the upcoming trade opportunities, soonest closing first."""
    params = {
        "horizon": horizon,
        "timeWindow": "UPCOMING",
        "sortBy": "tradeClosingDate",
        "sortDirection": "ASC",
    }
    if zone:
        params["cmzCode"] = zone
    return params


def id_params(key: str, value: str) -> dict[str, str]:
    """Query naming one object (``getSingle…?opportunityId=…``)."""
    return {key: value}


def page_of(body: Any, page: int) -> Page[Mapping[str, Any]]:
    """
    Read a listing: ``{"items": [...], "page", "pageSize", "totalPages"}`` or a bare array.

    A bare array is the only page. Non-object items are dropped.
    """
    if isinstance(body, list):
        return Page([i for i in body if isinstance(i, Mapping)], page, 1)
    if isinstance(body, Mapping):
        items = next(
            (
                body[k]
                for k in ("items", "data", "results")
                if isinstance(body.get(k), list)
            ),
            None,
        )
        if items is not None:
            total = body.get("totalPages")
            return Page(
                [i for i in items if isinstance(i, Mapping)],
                body["page"] if isinstance(body.get("page"), int) else page,
                total
                if isinstance(total, int) and not isinstance(total, bool)
                else None,
            )
    raise ContractError("Market Gateway listing: neither a list nor {items: [...]}")


def single_of(body: Any) -> Mapping[str, Any]:
    """Read a single object, bare or wrapped as ``{"item": {...}}`` / ``{"data": {...}}``."""
    if isinstance(body, Mapping):
        for key in ("item", "data"):
            if isinstance(body.get(key), Mapping):
                inner: Mapping[str, Any] = body[key]
                return inner
        return body
    raise ContractError("Market Gateway object: not a JSON object")


def parse_meterable_unit(data: Mapping[str, Any]) -> MeterableUnit | None:
    """Return a Meterable Unit, or None when it has no id."""
    mu_id = text(data, "meterableUnitId", "id")
    if mu_id is None:
        return None
    return MeterableUnit(
        id=mu_id,
        name=text(data, "name", "meterableUnitName") or mu_id,
        status=text(data, "status"),
        zone=text(data, "cmzCode"),
        products=texts(data.get("products")),
        granularity=text(data, "meteringGranularity"),
        asset_ids=texts(data.get("assetIds")),
        max_import_kw=number(data, "maxImportKw"),
        max_export_kw=number(data, "maxExportKw"),
        extra=extra(data, _MU_FIELDS),
    )


def parse_baseline(data: Mapping[str, Any], mu_id: str) -> BaselinePoint | None:
    """Return a baseline point (``dayOfWeek`` as a name or 1–7 from Monday), or None when unreadable."""
    day = data.get("dayOfWeek")
    if isinstance(day, str) and day.strip().upper() in DAYS:
        weekday = DAYS.index(day.strip().upper())
    elif isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7:
        weekday = day - 1
    else:
        return None
    clock = parse_clock(data.get("localTime"))
    power = number(data, "powerKw")
    if clock is None or power is None:
        return None
    return BaselinePoint(text(data, "meterableUnitId") or mu_id, weekday, clock, power)


def _windows(value: Any) -> tuple[TradeWindow, ...]:
    if not isinstance(value, list):
        return ()
    windows: list[TradeWindow] = []
    for index, window in enumerate(value):
        if not isinstance(window, Mapping):
            continue
        periods: list[DeliveryPeriod] = []
        for period in window.get("deliveryPeriods") or []:
            if not isinstance(period, Mapping):
                continue
            day = parse_date(period.get("startDate"))
            start = parse_clock(period.get("startTime"))
            end = parse_clock(period.get("endTime"))
            if day is None or start is None or end is None:
                continue
            start_utc, end_utc = uk_period(day, start, end)
            periods.append(
                DeliveryPeriod(
                    start_utc, end_utc, number(period, "minRequiredCapacityMw")
                )
            )
        window_id = text(window, "windowId", "id") or str(index + 1)
        windows.append(TradeWindow(window_id, tuple(periods)))
    return tuple(windows)


def parse_opportunity(data: Mapping[str, Any]) -> TradeOpportunity | None:
    """Return a trade opportunity, or None when it has no id."""
    opportunity_id = text(data, "opportunityId", "id")
    if opportunity_id is None:
        return None
    return TradeOpportunity(
        id=opportunity_id,
        name=text(data, "opportunityName", "name") or opportunity_id,
        zone=text(data, "cmzCode"),
        direction=text(data, "serviceResponseDirection"),
        product=text(data, "product"),
        utilisation_ceiling_price=number(data, "utilisationCeilingPrice"),
        availability_ceiling_price=number(data, "availabilityCeilingPrice"),
        closing=parse_uk_datetime(data.get("tradeClosingDate")),
        windows=_windows(data.get("windows")),
        extra=extra(data, _OPPORTUNITY_FIELDS),
    )


def parse_award(data: Mapping[str, Any]) -> TradeAward | None:
    """Return a trade award, or None when it has no id."""
    award_id = text(data, "tradeAwardId", "id")
    if award_id is None:
        return None
    return TradeAward(
        id=award_id,
        opportunity_id=text(data, "opportunityId"),
        response_id=text(data, "tradeResponseId"),
        meterable_unit_id=text(data, "meterableUnitId"),
        zone=text(data, "cmzCode"),
        product=text(data, "product"),
        awarded_capacity_mw=number(data, "awardedCapacityMw"),
        availability_price=number(data, "availabilityPrice"),
        utilisation_price=number(data, "utilisationPrice"),
        windows=_windows(data.get("windows")),
        extra=extra(data, _AWARD_FIELDS),
    )


def parse_response(data: Mapping[str, Any]) -> TradeResponse | None:
    """Return a trade response (the reply to create/edit, or a listed one), or None without an id."""
    response_id = text(data, "tradeResponseId", "id")
    if response_id is None:
        return None
    return TradeResponse(
        id=response_id,
        opportunity_id=text(data, "opportunityId"),
        meterable_unit_id=text(data, "meterableUnitId"),
        status=text(data, "status"),
        extra=extra(
            data,
            {"tradeResponseId", "id", "opportunityId", "meterableUnitId", "status"},
        ),
    )


def response_body(
    opportunity_id: str,
    meterable_unit_id: str,
    windows: Sequence[TradeResponseWindow],
    response_id: str | None = None,
) -> dict[str, Any]:
    """Return the body of ``createTradeResponse`` (and, with ``response_id``, ``editTradeResponse``)."""
    body: dict[str, Any] = {
        "opportunityId": opportunity_id,
        "meterableUnitId": meterable_unit_id,
        "windows": [
            {
                "windowId": w.window_id,
                "offeredCapacityMw": w.offered_capacity_mw,
                "availabilityPrice": w.availability_price,
                "utilisationPrice": w.utilisation_price,
            }
            for w in windows
        ],
    }
    if response_id is not None:
        body["tradeResponseId"] = response_id
    return body


def field_errors(body: Any) -> list[tuple[str, str]]:
    """Return the ``{"errors": [{"field", "message"}]}`` of a 422, as (field, message) pairs."""
    if not isinstance(body, Mapping) or not isinstance(body.get("errors"), list):
        return []
    return [
        (str(e.get("field", "")), str(e.get("message", "")))
        for e in body["errors"]
        if isinstance(e, Mapping)
    ]
