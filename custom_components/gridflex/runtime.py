"""
Typed runtime data of a GridFlex config entry: the account's client and the flows it runs.

Every account kind has the same shape. Each flow (dispatch/, readings/, consumption/...)
offers the small :class:`Flow` interface, so platforms, diagnostics and unload loop over
``runtime.flows`` and adding an account kind or a flow touches none of them. Flows never
import this module: they are handed their client and the plain config entry.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

type EntitiesBySubentry = Mapping[str | None, Sequence[Entity]]
"""A flow's entities of one platform, keyed by config sub-entry id (None: the account)."""


class Flow(Protocol):
    """What every flow of an account offers to setup, platforms and diagnostics."""

    def entities(self, platform: Platform) -> EntitiesBySubentry:
        """Return this flow's entities of ``platform`` (empty when it has none)."""

    def diagnostics(self) -> Mapping[str, Any]:
        """Return this flow's diagnostics sections by name (redacted by the caller)."""

    def async_start(self) -> None:
        """Start what needs the entities to exist (called once the platforms are set up)."""

    async def async_unload(self) -> None:
        """Stop timers and listeners and flush what must survive a restart."""


@dataclass(frozen=True, slots=True)
class GridFlexRuntime:
    """What a loaded account holds: its API client, its diagnostics and its flows."""

    client: object
    client_diagnostics: Mapping[str, Any]
    flows: tuple[Flow, ...]

    def flow[FlowT](self, kind: type[FlowT]) -> FlowT | None:
        """Return the flow of this class, if the account runs one."""
        return next((f for f in self.flows if isinstance(f, kind)), None)


type GridFlexConfigEntry = ConfigEntry[GridFlexRuntime]


@callback
def async_add_flow_entities(
    entry: GridFlexConfigEntry,
    platform: Platform,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add every flow's entities of ``platform``, each on its sub-entry."""
    for flow in entry.runtime_data.flows:
        for subentry_id, entities in flow.entities(platform).items():
            if entities:
                async_add_entities(entities, config_subentry_id=subentry_id)


type PlatformSetup = Callable[
    [HomeAssistant, GridFlexConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def flow_platform_setup(platform: Platform) -> PlatformSetup:
    """Return the ``async_setup_entry`` of ``platform``: it adds every flow's entities."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: GridFlexConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add this platform's entities of the account's flows."""
        async_add_flow_entities(entry, platform, async_add_entities)

    return async_setup_entry
