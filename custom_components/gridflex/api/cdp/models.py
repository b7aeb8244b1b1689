"""Typed views of the Connected Data Portal's datasets, resources and rows."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any

# Datasets and resources are found by name; the ids are today's, kept as a fallback.
TRADES_DATASET = "flexibility-trades-data-and-results"
FORECASTS_DATASET = "flexibility-forecasts"
TRADE_PARAMETERS = "Short Term Trade Parameters"
TRADE_RESULTS_SUMMARY = "Trade Results Summary"
ALL_POSTCODES = "WHERE All Postcodes"
FALLBACK_RESOURCE_IDS: dict[str, str] = {
    TRADE_PARAMETERS: "4e360119-60e4-4039-9bb9-8a9f7cb9e088",
    TRADE_RESULTS_SUMMARY: "0e0b3921-c4d0-494c-a5ca-f529ad328ee3",
    ALL_POSTCODES: "a9a0ddbf-117c-4b20-82cc-a3689d2422c9",
}
ATTRIBUTION = "Supported by NGED Open Data"


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource of a dataset as ``package_show``/``resource_show`` describe it."""

    id: str
    name: str
    last_modified: str | None
    metadata_modified: str | None
    datastore_active: bool
    # None when the portal hides it ("redacted") from callers without a token.
    url: str | None = None

    @property
    def version(self) -> str:
        """What changes when the resource changes (compare, do not parse)."""
        return f"{self.last_modified or ''}|{self.metadata_modified or ''}"


@dataclass(frozen=True, slots=True)
class Dataset:
    """One dataset (a CKAN package) and its resources."""

    name: str
    title: str
    rights: str | None
    metadata_modified: str | None
    resources: tuple[Resource, ...]


@dataclass(frozen=True, slots=True)
class DatastorePage:
    """One page of ``datastore_search``: the records and how many match in all."""

    total: int
    records: tuple[dict[str, Any], ...]


class Voltage(StrEnum):
    """Which network level a Constraint Managed Zone is on."""

    HV = "hv"
    LV = "lv"


@dataclass(frozen=True, slots=True)
class Zone:
    """A Constraint Managed Zone as WHERE All Postcodes names it."""

    cmz_code: str
    voltage: Voltage | None  # None when only the code is known
    name: str | None
    licence_area: str | None
    products: tuple[str, ...]
    substation: str | None = None


@dataclass(frozen=True, slots=True)
class PostcodeZones:
    """The zones one postcode sits in: at most one HV and one LV."""

    postcode: str
    hv: Zone | None
    lv: Zone | None
    gsp_name: str | None = None

    @property
    def zones(self) -> tuple[Zone, ...]:
        """The zones found, HV first."""
        return tuple(zone for zone in (self.hv, self.lv) if zone is not None)


@dataclass(frozen=True, slots=True)
class TradePeriod:
    """One row of Short Term Trade Parameters: one delivery period of a trade."""

    cmz_code: str
    cmz_name: str | None
    trade_name: str | None
    licence_area: str | None
    product: str | None
    programme: str | None
    required_service: str | None
    max_voltage_kv: float | None
    opens: dt.datetime | None
    closes: dt.datetime | None
    start: dt.datetime
    end: dt.datetime
    availability_ceiling: float | None  # £/MW/h
    utilisation_ceiling: float | None  # £/MWh
    min_capacity_mw: float | None
    max_capacity_mw: float | None


class Outcome(StrEnum):
    """What became of one offer."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_RESPONSE = "no_response"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TradeResult:
    """One row of Trade Results (Summary): one offer into a trade and its outcome."""

    cmz_code: str
    product: str | None
    trade_name: str | None
    trade_window: str | None
    delivery_start: dt.date | None
    delivery_end: dt.date | None
    closes: dt.datetime | None
    company: str | None
    outcome: Outcome
    outcome_text: str | None
    offered_capacity_kw: float | None
    accepted_capacity_kw: float | None
    awarded_availability_price: float | None
    awarded_utilisation_price: float | None
    technology: str | None


@dataclass(slots=True)
class SkippedRows:
    """Rows a parser could not use, counted by reason (shown in diagnostics)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        """Count one skipped row."""
        self.counts[reason] = self.counts.get(reason, 0) + 1
