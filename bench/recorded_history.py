"""
A test Home Assistant with a real recorder (SQLite file) holding a synthetic sensor history.

The states are written straight into the recorder's tables (one transaction, before any clock
starts) so a bench can time what GridFlex does first at start-up: read that history back through
HA's history API (``readings.samples.async_recorded_power`` / ``async_recorded_counter``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
import contextlib
import json
import logging
from pathlib import Path
import sqlite3

from homeassistant.core import HomeAssistant
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.gridflex.readings.compute import Sample


@contextlib.asynccontextmanager
async def recorder_hass(folder: Path) -> AsyncIterator[tuple[HomeAssistant, Path]]:
    """A started test HA whose recorder writes to ``folder/bench.db``; yields (hass, db path)."""
    # The test harness turns on SQL statement logging; a bench must not pay for it.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    db_path = folder / "bench.db"
    async with async_test_home_assistant(config_dir=str(folder)) as hass:
        recorder_helper.async_initialize_recorder(hass)
        if not await async_setup_component(
            hass, "recorder", {"recorder": {"db_url": f"sqlite:///{db_path}"}}
        ):
            raise SystemExit("recorder did not start")
        await async_wait_recording_done(hass)
        try:
            yield hass, db_path
        finally:
            await hass.async_stop(force=True)


def _state_text(value: float | None) -> str:
    return "unavailable" if value is None else f"{value:.6f}"


def write_states(
    db_path: Path, entity_id: str, unit: str, samples: Sequence[Sample]
) -> int:
    """Insert one entity's samples as recorded states, as the recorder stores them; return the count."""
    attributes = json.dumps({"unit_of_measurement": unit}, separators=(",", ":"))
    with contextlib.closing(sqlite3.connect(db_path)) as db, db:
        metadata_id = db.execute(
            "INSERT INTO states_meta (entity_id) VALUES (?)", (entity_id,)
        ).lastrowid
        attributes_id = db.execute(
            "INSERT INTO state_attributes (hash, shared_attrs) VALUES (?, ?)",
            (hash(attributes) & 0xFFFFFFFF, attributes),
        ).lastrowid
        db.executemany(
            "INSERT INTO states (metadata_id, state, attributes_id, last_updated_ts,"
            " last_reported_ts, origin_idx) VALUES (?, ?, ?, ?, ?, 0)",
            (
                (metadata_id, _state_text(value), attributes_id, moment, moment)
                for moment, value in samples
            ),
        )
    return len(samples)
