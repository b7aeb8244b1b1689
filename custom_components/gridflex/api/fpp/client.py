"""Outbound FPP client: token check, readings, performance, invoices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from ..http import BearerJsonClient
from ..utc import utc_z
from .readings import (
    ENERGY_PATH,
    POWER_PATH,
    EnergyReading,
    PowerReading,
    accepted_count,
    encode_energy_body,
    encode_power_body,
    energy_body,
    power_body,
)
from .settlement import (
    EMERGENCY_STOP_PATH,
    INVOICES_PATH,
    UTILISATION_EVENTS_PATH,
    EventPerformance,
    Invoice,
    emergency_stop_body,
    events_params,
    invoices_params,
    parse_events,
    parse_invoices,
)

DEFAULT_FPP_BASE_URL = "https://flexiblepowerportal.co.uk/api/participant"


@dataclass(slots=True)
class FppClient(BearerJsonClient):
    """Talks to one FPP participant account with its API token."""

    base_url: str = DEFAULT_FPP_BASE_URL
    # path -> the last raw reply of the settlement reads, for diagnostics.
    last_replies: dict[str, Any] = field(default_factory=dict)

    async def async_validate_token(self, now: dt.datetime | None = None) -> None:
        """Check the token with a cheap read; raise ``AuthError`` when FPP refuses it."""
        now = now or dt.datetime.now(dt.UTC)
        await self._request(
            "GET",
            "utilisation-events",
            params={
                "from": utc_z(now - dt.timedelta(days=1), "auto"),
                "to": utc_z(now, "auto"),
            },
        )

    async def async_put_power_readings(
        self, mu_id: str, readings: Sequence[PowerReading]
    ) -> int:
        """
        Send up to 1,440 minute power readings; return how many FPP accepted.

        Raises ``RejectedError`` (400, with FPP's detail), ``AuthError`` (401),
        ``RateLimitedError`` (429) or ``TemporaryError`` (5xx, timeout).
        """
        reply = await self._request(
            "PUT", POWER_PATH, json_body=power_body(mu_id, readings)
        )
        return accepted_count(reply, len(readings))

    async def async_put_power_values(
        self, mu_id: str, readings: Sequence[tuple[int, float]]
    ) -> int:
        """Like :meth:`async_put_power_readings`, from (minute end epoch, kW) pairs."""
        reply = await self._request(
            "PUT", POWER_PATH, encoded_body=encode_power_body(mu_id, readings)
        )
        return accepted_count(reply, len(readings))

    async def async_put_energy_values(
        self, mu_id: str, readings: Sequence[tuple[int, float]]
    ) -> int:
        """Like :meth:`async_put_energy_readings`, from (half-hour end epoch, kWh) pairs."""
        reply = await self._request(
            "PUT", ENERGY_PATH, encoded_body=encode_energy_body(mu_id, readings)
        )
        return accepted_count(reply, len(readings))

    async def async_put_energy_readings(
        self, mu_id: str, readings: Sequence[EnergyReading]
    ) -> int:
        """Send up to 1,440 half-hourly energy readings; return how many FPP accepted."""
        reply = await self._request(
            "PUT", ENERGY_PATH, json_body=energy_body(mu_id, readings)
        )
        return accepted_count(reply, len(readings))

    async def async_get_event_performance(
        self, mu_id: str, start: dt.datetime, end: dt.datetime
    ) -> list[EventPerformance]:
        """One MU's utilisation events between two instants, with how it delivered."""
        body = await self._request(
            "GET", UTILISATION_EVENTS_PATH, params=events_params(mu_id, start, end)
        )
        self.last_replies[f"{UTILISATION_EVENTS_PATH} {mu_id}"] = body
        return parse_events(body, mu_id)

    async def async_get_invoices(self, first: dt.date, last: dt.date) -> list[Invoice]:
        """Return the invoices of the months from ``first`` to ``last``."""
        body = await self._request(
            "GET", INVOICES_PATH, params=invoices_params(first, last)
        )
        self.last_replies[INVOICES_PATH] = body
        return parse_invoices(body)

    async def async_emergency_stop(
        self, mu_id: str, when: dt.datetime, reason: str
    ) -> None:
        """Tell the DSO that this MU abandons delivery now."""
        await self._request(
            "PUT",
            EMERGENCY_STOP_PATH,
            json_body=emergency_stop_body(mu_id, when, reason),
        )
