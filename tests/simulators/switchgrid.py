"""Switchgrid simulator: ../shared/specs/switchgrid-api.md.

Any delivery point with an ACCEPTED Ask gets deterministic synthetic data (about 3 years of
GRDF daily records, or an Enedis 30-minute load curve) unless a test sets explicit data.
``auto_accept_asks=True`` (``--auto-accept`` standalone) makes new Asks ACCEPTED at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import itertools
import sys
from typing import Any
import uuid

from aiohttp import web

from .base import Simulator, run_standalone
from .switchgrid_data import (
    DEFAULT_C68,
    PARIS,
    daily_from_load_curve,
    synthetic_gas_records,
    synthetic_load_curve,
)

EVENTS_PATH = "/api/homeassistant/events"


def _date(value: Any, default: dt.date) -> dt.date:
    if not value:
        return default
    return dt.date.fromisoformat(str(value)[:10])


@dataclass
class SwitchgridSimulator(Simulator):
    """Switchgrid's API as our contract describes it."""

    token: str = "switchgrid-token"
    asks: dict[str, dict[str, Any]] = field(default_factory=dict)
    auto_accept_asks: bool = False
    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(PARIS).date())
    # Explicit data (overrides the synthetic data): GRDF records per PCE, series per PRM.
    gas_records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    grdf_errors: dict[str, dict[str, str]] = field(default_factory=dict)
    grdf_reply_shape: str = "order"  # or "list": records straight in the POST reply
    load_curves: dict[str, dict[str, Any]] = field(default_factory=dict)
    daily_series: dict[str, dict[str, Any]] = field(default_factory=dict)
    no_load_curve: set[str] = field(default_factory=set)
    contract_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    enedis_contracts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    public_paths: frozenset[str] = frozenset({EVENTS_PATH})
    # Order progress: polls answered PENDING before SUCCESS; points stuck or failing.
    pending_polls: int = 0
    stuck_points: set[str] = field(default_factory=set)
    failed_points: dict[str, str] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    _requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        """The Switchgrid base URL to configure in GridFlex."""
        return self.base_url

    @property
    def events_url(self) -> str:
        """The demand-response feed URL to configure in GridFlex (its own setting)."""
        return f"{self.base_url}{EVENTS_PATH}"

    def routes(self) -> list[web.RouteDef]:
        """Switchgrid's routes."""
        return [
            web.get("/v0_1/ask", self._list_asks),
            web.post("/v0_1/ask", self._create_ask),
            web.get("/v0_1/ask/{ask_id}", self._get_ask),
            web.get("/enedis/v2/search_contract", self._search_contract),
            web.post("/enedis/v2/order", self._create_enedis_order),
            web.get("/enedis/v2/order/{order_id}", self._get_order),
            web.get("/enedis/v2/request/{request_id}/data", self._enedis_data),
            web.post(
                "/v0_1/integration/grdf-adict/donnees-informatives", self._order_grdf
            ),
            web.get("/v0_1/order/{order_id}", self._get_order),
            web.get("/v0_1/request/{request_id}/data", self._grdf_data),
            web.get(EVENTS_PATH, self._events),
        ]

    # --- Asks --------------------------------------------------------------------------

    def accepted_points(self) -> set[str]:
        """Delivery points covered by an ACCEPTED Ask."""
        return {
            c["deliveryPointId"]
            for a in self.asks.values()
            if a["status"] == "ACCEPTED"
            for c in a["contracts"]
        }

    def set_ask_status(self, ask_id: str, status: str, **extra: Any) -> None:
        """Move an Ask to a new status (ACCEPTED also stamps ``acceptedAt``)."""
        ask = self.asks[ask_id]
        ask["status"] = status
        if status == "ACCEPTED" and not ask.get("acceptedAt"):
            ask["acceptedAt"] = dt.datetime.now(dt.UTC).isoformat()
        ask.update(extra)

    def add_ask(
        self,
        point: str,
        energy_type: str = "gas",
        status: str = "ACCEPTED",
        **extra: Any,
    ) -> str:
        """Create an Ask for one delivery point directly (as if signed elsewhere)."""
        ask_id = str(uuid.uuid4())
        self.asks[ask_id] = self._new_ask(
            ask_id, [{"deliveryPointId": point, "_energyType": energy_type}], "1 year"
        )
        self.set_ask_status(ask_id, status, **extra)
        return ask_id

    def _new_ask(
        self, ask_id: str, contracts: list[dict[str, Any]], duration: str
    ) -> dict[str, Any]:
        return {
            "id": ask_id,
            "createdAt": dt.datetime.now(dt.UTC).isoformat(),
            "status": "PENDING_USER_ACTION",
            "acceptedAt": None,
            "consentDuration": duration,
            "consentCollectionDetails": {
                "service": "WEB_HOSTED",
                "userUrl": f"{self.base_url}/sign/{ask_id}",
            },
            "contracts": [{**c, "status": "PENDING"} for c in contracts],
        }

    async def _list_asks(self, request: web.Request) -> web.Response:
        items = list(self.asks.values())
        if point := request.query.get("deliveryPointId"):
            items = [
                a
                for a in items
                if any(c.get("deliveryPointId") == point for c in a["contracts"])
            ]
        if status := request.query.get("status"):
            items = [a for a in items if a["status"] == status]
        skip = int(request.query.get("skip", "0"))
        limit = int(request.query.get("limit", "50"))
        return web.json_response(
            {
                "skip": skip,
                "limit": limit,
                "totalItemsCount": len(items),
                "items": items[skip : skip + limit],
            }
        )

    async def _create_ask(self, request: web.Request) -> web.Response:
        body = self.received[-1].body
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("contracts"), list)
            or not body["contracts"]
        ):
            return web.json_response({"error": "contracts: required"}, status=400)
        contracts = []
        for c in body["contracts"]:
            if isinstance(c, dict):
                contracts.append(
                    {
                        "deliveryPointId": c.get("deliveryPointId"),
                        "_energyType": c.get("_energyType"),
                    }
                )
                continue
            prm = next((e["prm"] for e in self.enedis_contracts if e["id"] == c), None)
            if prm is None:
                return web.json_response({"error": f"unknown contract {c}"}, status=400)
            contracts.append({"deliveryPointId": prm, "_energyType": "electricity"})
        ask_id = str(uuid.uuid4())
        ask = self._new_ask(ask_id, contracts, body.get("consentDuration", "1 year"))
        self.asks[ask_id] = ask
        if self.auto_accept_asks:
            self.set_ask_status(ask_id, "ACCEPTED")
        return web.json_response(ask)

    async def _get_ask(self, request: web.Request) -> web.Response:
        ask = self.asks.get(request.match_info["ask_id"])
        if ask is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(ask)

    # --- Orders ------------------------------------------------------------------------

    def _new_order(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        order_id = f"order-{next(self._seq)}"
        for r in requests:
            r["id"] = f"request-{next(self._seq)}"
            r["orderedAt"] = dt.datetime.now(dt.UTC).isoformat()
            r["completedAt"] = None
            r["errorMessage"] = None
            r["polls"] = 0
            point = r["point"]
            if point not in self.accepted_points():
                r["status"] = "FAILED"
                r["errorMessage"] = "No accepted consent covers this delivery point"
            elif point in self.failed_points:
                r["status"] = "FAILED"
                r["errorMessage"] = self.failed_points[point]
            else:
                r["status"] = "PENDING"
            self._requests[r["id"]] = r
        order = {"id": order_id, "requests": requests}
        self.orders[order_id] = order
        return order

    def _order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        statuses = {r["status"] for r in order["requests"]}
        if "PENDING" in statuses:
            status = "PENDING_REQUESTS"
        elif "FAILED" in statuses:
            status = "SOME_REQUESTS_FAILED"
        else:
            status = "SUCCESS"
        return {
            "id": order["id"],
            "status": status,
            "requests": [
                {
                    k: r[k]
                    for k in (
                        "id",
                        "type",
                        "status",
                        "orderedAt",
                        "completedAt",
                        "errorMessage",
                    )
                }
                for r in order["requests"]
            ],
        }

    async def _get_order(self, request: web.Request) -> web.Response:
        order = self.orders.get(request.match_info["order_id"])
        if order is None:
            return web.json_response({"error": "not found"}, status=404)
        for r in order["requests"]:
            if r["status"] != "PENDING" or r["point"] in self.stuck_points:
                continue
            r["polls"] += 1
            if r["polls"] > self.pending_polls:
                r["status"] = "SUCCESS"
                r["completedAt"] = dt.datetime.now(dt.UTC).isoformat()
        return web.json_response(self._order_view(order))

    async def _create_enedis_order(self, request: web.Request) -> web.Response:
        body = self.received[-1].body
        if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
            return web.json_response({"error": "requests: required"}, status=400)
        requests = [
            {
                "type": item.get("type"),
                "point": prm,
                "since": item.get("since"),
                "until": item.get("until"),
            }
            for item in body["requests"]
            for prm in item.get("prms") or []
        ]
        if not requests:
            return web.json_response({"error": "requests: no prms"}, status=400)
        return web.json_response(self._order_view(self._new_order(requests)))

    async def _enedis_data(self, request: web.Request) -> web.Response:
        req = self._requests.get(request.match_info["request_id"])
        if req is None or req["status"] != "SUCCESS":
            return web.json_response({"error": "not available"}, status=404)
        prm = req["point"]
        if req["type"] == "C68_ASYNC":
            return web.json_response({prm: self.contract_data.get(prm, DEFAULT_C68)})
        period = request.query.get("period", "30min")
        today = self.today()
        since = _date(req.get("since"), today - dt.timedelta(days=365 * 2))
        until = min(_date(req.get("until"), today), today)
        if period == "1d" and prm in self.daily_series:
            return web.json_response({prm: self.daily_series[prm]})
        curve = self.load_curves.get(prm) or synthetic_load_curve(prm, since, until)
        if period == "1d":
            return web.json_response({prm: daily_from_load_curve(curve)})
        if prm in self.no_load_curve:
            return web.json_response({"error": "no load curve"}, status=404)
        return web.json_response({prm: curve})

    # --- GRDF --------------------------------------------------------------------------

    def _grdf_records(self, pce: str, since: Any, until: Any) -> list[dict[str, Any]]:
        if pce in self.grdf_errors:
            return [
                {"pce": {"id_pce": pce}, "statut_restitution": self.grdf_errors[pce]}
            ]
        if pce not in self.accepted_points():
            error = {"code": "1000", "message": "Droit d'accès absent pour ce PCE"}
            return [{"pce": {"id_pce": pce}, "statut_restitution": error}]
        today = self.today()
        first = _date(since, today - dt.timedelta(days=3 * 365))
        last = _date(until, today)
        if pce in self.gas_records:
            return [
                r
                for r in self.gas_records[pce]
                if "consommation" not in r
                or first
                <= dt.date.fromisoformat(r["consommation"]["journee_gaziere"])
                <= last
            ]
        return synthetic_gas_records(pce, first, last, today)

    async def _order_grdf(self, request: web.Request) -> web.Response:
        body = self.received[-1].body
        if not isinstance(body, dict) or not body.get("pce"):
            return web.json_response({"error": "pce: required"}, status=400)
        pce = str(body["pce"])
        if self.grdf_reply_shape == "list":
            return web.json_response(
                self._grdf_records(pce, body.get("since"), body.get("until"))
            )
        order = self._new_order(
            [
                {
                    "type": "GRDF_DONNEES_INFORMATIVES",
                    "point": pce,
                    "since": body.get("since"),
                    "until": body.get("until"),
                }
            ]
        )
        # A missing consent shows up in the data (statut_restitution), as GRDF does it.
        for r in order["requests"]:
            if r["status"] == "FAILED" and pce not in self.failed_points:
                r["status"] = "PENDING"
                r["errorMessage"] = None
        return web.json_response(self._order_view(order))

    async def _grdf_data(self, request: web.Request) -> web.Response:
        req = self._requests.get(request.match_info["request_id"])
        if req is None or req["status"] != "SUCCESS":
            return web.json_response({"error": "not available"}, status=404)
        return web.json_response(
            self._grdf_records(req["point"], req.get("since"), req.get("until"))
        )

    # --- Enedis contract search, events -----------------------------------------------

    async def _search_contract(self, request: web.Request) -> web.Response:
        name = request.query.get("name", "").casefold()
        results = [
            c
            for c in self.enedis_contracts
            if name
            and name in str(c.get("nomClientFinalOuDenominationSociale", "")).casefold()
        ]
        return web.json_response({"results": results})

    async def _events(self, request: web.Request) -> web.Response:
        return web.json_response(self.events)


def main() -> None:
    """Run standalone; ``--auto-accept`` makes every new Ask ACCEPTED at once."""
    auto_accept = "--auto-accept" in sys.argv
    if auto_accept:
        sys.argv.remove("--auto-accept")
    run_standalone(
        SwitchgridSimulator(auto_accept_asks=auto_accept),
        "Switchgrid simulator",
        8802,
    )


if __name__ == "__main__":
    main()
