"""Flexible Power Portal simulator: the outbound part of ../shared/specs/fpp-participant-api.md."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from aiohttp import web

from .base import Simulator, run_standalone

API_PREFIX = "/api/participant"
MAX_READINGS_PER_REQUEST = 1440


def _parse_utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else None


def _bad(detail: str) -> web.Response:
    return web.json_response({"error": "invalid_reading", "detail": detail}, status=400)


@dataclass
class FppSimulator(Simulator):
    """FPP's participant API as our contract describes it, keeping every reading it accepted."""

    token: str = "fpp-token"
    # meterable unit id -> UTC timestamp -> value
    power: dict[str, dict[dt.datetime, float]] = field(default_factory=dict)
    energy: dict[str, dict[dt.datetime, float]] = field(default_factory=dict)
    utilisation_events: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    emergency_stops: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The FPP base URL to configure in GridFlex."""
        return f"{self.base_url}{API_PREFIX}"

    def routes(self) -> list[web.RouteDef]:
        """FPP's outbound routes."""
        return [
            web.get(f"{API_PREFIX}/utilisation-events", self._utilisation_events),
            web.get(f"{API_PREFIX}/invoices", self._invoices),
            web.put(f"{API_PREFIX}/readings", self._readings_power),
            web.put(f"{API_PREFIX}/readings/energy", self._readings_energy),
            web.put(f"{API_PREFIX}/emergency-stop", self._emergency_stop),
        ]

    async def _utilisation_events(self, request: web.Request) -> web.Response:
        mu = request.query.get("meterable_unit_id")
        start = _parse_utc(request.query.get("from"))
        end = _parse_utc(request.query.get("to"))
        if start is None or end is None:
            return _bad("from, to: ISO-8601 with Z or an offset")

        def _within(event: dict[str, Any]) -> bool:
            ended = _parse_utc(event.get("end"))
            return ended is None or start <= ended <= end

        return web.json_response(
            [
                e
                for e in self.utilisation_events
                if (mu is None or e.get("meterable_unit_id") == mu) and _within(e)
            ]
        )

    async def _invoices(self, request: web.Request) -> web.Response:
        first = request.query.get("from", "")
        last = request.query.get("to", "9999-12")
        return web.json_response(
            [i for i in self.invoices if first <= str(i.get("month", "")) <= last]
        )

    async def _emergency_stop(self, request: web.Request) -> web.Response:
        body = self.received[-1].body
        if not isinstance(body, dict) or not isinstance(
            body.get("meterable_unit_id"), str
        ):
            return _bad("meterable_unit_id: required")
        if _parse_utc(body.get("timestamp")) is None:
            return _bad("timestamp: ISO-8601 with Z or an offset")
        if not isinstance(body.get("reason"), str) or not body["reason"]:
            return _bad("reason: required")
        self.emergency_stops.append(body)
        return web.json_response({"accepted": 1})

    async def _readings_power(self, request: web.Request) -> web.Response:
        return self._store(self.power, "power_kw", half_hourly=False)

    async def _readings_energy(self, request: web.Request) -> web.Response:
        return self._store(self.energy, "energy_kwh", half_hourly=True)

    def _store(
        self,
        target: dict[str, dict[dt.datetime, float]],
        key: str,
        *,
        half_hourly: bool,
    ) -> web.Response:
        body = self.received[-1].body
        if not isinstance(body, dict):
            return _bad("body: must be an object")
        mu = body.get("meterable_unit_id")
        readings = body.get("readings")
        if not isinstance(mu, str) or not mu:
            return _bad("meterable_unit_id: required")
        if not isinstance(readings, list) or not readings:
            return _bad("readings: must be a non-empty list")
        if len(readings) > MAX_READINGS_PER_REQUEST:
            return _bad(f"readings: at most {MAX_READINGS_PER_REQUEST} per request")
        parsed: dict[dt.datetime, float] = {}
        for index, reading in enumerate(readings):
            if not isinstance(reading, dict):
                return _bad(f"readings[{index}]: must be an object")
            when = _parse_utc(reading.get("timestamp"))
            value = reading.get(key)
            if when is None:
                return _bad(
                    f"readings[{index}].timestamp: must be ISO-8601 with Z or an offset"
                )
            if when.second or when.microsecond or (half_hourly and when.minute % 30):
                return _bad(
                    f"readings[{index}].timestamp: not on a {'half-hour' if half_hourly else 'minute'} boundary"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                return _bad(f"readings[{index}].{key}: must be a number")
            parsed[when] = float(value)
        target.setdefault(mu, {}).update(parsed)
        return web.json_response({"accepted": len(parsed)})


def demo_fpp() -> FppSimulator:
    """Return an FPP with a settled event of the demo's heat pump and two invoices."""
    today = dt.datetime.now(dt.UTC).replace(hour=17, minute=0, second=0, microsecond=0)
    start = today - dt.timedelta(days=3)
    return FppSimulator(
        utilisation_events=[
            {
                "id": "UE-501",
                "instruction_id": "demo-past",
                "meterable_unit_id": "MU-1001",
                "product": "ou_15",
                "start": start.isoformat().replace("+00:00", "Z"),
                "end": (start + dt.timedelta(hours=1))
                .isoformat()
                .replace("+00:00", "Z"),
                "baseline_kwh": 2.4,
                "metered_kwh": 0.3,
                "delivered_kwh": 2.1,
                "requested_kwh": 2.0,
                "performance_pct": 105.0,
                "payment_gbp": 0.63,
            }
        ],
        invoices=[
            {"id": f"INV-{m}", "month": m, "status": s, "amount_gbp": a}
            for m, s, a in (
                (_month(today, 2), "PAID", 4.12),
                (_month(today, 1), "ISSUED", 6.3),
            )
        ],
    )


def _month(day: dt.datetime, back: int) -> str:
    index = day.year * 12 + day.month - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


if __name__ == "__main__":
    run_standalone(demo_fpp(), "FPP simulator", 8801)
