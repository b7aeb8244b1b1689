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
from .api.switchgrid import SwitchgridClient

if TYPE_CHECKING:
    from .api.cdp import CdpClient
    from .cdp import CdpFlow
    from .consumption import ConsumptionRuntime
    from .dispatch import DispatchRuntime
    from .readings import ReadingsRuntime


@dataclass(slots=True)
class FppRuntime:
    """What a Flexible Power Portal account entry holds while loaded."""

    client: FppClient
    dispatch: DispatchRuntime | None = None
    readings: ReadingsRuntime | None = None


@dataclass(slots=True)
class SwitchgridRuntime:
    """What a Switchgrid account entry holds while loaded."""

    client: SwitchgridClient
    consumption: ConsumptionRuntime | None = None


@dataclass(slots=True)
class CdpRuntime:
    """What a Connected Data Portal account entry holds while loaded."""

    client: CdpClient
    cdp: CdpFlow


type GridFlexRuntime = FppRuntime | SwitchgridRuntime | CdpRuntime
type GridFlexConfigEntry = ConfigEntry[GridFlexRuntime]
