"""
The Python half of ``scripts/demo``.

    python scripts/demo_setup.py config     write .demo/config (configuration.yaml, custom_components link)
    python scripts/demo_setup.py provision  onboard, log in, add both GridFlex accounts and their sub-entries
    python scripts/demo_setup.py check      show (and verify) what the running demo holds
    python scripts/demo_setup.py screenshot save a PNG of Settings > Devices & services > GridFlex

Everything goes through Home Assistant's public REST and websocket APIs, as the UI would.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
from pathlib import Path
import secrets
import sys
from typing import Any

import aiohttp
from demo_config import (
    DEMO_SENSORS,
    DEMO_SWITCHES,
    cdp_account_answers,
    energy_preferences,
    flexibility_zone_answers,
    fpp_account_answers,
    gas_point_answers,
    market_gateway_account_answers,
    meterable_units,
    switchgrid_account_answers,
    write_config,
)
from demo_ha import DemoError, HomeAssistantApi
from demo_screenshot import take_screenshot

REPO = Path(__file__).resolve().parent.parent
DOMAIN = "gridflex"
ENTRY_FLOW = "/api/config/config_entries/flow"
SUBENTRY_FLOW = "/api/config/config_entries/subentries/flow"
METERABLE_UNIT = "meterable_unit"
DELIVERY_POINT = "delivery_point"
FLEXIBILITY_ZONE = "flexibility_zone"


def _load_state(path: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return state


def _save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2) + "\n")
    path.chmod(0o600)


# Every account lists every sub-entry type (the wrong kind aborts in words): tell them by title.
ACCOUNT_TITLES = {
    METERABLE_UNIT: "FPP ",
    DELIVERY_POINT: "Switchgrid ",
    FLEXIBILITY_ZONE: "Connected Data Portal",
}
# A Market Gateway account has no sub-entries: its MUs are read from Market Gateway.
MARKET_GATEWAY_TITLE = "Market Gateway "


def _account(
    entries: list[dict[str, Any]], subentry_type: str
) -> dict[str, Any] | None:
    """The GridFlex entry that holds sub-entries of this type (FPP, Switchgrid or CDP)."""
    prefix = ACCOUNT_TITLES[subentry_type]
    return next((e for e in entries if e["title"].startswith(prefix)), None)


def _has_market_gateway(entries: list[dict[str, Any]]) -> bool:
    return any(e["title"].startswith(MARKET_GATEWAY_TITLE) for e in entries)


async def _login(
    ha: HomeAssistantApi, state: dict[str, Any], wait_seconds: float
) -> None:
    await ha.wait_until_up(wait_seconds)
    await ha.login(state["username"], state["password"])


async def provision(args: argparse.Namespace) -> None:
    """Onboard, then add what is missing: accounts, sub-entries, energy preferences."""
    state = _load_state(args.state)
    state.setdefault("username", "demo")
    state.setdefault(
        "password",
        os.environ.get("GRIDFLEX_DEMO_PASSWORD") or secrets.token_urlsafe(12),
    )
    _save_state(args.state, state)
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantApi(session, args.url)
        await ha.wait_until_up(args.timeout, args.hass_pid)
        try:
            await ha.onboard("Demo", state["username"], state["password"])
        except DemoError as err:
            raise DemoError(
                f"{err}\n(the demo login is in {args.state}; delete {args.demo_dir} to start over)"
            ) from err

        await add_demo_accounts(
            ha,
            args.fpp_url,
            args.switchgrid_url,
            state,
            cdp_url=args.cdp_url,
            mg_url=args.mg_url,
        )
        _save_state(args.state, state)
    _print_summary(args.url, state)


async def add_demo_accounts(
    ha: HomeAssistantApi,
    fpp_url: str,
    switchgrid_url: str,
    state: dict[str, Any],
    *,
    cdp_url: str | None = None,
    mg_url: str | None = None,
) -> None:
    """
    Add what is missing, through the same flows as the UI: accounts, sub-entries, energy.

    The test suite runs this same function against a test Home Assistant (tests/test_demo.py).
    """
    entries = await ha.entries(DOMAIN)
    # First: the FPP account's MUs are then picked from Market Gateway's list.
    if mg_url is not None and not _has_market_gateway(entries):
        print("  adding the Market Gateway account (test environment)")
        await ha.run_flow(
            ENTRY_FLOW, {"handler": DOMAIN}, market_gateway_account_answers(mg_url)
        )
    if _account(entries, METERABLE_UNIT) is None:
        print("  adding the FPP account")
        steps = await ha.run_flow(
            ENTRY_FLOW, {"handler": DOMAIN}, fpp_account_answers(fpp_url)
        )
        for step in steps:
            if step.get("step_id", "").startswith("fpp_endpoint"):
                state["fpp_portal"] = step.get("description_placeholders", {})
        for switch in DEMO_SWITCHES:
            await ha.request(
                "POST", "/api/services/input_boolean/turn_on", {"entity_id": switch}
            )
    if _account(entries, DELIVERY_POINT) is None:
        print("  adding the Switchgrid account (test mode)")
        await ha.run_flow(
            ENTRY_FLOW,
            {"handler": DOMAIN},
            switchgrid_account_answers(switchgrid_url),
        )
    if cdp_url is not None and _account(entries, FLEXIBILITY_ZONE) is None:
        print("  adding the Connected Data Portal account")
        await ha.run_flow(ENTRY_FLOW, {"handler": DOMAIN}, cdp_account_answers(cdp_url))

    entries = await ha.entries(DOMAIN)
    fpp, switchgrid = (
        _account(entries, METERABLE_UNIT),
        _account(entries, DELIVERY_POINT),
    )
    if fpp is None or switchgrid is None:
        raise DemoError(f"GridFlex accounts missing after setup: {entries}")
    for unit in meterable_units():
        # With Market Gateway the MU is picked from its list first, then the form is filled.
        answers = {"pick_unit": {"mu_id": unit["mu_id"]}, "user": unit}
        await _add_subentry(ha, fpp, METERABLE_UNIT, answers, unit["mu_id"])
    await _add_subentry(
        ha, switchgrid, DELIVERY_POINT, gas_point_answers(), "gas delivery point"
    )
    if (cdp := _account(entries, FLEXIBILITY_ZONE)) is not None:
        await _add_subentry(
            ha, cdp, FLEXIBILITY_ZONE, flexibility_zone_answers(), "flexibility zone"
        )
    await _set_energy_preferences(ha)


def _print_summary(url: str, state: dict[str, Any]) -> None:
    portal = state.get("fpp_portal", {})
    print(f"""
GridFlex demo is up: {url}
  log in as:  {state["username"]} / {state["password"]}
  GridFlex:   {url}/config/integrations/integration/{DOMAIN}
  FPP portal settings of the demo account (what a participant pastes into the portal):
    dispatch base URL: {portal.get("dispatch_url", "?")}
    API key:           {portal.get("secret", "?")}
    webhook URL:       {portal.get("webhook_url", "?")}
  try a dispatch, as FPP would send it (starts in a minute, lasts ten):
    curl -X PUT -H 'Authorization: Bearer {portal.get("secret", "<key>")}' -H 'Content-Type: application/json' \\
      -d "{{\\"id\\": \\"demo-$(date +%s)\\", \\"product\\": \\"ou_15\\", \\"start\\": \\"$(date -u -d '+1 min' +%FT%TZ)\\", \\"end\\": \\"$(date -u -d '+11 min' +%FT%TZ)\\", \\"meterable_units\\": [{{\\"id\\": \\"MU-1001\\", \\"power_kw\\": 2.0}}]}}" \\
      {portal.get("dispatch_url", "<dispatch base URL>")}/v2/dispatch
""")


async def _add_subentry(
    ha: HomeAssistantApi,
    entry: dict[str, Any],
    subentry_type: str,
    answers: dict[str, Any],
    label: str,
) -> None:
    steps = await ha.run_flow(
        SUBENTRY_FLOW, {"handler": [entry["entry_id"], subentry_type]}, answers
    )
    last = steps[-1]
    if last["type"] == "create_entry":
        print(f"  added {label} to {entry['title']}")
    elif last.get("reason") not in ("already_configured", "mu_in_use", "point_in_use"):
        raise DemoError(f"adding {label} stopped: {last}")


async def _set_energy_preferences(ha: HomeAssistantApi) -> None:
    """Fill the Energy dashboard once; leave it alone when the user changed it."""
    try:
        await ha.ws({"type": "energy/get_prefs"})
    except DemoError:
        await ha.ws({"type": "energy/save_prefs", **energy_preferences()})


async def check(args: argparse.Namespace) -> bool:
    """Print what the running demo holds; return False when something expected is missing."""
    state = _load_state(args.state)
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantApi(session, args.url)
        await _login(ha, state, args.timeout)
        problems = await check_demo(ha)
    print("check:", "; ".join(problems) if problems else "OK")
    return not problems


async def check_demo(ha: HomeAssistantApi) -> list[str]:
    """
    Print what a Home Assistant set up like the demo holds; return what is missing.

    The test suite runs this same function against a test Home Assistant (tests/test_demo.py).
    """
    problems: list[str] = []
    entries = await ha.entries(DOMAIN)
    devices, registry, statistic_ids = await ha.ws(
        {"type": "config/device_registry/list"},
        {"type": "config/entity_registry/list"},
        {"type": "recorder/list_statistic_ids", "statistic_type": "sum"},
    )
    for entry in entries:
        (subentries,) = await ha.ws(
            {
                "type": "config_entries/subentries/list",
                "entry_id": entry["entry_id"],
            }
        )
        print(
            f"entry {entry['title']!r}: {entry['state']}, {len(subentries)} sub-entries"
        )
        if entry["state"] != "loaded":
            problems.append(f"{entry['title']} is {entry['state']}")
        for sub in subentries:
            sub_devices = [
                d["name"]
                for d in devices
                if sub["subentry_id"]
                in (d.get("config_entries_subentries") or {}).get(entry["entry_id"], [])
            ]
            print(
                f"  {sub['subentry_type']} {sub['title']!r} (unique id {sub['unique_id']}): "
                f"devices {sub_devices or 'none yet'}"
            )
    if (
        _account(entries, METERABLE_UNIT) is None
        or _account(entries, DELIVERY_POINT) is None
    ):
        titles = [e["title"] for e in entries]
        problems.append(f"expected an FPP and a Switchgrid account, found {titles}")
    # A Connected Data Portal account, when the demo has one, follows one zone.
    with_zone = _account(entries, FLEXIBILITY_ZONE) is not None
    if sum(e["num_subentries"] for e in entries) < 3 + with_zone:
        problems.append(
            "expected 2 Meterable Units, 1 delivery point"
            + (" and 1 flexibility zone" if with_zone else "")
        )
    # Entities disabled by default (e.g. Last reading sent) have no state to read.
    gridflex_entities = [
        r["entity_id"]
        for r in registry
        if r["platform"] == DOMAIN and not r.get("disabled_by")
    ]
    disabled = sum(
        1 for r in registry if r["platform"] == DOMAIN and r.get("disabled_by")
    )
    print(f"GridFlex entities: {len(gridflex_entities)} (+{disabled} disabled)")
    for entity_id in (*DEMO_SENSORS, *DEMO_SWITCHES, *gridflex_entities):
        try:
            found = await ha.request("GET", f"/api/states/{entity_id}")
        except DemoError:
            problems.append(f"{entity_id} has no state")
            continue
        unit = found["attributes"].get("unit_of_measurement", "")
        print(f"  {entity_id} = {found['state']} {unit}".rstrip())
        # The power sensors have a value at once (the energy ones after two changes).
        if entity_id in DEMO_SENSORS[::2] and found["state"] in (
            "unknown",
            "unavailable",
        ):
            problems.append(f"{entity_id} has no value")
    imported = [
        s["statistic_id"]
        for s in statistic_ids
        if s["statistic_id"].startswith(f"{DOMAIN}:")
    ]
    print(f"GridFlex statistics: {'' if imported else 'none yet'}")
    if imported:
        await _print_recent_statistics(ha, imported)
    return problems


async def _print_recent_statistics(ha: HomeAssistantApi, ids: list[str]) -> None:
    """Daily totals of the last week, as the Energy dashboard would read them."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    (rows,) = await ha.ws(
        {
            "type": "recorder/statistics_during_period",
            "start_time": start.isoformat(),
            "statistic_ids": ids,
            "period": "day",
            "types": ["change"],
        }
    )
    for statistic_id in ids:
        days = rows.get(statistic_id, [])
        changes = ", ".join(
            "-" if row.get("change") is None else f"{row['change']:g}" for row in days
        )
        print(f"  {statistic_id}: last 7 days by day [{changes}]")


async def screenshot(args: argparse.Namespace) -> bytes:
    """Log in and capture a page (Settings > Devices & services > GridFlex by default) as PNG."""
    state = _load_state(args.state)
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistantApi(session, args.url)
        await _login(ha, state, args.timeout)
        return await take_screenshot(session, args.url, ha.tokens, args.page)


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", choices=["config", "provision", "check", "screenshot"]
    )
    host = os.environ.get("GRIDFLEX_DEMO_HOST", "127.0.0.1")
    port = int(os.environ.get("GRIDFLEX_DEMO_PORT", "8123"))
    parser.add_argument("--demo-dir", type=Path, default=REPO / ".demo")
    parser.add_argument("--host", default=host)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--fpp-url", default="http://127.0.0.1:8801/api/participant")
    parser.add_argument("--switchgrid-url", default="http://127.0.0.1:8802")
    parser.add_argument("--cdp-url", default="http://127.0.0.1:8803/api/3/action/")
    parser.add_argument("--mg-url", default="http://127.0.0.1:8804/api")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds to wait for Home Assistant",
    )
    parser.add_argument("--hass-pid", type=int, help="give up when this process ends")
    parser.add_argument(
        "--page",
        default=f"/config/integrations/integration/{DOMAIN}",
        help="screenshot: the page to capture, e.g. /energy",
    )
    parser.add_argument("--output", type=Path, default=REPO / ".demo" / "gridflex.png")
    args = parser.parse_args()
    args.state = args.demo_dir / "state.json"
    args.url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"  # noqa: S104
    try:
        if args.command == "config":
            write_config(args.demo_dir / "config", REPO, args.host, args.port)
        elif args.command == "provision":
            asyncio.run(provision(args))
        elif args.command == "check":
            return 0 if asyncio.run(check(args)) else 1
        else:
            png = asyncio.run(screenshot(args))
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_bytes(png)
            print(f"screenshot saved to {args.output}")
    except (DemoError, RuntimeError) as err:
        print(f"demo: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
