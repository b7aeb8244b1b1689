"""repairs platform: each flow contributes the fix flows of its issues here."""

from __future__ import annotations

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant

from .consumption.repair_flows import consumption_fix_flow
from .dispatch.repair_flows import dispatch_fix_flow


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Create the flow that fixes a GridFlex issue."""
    if (flow := consumption_fix_flow(issue_id, data)) is not None:
        return flow
    if (flow := dispatch_fix_flow(issue_id, data)) is not None:
        return flow
    return ConfirmRepairFlow()
