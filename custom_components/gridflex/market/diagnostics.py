"""Market sections of the diagnostics: what was read, and the last raw replies (redacted by the caller)."""

from __future__ import annotations

from typing import Any

from ..runtime import FppRuntime, MarketGatewayRuntime

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


def market_gateway_diagnostics(runtime: MarketGatewayRuntime) -> dict[str, Any]:
    """Return the base URL, what the last refresh found, and each operation's last raw reply."""
    coordinator = runtime.coordinator
    data = coordinator.data
    return {
        "base_url": runtime.client.base_url,
        "use_api_key_header": runtime.client.use_api_key_header,
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
        "last_replies": runtime.client.last_replies,
    }


def settlement_diagnostics(runtime: FppRuntime) -> dict[str, Any] | None:
    """Whether settlement reads work, when they run next, and their last raw replies."""
    coordinator = runtime.settlement
    if coordinator is None:
        return None
    return {
        "last_read_ok": coordinator.last_error is None,
        "last_error": coordinator.last_error,
        "update_interval_s": coordinator.update_interval.total_seconds()
        if coordinator.update_interval
        else None,
        "last_replies": runtime.client.last_replies,
    }
