"""Dispatch fixtures: an FPP account with two Meterable Units, HA's real HTTP app, frozen time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
import datetime as dt
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryData
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.json import json_bytes
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.gridflex.const import (
    CONF_CONTROL_ACTION,
    CONF_CONTROLLED_ENTITIES,
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MIN_SWITCH_MINUTES,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    CONF_PRODUCTS,
    EVENT_DISPATCH,
    SUBENTRY_METERABLE_UNIT,
)
from custom_components.gridflex.dispatch.flow import DispatchFlow
from custom_components.gridflex.dispatch.journal import (
    FIRST_JOURNAL,
    read_journals,
    replay,
)
from custom_components.gridflex.dispatch.notify import MAX_HOLD_S
from custom_components.gridflex.dispatch.persistence import store_key
from custom_components.gridflex.dispatch.records import LIVE_PHASES
from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID, fpp_account_entry
from tests.simulators.fpp import FppSimulator

NOW = dt.datetime(2026, 1, 15, 16, 50, tzinfo=dt.UTC)
BASE = f"/api/gridflex/fpp/{ENDPOINT_ID}"
V2 = f"{BASE}/v2/dispatch"
V1_START = f"{BASE}/v1/dispatch/start"
V1_STOP = f"{BASE}/v1/dispatch/stop"
WEBHOOK = f"/api/webhook/{WEBHOOK_ID}"
AUTH = {"Authorization": f"Bearer {DISPATCH_SECRET}"}


def mu_subentry(
    mu_id: str,
    controlled: list[str],
    action: str = "turn_off",
    **options: Any,
) -> ConfigSubentryData:
    """One MU; devices may switch again at once unless ``options`` say otherwise."""
    return ConfigSubentryData(
        data={
            CONF_MIN_SWITCH_MINUTES: 0,
            **options,
            CONF_MU_ID: mu_id,
            CONF_PRODUCTS: ["ou_15"],
            CONF_POWER_SENSOR: "sensor.site_power",
            CONF_GRANULARITY: "minute",
            CONF_IMPORT_POSITIVE: True,
            CONF_CONTROLLED_ENTITIES: controlled,
            CONF_CONTROL_ACTION: action,
        },
        subentry_type=SUBENTRY_METERABLE_UNIT,
        title=mu_id,
        unique_id=mu_id,
    )


@dataclass
class Harness:
    """A loaded FPP account and the handles tests use to drive and observe it."""

    hass: HomeAssistant
    entry: MockConfigEntry
    client: Any
    events: list[Event[dict[str, Any]]]
    freezer: FrozenDateTimeFactory
    hass_storage: dict[str, Any]
    journals: Path

    def on_disk(self) -> dict[str, Any] | None:
        """The dispatch state as written: the full file with its journals replayed."""
        return saved_dispatch_state(
            self.hass_storage.get(store_key(self.entry.entry_id)),
            self.journals,
            store_key(self.entry.entry_id),
        )

    async def put(
        self,
        path: str,
        body: Any,
        *,
        headers: dict[str, str] | None = None,
        method: str = "PUT",
    ) -> ClientResponse:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        sent = (
            {**AUTH, "Content-Type": "application/json"} if headers is None else headers
        )
        resp: ClientResponse = await self.client.request(
            method, path, data=data, headers=sent
        )
        await resp.read()
        await self.settle()
        return resp

    async def settle(self) -> None:
        """Let the events and entity writes held back behind the replies go out."""
        await self.hass.async_block_till_done()
        # Twice: a hold that saw more changes arms itself once more (time is frozen here).
        for _ in range(2):
            async_fire_time_changed(
                self.hass, dt_util.utcnow() + dt.timedelta(seconds=MAX_HOLD_S)
            )
            await self.hass.async_block_till_done()

    async def advance_to(self, moment: dt.datetime) -> None:
        self.freezer.move_to(moment)
        async_fire_time_changed(self.hass, moment)
        await self.settle()

    def types(self, mu: str = "MU-1001") -> list[str]:
        return [
            e.data["type"] for e in self.events if e.data["meterable_unit_id"] == mu
        ]

    def state(self, entity_id: str) -> str:
        state = self.hass.states.get(entity_id)
        assert state is not None, entity_id
        return state.state

    async def stored(self) -> dict[str, Any] | None:
        """What the Store holds once the writes under way are done."""
        await self.hass.async_block_till_done()
        return self.on_disk()

    @property
    def runtime(self) -> Any:
        return self.entry.runtime_data.flow(DispatchFlow).runtime

    async def restart(self, at: dt.datetime | None = None) -> None:
        """Unload (the Store is written), move time, load again from the Store."""
        await self.hass.config_entries.async_unload(self.entry.entry_id)
        await self.hass.async_block_till_done()
        if at is not None:
            self.freezer.move_to(at)
        await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.settle()


def saved_dispatch_state(
    saved: dict[str, Any] | None, directory: Path, key: str
) -> dict[str, Any] | None:
    """A full dispatch file (as HA's Store keeps it) with the journals after it replayed."""
    data = saved["data"] if saved else None
    first = data.get(FIRST_JOURNAL, 0) if isinstance(data, dict) else 0
    read = read_journals(directory, key, first)
    if not read.entries:
        return data
    return replay(data if isinstance(data, dict) else {}, read.entries)


def stored_ids(saved: dict[str, Any] | None) -> list[str]:
    """Instruction ids in a Store snapshot, oldest first (none when nothing was written)."""
    return [r["id"] for r in saved["instructions"]] if saved else []


@pytest.fixture
def with_logbook() -> None:
    """Ask the harness for Home Assistant's logbook (tests reading lines through tests.logbook_reader)."""


@pytest.fixture
async def harness(  # noqa: PLR0917 - pytest passes fixtures by name
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    hass_client_no_auth: Callable[[], Awaitable[Any]],
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    dispatch_journals_in_tmp_path: Path,
) -> AsyncIterator[Harness]:
    freezer.move_to(NOW)
    await async_setup_component(
        hass,
        "input_boolean",
        {"input_boolean": {"heater": {"initial": True}, "pump": {"initial": True}}},
    )
    entry = fpp_account_entry(
        fpp_sim,
        mu_subentry("MU-1001", ["input_boolean.heater", "input_boolean.pump"]),
        mu_subentry("MU-1002", []),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    events = async_capture_events(hass, EVENT_DISPATCH)
    # Before the first client: newer HA freezes the HTTP router once the app has started.
    assert await async_setup_component(hass, "diagnostics", {})
    if "with_logbook" in request.fixturenames:
        # The logbook needs the frontend only for its sidebar panel; newer harnesses do not
        # install the frontend's package, so it counts as set up.
        hass.config.components.add("frontend")
        assert await async_setup_component(hass, "logbook", {})
    client = await hass_client_no_auth()
    yield Harness(
        hass,
        entry,
        client,
        events,
        freezer,
        hass_storage,
        dispatch_journals_in_tmp_path,
    )
    if entry.state is ConfigEntryState.LOADED:
        assert_book_consistent(
            entry.runtime_data.flow(DispatchFlow).runtime.lifecycle.records
        )


def assert_book_consistent(book: Any) -> None:
    """Whatever a test did, the MU index and the Store's cached records match a full scan."""
    for record in book.values():
        saved = json.loads(json_bytes({"saved": record.saved_json()}))["saved"]
        assert saved == record.as_dict(), record.id
    mus = {
        mu for record in book.values() for mu in record.instruction.meterable_unit_ids
    }
    for mu in mus:
        expected = {
            record.id
            for record in book.values()
            if record.phase in LIVE_PHASES
            and mu in record.instruction.meterable_unit_ids
        }
        assert {record.id for record in book.live(mu)} == expected, mu
    assert {r.id for r in book.live()} == {
        r.id for r in book.values() if r.phase in LIVE_PHASES
    }
