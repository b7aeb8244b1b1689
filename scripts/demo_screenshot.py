"""
Drive the running demo in headless Chromium (Playwright with Debian's browser) and save screenshots.

    .venv/bin/python scripts/demo_screenshot.py [--out .demo/screenshots] [--languages en fr]

First it sends a dispatch the way FPP would (one that runs now, one that is cancelled) and presses
**Check endpoint**, so the pages have something to show; then, per language, it switches Home
Assistant and the user to that language and captures the GridFlex pages: the integration, the FPP
account's device, an MU's device, the flexibility zone's device, the logbook, the calendar, the repairs and the notifications.
The PNGs stay on disk (never committed).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
from pathlib import Path
import shutil
import sys
import time
from typing import Any

import aiohttp
from demo_ha import DemoError, HomeAssistantApi

REPO = Path(__file__).resolve().parent.parent
DOMAIN = "gridflex"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_SETTLE_MS = 6000


def chromium_path() -> str:
    """Debian's chromium (apt-get install -y chromium), not a browser Playwright downloads."""
    found = next((p for name in CHROMIUM_NAMES if (p := shutil.which(name))), None)
    if found is None:
        raise DemoError("no Chromium found (Debian: apt-get install -y chromium)")
    return found


def stored_tokens(base_url: str, tokens: dict[str, Any]) -> str:
    """The frontend keeps its login in localStorage under "hassTokens"; seed it as a login would."""
    return json.dumps(
        {
            "hassUrl": base_url,
            "clientId": f"{base_url}/",
            "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
            **tokens,
        }
    )


async def take_screenshot(
    session: aiohttp.ClientSession,
    base_url: str,
    tokens: dict[str, Any],
    path: str,
) -> bytes:
    """Open one page as the user ``tokens`` belong to and return a PNG (demo_setup.py screenshot)."""
    del session  # kept for demo_setup.py's call
    shots = await capture(base_url, tokens, [("page", path)], "en")
    return shots[0]


async def capture(
    base_url: str,
    tokens: dict[str, Any],
    pages: list[tuple[str, str]],
    language: str,
    *,
    out: Path | None = None,
    before: dict[str, str] | None = None,
) -> list[bytes]:
    """Open each page (name, path) in ``language``; save them under ``out`` when given."""
    from playwright.async_api import async_playwright

    shots: list[bytes] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        context = await browser.new_context(
            viewport={"width": 1400, "height": 1100}, locale=language
        )
        init = (
            f"localStorage.setItem('hassTokens', {json.dumps(stored_tokens(base_url, tokens))});"
            f"localStorage.setItem('selectedLanguage', {json.dumps(json.dumps(language))});"
        )
        await context.add_init_script(init)
        page = await context.new_page()
        for name, path in pages:
            await page.goto(f"{base_url}{path}")
            await page.wait_for_timeout(PAGE_SETTLE_MS)
            if before and name in before:
                await page.get_by_text(before[name], exact=False).first.click()
                await page.wait_for_timeout(PAGE_SETTLE_MS // 2)
            png = await page.screenshot(full_page=True)
            shots.append(png)
            if out is not None:
                target = out / f"{language}-{name}.png"
                await asyncio.to_thread(target.write_bytes, png)
                print(f"  {target}")
        await browser.close()
    return shots


async def send_dispatches(
    session: aiohttp.ClientSession, portal: dict[str, str], tag: str
) -> None:
    """One instruction that runs now and one that is cancelled, as FPP would send them."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    stamp = f"{tag}-{int(now.timestamp())}"
    headers = {
        "Authorization": f"Bearer {portal['secret']}",
        "Content-Type": "application/json",
    }

    def body(
        ident: str, start: dt.datetime, minutes: int, **extra: Any
    ) -> dict[str, Any]:
        return {
            "id": ident,
            "product": "ou_15",
            "zone": "Bath 33kV",
            "start": start.isoformat().replace("+00:00", "Z"),
            "end": (start + dt.timedelta(minutes=minutes))
            .isoformat()
            .replace("+00:00", "Z"),
            "meterable_units": [{"id": "MU-1001", "power_kw": 2.5}],
            "direction": "turn_down",
            "status": "instructed",
            **extra,
        }

    url = f"{portal['dispatch_url']}/v2/dispatch"
    later = now + dt.timedelta(hours=2)
    for payload in (
        body(f"demo-{stamp}", now - dt.timedelta(minutes=1), 30),
        body(f"demo-{stamp}-b", later, 30),
        body(f"demo-{stamp}-b", later, 30, status="cancelled"),
    ):
        async with session.put(url, json=payload, headers=headers) as resp:
            print(
                f"  PUT v2/dispatch {payload['id']} ({payload['status']}): {resp.status}"
            )


async def run(args: argparse.Namespace) -> None:
    state = json.loads((args.demo_dir / "state.json").read_text())
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantApi(session, args.url)
        await ha.wait_until_up(args.timeout)
        await ha.login(state["username"], state["password"])
        (devices,) = await ha.ws({"type": "config/device_registry/list"})
        registry = (await ha.ws({"type": "config/entity_registry/list"}))[0]
        account = next(d for d in devices if d["name"] == "FPP demo-site")
        unit = next(d for d in devices if d["name"] == "MU-1001")
        zone = next(d for d in devices if str(d["name"]).startswith("Ashgrove"))
        button = next(
            r["entity_id"]
            for r in registry
            if r["platform"] == DOMAIN and r["entity_id"].endswith("_check_endpoint")
        )
        pages = [
            ("integration", f"/config/integrations/integration/{DOMAIN}"),
            ("account-device", f"/config/devices/device/{account['id']}"),
            ("mu-device", f"/config/devices/device/{unit['id']}"),
            ("zone-device", f"/config/devices/device/{zone['id']}"),
            ("logbook", "/logbook"),
            ("calendar", "/calendar"),
            ("repairs", "/config/repairs"),
            ("notifications", "/config/devices/dashboard"),
        ]
        for language in args.languages:
            # Entity names and GridFlex's sentences follow Home Assistant's language: switch it,
            # reload the accounts, then make something happen in that language.
            await ha.ws({"type": "config/core/update", "language": language})
            for entry in await ha.entries(DOMAIN):
                await ha.request(
                    "POST",
                    f"/api/config/config_entries/entry/{entry['entry_id']}/reload",
                )
            await asyncio.sleep(5)
            if not args.no_dispatch:
                await send_dispatches(session, state["fpp_portal"], language)
            await ha.request(
                "POST", "/api/services/button/press", {"entity_id": button}
            )
            await asyncio.sleep(2)
            print(f"{language}:")
            await capture(
                args.url,
                ha.tokens,
                pages,
                language,
                out=args.out,
                before={"notifications": "Notifications"},
            )


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-dir", type=Path, default=REPO / ".demo")
    parser.add_argument("--out", type=Path, default=REPO / ".demo" / "screenshots")
    parser.add_argument("--languages", nargs="+", default=["en", "fr"])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument(
        "--no-dispatch", action="store_true", help="do not send demo dispatches first"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.run(run(args))
    except (DemoError, RuntimeError, StopIteration) as err:
        print(f"demo_screenshot: {err!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
