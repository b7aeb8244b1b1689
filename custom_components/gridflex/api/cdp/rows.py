"""Parsers from CKAN results and DataStore records to the typed models; unknown columns are ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ContractError
from .models import (
    Dataset,
    DatastorePage,
    Outcome,
    PostcodeZones,
    Resource,
    SkippedRows,
    TradePeriod,
    TradeResult,
    Voltage,
    Zone,
)
from .values import cell, keyed_row, number, text, uk_date, uk_datetime, uk_period

REDACTED = "redacted"


def parse_resource(raw: Any) -> Resource:
    """Read one resource description."""
    if not isinstance(raw, Mapping) or not text(raw.get("id")):
        raise ContractError("resource without an id")
    url = text(raw.get("url"))
    return Resource(
        id=str(raw["id"]).strip(),
        name=text(raw.get("name")) or "",
        last_modified=text(raw.get("last_modified")),
        metadata_modified=text(raw.get("metadata_modified")),
        datastore_active=raw.get("datastore_active") is True,
        url=None if url is None or url.casefold() == REDACTED else url,
    )


def parse_dataset(raw: Any) -> Dataset:
    """Read one dataset (``package_show``); resources it cannot read are left out."""
    if not isinstance(raw, Mapping):
        raise ContractError("package_show result is not an object")
    resources = []
    for item in raw.get("resources") or ():
        try:
            resources.append(parse_resource(item))
        except ContractError:
            continue
    return Dataset(
        name=text(raw.get("name")) or "",
        title=text(raw.get("title")) or "",
        rights=text(raw.get("rights")),
        metadata_modified=text(raw.get("metadata_modified")),
        resources=tuple(resources),
    )


def parse_page(raw: Any) -> DatastorePage:
    """Read one ``datastore_search`` result."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("records"), list):
        raise ContractError("datastore_search result has no records")
    total = raw.get("total")
    records = tuple(r for r in raw["records"] if isinstance(r, dict))
    return DatastorePage(
        total=total if isinstance(total, int) and total >= 0 else len(records),
        records=records,
    )


def _products(value: Any) -> tuple[str, ...]:
    raw = text(value)
    if raw is None:
        return ()
    parts = (part.strip() for part in raw.replace(";", ",").split(","))
    return tuple(part for part in parts if part)


def _zone(row: Mapping[str, Any], level: str, voltage: Voltage) -> Zone | None:
    code = text(cell(row, f"{level} CMZ Code"))
    if code is None:
        return None
    substation = "Primary" if voltage is Voltage.HV else "Secondary"
    return Zone(
        cmz_code=code,
        voltage=voltage,
        name=text(cell(row, f"{level} Zone Name")),
        licence_area=text(cell(row, f"{level} Zone Licence Area")),
        # The live file has once spelt it "Zonne": accept both.
        products=_products(
            cell(
                row,
                f"{level} Zone Flexibility Product",
                f"{level} Zonne Flexibility Product",
            )
        ),
        substation=text(cell(row, f"{substation} Substation Name")),
    )


def parse_postcode_zones(
    postcode: str, records: tuple[dict[str, Any], ...]
) -> PostcodeZones | None:
    """Read the HV and LV zones of a postcode from its WHERE All Postcodes row(s)."""
    if not records:
        return None
    hv = lv = None
    gsp = None
    for record in records:
        row = keyed_row(record)
        hv = hv or _zone(row, "HV", Voltage.HV)
        lv = lv or _zone(row, "LV", Voltage.LV)
        gsp = gsp or text(cell(row, "GSP Name"))
    return PostcodeZones(postcode=postcode, hv=hv, lv=lv, gsp_name=gsp)


def zone_from_parameters(record: Mapping[str, Any]) -> Zone | None:
    """Read a zone as a Short Term Trade Parameters row names it (when adding by CMZ code)."""
    row = keyed_row(record)
    code = text(cell(row, "CMZ Code"))
    if code is None:
        return None
    product = text(cell(row, "Flexibility Product"))
    return Zone(
        cmz_code=code,
        voltage=Voltage.LV if "_LV" in (product or "").upper() else Voltage.HV,
        name=text(cell(row, "CMZ Name")),
        licence_area=text(cell(row, "Licence Area")),
        products=(product,) if product else (),
    )


def parse_trade_period(
    record: Mapping[str, Any], skipped: SkippedRows | None = None
) -> TradePeriod | None:
    """One delivery period; None (and counted) when it has no zone or no readable times."""
    row = keyed_row(record)
    code = text(cell(row, "CMZ Code"))
    period = uk_period(
        uk_date(cell(row, "Delivery Date")),
        cell(row, "Delivery Start Time"),
        cell(row, "Delivery End Time"),
    )
    if code is None or period is None:
        if skipped is not None:
            skipped.add("no zone" if code is None else "no delivery time")
        return None
    return TradePeriod(
        cmz_code=code,
        cmz_name=text(cell(row, "CMZ Name")),
        trade_name=text(cell(row, "Trade Opportunity Name")),
        licence_area=text(cell(row, "Licence Area")),
        product=text(cell(row, "Flexibility Product")),
        programme=text(cell(row, "Flexibility Programme")),
        required_service=text(cell(row, "Required Service")),
        max_voltage_kv=number(cell(row, "Maximum Connection Voltage")),
        opens=uk_datetime(cell(row, "Trade Opening Date", "Trade Open Date")),
        closes=uk_datetime(cell(row, "Trade Closing Date", "Trade Close Date")),
        start=period[0],
        end=period[1],
        availability_ceiling=number(cell(row, "Availability Ceiling Price")),
        utilisation_ceiling=number(cell(row, "Utilisation Ceiling Price")),
        min_capacity_mw=number(cell(row, "Minimum Trade Required Capacity")),
        max_capacity_mw=number(cell(row, "Maximum Trade Required Capacity")),
    )


def _outcome(value: str | None) -> Outcome:
    key = (value or "").casefold()
    if key.startswith("accept"):
        return Outcome.ACCEPTED
    if key.startswith("reject"):
        return Outcome.REJECTED
    if "no response" in key:
        return Outcome.NO_RESPONSE
    return Outcome.OTHER


def parse_trade_result(
    record: Mapping[str, Any], skipped: SkippedRows | None = None
) -> TradeResult | None:
    """One offer of Trade Results (Summary); None (and counted) without a zone."""
    row = keyed_row(record)
    code = text(cell(row, "CMZ Code"))
    if code is None:
        if skipped is not None:
            skipped.add("no zone")
        return None
    outcome = text(cell(row, "Trade Outcome"))
    return TradeResult(
        cmz_code=code,
        product=text(cell(row, "Flexibility Product")),
        trade_name=text(cell(row, "Trade Opportunity Name")),
        trade_window=text(cell(row, "Trade Windows", "Trade Window Name")),
        delivery_start=uk_date(cell(row, "Delivery Start Date", "Delivery Start")),
        delivery_end=uk_date(cell(row, "Delivery End Date", "Delivery End")),
        closes=uk_datetime(cell(row, "Trade Close Date", "Trade Closing Date")),
        company=text(cell(row, "Company Name")),
        outcome=_outcome(outcome),
        outcome_text=outcome,
        offered_capacity_kw=number(
            cell(row, "Offered Capacity [kW]", "Offered Capacity")
        ),
        accepted_capacity_kw=number(
            cell(row, "Accepted Capacity [kW]", "Accepted Capacity")
        ),
        awarded_availability_price=number(
            cell(row, "Awarded Availability Price", "Accepted Availability Price")
        ),
        awarded_utilisation_price=number(
            cell(row, "Awarded Utilisation Price", "Accepted Utilisation Price")
        ),
        technology=text(cell(row, "Technology Type")),
    )
