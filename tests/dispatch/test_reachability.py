"""Can FPP reach the endpoint: Cloud webhook addresses, the local-address warning, Check endpoint."""

from __future__ import annotations

import ast
from collections.abc import Generator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
import sys
from types import ModuleType
from typing import Any
from unittest.mock import patch

import homeassistant
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import (
    async_dispatcher_connect,
    async_dispatcher_send,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.const import (
    CONF_CLOUDHOOK_URL,
    CONF_DISPATCH_SECRET,
    CONF_ENDPOINT_ID,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.gridflex.dispatch.endpoint_url import is_private_url
from custom_components.gridflex.dispatch.flow import DispatchFlow
from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID, fpp_entry_data
from tests.helpers import async_setup_repairs
from tests.simulators.fpp import FppSimulator

HOOK = "https://hooks.nabu.casa/gAAAA-test"
BUTTON = "button.fpp_acme_flex_check_endpoint"
AUTH = {"Authorization": f"Bearer {DISPATCH_SECRET}"}
CLOUD_MODULE = "homeassistant.components.cloud"
CLOUD_HELPERS = {
    "async_is_logged_in": ["hass"],
    "async_active_subscription": ["hass"],
    "async_create_cloudhook": ["hass", "webhook_id"],
    "async_delete_cloudhook": ["hass", "webhook_id"],
    "async_listen_connection_change": ["hass", "target"],
    "async_remote_ui_url": ["hass"],  # get_url(allow_cloud=True) asks it
}


class CloudNotAvailable(Exception):  # noqa: N818 - named as in Home Assistant
    """Stand-in of HA's exception."""


class CloudNotConnected(CloudNotAvailable):
    """Stand-in of HA's exception."""


class CloudConnectionState(Enum):
    """Stand-in of HA's enum."""

    CLOUD_CONNECTED = "cloud_connected"
    CLOUD_DISCONNECTED = "cloud_disconnected"


@dataclass
class FakeCloud:
    """HA's cloud helpers at their boundary: what GridFlex calls, and what it got."""

    hass: HomeAssistant
    logged_in: bool = True
    fail: bool = False
    hook: str = HOOK
    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def module(self) -> ModuleType:
        module = ModuleType(CLOUD_MODULE)
        module.CloudNotAvailable = CloudNotAvailable  # type: ignore[attr-defined]
        module.CloudNotConnected = CloudNotConnected  # type: ignore[attr-defined]
        module.CloudConnectionState = CloudConnectionState  # type: ignore[attr-defined]
        module.async_is_logged_in = lambda hass: self.logged_in  # type: ignore[attr-defined]
        module.async_active_subscription = lambda hass: self.logged_in  # type: ignore[attr-defined]
        module.async_create_cloudhook = self._create  # type: ignore[attr-defined]
        module.async_remote_ui_url = self._remote_ui_url  # type: ignore[attr-defined]
        module.async_delete_cloudhook = self._delete  # type: ignore[attr-defined]
        module.async_listen_connection_change = (  # type: ignore[attr-defined]
            lambda hass, target: async_dispatcher_connect(hass, "cloud_test", target)
        )
        return module

    async def _create(self, hass: HomeAssistant, webhook_id: str) -> str:
        if self.fail:
            raise CloudNotConnected
        self.created.append(webhook_id)
        return self.hook

    def _remote_ui_url(self, hass: HomeAssistant) -> str:
        raise CloudNotAvailable  # remote UI not enabled: only the cloudhook is public

    async def _delete(self, hass: HomeAssistant, webhook_id: str) -> None:
        self.deleted.append(webhook_id)

    def connect(self) -> None:
        self.logged_in = True
        async_dispatcher_send(
            self.hass, "cloud_test", CloudConnectionState.CLOUD_CONNECTED
        )


@pytest.fixture
def fake_cloud(hass: HomeAssistant) -> Generator[FakeCloud]:
    """Home Assistant Cloud set up and signed in (tests sign it out as they need)."""
    fake = FakeCloud(hass)
    hass.config.components.add("cloud")
    with patch.dict(sys.modules, {CLOUD_MODULE: fake.module()}):
        yield fake


def test_the_boundary_is_home_assistants() -> None:
    """The helpers the stand-in replaces exist, with these parameters, in the HA under test."""
    source = (
        Path(homeassistant.__file__).parent / "components" / "cloud" / "__init__.py"
    ).read_text()
    tree = ast.parse(source)
    functions = {
        node.name: [a.arg for a in node.args.args]
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    for name, params in CLOUD_HELPERS.items():
        assert functions[name] == params, name
    assert {"CloudNotAvailable", "CloudNotConnected", "CloudConnectionState"} <= classes
    assert 'CLOUD_CONNECTED = "cloud_connected"' in source


@pytest.fixture(autouse=True)
def socket_on(socket_enabled: None) -> Generator[None]:
    """The check button calls Home Assistant's own HTTP server on 127.0.0.1."""
    yield


def issue(
    hass: HomeAssistant, kind: str, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{entry.entry_id}")


async def start_reconfigure(
    hass: HomeAssistant, entry: config_entries.ConfigEntry
) -> config_entries.ConfigFlowResult:
    """Open an account's reconfigure flow (one added through the UI too)."""
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={
            "source": config_entries.SOURCE_RECONFIGURE,
            "entry_id": entry.entry_id,
        },
    )


async def add_fpp(
    hass: HomeAssistant, sim: FppSimulator, **overrides: Any
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=overrides.pop("title", "FPP acme-flex"),
        unique_id=overrides.pop("unique_id", "fpp_acme-flex"),
        data=fpp_entry_data(sim, **overrides),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def create_through_the_ui(
    hass: HomeAssistant, sim: FppSimulator
) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "fpp"}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"account_id": "acme", "api_token": sim.token, "base_url": sim.url},
    )


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://127.0.0.1:8123", True),
        ("http://10.1.2.3:8123", True),
        ("http://192.168.1.20:8123", True),
        ("http://172.16.0.9", True),
        ("http://[fd00::1]:8123", True),
        ("http://homeassistant.local:8123", True),
        ("http://homeassistant:8123", True),
        ("http://localhost:8123", True),
        ("https://ha.example.org", False),
        ("https://abc.ui.nabu.casa", False),
        ("http://81.2.69.160:8123", False),
    ],
)
def test_private_addresses(url: str, private: bool) -> None:
    assert is_private_url(url) is private


async def test_cloud_user_gets_a_cloudhook_kept_across_restarts_and_deleted_with_the_account(
    hass: HomeAssistant, fpp_sim: FppSimulator, fake_cloud: FakeCloud
) -> None:
    await hass.config.async_update(internal_url="http://192.168.1.20:8123")
    result = await create_through_the_ui(hass, fpp_sim)
    # Cloud's address is public: the plain step, with the Cloud address as webhook URL.
    assert result["step_id"] == "fpp_endpoint"
    assert result["description_placeholders"]["webhook_url"] == HOOK
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert fake_cloud.created == [entry.data[CONF_WEBHOOK_ID]]
    assert entry.data[CONF_CLOUDHOOK_URL] == HOOK
    assert issue(hass, "endpoint_private", entry) is None
    assert issue(hass, "cloudhook_available", entry) is None

    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert len(fake_cloud.created) == 1
    assert entry.data[CONF_CLOUDHOOK_URL] == HOOK

    result = await start_reconfigure(hass, entry)
    assert result["step_id"] == "fpp_reconfigure"
    assert result["description_placeholders"]["webhook_url"] == HOOK

    assert fake_cloud.deleted == []
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert fake_cloud.deleted == fake_cloud.created


async def test_a_new_dispatch_key_moves_the_cloudhook_to_the_new_webhook(
    hass: HomeAssistant, fpp_sim: FppSimulator, fake_cloud: FakeCloud
) -> None:
    """Reconfigure's new key, endpoint id and webhook id: the old Cloud address goes too."""
    entry = await add_fpp(hass, fpp_sim, cloudhook_url=HOOK)
    old_webhook = entry.data[CONF_WEBHOOK_ID]
    fake_cloud.hook = "https://hooks.nabu.casa/gAAAA-new"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "api_token": fpp_sim.token,
            "base_url": fpp_sim.url,
            "regenerate_dispatch_key": True,
        },
    )
    assert result["reason"] == "dispatch_key_regenerated"
    await hass.async_block_till_done()
    new_webhook = entry.data[CONF_WEBHOOK_ID]
    assert new_webhook != old_webhook
    assert fake_cloud.deleted == [old_webhook]
    assert fake_cloud.created == [new_webhook]
    assert entry.data[CONF_CLOUDHOOK_URL] == "https://hooks.nabu.casa/gAAAA-new"


async def test_removal_without_cloud_only_warns(
    hass: HomeAssistant, fpp_sim: FppSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    entry = await add_fpp(hass, fpp_sim, **{CONF_CLOUDHOOK_URL: HOOK})
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert "delete the webhook address in Cloud's settings" in caplog.text


async def test_cloud_refusing_leaves_the_local_warning(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    fake_cloud: FakeCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_cloud.fail = True
    result = await create_through_the_ui(hass, fpp_sim)
    assert result["step_id"] == "fpp_endpoint_private"
    assert "hooks.nabu.casa" not in result["description_placeholders"]["webhook_url"]
    assert "could not create a webhook address" in caplog.text


async def test_only_local_addresses_warn_in_setup_reconfigure_and_repairs(
    hass: HomeAssistant, fpp_sim: FppSimulator, fake_cloud: FakeCloud
) -> None:
    fake_cloud.logged_in = False
    await hass.config.async_update(internal_url="http://192.168.1.20:8123")
    entry = await add_fpp(hass, fpp_sim)
    assert fake_cloud.created == []
    found = issue(hass, "endpoint_private", entry)
    assert found is not None
    assert found.translation_placeholders == {
        "account": "FPP acme-flex",
        "dispatch_url": f"http://192.168.1.20:8123/api/gridflex/fpp/{ENDPOINT_ID}",
        "webhook_url": f"http://192.168.1.20:8123/api/webhook/{WEBHOOK_ID}",
    }
    assert issue(hass, "cloudhook_available", entry) is None
    result = await start_reconfigure(hass, entry)
    assert result["step_id"] == "fpp_reconfigure_private"
    assert result["description_placeholders"]["webhook_url"].endswith(WEBHOOK_ID)
    # Submitting the warned step works like the plain one.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_token": fpp_sim.token, "base_url": fpp_sim.url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    # A public external URL (a reverse proxy) clears the warning at the next start.
    await hass.config.async_update(external_url="https://ha.example.org")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, "endpoint_private", entry) is None
    result = await start_reconfigure(hass, entry)
    assert result["step_id"] == "fpp_reconfigure"
    assert result["description_placeholders"]["dispatch_url"] == (
        f"https://ha.example.org/api/gridflex/fpp/{ENDPOINT_ID}"
    )


async def _start_fix(http: Any, issue_id: str) -> dict[str, Any]:
    resp = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert resp.status == 200, await resp.text()
    result: dict[str, Any] = await resp.json()
    return result


async def test_cloud_logging_in_later_is_offered_as_a_repair(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    fake_cloud: FakeCloud,
    hass_client: ClientSessionGenerator,
) -> None:
    await async_setup_repairs(hass)
    fake_cloud.logged_in = False
    entry = await add_fpp(hass, fpp_sim)
    assert issue(hass, "cloudhook_available", entry) is None
    assert issue(hass, "endpoint_private", entry) is not None

    fake_cloud.connect()
    await hass.async_block_till_done()
    offer = issue(hass, "cloudhook_available", entry)
    assert offer is not None and offer.is_fixable
    http = await hass_client()
    flow = await _start_fix(http, offer.issue_id)
    assert flow["step_id"] == "confirm"
    assert fake_cloud.created == []  # nothing until the user says so
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    shown = await resp.json()
    assert shown["step_id"] == "created"
    assert shown["description_placeholders"] == {"url": HOOK}
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await resp.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert fake_cloud.created == [WEBHOOK_ID]
    assert entry.data[CONF_CLOUDHOOK_URL] == HOOK
    assert issue(hass, "cloudhook_available", entry) is None
    assert issue(hass, "endpoint_private", entry) is None


async def test_cloudhook_repair_when_cloud_fails_or_account_is_gone(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    fake_cloud: FakeCloud,
    hass_client: ClientSessionGenerator,
) -> None:
    await async_setup_repairs(hass)
    fake_cloud.fail = True
    entry = await add_fpp(hass, fpp_sim)
    offer = issue(hass, "cloudhook_available", entry)
    assert offer is not None
    http = await hass_client()
    flow = await _start_fix(http, offer.issue_id)
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await resp.json())["reason"] == "cloud_unavailable"
    ir.async_create_issue(
        hass,
        DOMAIN,
        "cloudhook_available_gone",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="cloudhook_available",
        translation_placeholders={"account": "x"},
        data={"entry_id": "gone"},
    )
    flow = await _start_fix(http, "cloudhook_available_gone")
    assert flow["reason"] == "account_not_loaded"


async def test_check_request_only_authenticates(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    entry = await add_fpp(hass, fpp_sim)
    http = await hass_client_no_auth()
    events: list[Any] = []
    hass.bus.async_listen("gridflex_dispatch", events.append)
    for path in (
        f"/api/gridflex/fpp/{ENDPOINT_ID}/check",
        f"/api/webhook/{WEBHOOK_ID}",
    ):
        resp = await http.get(path, headers=AUTH)
        assert resp.status == 200, path
        assert (await resp.json())["status"] == "ok"
        resp = await http.get(path, headers={"X-API-Key": "wrong"})
        assert resp.status == 401, path
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    # An unknown endpoint id gets the same 401 as a wrong key (nothing to probe for).
    resp = await http.get("/api/gridflex/fpp/unknown/check", headers=AUTH)
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    await hass.async_block_till_done()
    assert events == []
    assert not entry.runtime_data.flow(DispatchFlow).runtime.lifecycle.records


def notification(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    notes = hass.data["persistent_notification"]
    return str(notes[f"{DOMAIN}_endpoint_check_{entry.entry_id}"]["message"])


async def press(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": BUTTON}, blocking=True
    )
    await hass.async_block_till_done()


async def test_check_endpoint_button(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    entry = await add_fpp(hass, fpp_sim)
    other = await add_fpp(
        hass,
        fpp_sim,
        title="FPP other",
        unique_id="fpp_other",
        **{
            CONF_DISPATCH_SECRET: "another-key",
            CONF_ENDPOINT_ID: "fedcba9876543210",
            CONF_WEBHOOK_ID: "other_webhook",
        },
    )
    http = await hass_client_no_auth()
    state = hass.states.get(BUTTON)
    assert state is not None
    assert state.attributes["friendly_name"] == "FPP acme-flex Check endpoint"

    # No address FPP can reach: said at once, nothing is called.
    await press(hass)
    assert "no address FPP can reach" in notification(hass, entry)

    def use(url: str) -> None:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
        )

    # A public address that leads here (as Cloud's would): reachable, key accepted.
    use(str(http.make_url(f"/api/webhook/{WEBHOOK_ID}")))
    await press(hass)
    assert "FPP can reach FPP acme-flex" in notification(hass, entry)
    # An address that leads to another endpoint, with another key.
    use(str(http.make_url(f"/api/webhook/{other.data[CONF_WEBHOOK_ID]}")))
    await press(hass)
    assert "was refused" in notification(hass, entry)
    # An address nothing answers at.
    use("http://127.0.0.1:9/api/webhook/x")
    await press(hass)
    assert "No answer from http://127.0.0.1:9/api/webhook/x" in notification(
        hass, entry
    )
