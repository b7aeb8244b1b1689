"""
Acts as FPP towards GridFlex: PUTs dispatch instructions to a GridFlex dispatch endpoint.

Library: ``FppSender(session, base_url, secret).send(...)``.
CLI: ``python -m tests.simulators.fpp_sender --url http://ha:8123/api/gridflex/fpp/<id>
--secret S --mu MU-1001 --in 1m --for 5m [--power 3.5] [--product ou_15] [--cancel ID]
[--legacy start|stop] [--x-api-key]``.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import datetime as dt
import json
import re
from typing import Any
import uuid

import aiohttp

_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> dt.timedelta:
    """``90``, ``90s``, ``1m``, ``2h``, ``-5m`` → a timedelta."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 30s, 5m, 1h)")
    return dt.timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])


def utc_iso(moment: dt.datetime) -> str:
    """UTC ISO-8601 with a ``Z``, as FPP writes times."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def v2_instruction(
    mu_ids: list[str],
    start: dt.datetime,
    end: dt.datetime,
    *,
    power_kw: float = 3.5,
    product: str = "ou_15",
    zone: str = "Bath 33kV",
    direction: str = "turn_down",
    instruction_id: str | None = None,
) -> dict[str, Any]:
    """A ``v2/dispatch`` body as the contract shows it."""
    return {
        "id": instruction_id or str(uuid.uuid4()),
        "product": product,
        "zone": zone,
        "start": utc_iso(start),
        "end": utc_iso(end),
        "meterable_units": [{"id": mu, "power_kw": power_kw} for mu in mu_ids],
        "direction": direction,
        "status": "instructed",
        "issued_at": utc_iso(dt.datetime.now(dt.UTC)),
    }


@dataclass
class FppSender:
    """Sends instructions to one GridFlex dispatch base URL (``.../api/gridflex/fpp/<id>``)."""

    session: aiohttp.ClientSession
    base_url: str
    secret: str
    use_api_key_header: bool = False

    @property
    def headers(self) -> dict[str, str]:
        """Auth and content type, as FPP sends them."""
        auth = (
            {"X-API-Key": self.secret}
            if self.use_api_key_header
            else {"Authorization": f"Bearer {self.secret}"}
        )
        return {**auth, "Content-Type": "application/json"}

    async def put(self, path: str, body: Any) -> tuple[int, Any]:
        """PUT one body to ``{base}/{path}``; returns the status and decoded reply."""
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        async with self.session.put(
            url, data=json.dumps(body), headers=self.headers
        ) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text)
            except ValueError:
                return resp.status, text

    async def dispatch(
        self, body: dict[str, Any] | list[dict[str, Any]]
    ) -> tuple[int, Any]:
        """``PUT v2/dispatch``."""
        return await self.put("v2/dispatch", body)

    async def cancel(self, instruction_id: str) -> tuple[int, Any]:
        """Cancel an instruction by id."""
        return await self.dispatch({"id": instruction_id, "status": "cancelled"})

    async def legacy_start(
        self, mu_id: str, start: dt.datetime, end: dt.datetime | None, power_kw: float
    ) -> tuple[int, Any]:
        """``PUT v1/dispatch/start``."""
        body: dict[str, Any] = {
            "meterable_unit_id": mu_id,
            "start": utc_iso(start),
            "power_kw": power_kw,
        }
        if end is not None:
            body["end"] = utc_iso(end)
        return await self.put("v1/dispatch/start", body)

    async def legacy_stop(self, mu_id: str) -> tuple[int, Any]:
        """``PUT v1/dispatch/stop`` (now)."""
        return await self.put("v1/dispatch/stop", {"meterable_unit_id": mu_id})


async def _main(args: argparse.Namespace) -> int:
    now = dt.datetime.now(dt.UTC)
    start = now + args.starts_in
    end = start + args.duration
    async with aiohttp.ClientSession() as session:
        sender = FppSender(session, args.url, args.secret, args.x_api_key)
        if args.cancel:
            status, reply = await sender.cancel(args.cancel)
        elif args.legacy == "start":
            status, reply = await sender.legacy_start(
                args.mu[0], start, end, args.power
            )
        elif args.legacy == "stop":
            status, reply = await sender.legacy_stop(args.mu[0])
        else:
            body = v2_instruction(
                args.mu,
                start,
                end,
                power_kw=args.power,
                product=args.product,
                instruction_id=args.id,
            )
            status, reply = await sender.dispatch(body)
    print(status, json.dumps(reply, indent=2))
    return 0 if status == 200 else 1


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        description="Send an FPP dispatch instruction to GridFlex."
    )
    parser.add_argument(
        "--url",
        required=True,
        help="dispatch base URL, e.g. http://localhost:8123/api/gridflex/fpp/<endpoint id>",
    )
    parser.add_argument("--secret", required=True, help="GridFlex's dispatch API key")
    parser.add_argument(
        "--mu",
        action="append",
        required=True,
        help="Meterable Unit id (repeat for several)",
    )
    parser.add_argument(
        "--in",
        dest="starts_in",
        type=parse_duration,
        default=parse_duration("1m"),
        help="start after this long (e.g. 1m, -5m for a late start)",
    )
    parser.add_argument(
        "--for",
        dest="duration",
        type=parse_duration,
        default=parse_duration("5m"),
        help="how long it lasts",
    )
    parser.add_argument("--power", type=float, default=3.5, help="power_kw per MU")
    parser.add_argument("--product", default="ou_15")
    parser.add_argument("--id", help="instruction id (default: a new UUID)")
    parser.add_argument(
        "--cancel", metavar="ID", help="cancel this instruction id instead"
    )
    parser.add_argument(
        "--legacy", choices=["start", "stop"], help="use v1/dispatch/start or stop"
    )
    parser.add_argument(
        "--x-api-key", action="store_true", help="send the secret as X-API-Key"
    )
    return asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
