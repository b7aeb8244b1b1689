"""
Reading the dispatch files back, defensively: a corrupt or wrong-typed file costs only itself.

Two files per account: the dispatch Store (instructions, applied control, unknown MUs) and a
small control file that holds only what GridFlex switched (entity, state before). A lost or
partly unreadable dispatch Store still leaves the control file, so the devices GridFlex
switched are put back at start; a repair issue names what was lost and which devices to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN, LOGGER
from .durable_store import DurableStore
from .journal import FIRST_JOURNAL, Journal, read_journals, replay
from .records import InstructionRecord


def control_key(entry_id: str) -> str:
    """Storage key of the control file (what GridFlex switched, kept apart from instructions)."""
    return f"{DOMAIN}.dispatch_control.{entry_id}"


def state_lost_issue_id(entry_id: str) -> str:
    """Repair issue raised when saved dispatch state could not be read."""
    return f"dispatch_state_lost_{entry_id}"


@dataclass(slots=True)
class SavedState:
    """What the dispatch files held, and what of it could not be read."""

    records: list[InstructionRecord] = field(default_factory=list)
    control: dict[str, dict[str, Any]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    lost_records: int = 0
    lost_file: bool = False
    lost_control: bool = False


async def _load(store: DurableStore) -> tuple[Any, bool]:
    """Return (data, readable); HA itself sets a corrupt JSON file aside and says so."""
    try:
        return await store.async_load(), True
    except Exception as err:  # noqa: BLE001 - any unreadable file costs only itself
        LOGGER.error("Could not read %s: %s", store.key, err)
        return None, False


def _control_entry(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    prior, overridden = value.get("prior"), value.get("overridden", [])
    if not isinstance(prior, dict) or not isinstance(overridden, list):
        return None
    if not all(
        isinstance(k, str) and (v is None or isinstance(v, str))
        for k, v in prior.items()
    ):
        return None
    since = value.get("since")
    return {
        "prior": dict(prior),
        "overridden": [o for o in overridden if isinstance(o, str)],
        "since": since if isinstance(since, str) else None,
    }


def _control(value: Any) -> tuple[dict[str, dict[str, Any]], bool]:
    """Readable MUs' control, and whether something in it was not readable."""
    if not isinstance(value, dict):
        return {}, value is not None
    found: dict[str, dict[str, Any]] = {}
    for mu, entry in value.items():
        if isinstance(mu, str) and (readable := _control_entry(entry)) is not None:
            found[mu] = readable
    return found, len(found) != len(value)


def _records(value: Any) -> tuple[list[InstructionRecord], int]:
    if not isinstance(value, list):
        return [], 0 if value is None else 1
    records, lost = [], 0
    for item in value:
        try:
            records.append(InstructionRecord.from_dict(item))
        except Exception as err:  # noqa: BLE001 - one bad record costs only itself
            lost += 1
            LOGGER.warning("Dropping an unreadable stored instruction: %r", err)
    return records, lost


async def async_load_saved(
    main: DurableStore, control: DurableStore, journal: Journal
) -> SavedState:
    """Read both files and the journals; whatever is unreadable is counted, the rest is kept."""
    state = SavedState()
    data, readable = await _load(main)
    saved_control, control_readable = await _load(control)
    if data is not None and not isinstance(data, dict):
        readable, data = False, None
    first = data.get(FIRST_JOURNAL) if data else None
    # Without a readable full file every journal left is replayed, oldest first.
    first = first if isinstance(first, int) and not isinstance(first, bool) else 0
    read = await main.hass.async_add_executor_job(
        read_journals, journal.directory, journal.key, first
    )
    # Appends go to a new file: never after a line a crash may have cut short.
    journal.number = (
        first if read.last_number is None else max(first, read.last_number + 1)
    )
    if read.unreadable:
        LOGGER.warning(
            "%d journal entries of %s could not be read", read.unreadable, main.key
        )
    if read.entries:
        data = replay(data or {}, read.entries)
    # The control file says whether the Store held instructions: an empty Store then is lost.
    if not readable or (
        data is None
        and isinstance(saved_control, dict)
        and (saved_control.get("instructions_saved") or saved_control.get("control"))
    ):
        state.lost_file = True
    data = data or {}
    state.records, state.lost_records = _records(data.get("instructions"))
    state.lost_records += read.unreadable
    unknown = data.get("unknown_meterable_units")
    if isinstance(unknown, list):
        state.unknown = [mu for mu in unknown if isinstance(mu, str)]
    from_main, main_damaged = _control(data.get("control"))
    from_file, file_damaged = _control(
        saved_control.get("control") if isinstance(saved_control, dict) else None
    )
    # Either place may hold an MU the other lost: both are put back.
    state.control = {**from_file, **from_main}
    state.lost_control = (main_damaged or not control_readable) and file_damaged
    return state


def report_losses(
    hass: HomeAssistant,
    entry_id: str,
    title: str,
    state: SavedState,
    controlled: list[str],
) -> None:
    """Raise the repair issue naming what was lost and which devices to check (or clear it)."""
    issue_id = state_lost_issue_id(entry_id)
    if not (state.lost_file or state.lost_records or state.lost_control):
        return
    switched = sorted({e for c in state.control.values() for e in c["prior"]})
    to_check = switched or ([] if not state.lost_control else sorted(controlled))
    LOGGER.error(
        "Saved dispatch state of %s was partly unreadable: %s; devices to check: %s",
        title,
        "the whole file" if state.lost_file else f"{state.lost_records} instruction(s)",
        ", ".join(to_check) or "none",
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="dispatch_file_lost"
        if state.lost_file
        else "dispatch_records_lost",
        translation_placeholders={
            "account": title,
            "lost": str(state.lost_records),
            "devices": ", ".join(to_check) or "-",
        },
    )
