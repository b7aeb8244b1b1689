"""One account-level repair issue: shown while its condition holds, cleared once it is gone."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


@callback
def async_set_account_issue(
    hass: HomeAssistant,
    key: str,
    entry_id: str,
    severity: ir.IssueSeverity,
    placeholders: dict[str, str] | None,
) -> None:
    """Show issue ``key`` of an entry with ``placeholders``; None clears it."""
    issue_id = f"{key}_{entry_id}"
    if placeholders is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )
