"""Fixtures shared by every GridFlex test: simulators on 127.0.0.1 and configured accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
import logging
from pathlib import Path
import re
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigSubentryData
from homeassistant.helpers.entity import Entity
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.gridflex.const import (
    CONF_ACCOUNT_ID,
    CONF_ACCOUNT_KIND,
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_EVENTS_URL,
    CONF_TEST_MODE,
    CONF_WEBHOOK_ID,
    DOMAIN,
    AccountKind,
)
from tests.simulators.base import Simulator
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator

DISPATCH_SECRET = "s3cret-dispatch-key-for-tests"
ENDPOINT_ID = "0123456789abcdef"
WEBHOOK_ID = "gridflex_test_webhook"


GRIDFLEX_LOGGER = "custom_components.gridflex"
ALLOW_ERRORS_MARKER = "allow_gridflex_errors"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that lets a test expect errors logged by GridFlex."""
    config.addinivalue_line(
        "markers",
        f"{ALLOW_ERRORS_MARKER}(*patterns): the test expects ERROR records from GridFlex "
        "whose message matches one of these regular expressions (each must occur)",
    )


class _ErrorRecords(logging.Handler):
    """Keeps every ERROR (or worse) record GridFlex logs during one test."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_gridflex_errors(request: pytest.FixtureRequest) -> Generator[None]:
    """
    Fail a test in which GridFlex logs an error it did not declare.

    Set up before Home Assistant (first autouse fixture), so errors logged while HA stops
    count too. A test expecting errors says which with ``@pytest.mark.allow_gridflex_errors``.
    """
    allowed = [
        re.compile(pattern)
        for marker in request.node.iter_markers(ALLOW_ERRORS_MARKER)
        for pattern in marker.args
    ]
    handler = _ErrorRecords()
    logger = logging.getLogger(GRIDFLEX_LOGGER)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    unexpected = []
    unused = set(allowed)
    for record in handler.records:
        message = record.getMessage()
        matches = [p for p in allowed if p.search(message)]
        unused -= set(matches)
        if not matches:
            unexpected.append(f"{record.levelname} {record.name}: {message}")
    if unexpected:
        pytest.fail("GridFlex logged errors:\n" + "\n".join(unexpected))
    if unused:
        pytest.fail(
            "Errors allowed but never logged: "
            + ", ".join(p.pattern for p in sorted(unused, key=lambda p: p.pattern))
        )


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in HA's format, in `snapshots/` beside the test, on both HA versions.

    Newer harnesses stopped applying this extension to the `snapshot` fixture by themselves.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture(autouse=True)
def quiet_sql() -> Generator[None]:
    """The harness logs every SQL statement at INFO; with a recorder in every test that is most of the time."""
    logger = logging.getLogger("sqlalchemy.engine")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None
) -> Generator[None]:
    """Every test gets a real recorder (GridFlex depends on it) and may load custom_components/gridflex."""
    yield


@pytest.fixture(autouse=True)
def dispatch_journals_in_tmp_path(tmp_path: Path) -> Generator[Path]:
    """
    The dispatch journals are real files: each test's go to its own directory.

    Tests run with HA's mocked Store (``hass_storage``) inside the package's shared config dir;
    the journals are written and read for real, in ``tmp_path``.
    """
    directory = tmp_path / "journals"
    directory.mkdir()
    with patch(
        "custom_components.gridflex.dispatch.flow.journal_directory",
        return_value=directory,
    ):
        yield directory


def assert_every_fault_fired(sim: Simulator) -> None:
    """A failure a test injected but no request met tests nothing: fail the test instead."""
    assert not sim.faults, f"injected failures that never fired: {list(sim.faults)}"


@pytest.fixture
async def fpp_sim(socket_enabled: None) -> AsyncIterator[FppSimulator]:
    """A running FPP simulator."""
    sim = FppSimulator()
    await sim.start()
    yield sim
    await sim.stop()
    assert_every_fault_fired(sim)


@pytest.fixture
async def switchgrid_sim(socket_enabled: None) -> AsyncIterator[SwitchgridSimulator]:
    """A running Switchgrid simulator."""
    sim = SwitchgridSimulator()
    await sim.start()
    yield sim
    await sim.stop()
    assert_every_fault_fired(sim)


def fpp_entry_data(sim: FppSimulator, **overrides: Any) -> dict[str, Any]:
    """Config entry data of an FPP account pointed at the simulator."""
    return {
        CONF_ACCOUNT_KIND: AccountKind.FPP,
        CONF_ACCOUNT_ID: "acme-flex",
        CONF_API_TOKEN: sim.token,
        CONF_BASE_URL: sim.url,
        CONF_DISPATCH_SECRET: DISPATCH_SECRET,
        CONF_ENDPOINT_ID: ENDPOINT_ID,
        CONF_WEBHOOK_ID: WEBHOOK_ID,
        **overrides,
    }


def switchgrid_entry_data(sim: SwitchgridSimulator, **overrides: Any) -> dict[str, Any]:
    """Config entry data of a Switchgrid account pointed at the simulator."""
    return {
        CONF_ACCOUNT_KIND: AccountKind.SWITCHGRID,
        CONF_ACCOUNT_ID: "maison",
        CONF_API_TOKEN: sim.token,
        CONF_BASE_URL: sim.url,
        CONF_EVENTS_URL: sim.events_url,
        CONF_TEST_MODE: True,
        **overrides,
    }


def fpp_account_entry(
    sim: FppSimulator, *subentries: ConfigSubentryData
) -> MockConfigEntry:
    """The FPP account "acme-flex" with these sub-entries (not yet added to hass)."""
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title="FPP acme-flex",
        unique_id="fpp_acme-flex",
        data=fpp_entry_data(sim),
        subentries_data=list(subentries),
    )


def switchgrid_account_entry(
    sim: SwitchgridSimulator, *points: ConfigSubentryData
) -> MockConfigEntry:
    """The Switchgrid account "maison" with these delivery points (not yet added to hass)."""
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title="Switchgrid maison (test)",
        unique_id="switchgrid_maison",
        data=switchgrid_entry_data(sim),
        subentries_data=list(points),
    )


@pytest.fixture
def fpp_entry(fpp_sim: FppSimulator) -> MockConfigEntry:
    """An FPP account entry (not yet added to hass)."""
    return fpp_account_entry(fpp_sim)


@pytest.fixture
def switchgrid_entry(switchgrid_sim: SwitchgridSimulator) -> MockConfigEntry:
    """A Switchgrid account entry (not yet added to hass)."""
    return switchgrid_account_entry(switchgrid_sim)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled (tests that watch them)."""
    with patch.object(
        Entity,
        "entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield
