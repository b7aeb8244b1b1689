"""
Direct device control: the MU's controlled entities get the chosen action while it is dispatched.

Control is per MU, not per instruction: it is applied when the MU's first instruction becomes
active and undone when its last one stops. The state each entity had is kept (and persisted)
so it can be put back; an entity a user changes by hand during the window is left alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Context,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CONTROL_ACTION,
    CONF_CONTROLLED_ENTITIES,
    DOMAIN,
    LOGGER,
    ControlAction,
)
from .control_policy import ControlPolicy, MuLimits
from .describe import write_line
from .persistence import StoreWriteError
from .records import InstructionRecord


def _is_on(state: State | None) -> bool | None:
    if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        return None
    return state.state != STATE_OFF


def _valid_time(value: Any) -> str:
    """Return a saved ISO time, or now when it is missing or unreadable."""
    try:
        return dt.datetime.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        return dt_util.utcnow().isoformat()


def resumed_control(saved: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """
    Return the persisted control state as control keeps it, per MU.

    ``{mu: {"prior": {entity: state}, "overridden": [...], "since": ..., "dispatch": ...}}``:
    ``since`` is when control began, ``dispatch`` the instructions it was for (named in the
    logbook lines).
    """
    return {
        mu: {
            "prior": dict(v["prior"]),
            "overridden": list(v["overridden"]),
            "since": _valid_time(v.get("since")),
            "dispatch": str(v.get("dispatch") or mu),
        }
        for mu, v in saved.items()
    }


class DeviceControl:
    """Applies and undoes the control action of every MU of one account."""

    def __init__(
        self,
        hass: HomeAssistant,
        meterable_units: dict[str, ConfigSubentry],
        applied: dict[str, dict[str, Any]],
        on_change: Callable[[], None],
        durable: Callable[[], Awaitable[None]],
        *,
        line_target: Callable[[str], Mapping[str, str | None]],
    ) -> None:
        """
        Resume from ``applied`` (see :func:`resumed_control`), kept up to date in place.

        ``line_target(mu)``: what the MU's own logbook lines belong to (its *Dispatch* entity).
        """
        self._hass = hass
        self._line_target = line_target
        self._units = meterable_units
        self.applied = applied
        self._on_change = on_change
        self._durable = durable
        self._desired: set[str] = set(self.applied)
        self._locks: dict[str, asyncio.Lock] = {}
        self._contexts: set[str] = set()
        self._watchers: dict[str, CALLBACK_TYPE] = {}
        self.policy = ControlPolicy(
            {mu: MuLimits.of(sub) for mu, sub in meterable_units.items()}, self._say
        )
        self._active: dict[str, list[InstructionRecord]] = {}
        self._expired: set[str] = (
            set()
        )  # controlled for their longest time, still active
        self._last_switch: dict[
            str, dt.datetime
        ] = {}  # entity -> when GridFlex switched it
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._release_now: set[str] = set()  # safety stops: no switching gap
        for mu in self.applied:
            if mu in self._units:
                self._watch(mu)
                self._arm_expiry(mu)

    def _entities(self, mu: str) -> list[str]:
        return list(self._units[mu].data.get(CONF_CONTROLLED_ENTITIES) or [])

    def _turns_off(self, mu: str) -> bool:
        action = self._units[mu].data.get(CONF_CONTROL_ACTION, ControlAction.TURN_OFF)
        return bool(action == ControlAction.TURN_OFF)

    @callback
    def sync(self, active: dict[str, list[InstructionRecord]]) -> None:
        """Make control follow the MUs dispatched now (their active instructions); runs as tasks."""
        self._active = active
        now = dt_util.utcnow()
        # An MU no longer configured is not wanted: what was applied to it is undone.
        acting = {
            mu
            for mu, records in active.items()
            if mu in self._units
            and self._entities(mu)
            and self.policy.acting(mu, records)
        }
        self._expired &= acting
        for mu in acting & set(self.applied):
            if now >= self._since(mu) + self.policy.limits[mu].max_duration:
                if mu not in self._expired:
                    self._say(mu, "control_longest_time")
                self._expired.add(mu)
        self._desired = acting - self._expired
        for mu in self._desired ^ set(self.applied):
            self._hass.async_create_task(
                self._converge(mu), f"{DOMAIN} control {mu}", eager_start=False
            )

    @callback
    def release_now(self, mu: str) -> None:
        """Put the MU's devices back at the next sync without waiting out the switching gap."""
        if mu in self.applied:
            self._release_now.add(mu)

    def _since(self, mu: str) -> dt.datetime:
        return dt.datetime.fromisoformat(self.applied[mu]["since"])

    def _arm_expiry(self, mu: str) -> None:
        limits = self.policy.limits.get(mu)
        if limits is None:
            return
        self._arm(f"expiry {mu}", self._since(mu) + limits.max_duration)

    def _arm(self, name: str, when: dt.datetime) -> None:
        if (unsub := self._timers.pop(name, None)) is not None:
            unsub()

        @callback
        def _due(_now: dt.datetime) -> None:
            self._timers.pop(name, None)
            self.sync(self._active)

        self._timers[name] = async_track_point_in_utc_time(self._hass, _due, when)

    def _switch_allowed_at(self, mu: str) -> dt.datetime | None:
        """When the MU's devices may next be switched (None: now)."""
        gap = self.policy.limits[mu].min_switch if mu in self._units else dt.timedelta()
        last = [
            self._last_switch[e]
            for e in self._entities_of(mu)
            if e in self._last_switch
        ]
        allowed = max(last) + gap if last else None
        return allowed if allowed is not None and allowed > dt_util.utcnow() else None

    def _entities_of(self, mu: str) -> list[str]:
        if mu in self.applied:
            return list(self.applied[mu]["prior"])
        return self._entities(mu) if mu in self._units else []

    async def _converge(self, mu: str) -> None:
        async with self._locks.setdefault(mu, asyncio.Lock()):
            while (mu in self._desired) is not (mu in self.applied):
                safety_stop = mu in self._release_now and mu not in self._desired
                if not safety_stop and (allowed := self._switch_allowed_at(mu)):
                    # Compressors must not short-cycle: the switching waits, then happens
                    # if it is still wanted.
                    self._arm(f"switch {mu}", allowed)
                    return
                if mu in self._desired:
                    await self._apply(mu)
                else:
                    await self._restore(mu)
            self._release_now.discard(mu)

    @callback
    def _say(self, mu: str, key: str, /, **placeholders: object) -> None:
        """Write one logbook line about an MU's control, on the MU's *Dispatch* entity."""
        LOGGER.info("Device control of %s: %s %s", mu, key, placeholders)
        write_line(self._hass, key, placeholders, self._line_target(mu))

    @callback
    def _log(self, mu: str, entity_id: str, key: str, dispatch: str) -> None:
        """Write a logbook line on the controlled entity, listed on the MU's device too."""
        LOGGER.debug("%s: %s for %s", entity_id, key, dispatch)
        about = {
            "entity_id": entity_id,
            "device_id": self._line_target(mu).get("device_id"),
        }
        write_line(self._hass, key, {"dispatch": dispatch}, about)

    def _dispatch_of(self, mu: str) -> str:
        """Name the instructions that dispatch an MU now (its own id when there are none)."""
        return ", ".join(r.id for r in self._active.get(mu, [])) or mu

    async def _call(self, entity_id: str, turn_on: bool) -> bool:
        context = Context()
        self._contexts.add(context.id)
        domain = entity_id.split(".", 1)[0]
        self._last_switch[entity_id] = dt_util.utcnow()
        try:
            await self._hass.services.async_call(
                domain,
                SERVICE_TURN_ON if turn_on else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: entity_id},
                blocking=True,
                context=context,
            )
        except Exception as err:  # noqa: BLE001 - one failing device must not stop the others
            LOGGER.warning(
                "Could not %s %s: %s",
                "turn on" if turn_on else "turn off",
                entity_id,
                err,
            )
            return False
        return True

    async def _apply(self, mu: str) -> None:
        turn_on = not self._turns_off(mu)
        prior = {}
        for entity_id in self._entities(mu):
            state = self._hass.states.get(entity_id)
            prior[entity_id] = state.state if state else None
        dispatch = self._dispatch_of(mu)
        self.applied[mu] = {
            "prior": prior,
            "overridden": [],
            "since": dt_util.utcnow().isoformat(),
            "dispatch": dispatch,
        }
        self._arm_expiry(mu)
        self._watch(mu)
        self._on_change()
        try:
            # What to put back is on disk before anything is switched.
            await self._durable()
        except StoreWriteError as err:
            LOGGER.warning("Switching %s before its prior state is saved: %s", mu, err)
        for entity_id in prior:
            if _is_on(
                self._hass.states.get(entity_id)
            ) is not turn_on and await self._call(entity_id, turn_on):
                key = "control_turned_on" if turn_on else "control_turned_off"
                self._log(mu, entity_id, key, dispatch)
        LOGGER.info("Dispatch control of %s applied to %s", mu, ", ".join(prior))

    async def _restore(self, mu: str) -> None:
        if (unwatch := self._watchers.pop(mu, None)) is not None:
            unwatch()
        applied = self.applied.pop(mu)
        self._on_change()
        for entity_id, before in applied["prior"].items():
            if entity_id in applied["overridden"]:
                LOGGER.info(
                    "%s was changed by hand during the dispatch: left as it is",
                    entity_id,
                )
                continue
            was_on = (
                None
                if before in (None, STATE_UNAVAILABLE, STATE_UNKNOWN)
                else before != STATE_OFF
            )
            if was_on is None or _is_on(self._hass.states.get(entity_id)) is was_on:
                continue
            if await self._call(entity_id, was_on):
                key = "control_back_on" if was_on else "control_back_off"
                self._log(mu, entity_id, key, applied["dispatch"])

    def _watch(self, mu: str) -> None:
        target_on = not self._turns_off(mu)

        @callback
        def _changed(event: Event[EventStateChangedData]) -> None:
            if event.context.id in self._contexts or mu not in self.applied:
                return
            entity_id = event.data["entity_id"]
            new_on = _is_on(event.data["new_state"])
            old_on = _is_on(event.data["old_state"])
            overridden = self.applied[mu]["overridden"]
            if (
                new_on is None
                or new_on == old_on
                or new_on is target_on
                or entity_id in overridden
            ):
                return
            overridden.append(entity_id)
            self._on_change()
            self._log(mu, entity_id, "control_by_hand", self.applied[mu]["dispatch"])

        self._watchers[mu] = async_track_state_change_event(
            self._hass, self._entities(mu), _changed
        )

    @callback
    def shutdown(self) -> None:
        """Stop watching entities and timers (entry unload); what is applied stays persisted."""
        for unwatch in [*self._watchers.values(), *self._timers.values()]:
            unwatch()
        self._watchers.clear()
        self._timers.clear()
