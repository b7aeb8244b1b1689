"""Account flows (menu, FPP, Switchgrid, reauth, reconfigure) against the real simulators."""

from __future__ import annotations

from dataclasses import dataclass
import socket
from typing import Any

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.accounts import account_unique_id
from custom_components.gridflex.api.fpp import DEFAULT_FPP_BASE_URL
from custom_components.gridflex.api.switchgrid import DEFAULT_SWITCHGRID_BASE_URL
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
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


def header(headers: dict[str, str], name: str) -> str | None:
    """Case-insensitive header lookup in what a simulator recorded."""
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


async def start(hass: HomeAssistant, kind: AccountKind) -> FlowResult:
    """Open the menu and pick an account kind."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": kind}
    )


def fpp_input(sim: FppSimulator, **overrides: Any) -> dict[str, Any]:
    return {
        CONF_ACCOUNT_ID: " Acme-Flex ",
        CONF_API_TOKEN: sim.token,
        CONF_BASE_URL: sim.url,
        **overrides,
    }


def switchgrid_input(sim: SwitchgridSimulator, **overrides: Any) -> dict[str, Any]:
    return {
        CONF_ACCOUNT_ID: "maison",
        CONF_API_TOKEN: sim.token,
        CONF_TEST_MODE: True,
        CONF_BASE_URL: sim.url,
        CONF_EVENTS_URL: sim.events_url,
        **overrides,
    }


# --- Menu ----------------------------------------------------------------------------


async def test_first_step_is_a_menu_of_account_kinds(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["fpp", "switchgrid", "market_gateway", "cdp"]


async def test_forms_offer_the_default_base_urls(hass: HomeAssistant) -> None:
    for kind, default in (
        (AccountKind.FPP, DEFAULT_FPP_BASE_URL),
        (AccountKind.SWITCHGRID, DEFAULT_SWITCHGRID_BASE_URL),
    ):
        result = await start(hass, kind)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == kind
        assert result["errors"] == {}
        schema = result["data_schema"].schema
        base = next(key for key in schema if key == CONF_BASE_URL)
        assert base.default() == default
    # The demand-response feed is on Switchgrid's web-app host: its own field and default.
    feed = next(key for key in schema if key == CONF_EVENTS_URL)
    assert feed.default() == "https://app.switchgrid.tech/api/homeassistant/events"


# --- FPP account ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urls", "expected_base"),
    [
        (
            {
                "external_url": "https://ha.example.org",
                "internal_url": "http://192.168.1.20:8123",
            },
            "https://ha.example.org",
        ),
        ({"internal_url": "http://192.168.1.20:8123"}, "http://192.168.1.20:8123"),
    ],
    ids=["public", "private"],
)
async def test_fpp_account_shows_dispatch_url_and_secret_then_is_created(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    urls: dict[str, str],
    expected_base: str,
) -> None:
    await hass.config.async_update(**urls)
    result = await start(hass, AccountKind.FPP)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fpp_input(fpp_sim)
    )
    assert result["type"] is FlowResultType.FORM
    # A local address gets the step that warns FPP cannot reach it.
    private = expected_base.startswith("http://192.168.")
    assert result["step_id"] == ("fpp_endpoint_private" if private else "fpp_endpoint")
    assert result["last_step"] is True
    placeholders = result["description_placeholders"]
    assert placeholders is not None

    # The token was checked with one real call to FPP.
    checks = fpp_sim.requests_to("/utilisation-events", "GET")
    assert len(checks) == 1
    assert header(checks[0].headers, "Authorization") == f"Bearer {fpp_sim.token}"
    assert checks[0].query["from"].endswith("Z")
    assert checks[0].query["to"].endswith("Z")

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "FPP Acme-Flex"
    entry = result["result"]
    data = entry.data
    assert entry.unique_id == account_unique_id(AccountKind.FPP, fpp_sim.token)
    assert data[CONF_ACCOUNT_KIND] == AccountKind.FPP
    assert data[CONF_ACCOUNT_ID] == "Acme-Flex"
    assert data[CONF_API_TOKEN] == fpp_sim.token
    assert data[CONF_BASE_URL] == fpp_sim.url
    # What the user was told to paste into the portal is what the entry keeps.
    assert placeholders["dispatch_url"] == (
        f"{expected_base}/api/gridflex/fpp/{data[CONF_ENDPOINT_ID]}"
    )
    assert placeholders["secret"] == data[CONF_DISPATCH_SECRET]
    assert len(data[CONF_DISPATCH_SECRET]) >= 40
    assert placeholders["webhook_url"] == (
        f"{expected_base}/api/webhook/{data[CONF_WEBHOOK_ID]}"
    )
    await hass.async_block_till_done()
    assert entry.state is config_entries.ConfigEntryState.LOADED


async def test_fpp_each_account_gets_its_own_secret_and_endpoint(
    hass: HomeAssistant, fpp_sim: FppSimulator
) -> None:
    secrets: set[str] = set()
    endpoints: set[str] = set()
    # Two accounts are two tokens (one token is one account, whatever its name).
    for name, token in (("one", fpp_sim.token), ("two", "second-account-token")):
        fpp_sim.token = token
        result = await start(hass, AccountKind.FPP)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], fpp_input(fpp_sim, account_id=name)
        )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        secrets.add(result["data"][CONF_DISPATCH_SECRET])
        endpoints.add(result["data"][CONF_ENDPOINT_ID])
    assert len(secrets) == len(endpoints) == 2
    await hass.async_block_till_done()


async def test_fpp_dispatch_url_has_a_placeholder_host_when_ha_has_no_url(
    hass: HomeAssistant, fpp_sim: FppSimulator
) -> None:
    result = await start(hass, AccountKind.FPP)
    # Neither an external nor an internal URL, nor a detected local address.
    hass.config.api = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], fpp_input(fpp_sim)
    )
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["dispatch_url"].startswith(
        "http://homeassistant.local:8123/api/gridflex/fpp/"
    )
    assert placeholders["webhook_url"].startswith(
        "http://homeassistant.local:8123/api/webhook/"
    )


# --- Switchgrid account --------------------------------------------------------------


@pytest.mark.parametrize(
    ("test_mode", "title", "sent_header"),
    [(True, "Switchgrid maison (test)", "true"), (False, "Switchgrid maison", None)],
)
async def test_switchgrid_account_created_with_test_mode_header(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    test_mode: bool,
    title: str,
    sent_header: str | None,
) -> None:
    result = await start(hass, AccountKind.SWITCHGRID)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], switchgrid_input(switchgrid_sim, test_mode=test_mode)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["data"] == {
        CONF_ACCOUNT_KIND: AccountKind.SWITCHGRID,
        CONF_ACCOUNT_ID: "maison",
        CONF_API_TOKEN: switchgrid_sim.token,
        CONF_TEST_MODE: test_mode,
        CONF_BASE_URL: switchgrid_sim.url,
        CONF_EVENTS_URL: switchgrid_sim.events_url,
    }
    assert result["result"].unique_id == account_unique_id(
        AccountKind.SWITCHGRID, switchgrid_sim.token
    )
    check = switchgrid_sim.requests_to("/v0_1/ask", "GET")[0]
    assert check.query == {"limit": "1"}
    assert header(check.headers, "switchgrid-test-env") == sent_header
    await hass.async_block_till_done()


# --- What both token-opened account kinds refuse ---------------------------------------


@dataclass(frozen=True)
class TokenAccount:
    """An FPP or Switchgrid account's first form, its simulator and an entry of it."""

    kind: AccountKind
    sim: FppSimulator | SwitchgridSimulator
    entry: MockConfigEntry

    def form(self, **overrides: Any) -> dict[str, Any]:
        if isinstance(self.sim, FppSimulator):
            return fpp_input(self.sim, **overrides)
        return switchgrid_input(self.sim, **overrides)


@pytest.fixture(params=[AccountKind.FPP, AccountKind.SWITCHGRID])
def account(request: pytest.FixtureRequest) -> TokenAccount:
    kind: AccountKind = request.param
    return TokenAccount(
        kind,
        request.getfixturevalue(f"{kind}_sim"),
        request.getfixturevalue(f"{kind}_entry"),
    )


@pytest.mark.parametrize(
    ("fault", "token", "error"),
    [
        (None, "wrong", "invalid_auth"),
        ({"status": 500}, None, "cannot_connect"),
        ({"status": 429, "retry_after": "30"}, None, "cannot_connect"),
    ],
)
async def test_token_check_errors_then_recovery(
    hass: HomeAssistant,
    account: TokenAccount,
    fault: dict[str, Any] | None,
    token: str | None,
    error: str,
) -> None:
    if fault:
        account.sim.fail_next(**fault)
    result = await start(hass, account.kind)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account.form(api_token=token or account.sim.token)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == account.kind
    assert result["errors"] == {"base": error}
    assert hass.config_entries.async_entries(DOMAIN) == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account.form()
    )
    if account.kind == AccountKind.FPP:
        assert result["step_id"] == "fpp_endpoint_private"
    else:
        assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_closed_port_and_blank_name(
    hass: HomeAssistant, account: TokenAccount
) -> None:
    result = await start(hass, account.kind)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account.form(base_url=closed_port_url())
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account.form(account_id="   ")
    )
    assert result["errors"] == {CONF_ACCOUNT_ID: "required"}
    assert account.sim.received == []


async def test_second_entry_of_one_account_aborts(
    hass: HomeAssistant, account: TokenAccount
) -> None:
    account.entry.add_to_hass(hass)
    result = await start(hass, account.kind)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account.form(account_id="Another name")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_already_configured"
    assert result["description_placeholders"] == {"account": account.entry.title}
    assert account.sim.received == []


async def test_same_name_may_exist_once_per_kind(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    fpp_entry: MockConfigEntry,
) -> None:
    fpp_entry.add_to_hass(hass)
    result = await start(hass, AccountKind.SWITCHGRID)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], switchgrid_input(switchgrid_sim, account_id="acme-flex")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
