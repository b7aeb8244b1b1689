"""Import hourly rows into HA's long-term statistics with the real recorder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy, UnitOfVolume
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import EnergyConverter, VolumeConverter

from ..const import DOMAIN
from .statistics_rules import StatRow, plan_rows

IMPORT_SLICE = 2000
# Rows before the window are looked up in growing steps: usually the first one finds one.
_LOOKBACKS = (dt.timedelta(days=3), dt.timedelta(days=60), dt.timedelta(days=4000))


@dataclass(frozen=True, slots=True)
class StatisticSpec:
    """What one external statistic is: its id, name and unit."""

    statistic_id: str
    name: str
    unit: str
    unit_class: str | None

    def metadata(self) -> StatisticMetaData:
        """Return the recorder metadata (works on HA 2026.2 and newer)."""
        return StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=self.name,
            source=DOMAIN,
            statistic_id=self.statistic_id,
            unit_class=self.unit_class,
            unit_of_measurement=self.unit,
        )


def _kwh_spec(statistic: str, name: str) -> StatisticSpec:
    """Return an energy statistic in kWh, the unit of both gas energy and electricity."""
    return StatisticSpec(
        f"{DOMAIN}:{statistic}",
        name,
        UnitOfEnergy.KILO_WATT_HOUR,
        EnergyConverter.UNIT_CLASS,
    )


def gas_energy_spec(pce: str, title: str) -> StatisticSpec:
    """Return the gas energy statistic of a PCE (kWh)."""
    return _kwh_spec(f"grdf_{pce}_energy", f"{title} gas energy")


def gas_volume_spec(pce: str, title: str) -> StatisticSpec:
    """Return the gas volume statistic of a PCE (m³)."""
    return StatisticSpec(
        f"{DOMAIN}:grdf_{pce}_volume",
        f"{title} gas volume",
        UnitOfVolume.CUBIC_METERS,
        VolumeConverter.UNIT_CLASS,
    )


def electricity_spec(prm: str, title: str) -> StatisticSpec:
    """Return the electricity consumption statistic of a PRM (kWh)."""
    return _kwh_spec(f"enedis_{prm}_consumption", f"{title} electricity consumption")


def _has_rows(hass: HomeAssistant, statistic_id: str) -> bool:
    return bool(get_last_statistics(hass, 1, statistic_id, False, {"sum"}))


def _sum_before(
    hass: HomeAssistant, statistic_id: str, window_start: dt.datetime
) -> float:
    """Return the sum of the last row strictly before ``window_start`` (0 when none)."""
    for lookback in _LOOKBACKS:
        rows = statistics_during_period(
            hass,
            window_start - lookback,
            window_start,
            {statistic_id},
            "hour",
            None,
            {"sum"},
        ).get(statistic_id, [])
        if rows:
            return float(rows[-1].get("sum") or 0.0)
    return 0.0


def _stored_from(
    hass: HomeAssistant, statistic_id: str, window_start: dt.datetime
) -> dict[dt.datetime, float]:
    """Return the hourly values stored from ``window_start`` on."""
    rows = statistics_during_period(
        hass, window_start, None, {statistic_id}, "hour", None, {"state"}
    ).get(statistic_id, [])
    return {
        dt.datetime.fromtimestamp(row["start"], dt.UTC): state
        for row in rows
        if (state := row.get("state")) is not None
    }


def _plan(
    hass: HomeAssistant,
    statistic_id: str,
    received: Mapping[dt.datetime, float],
    window_start: dt.datetime,
) -> list[StatRow]:
    """Read what is stored and decide the rows (runs in the recorder's executor)."""
    if not _has_rows(hass, statistic_id):
        return plan_rows(received, window_start=None, sum_before=0.0, stored={})
    return plan_rows(
        received,
        window_start=window_start,
        sum_before=_sum_before(hass, statistic_id, window_start),
        stored=_stored_from(hass, statistic_id, window_start),
    )


async def async_import(
    hass: HomeAssistant,
    spec: StatisticSpec,
    received: Mapping[dt.datetime, float],
    window_start: dt.datetime,
) -> int:
    """Import ``received`` under the window rules; return the number of rows written."""
    if not received:
        return 0
    rows = await get_instance(hass).async_add_executor_job(
        _plan, hass, spec.statistic_id, received, window_start
    )
    # A backfill is years of rows: queue it in slices so the recorder keeps writing
    # states in between instead of being held by one long job.
    for first in range(0, len(rows), IMPORT_SLICE):
        async_add_external_statistics(
            hass,
            spec.metadata(),
            [
                StatisticData(start=r.start, state=r.state, sum=r.sum)
                for r in rows[first : first + IMPORT_SLICE]
            ],
        )
    return len(rows)


def _last_start(hass: HomeAssistant, statistic_id: str) -> dt.datetime | None:
    rows = get_last_statistics(hass, 1, statistic_id, False, {"sum"}).get(
        statistic_id, []
    )
    return dt.datetime.fromtimestamp(rows[0]["start"], dt.UTC) if rows else None


async def async_last_start(
    hass: HomeAssistant, statistic_id: str
) -> dt.datetime | None:
    """Return the start of the newest stored row of a statistic (None when empty)."""
    return await get_instance(hass).async_add_executor_job(
        _last_start, hass, statistic_id
    )
