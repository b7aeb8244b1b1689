"""Switchgrid client: token check, Asks, Enedis and GRDF orders, data and demand-response events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import datetime as dt
from typing import Any

from ..errors import ContractError
from ..http import BearerJsonClient, request_json
from .asks import parse_ask, parse_ask_page
from .enedis import (
    C68_ASYNC,
    LOADCURVE,
    parse_contract_data,
    parse_order,
    parse_search_results,
    parse_series,
)
from .fields import as_text, parse_datetime
from .grdf import is_record_list, parse_grdf_records
from .models import (
    Ask,
    AskPage,
    ContractData,
    DemandResponseEvent,
    EnedisContract,
    GrdfReply,
    InlineContract,
    MeterSeries,
    Order,
)

DEFAULT_SWITCHGRID_BASE_URL = "https://api.switchgrid.tech"
# The feed lives on the web app's host, not the API's: a setting of its own, never derived.
DEFAULT_EVENTS_URL = "https://app.switchgrid.tech/api/homeassistant/events"
TEST_ENV_HEADER = "switchgrid-test-env"
DEFAULT_CONSENT_DURATION = "1 year"


def _iso(moment: dt.date | dt.datetime) -> str:
    if isinstance(moment, dt.datetime) and moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.isoformat()


@dataclass(slots=True)
class SwitchgridClient(BearerJsonClient):
    """Talks to one Switchgrid account with its API token."""

    base_url: str = DEFAULT_SWITCHGRID_BASE_URL
    test_mode: bool = False
    events_url: str = DEFAULT_EVENTS_URL

    def _extra_headers(self) -> dict[str, str]:
        return {TEST_ENV_HEADER: "true"} if self.test_mode else {}

    async def async_validate_token(self) -> None:
        """Check the token with a cheap read; raise ``AuthError`` when Switchgrid refuses it."""
        await self._request("GET", "v0_1/ask", params={"limit": "1"})

    # --- Asks (consent) -------------------------------------------------------------

    async def async_create_ask(
        self,
        contracts: Sequence[InlineContract | str],
        consent_duration: str = DEFAULT_CONSENT_DURATION,
    ) -> Ask:
        """Create an Ask for inline contracts or Enedis contract ids from ``search_contract``."""
        body = {
            "contracts": [c if isinstance(c, str) else c.as_json() for c in contracts],
            "consentDuration": consent_duration,
        }
        return parse_ask(await self._request("POST", "v0_1/ask", json_body=body))

    async def async_get_ask(self, ask_id: str) -> Ask:
        """One Ask; ``NotAvailableError`` when Switchgrid does not know it."""
        return parse_ask(await self._request("GET", f"v0_1/ask/{ask_id}"))

    async def async_list_asks(
        self,
        delivery_point_id: str | None = None,
        status: str | None = None,
        skip: int = 0,
        limit: int = 50,
    ) -> AskPage:
        """One page of Asks, optionally for one delivery point and one status."""
        params = {"skip": str(skip), "limit": str(limit)}
        if delivery_point_id:
            params["deliveryPointId"] = delivery_point_id
        if status:
            params["status"] = status
        return parse_ask_page(await self._request("GET", "v0_1/ask", params=params))

    # --- Enedis -------------------------------------------------------------------

    async def async_search_contract(
        self, holder_name: str, address: str
    ) -> tuple[EnedisContract, ...]:
        """Enedis contracts matching a holder and an address."""
        body = await self._request(
            "GET",
            "enedis/v2/search_contract",
            params={"name": holder_name, "address": address},
        )
        return parse_search_results(body)

    async def async_order_enedis(
        self,
        prm: str,
        since: dt.date | dt.datetime | None = None,
        until: dt.date | dt.datetime | None = None,
        *,
        load_curve: bool = True,
        contract_data: bool = True,
    ) -> Order:
        """Order a PRM's consumption load curve and/or its C68 contract data."""
        requests: list[dict[str, Any]] = []
        if load_curve:
            request: dict[str, Any] = {
                "type": LOADCURVE,
                "direction": "CONSUMPTION",
                "prms": [prm],
            }
            if since is not None:
                request["since"] = _iso(since)
            if until is not None:
                request["until"] = _iso(until)
            requests.append(request)
        if contract_data:
            requests.append(
                {"type": C68_ASYNC, "direction": "CONSUMPTION", "prms": [prm]}
            )
        body = await self._request(
            "POST", "enedis/v2/order", json_body={"requests": requests}
        )
        return parse_order(body)

    async def async_get_enedis_order(self, order_id: str) -> Order:
        """Poll an Enedis order."""
        return parse_order(await self._request("GET", f"enedis/v2/order/{order_id}"))

    async def async_get_series(
        self, request_id: str, prm: str, period: str = "30min"
    ) -> MeterSeries | None:
        """Metering data of a request; ``NotAvailableError`` when not (yet) available."""
        body = await self._request(
            "GET",
            f"enedis/v2/request/{request_id}/data",
            params={"period": period, "format": "json"},
        )
        return parse_series(body, prm)

    async def async_get_contract_data(self, request_id: str, prm: str) -> ContractData:
        """C68 contract data of a PRM from its request's data URL."""
        body = await self._request(
            "GET", f"enedis/v2/request/{request_id}/data", params={"format": "json"}
        )
        return parse_contract_data(body, prm)

    # --- GRDF ---------------------------------------------------------------------

    async def async_order_grdf(
        self, pce: str, since: dt.date | None = None, until: dt.date | None = None
    ) -> Order | GrdfReply:
        """Order a PCE's informative daily data: an order to poll, or the records at once."""
        body: dict[str, Any] = {"pce": pce}
        if since is not None:
            body["since"] = since.isoformat()
        if until is not None:
            body["until"] = until.isoformat()
        reply = await self._request(
            "POST", "v0_1/integration/grdf-adict/donnees-informatives", json_body=body
        )
        if is_record_list(reply):
            return parse_grdf_records(reply)
        return parse_order(reply)

    async def async_get_grdf_order(self, order_id: str) -> Order:
        """Poll a GRDF order."""
        return parse_order(await self._request("GET", f"v0_1/order/{order_id}"))

    async def async_get_grdf_records(self, request_id: str) -> GrdfReply:
        """ADICT daily records of a finished GRDF request."""
        body = await self._request(
            "GET", f"v0_1/request/{request_id}/data", params={"format": "json"}
        )
        return parse_grdf_records(body)

    # --- Demand-response events ------------------------------------------------------

    async def async_get_events(self) -> tuple[DemandResponseEvent, ...]:
        """Switchgrid's public grid-flexibility events (no token is sent to this feed)."""
        headers = {"Accept": "application/json", **self._extra_headers()}
        body = await request_json(
            self.session,
            "GET",
            self.events_url,
            headers=headers,
            request_timeout=self.timeout,
        )
        if not isinstance(body, list):
            raise ContractError("events feed is not a list")
        events = []
        for item in body:
            if not isinstance(item, dict):
                continue
            start = parse_datetime(item.get("startUtc"), dt.UTC)
            end = parse_datetime(item.get("endUtc"), dt.UTC)
            if start is None or end is None or end <= start:
                continue
            events.append(
                DemandResponseEvent(
                    event_id=as_text(item.get("eventId")) or start.isoformat(),
                    start=start,
                    end=end,
                    summary=as_text(item.get("summary")) or "Switchgrid event",
                    description=as_text(item.get("description")),
                )
            )
        return tuple(sorted(events, key=lambda e: e.start))
