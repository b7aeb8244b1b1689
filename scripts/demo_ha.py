"""
A small client of Home Assistant's own REST and websocket APIs, for the demo scripts.

It does what a person does in the UI: onboarding, logging in, walking config flows and
sub-entry flows, reading registries. Nothing here imports Home Assistant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
import itertools
import os
import time
from typing import Any

import aiohttp

HA_PROVIDER = ["homeassistant", None]
MAX_FLOW_STEPS = 12
PROGRESS_TIMEOUT = 60.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class DemoError(Exception):
    """Something the demo cannot work around; the message says what."""


class HomeAssistantApi:
    """One logged-in (or about to log in) session against a running Home Assistant."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to Home Assistant at ``base_url`` (no trailing slash)."""
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.client_id = f"{self.base_url}/"
        self.redirect_uri = f"{self.base_url}/?auth_callback=1"
        self.tokens: dict[str, Any] = {}
        self._ws_ids = itertools.count(1)

    # --- plumbing -----------------------------------------------------------------

    @property
    def _auth_headers(self) -> dict[str, str]:
        if "access_token" not in self.tokens:
            return {}
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def request(
        self, method: str, path: str, body: Any = None, *, expect: int = 200
    ) -> Any:
        """Send one JSON request; raise ``DemoError`` unless the status is ``expect``."""
        async with self.session.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers=self._auth_headers,
            timeout=aiohttp.ClientTimeout(total=60),
        ) as resp:
            text = await resp.text()
            if resp.status != expect:
                raise DemoError(f"{method} {path} answered {resp.status}: {text[:500]}")
            return await resp.json(content_type=None) if text else None

    async def status(self, path: str) -> int:
        """The HTTP status of a GET."""
        async with self.session.get(
            f"{self.base_url}{path}",
            headers=self._auth_headers,
            timeout=aiohttp.ClientTimeout(total=10),
        ) as resp:
            return resp.status

    async def wait_until_up(self, wait_seconds: float, pid: int | None = None) -> None:
        """Wait until Home Assistant (process ``pid`` when given) serves its login API."""
        deadline = time.monotonic() + wait_seconds
        while True:
            if pid is not None and not _alive(pid):
                raise DemoError(
                    f"Home Assistant (process {pid}) exited during start-up"
                )
            try:
                status: int | str = await self.status("/auth/providers")
            except (aiohttp.ClientError, TimeoutError) as err:
                status = str(err) or err.__class__.__name__
            # 200 once onboarded, 400 before: either way the login API is there.
            if status in (200, 400):
                return
            if time.monotonic() > deadline:
                raise DemoError(
                    f"Home Assistant did not answer at {self.base_url} within {wait_seconds:g} s ({status})"
                )
            await asyncio.sleep(1)

    # --- onboarding and login ---------------------------------------------------------

    async def onboarding_pending(self) -> list[str]:
        """The onboarding steps not done yet (Home Assistant drops the onboarding API once done)."""
        if await self.status("/api/onboarding") == 404:
            return []
        steps = await self.request("GET", "/api/onboarding")
        return [step["step"] for step in steps if not step["done"]]

    async def _token_from_code(self, code: str) -> None:
        async with self.session.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        ) as resp:
            if resp.status != 200:
                raise DemoError(
                    f"/auth/token answered {resp.status}: {await resp.text()}"
                )
            self.tokens = await resp.json()

    async def onboard(self, name: str, username: str, password: str) -> None:
        """Create the owner and finish every onboarding step, as the onboarding UI does."""
        pending = await self.onboarding_pending()
        if "user" in pending:
            created = await self.request(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
            )
            await self._token_from_code(created["auth_code"])
        else:
            await self.login(username, password)
        if "core_config" in pending:
            await self.request("POST", "/api/onboarding/core_config", {})
        if "analytics" in pending:
            await self.request("POST", "/api/onboarding/analytics", {})
        if "integration" in pending:
            await self.request(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": self.redirect_uri},
            )

    async def login(self, username: str, password: str) -> None:
        """Log in through the login flow the login page uses."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": HA_PROVIDER,
                "redirect_uri": self.redirect_uri,
            },
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"username": username, "password": password, "client_id": self.client_id},
        )
        if result.get("type") != "create_entry":
            raise DemoError(
                f"login as {username!r} refused: {result.get('errors') or result}"
            )
        await self._token_from_code(result["result"])

    # --- websocket --------------------------------------------------------------------

    async def ws(self, *commands: Mapping[str, Any]) -> list[Any]:
        """Send websocket commands in one authenticated connection; return their results."""
        results: list[Any] = []
        async with self.session.ws_connect(f"{self.base_url}/api/websocket") as sock:
            await sock.receive_json()  # auth_required
            await sock.send_json(
                {"type": "auth", "access_token": self.tokens["access_token"]}
            )
            if (await sock.receive_json()).get("type") != "auth_ok":
                raise DemoError("websocket login refused")
            for command in commands:
                msg_id = next(self._ws_ids)
                await sock.send_json({**command, "id": msg_id})
                while True:
                    reply = await sock.receive_json()
                    if reply.get("id") == msg_id and reply.get("type") == "result":
                        break
                if not reply.get("success"):
                    raise DemoError(
                        f"websocket {command['type']}: {reply.get('error')}"
                    )
                results.append(reply.get("result"))
        return results

    # --- config flows ------------------------------------------------------------------

    async def run_flow(
        self, base: str, start: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """
        Walk a config or sub-entry flow the way the UI does and return every step seen.

        ``answers`` maps a step id to the form values (or, for a menu, the option to pick).
        Form values are limited to the fields the form shows, so a flow that gained an
        optional field still works; an unexpected form is sent empty (its defaults), and a
        form that comes back with errors stops the demo with those errors.
        """
        result = await self.request("POST", base, dict(start))
        seen = [result]
        submitted: str | None = None
        for _ in range(MAX_FLOW_STEPS):
            kind, step = result["type"], result.get("step_id")
            if kind in ("create_entry", "abort"):
                return seen
            if kind == "progress":
                result = await self._wait_progress(f"{base}/{result['flow_id']}")
                seen.append(result)
                continue
            if kind == "menu":
                if step not in answers:
                    raise DemoError(f"{base}: unexpected menu {step!r}: {result}")
                body: dict[str, Any] = {"next_step_id": answers[step]}
            elif kind == "form":
                if step == submitted and result.get("errors"):
                    raise DemoError(
                        f"{base}: step {step!r} refused the demo values: {result['errors']}"
                    )
                fields = {field["name"] for field in result.get("data_schema", [])}
                wanted = answers.get(step, {})
                body = {key: value for key, value in wanted.items() if key in fields}
                if step not in answers:
                    print(
                        f"  note: step {step!r} is new to the demo; sent its defaults"
                    )
            else:
                raise DemoError(f"{base}: cannot walk a {kind!r} step: {result}")
            submitted = step
            result = await self.request("POST", f"{base}/{result['flow_id']}", body)
            seen.append(result)
        raise DemoError(f"{base}: flow did not finish in {MAX_FLOW_STEPS} steps")

    async def _wait_progress(self, path: str) -> dict[str, Any]:
        deadline = time.monotonic() + PROGRESS_TIMEOUT
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            result: dict[str, Any] = await self.request("GET", path)
            if result["type"] != "progress":
                return result
        raise DemoError(f"{path}: still in progress after {PROGRESS_TIMEOUT:g} s")

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        """The config entries of one integration."""
        found: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return found
