"""
Catching up after a stop: the recorder's history six hours at a time, computed and queued.

Each chunk is computed, queued and uploaded while the recorder's executor reads the next
one, so a long backfill costs about the larger of the two instead of their sum, and
holds six hours of samples at a time instead of the whole gap. Meterable Units catch up
one after another: at once, their reads only contend for the same interpreter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import datetime as dt
from functools import partial

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.hass_dict import HassKey
from sqlalchemy.exc import SQLAlchemyError

from ..const import DOMAIN, LOGGER
from .compute import Sample, floor_to
from .samples import async_recorded_counter, async_recorded_power, recorded_chunk
from .timeline import UnitTimeline

# A multiple of the half-hour, so every chunk ends on a boundary of both periods. Six
# hours: few enough rows that they are freed before the garbage collector runs often
# (a day's rows cost about a fifth of the whole backfill in collections), many enough
# that each query's own cost (about a millisecond) stays small.
CHUNK_SECONDS = 6 * 3600

type ComputeUntil = Callable[[float], Awaitable[None]]

_ONE_AT_A_TIME: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_readings_catch_up")


async def async_catch_up(
    hass: HomeAssistant,
    timeline: UnitTimeline,
    until: float,
    compute_until: ComputeUntil,
) -> None:
    """
    Add the recorder's samples from the timeline's boundaries to ``until``, chunk by chunk.

    ``timeline`` is catching up (live samples kept aside). After each chunk but the
    last, ``compute_until(chunk end)`` computes and queues the periods its samples
    close; the last chunk (to ``until``) is left with the live samples.
    On a recorder error the rest is not read: readings carry on from the live states.
    """
    async with hass.data.setdefault(_ONE_AT_A_TIME, asyncio.Lock()):
        await _async_catch_up(hass, timeline, until, compute_until)


async def _async_catch_up(
    hass: HomeAssistant,
    timeline: UnitTimeline,
    until: float,
    compute_until: ComputeUntil,
) -> None:
    config = timeline.config
    power_from, energy_from = timeline.history_starts()
    end = min(until, floor_to(power_from, CHUNK_SECONDS) + CHUNK_SECONDS)
    pending: asyncio.Future[tuple[list[Sample], list[Sample]]] | None = None
    power: list[Sample] = []
    energy: list[Sample] = []
    recorded = False
    try:
        power, energy = await _async_first(hass, timeline, power_from, energy_from, end)
        while end < until:
            # Read the next chunk while this one is computed, queued and uploaded.
            begin, end = end, min(until, end + CHUNK_SECONDS)
            pending = get_instance(hass).async_add_executor_job(
                partial(
                    recorded_chunk,
                    hass,
                    begin,
                    end,
                    power_sensor=config.power_sensor,
                    energy_sensor=config.energy_sensor,
                    sign=config.sign,
                )
            )
            timeline.add_recorded(power, energy)
            await compute_until(begin)
            power, energy = await pending
            pending = None
        recorded = True
    except (HomeAssistantError, SQLAlchemyError) as err:
        # Carry on from the live state; the gap can be resubmitted later.
        LOGGER.warning(
            "Recorder history unavailable for %s (%s); readings continue from now",
            config.mu_id,
            err,
        )
    finally:
        if pending is not None:
            pending.cancel()
        # Whatever stopped it, live samples are followed again from here on.
        current = (
            hass.states.get(config.power_sensor),
            hass.states.get(config.energy_sensor) if config.energy_sensor else None,
        )
        if recorded:
            timeline.end_catch_up(power, energy, current)
        else:
            timeline.end_catch_up([], [], current, recorded=False)


async def _async_first(
    hass: HomeAssistant,
    timeline: UnitTimeline,
    power_from: float,
    energy_from: float,
    end: float,
) -> tuple[list[Sample], list[Sample]]:
    """Read the first chunk, with the power in force at its start and the counter's last sample."""
    config = timeline.config
    until = _utc(end)
    power = await async_recorded_power(
        hass, config.power_sensor, _utc(power_from), until, config.sign
    )
    energy: list[Sample] = []
    if config.energy_sensor:
        energy = await async_recorded_counter(
            hass, config.energy_sensor, _utc(energy_from), until
        )
    return power, energy


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)
