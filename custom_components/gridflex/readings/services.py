"""The ``gridflex.resubmit_readings`` action (registered by the root services.py)."""

from __future__ import annotations

import datetime as dt

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..const import DOMAIN
from ..devices import subentry_of_device
from ..exceptions import invalid_input as _invalid
from . import ReadingsRuntime
from .manager import MeterableUnitReadings
from .samples import oldest_recorded, recorder_keep_days

SERVICE_RESUBMIT_READINGS = "resubmit_readings"
ATTR_DEVICE_ID = "device_id"
ATTR_MU_ID = "mu_id"
ATTR_START = "start"
ATTR_END = "end"

RESUBMIT_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_MU_ID): cv.string,
        vol.Required(ATTR_START): cv.datetime,
        vol.Required(ATTR_END): cv.datetime,
    }
)


def _loaded_units(hass: HomeAssistant) -> list[MeterableUnitReadings]:
    units: list[MeterableUnitReadings] = []
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        if (readings := entry.runtime_data.flow(ReadingsRuntime)) is not None:
            units.extend(readings.units.values())
    return units


def _find_unit(hass: HomeAssistant, call: ServiceCall) -> MeterableUnitReadings:
    units = _loaded_units(hass)
    if device_id := call.data.get(ATTR_DEVICE_ID):
        for unit in units:
            if subentry_of_device(hass, unit.entry, device_id) == (
                unit.subentry.subentry_id
            ):
                return unit
        raise _invalid("resubmit_unknown_device", device_id=device_id)
    if mu_id := call.data.get(ATTR_MU_ID):
        matches = [unit for unit in units if unit.config.mu_id == mu_id]
        if len(matches) == 1:
            return matches[0]
        raise _invalid("resubmit_unknown_mu", mu_id=mu_id)
    raise _invalid("resubmit_target_required")


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt_util.get_default_time_zone())
    return dt_util.as_utc(moment)


async def async_resubmit_readings(call: ServiceCall) -> ServiceResponse:
    """Recompute a window of one MU's readings from the recorder and queue them again."""
    hass = call.hass
    unit = _find_unit(hass, call)
    start = _as_utc(call.data[ATTR_START])
    end = _as_utc(call.data[ATTR_END])
    now = dt_util.utcnow()
    if end <= start:
        raise _invalid("resubmit_end_before_start")
    if end > now:
        raise _invalid("resubmit_end_in_future", end=end.isoformat())
    keep_days = recorder_keep_days(hass)
    oldest = oldest_recorded(hass)
    if start < now - dt.timedelta(days=keep_days) or oldest is None or start < oldest:
        raise _invalid(
            "resubmit_not_recorded",
            start=start.isoformat(),
            keep_days=str(keep_days),
            oldest=oldest.isoformat() if oldest else "-",
        )
    queued = await unit.async_resubmit(start, end)
    return {"mu_id": unit.config.mu_id, "queued": queued}
