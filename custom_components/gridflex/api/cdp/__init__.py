"""National Grid DSO Connected Data Portal (a public CKAN API): zones, trades and their results."""

from .client import CdpClient, postcode_forms, resource_in
from .models import (
    ALL_POSTCODES,
    ATTRIBUTION,
    FORECASTS_DATASET,
    TRADE_PARAMETERS,
    TRADE_RESULTS_SUMMARY,
    TRADES_DATASET,
    Dataset,
    Outcome,
    PostcodeZones,
    Resource,
    TradePeriod,
    TradeResult,
    Voltage,
    Zone,
)
from .transport import DEFAULT_CDP_BASE_URL, AccessRefusedError, CkanTransport

__all__ = [
    "ALL_POSTCODES",
    "ATTRIBUTION",
    "DEFAULT_CDP_BASE_URL",
    "FORECASTS_DATASET",
    "TRADES_DATASET",
    "TRADE_PARAMETERS",
    "TRADE_RESULTS_SUMMARY",
    "AccessRefusedError",
    "CdpClient",
    "CkanTransport",
    "Dataset",
    "Outcome",
    "PostcodeZones",
    "Resource",
    "TradePeriod",
    "TradeResult",
    "Voltage",
    "Zone",
    "postcode_forms",
    "resource_in",
]
