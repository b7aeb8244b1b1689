"""Headless Chromium screenshot of a logged-in Home Assistant page, over the DevTools protocol."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from pathlib import Path
import shutil
import tempfile
import time
from typing import Any

import aiohttp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--window-size=1400,1500",
)
PAGE_SETTLE_SECONDS = 10.0


class _DevTools:
    """Just enough of the Chrome DevTools protocol: send a command, wait for its reply."""

    def __init__(self, sock: aiohttp.ClientWebSocketResponse) -> None:
        self._sock = sock
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        await self._sock.send_json({"id": msg_id, "method": method, "params": params})
        while True:
            reply = json.loads((await self._sock.receive()).data)
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result


async def _devtools_port(profile: Path, wait_seconds: float = 30.0) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + wait_seconds
    while not marker.exists() or not marker.read_text().strip():
        if time.monotonic() > deadline:
            raise RuntimeError("Chromium did not open its DevTools port")
        await asyncio.sleep(0.2)
    return int(marker.read_text().split()[0])


async def take_screenshot(
    session: aiohttp.ClientSession,
    base_url: str,
    tokens: dict[str, Any],
    path: str,
) -> bytes:
    """Open ``path`` as the user ``tokens`` belong to, wait for it to render, return a PNG."""
    chromium = next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )
    if chromium is None:
        raise RuntimeError("no Chromium found (Debian: apt-get install -y chromium)")
    # The frontend keeps its login in localStorage under "hassTokens"; seed it as a login would.
    stored = {
        "hassUrl": base_url,
        "clientId": f"{base_url}/",
        "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
        **tokens,
    }
    with tempfile.TemporaryDirectory(prefix="gridflex-chromium-") as profile:
        browser = await asyncio.create_subprocess_exec(
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            port = await _devtools_port(Path(profile))
            async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                pages = [t for t in await resp.json() if t["type"] == "page"]
            async with session.ws_connect(
                pages[0]["webSocketDebuggerUrl"], max_msg_size=0
            ) as sock:
                tools = _DevTools(sock)
                await tools.call("Page.enable")
                await tools.call("Page.navigate", url=f"{base_url}/auth/authorize")
                await asyncio.sleep(2)
                await tools.call(
                    "Runtime.evaluate",
                    expression=f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))})",
                )
                await tools.call("Page.navigate", url=f"{base_url}{path}")
                await asyncio.sleep(PAGE_SETTLE_SECONDS)
                shot = await tools.call("Page.captureScreenshot", format="png")
            return base64.b64decode(shot["data"])
        finally:
            browser.terminate()
            await browser.wait()
