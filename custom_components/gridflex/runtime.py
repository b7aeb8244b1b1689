"""
Typed runtime data of a GridFlex config entry, one shape per account kind.

Each flow (dispatch/, readings/, consumption/) fills its own field at setup; platforms
read them from ``entry.runtime_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .api.fpp import FppClient
from .api.market_gateway import MarketGatewayClient
from .api.switchgrid import SwitchgridClient

if TYPE_CHECKING:
    from .consumption import ConsumptionRuntime
    from .dispatch import DispatchRuntime
    from .market.coordinator import MarketGatewayCoordinator
    from .market.settlement import SettlementCoordinator
    from .readings import ReadingsRuntime


@dataclass(slots=True)
class FppRuntime:
    """What a Flexible Power Portal account entry holds while loaded."""

    client: FppClient
    dispatch: DispatchRuntime | None = None
    readings: ReadingsRuntime | None = None
    settlement: SettlementCoordinator | None = None


@dataclass(slots=True)
class SwitchgridRuntime:
    """What a Switchgrid account entry holds while loaded."""

    client: SwitchgridClient
    consumption: ConsumptionRuntime | None = None


@dataclass(slots=True)
class MarketGatewayRuntime:
    """What a Market Gateway account entry holds while loaded."""

    client: MarketGatewayClient
    coordinator: MarketGatewayCoordinator


type GridFlexRuntime = FppRuntime | SwitchgridRuntime | MarketGatewayRuntime
type GridFlexConfigEntry = ConfigEntry[GridFlexRuntime]
