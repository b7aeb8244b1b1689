"""National Grid DSO Market Gateway: Meterable Units, baselines, trade opportunities, responses, awards."""

from .client import MarketGatewayClient
from .errors import ConflictError, InvalidFieldsError, NotPermittedError
from .models import (
    BaselinePoint,
    DeliveryPeriod,
    Horizon,
    MeterableUnit,
    TradeAward,
    TradeOpportunity,
    TradeResponse,
    TradeResponseWindow,
    TradeWindow,
)
from .wire import DEFAULT_MG_BASE_URL

__all__ = [
    "DEFAULT_MG_BASE_URL",
    "BaselinePoint",
    "ConflictError",
    "DeliveryPeriod",
    "Horizon",
    "InvalidFieldsError",
    "MarketGatewayClient",
    "MeterableUnit",
    "NotPermittedError",
    "TradeAward",
    "TradeOpportunity",
    "TradeResponse",
    "TradeResponseWindow",
    "TradeWindow",
]
