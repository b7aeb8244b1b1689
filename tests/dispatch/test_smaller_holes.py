"""Smaller holes: failed logins counted by HA, strangers kept out of diagnostics, slow bodies, ids."""

from __future__ import annotations

import asyncio
from unittest.mock import patch

from homeassistant.components import persistent_notification
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.dispatch.http_guard import (
    BodyTimeoutError,
    read_bounded,
)
from custom_components.gridflex.dispatch.inbound_log import InboundLog
from custom_components.gridflex.url_check import (
    async_check_base_url,
    is_cleartext_remote,
)

from .bodies import instruction
from .conftest import V1_START, V2, WEBHOOK, Harness


async def test_failed_authentication_is_counted_by_home_assistant(
    harness: Harness,
) -> None:
    with patch(
        "custom_components.gridflex.dispatch.endpoint.process_wrong_login"
    ) as wrong_login:
        for path in (V2, WEBHOOK, "/api/gridflex/fpp/ffffffffffffffff/v2/dispatch"):
            await harness.put(path, instruction(), headers={"X-API-Key": "guess"})
    assert wrong_login.call_count == 3
    # HA's helper logs the URL: it gets one without the endpoint or webhook id.
    seen = [call.args[0].rel_url.path for call in wrong_login.call_args_list]
    assert seen == [
        "/api/gridflex/fpp/**REDACTED**/v2/dispatch",
        "/api/webhook/**REDACTED**",
        "/api/gridflex/fpp/**REDACTED**/v2/dispatch",
    ]


async def test_the_real_helper_raises_the_login_notification(harness: Harness) -> None:
    await harness.put(V2, instruction(), headers={"X-API-Key": "guess"})
    await harness.hass.async_block_till_done()
    notes = persistent_notification._async_get_or_create_notifications(harness.hass)
    assert "http-login" in notes


async def test_strangers_stay_out_of_diagnostics(harness: Harness) -> None:
    await harness.put(V2, instruction(), headers={"Authorization": "Bearer nope"})
    assert harness.runtime.inbound.as_list() == []
    await harness.put(V2, instruction())
    assert [e["status"] for e in harness.runtime.inbound.as_list()] == [200]


def test_every_auth_like_header_and_url_userinfo_is_redacted() -> None:
    log = InboundLog()
    log.add(
        method="PUT",
        path="/api/webhook/secret-hook",
        headers={
            "Authorization": "Bearer x",
            "Proxy-Authorization": "Basic y",
            "X-Auth-Token": "z",
            "X-Signature": "s",
            "Referer": "https://user:pass@example.com/a",
            "Accept": "application/json",
        },
        body=b"{}",
        status=200,
        reply={},
    )
    entry = log.as_list()[0]
    assert entry["path"] == "/api/webhook/**REDACTED**"
    headers = entry["headers"]
    for name in ("Authorization", "Proxy-Authorization", "X-Auth-Token", "X-Signature"):
        assert headers[name] == "**REDACTED**"
    assert headers["Referer"] == "https://**REDACTED**@example.com/a"
    assert headers["Accept"] == "application/json"


async def test_a_trickled_body_is_not_waited_for() -> None:
    # Real time (the dispatch harness freezes it): a body that never finishes arriving.
    class Trickle:
        async def read(self, _n: int) -> bytes:
            await asyncio.sleep(0.05)
            return b" "

    with pytest.raises(BodyTimeoutError):
        await read_bounded(Trickle(), None, timeout_s=0.3)  # type: ignore[arg-type]


async def test_a_v2_cancel_cannot_pre_empt_a_legacy_start(harness: Harness) -> None:
    guess = "v1-MU-1001-20260115T170000Z"
    assert (await harness.put(V2, {"id": guess, "status": "cancelled"})).status == 200
    start = {"meterable_unit_id": "MU-1001", "start": "2026-01-15T17:00:00Z"}
    resp = await harness.put(V1_START, start)
    assert resp.status == 200
    first = (await resp.json())["id"]
    assert first != guess
    # The same start again is the same instruction.
    assert (await (await harness.put(V1_START, start)).json())["id"] == first


def test_clear_text_base_urls_are_told_apart() -> None:
    assert is_cleartext_remote("http://flexiblepowerportal.co.uk/api")
    assert is_cleartext_remote("HTTP://10.0.0.5:8080")
    assert not is_cleartext_remote("https://flexiblepowerportal.co.uk/api")
    assert not is_cleartext_remote("http://127.0.0.1:8123")
    assert not is_cleartext_remote("http://localhost/x")


async def test_http_base_url_raises_a_warning(harness: Harness) -> None:
    hass = harness.hass
    entry = harness.entry
    issue_id = f"insecure_base_url_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await hass.config_entries.async_unload(entry.entry_id)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "base_url": "http://fpp.example.invalid/api"}
    )
    # Setup checks the URL before any request; the check is called as setup calls it,
    # because the newest test harness refuses DNS with an error aiohttp does not wrap.
    async_check_base_url(hass, entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "base_url": "https://fpp.example.invalid/api"}
    )
    async_check_base_url(hass, entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_reconfigure_can_make_a_new_dispatch_key_and_url(
    harness: Harness,
) -> None:
    hass, entry = harness.hass, harness.entry
    old = dict(entry.data)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "api_token": old["api_token"],
            "base_url": old["base_url"],
            "regenerate_dispatch_key": True,
        },
    )
    assert result["type"] == "abort"
    assert result["reason"] == "dispatch_key_regenerated"
    await hass.async_block_till_done()
    new = entry.data
    for key in ("dispatch_secret", "endpoint_id", "webhook_id"):
        assert new[key] != old[key]
    assert "regenerate_dispatch_key" not in new
    assert (await harness.put(V2, instruction())).status == 401
    new_auth = {
        "Authorization": f"Bearer {new['dispatch_secret']}",
        "Content-Type": "application/json",
    }
    resp = await harness.put(
        f"/api/gridflex/fpp/{new['endpoint_id']}/v2/dispatch",
        instruction(),
        headers=new_auth,
    )
    assert resp.status == 200
    resp = await harness.put(
        f"/api/webhook/{new['webhook_id']}", instruction(id="w"), headers=new_auth
    )
    assert resp.status == 200
