"""Fix flows of the consent repair issues."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from homeassistant.components.repairs import RepairsFlow
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from ..api.errors import GridFlexApiError
from ..api.switchgrid.models import AskStatus
from ..const import DOMAIN
from .coordinator import ConsumptionCoordinator
from .flow import consumption_coordinator
from .issues import CONSENT_ISSUE_PREFIX


class ConsentRepairFlow(RepairsFlow):
    """Pending: check the signature again. Invalid, revoked, expired or expiring: ask again."""

    def __init__(self, entry_id: str, subentry_id: str, kind: str) -> None:
        """Remember which delivery point the issue is about."""
        self._entry_id = entry_id
        self._subentry_id = subentry_id
        self._kind = kind

    def _coordinator(self) -> ConsumptionCoordinator | None:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        return None if entry is None else consumption_coordinator(entry)

    def _placeholders(self) -> dict[str, str]:
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        return dict(issue.translation_placeholders or {}) if issue else {}

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Start on the step that fits the issue."""
        if self._kind == "consent_pending":
            return await self.async_step_signed()
        return await self.async_step_renew()

    async def async_step_signed(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Show the signing link; on submit, check whether the consent is now accepted."""
        return await self._consent_step("signed", user_input, self._check_signed)

    async def async_step_renew(
        self, user_input: dict[str, str] | None = None
    ) -> FlowResult:
        """Explain what happened; on submit, create a new consent request."""
        return await self._consent_step("renew", user_input, self._renew)

    async def _check_signed(self, coordinator: ConsumptionCoordinator) -> str | None:
        await coordinator.async_refresh()
        state = coordinator.data.points.get(self._subentry_id)
        if state and state.ask and state.ask.status == AskStatus.ACCEPTED:
            return None
        return "not_signed_yet"

    async def _renew(self, coordinator: ConsumptionCoordinator) -> str | None:
        try:
            await coordinator.async_renew_consent(self._subentry_id)
        except GridFlexApiError:
            return "cannot_connect"
        return None

    async def _consent_step(
        self,
        step_id: str,
        user_input: dict[str, str] | None,
        act: Callable[[ConsumptionCoordinator], Awaitable[str | None]],
    ) -> FlowResult:
        """Show ``step_id``; on submit run ``act``, done unless it returns an error key."""
        errors: dict[str, str] = {}
        if user_input is not None:
            coordinator = self._coordinator()
            if coordinator is None:
                return self.async_abort(reason="account_not_loaded")
            if (error := await act(coordinator)) is None:
                return self.async_create_entry(data={})
            errors["base"] = error
        return self.async_show_form(
            step_id=step_id,
            data_schema=vol.Schema({}),
            description_placeholders=self._placeholders(),
            errors=errors,
        )


def consumption_fix_flow(
    issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow | None:
    """Return the fix flow of a consumption issue (None when not ours)."""
    if not issue_id.startswith(CONSENT_ISSUE_PREFIX) or not data:
        return None
    return ConsentRepairFlow(
        str(data["entry_id"]), str(data["subentry_id"]), str(data["kind"])
    )
