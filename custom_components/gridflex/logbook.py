"""Logbook descriptions of GridFlex's bus events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_DISPATCH
from .dispatch.describe import describe_dispatch_event


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe ``gridflex_dispatch`` events in the logbook."""

    @callback
    def _describe(event: Event) -> dict[str, Any]:
        return {"name": "GridFlex", "message": describe_dispatch_event(event.data)}

    async_describe_event(DOMAIN, EVENT_DISPATCH, _describe)
