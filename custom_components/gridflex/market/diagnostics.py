"""Market sections of the diagnostics: what was read, and the last raw replies (personal data redacted by the flows)."""

from __future__ import annotations

from typing import Any

from ..api.fpp import FppClient
from ..api.market_gateway import MarketGatewayClient
from .coordinator import MarketGatewayCoordinator
from .settlement import SettlementCoordinator

# Personal data a Market Gateway or FPP reply may carry about sites and people.
MARKET_TO_REDACT = {
    "address",
    "addressLine1",
    "addressLine2",
    "postCode",
    "mpan",
    "MPAN",
    "email",
    "phone",
    "contactName",
    "siteAddress",
}


def trading_diagnostics(
    coordinator: MarketGatewayCoordinator, client: MarketGatewayClient
) -> dict[str, Any]:
    """Return what the last refresh found, and each operation's last raw reply."""
    data = coordinator.data
    return {
        "last_update_success": coordinator.last_update_success,
        "last_error": str(coordinator.last_exception)
        if coordinator.last_exception
        else None,
        "zones": list(data.zones) if data else [],
        "meterable_units": sorted(data.meterable_units) if data else [],
        "opportunities": len(data.opportunities) if data else 0,
        "awards": len(data.awards) if data else 0,
        "baselines_at": data.baselines_at.isoformat()
        if data and data.baselines_at
        else None,
        "last_replies": client.last_replies,
    }


def settlement_diagnostics(
    coordinator: SettlementCoordinator, client: FppClient
) -> dict[str, Any]:
    """Whether settlement reads work, when they run next, and their last raw replies."""
    return {
        "last_read_ok": coordinator.last_error is None,
        "last_error": coordinator.last_error,
        "update_interval_s": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_replies": client.last_replies,
    }
