"""Enedis v2 replies: contract search, orders, metering series and C68 contract data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import ContractError
from ..fields import as_number
from .fields import as_text, delivery_point_id, parse_datetime
from .models import ContractData, EnedisContract, MeterSeries, Order, OrderRequest

LOADCURVE = "LOADCURVE"
C68_ASYNC = "C68_ASYNC"
_ISO_DURATION_RE = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
_PERIOD_ALIASES = {
    "30min": dt.timedelta(minutes=30),
    "1h": dt.timedelta(hours=1),
    "1d": dt.timedelta(days=1),
}


def parse_search_results(body: Any) -> tuple[EnedisContract, ...]:
    """Results of ``GET /enedis/v2/search_contract``."""
    results = body.get("results") if isinstance(body, dict) else body
    if not isinstance(results, list):
        raise ContractError("search_contract reply without results")
    contracts = []
    for item in results:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        address = item.get("adresseInstallationNormalisee")
        lines = (
            tuple(
                str(address[f"ligne{n}"])
                for n in range(1, 8)
                if address.get(f"ligne{n}")
            )
            if isinstance(address, dict)
            else ()
        )
        contracts.append(
            EnedisContract(
                id=str(item["id"]),
                prm=delivery_point_id(item.get("prm", "")),
                holder_name=as_text(item.get("nomClientFinalOuDenominationSociale")),
                customer_category=as_text(item.get("categorieClientFinalCode")),
                address_lines=lines,
                raw=item,
            )
        )
    return tuple(contracts)


def parse_order(body: Any) -> Order:
    """Parse an order (Enedis, and GRDF when it answers with one)."""
    if not isinstance(body, dict) or not body.get("id"):
        raise ContractError("order reply without an id")
    requests = tuple(
        OrderRequest(
            id=str(r.get("id")),
            type=str(r.get("type") or ""),
            status=str(r.get("status") or "NOT_STARTED"),
            ordered_at=parse_datetime(r.get("orderedAt")),
            completed_at=parse_datetime(r.get("completedAt")),
            error_message=as_text(r.get("errorMessage")),
        )
        for r in body.get("requests") or []
        if isinstance(r, dict) and r.get("id") is not None
    )
    return Order(
        id=str(body["id"]), status=str(body.get("status") or ""), requests=requests
    )


def parse_period(value: Any) -> dt.timedelta | None:
    """``PT30M``, ``PT1H``, ``P1D`` (or ``30min``, ``1h``, ``1d``) as a timedelta."""
    text = str(value or "").strip()
    if text in _PERIOD_ALIASES:
        return _PERIOD_ALIASES[text]
    match = _ISO_DURATION_RE.match(text.upper())
    if not match or not any(match.groups()):
        return None
    days, hours, minutes = (int(g or 0) for g in match.groups())
    period = dt.timedelta(days=days, hours=hours, minutes=minutes)
    return period or None


def parse_series(body: Any, prm: str) -> MeterSeries | None:
    """
    Parse the series of ``prm`` in ``GET /enedis/v2/request/{id}/data``; None when absent.

    Our reading (proposal): ``values[i]`` is the interval ending ``startsAt + (i+1)*period``,
    i.e. starting ``startsAt + i*period`` (Enedis stamps each interval by its end).
    """
    if not isinstance(body, dict):
        raise ContractError("metering data is not an object")
    entry = body.get(prm)
    if entry is None:
        entry = next(
            (v for k, v in body.items() if delivery_point_id(k) == prm),
            None,
        )
    if not isinstance(entry, dict):
        return None
    period = parse_period(entry.get("period"))
    starts_at = parse_datetime(entry.get("startsAt"))
    raw_values = entry.get("values")
    if period is None or starts_at is None or not isinstance(raw_values, list):
        raise ContractError(f"metering data of {prm} lacks period, startsAt or values")
    return MeterSeries(
        prm=prm,
        period=period,
        starts_at=starts_at,
        ends_at=parse_datetime(entry.get("endsAt")),
        values=tuple(as_number(v) for v in raw_values),
    )


def _find(body: Any, *needles: str) -> Any:
    """Return the first value whose key contains one of ``needles`` (case-insensitive), depth first."""
    if isinstance(body, dict):
        for key, value in body.items():
            if any(n in key.lower() for n in needles):
                return value
        for value in body.values():
            if (found := _find(value, *needles)) is not None:
                return found
    elif isinstance(body, list):
        for value in body:
            if (found := _find(value, *needles)) is not None:
                return found
    return None


def parse_contract_data(body: Any, prm: str) -> ContractData:
    """C68 data of ``prm`` (proposal: the first ``puissanceSouscrite*`` and ``*heuresCreuses*`` keys)."""
    scope = body.get(prm, body) if isinstance(body, dict) else body
    power_raw = _find(scope, "puissancesouscrite", "subscribedpower")
    if isinstance(power_raw, dict):
        power_raw = power_raw.get("valeur", power_raw.get("value"))
    off_peak_raw = _find(scope, "heurescreuses", "offpeak")
    if isinstance(off_peak_raw, dict):
        off_peak_raw = off_peak_raw.get("libelle", off_peak_raw.get("valeur"))
    if isinstance(off_peak_raw, list):
        off_peak_raw = ", ".join(str(v) for v in off_peak_raw)
    return ContractData(
        prm=prm,
        subscribed_power_kva=as_number(power_raw),
        off_peak_hours=as_text(off_peak_raw),
        raw=scope if isinstance(scope, dict) else {"data": scope},
    )
