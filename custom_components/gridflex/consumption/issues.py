"""Repair issues of the consumption flow: consent states and upstream data errors."""

from __future__ import annotations

import datetime as dt

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from ..api.switchgrid.models import Ask, AskStatus
from ..const import DOMAIN
from ..issue_text import link, plain
from .statistics_rules import PARIS, SeriesMismatch

EXPIRY_WARNING = dt.timedelta(days=30)
SERIES_MISMATCH = "enedis_series_mismatch"
CONSENT_ISSUE_PREFIX = "consent_"

# Ask status → translation key of its repair issue (none for the states on the way to ACCEPTED).
_STATUS_ISSUES: dict[str, str] = {
    AskStatus.PENDING_USER_ACTION: "consent_pending",
    AskStatus.NOT_VALID: "consent_not_valid",
    AskStatus.ADDRESS_CHECK_FAILED: "consent_address_check_failed",
    AskStatus.REVOKED: "consent_revoked",
    AskStatus.EXPIRED: "consent_expired",
}


CONSENT_ISSUE_KEYS = (*_STATUS_ISSUES.values(), "consent_expiring")


def consent_issue_id(key: str, subentry_id: str) -> str:
    """Return the id of one kind of consent issue of a delivery point."""
    return f"{key}_{subentry_id}"


def consent_issue_key(ask: Ask | None, now: dt.datetime) -> str | None:
    """Return which consent issue an Ask calls for (None: no issue)."""
    if ask is None:
        return None
    if ask.status == AskStatus.ACCEPTED:
        if ask.expires_at is not None and ask.expires_at - now <= EXPIRY_WARNING:
            return "consent_expiring"
        return None
    return _STATUS_ISSUES.get(ask.status)


def update_consent_issue(
    hass: HomeAssistant,
    entry_id: str,
    subentry: ConfigSubentry,
    ask: Ask | None,
    now: dt.datetime,
) -> str | None:
    """Create, replace or clear the consent issue of a delivery point; return its key."""
    key = consent_issue_key(ask, now)
    for other in CONSENT_ISSUE_KEYS:
        if other != key:
            ir.async_delete_issue(
                hass, DOMAIN, consent_issue_id(other, subentry.subentry_id)
            )
    if key is None or ask is None:
        return None
    expires = ask.expires_at.date().isoformat() if ask.expires_at else "?"
    ir.async_create_issue(
        hass,
        DOMAIN,
        consent_issue_id(key, subentry.subentry_id),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING
        if key in ("consent_pending", "consent_expiring")
        else ir.IssueSeverity.ERROR,
        translation_key=key,
        translation_placeholders={
            "point": subentry.title,
            "url": link(ask.user_url or ""),
            "expires": expires,
        },
        data={
            "entry_id": entry_id,
            "subentry_id": subentry.subentry_id,
            "kind": key,
        },
    )
    return key


def data_issue_id(kind: str, subentry_id: str) -> str:
    """Return the id of an upstream data issue (``grdf_error``, ``enedis_failed``...)."""
    return f"{kind}_{subentry_id}"


def raise_data_issue(
    hass: HomeAssistant, kind: str, subentry: ConfigSubentry, message: str
) -> None:
    """Show an upstream data error with its message."""
    _raise_point_issue(hass, kind, subentry, {"message": plain(message)})


def raise_series_mismatch_issue(
    hass: HomeAssistant,
    subentry: ConfigSubentry,
    mismatch: SeriesMismatch,
) -> None:
    """Show a load curve that was not imported because its value count does not fit its span."""
    _raise_point_issue(
        hass,
        SERIES_MISMATCH,
        subentry,
        {
            "expected": str(mismatch.expected),
            "received": str(mismatch.received),
            "start": _local(mismatch.starts_at),
            "end": _local(mismatch.ends_at),
        },
    )


def _raise_point_issue(
    hass: HomeAssistant,
    kind: str,
    subentry: ConfigSubentry,
    placeholders: dict[str, str],
) -> None:
    """Show a data error of one delivery point, named by its title."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        data_issue_id(kind, subentry.subentry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=kind,
        translation_placeholders={"point": subentry.title, **placeholders},
    )


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def clear_data_issue(hass: HomeAssistant, kind: str, subentry_id: str) -> None:
    """Clear an upstream data error once data flows again."""
    ir.async_delete_issue(hass, DOMAIN, data_issue_id(kind, subentry_id))


def remove_orphan_issues(hass: HomeAssistant) -> None:
    """Delete consumption issues about delivery points that no longer exist."""
    existing = {
        subentry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        for subentry_id in entry.subentries
    }
    keys = (*CONSENT_ISSUE_KEYS, "grdf_error", "enedis_failed", SERIES_MISMATCH)
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain != DOMAIN:
            continue
        for key in keys:
            subentry_id = issue_id.removeprefix(f"{key}_")
            if subentry_id != issue_id:
                if subentry_id not in existing:
                    ir.async_delete_issue(hass, DOMAIN, issue_id)
                break
