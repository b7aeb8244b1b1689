"""Fix flow of the dispatch issues: add a Home Assistant Cloud webhook address to an account."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.data_entry_flow import FlowResult
import voluptuous as vol

from ..const import DOMAIN
from .reachability import async_add_cloudhook


class CloudhookRepairFlow(RepairsFlow):
    """Ask, create the cloudhook, then show the address to give FPP."""

    def __init__(self, entry_id: str) -> None:
        """Fix the issue of one FPP account."""
        self._entry_id = entry_id
        self._url = ""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> FlowResult:
        """Start with the explanation (``user_input`` here is the issue, not an answer)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> FlowResult:
        """Explain what a cloudhook is; create it on submit."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.domain != DOMAIN:
            return self.async_abort(reason="account_not_loaded")
        if user_input is not None:
            url = await async_add_cloudhook(self.hass, entry)
            if url is None:
                return self.async_abort(reason="cloud_unavailable")
            self._url = url
            return await self.async_step_created()
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"account": entry.title},
        )

    async def async_step_created(
        self, user_input: dict[str, Any] | None = None
    ) -> FlowResult:
        """Show the new address; the issue closes on submit."""
        if user_input is not None:
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="created",
            data_schema=vol.Schema({}),
            description_placeholders={"url": self._url},
        )


def dispatch_fix_flow(
    issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow | None:
    """Return the fix flow of a dispatch issue, or None when the issue is not one of them."""
    if issue_id.startswith("cloudhook_available_") and data:
        return CloudhookRepairFlow(str(data["entry_id"]))
    return None
