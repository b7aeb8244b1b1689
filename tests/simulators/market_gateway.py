"""Market Gateway simulator: every operation of ../shared/specs/market-gateway.md, as we propose it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from .base import Simulator, run_standalone

API_PREFIX = "/api"
UK = ZoneInfo("Europe/London")


def uk_clock(moment: dt.datetime) -> str:
    """UK clock time without a zone, as Market Gateway writes its times."""
    return moment.astimezone(UK).replace(tzinfo=None).isoformat(timespec="seconds")


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def _invalid(*fields: tuple[str, str]) -> web.Response:
    return web.json_response(
        {
            "error": "invalid_fields",
            "errors": [{"field": f, "message": m} for f, m in fields],
        },
        status=422,
    )


@dataclass
class MarketGatewaySimulator(Simulator):
    """Market Gateway's API as our proposal describes it, with state a test can shape."""

    token: str = "mg-token"
    accepts_api_key_header: bool = True
    assets: list[dict[str, Any]] = field(default_factory=list)
    meterable_units: list[dict[str, Any]] = field(default_factory=list)
    baselines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    awards: list[dict[str, Any]] = field(default_factory=list)
    forbidden: set[str] = field(default_factory=set)  # operations answering 403
    bare_lists: bool = False  # answer listings as bare arrays
    max_page_size: int = 100
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        """The Market Gateway base URL to configure in GridFlex."""
        return f"{self.base_url}{API_PREFIX}"

    def routes(self) -> list[web.RouteDef]:
        """Every operation of reference §3.2."""
        get, post, put, delete = web.get, web.post, web.put, web.delete
        table = [
            (post, "createAsset", self._create_asset),
            (put, "editAsset", self._edit_asset),
            (get, "getAssets", self._list_of(lambda r: self.assets)),
            (get, "getSingleAsset", self._single_asset),
            (delete, "decommissionAsset", self._decommission_asset),
            (post, "createMeterableUnit", self._create_mu),
            (put, "editMeterableUnit", self._edit_mu),
            (get, "getMeterableUnits", self._list_of(lambda r: self.meterable_units)),
            (get, "getSingleMeterableUnit", self._single_mu),
            (delete, "decommissionMeterableUnit", self._decommission_mu),
            (get, "getMeterableUnitBaselines", self._baselines),
            (get, "getTradeOpportunities", self._list_of(self._opportunities)),
            (get, "getSingleTradeOpportunity", self._single_opportunity),
            (post, "createTradeResponse", self._create_response),
            (put, "editTradeResponse", self._edit_response),
            (
                get,
                "getTradeResponses",
                self._list_of(lambda r: list(self.responses.values())),
            ),
            (get, "getSingleTradeResponse", self._single_response),
            (delete, "deleteTradeResponse", self._delete_response),
            (get, "getTradeAwards", self._list_of(lambda r: self.awards)),
            (get, "getSingleTradeAward", self._single_award),
        ]
        return [
            method(f"{API_PREFIX}/{name}", self._guard(name, handler))
            for method, name, handler in table
        ]

    def _guard(
        self, name: str, handler: Callable[[web.Request], Any]
    ) -> Callable[[web.Request], Any]:
        async def _handle(request: web.Request) -> web.StreamResponse:
            if name in self.forbidden:
                return _error(403, "forbidden")
            response: web.StreamResponse = await handler(request)
            return response

        return _handle

    def _body(self) -> dict[str, Any]:
        body = self.received[-1].body
        return body if isinstance(body, dict) else {}

    # --- listings ------------------------------------------------------------------------

    def _list_of(
        self, source: Callable[[web.Request], list[dict[str, Any]]]
    ) -> Callable[[web.Request], Any]:
        async def _handle(request: web.Request) -> web.Response:
            items = source(request)
            if self.bare_lists:
                return web.json_response(items)
            try:
                page = int(request.query.get("page", "1"))
                size = int(request.query.get("pageSize", "100"))
            except ValueError:
                return _invalid(("page", "must be a whole number"))
            if page < 1 or not 1 <= size <= self.max_page_size:
                return _invalid(("pageSize", f"1 to {self.max_page_size}"))
            total = max(1, -(-len(items) // size))
            return web.json_response(
                {
                    "items": items[(page - 1) * size : page * size],
                    "page": page,
                    "pageSize": size,
                    "totalPages": total,
                }
            )

        return _handle

    def _opportunities(self, request: web.Request) -> list[dict[str, Any]]:
        zone = request.query.get("cmzCode")
        found = [
            o for o in self.opportunities if zone is None or o.get("cmzCode") == zone
        ]
        return sorted(found, key=lambda o: str(o.get("tradeClosingDate", "")))

    def _find(
        self, items: list[dict[str, Any]], key: str, value: str | None
    ) -> dict[str, Any] | None:
        return next((i for i in items if i.get(key) == value), None)

    async def _one(
        self, items: list[dict[str, Any]], key: str, request: web.Request
    ) -> web.Response:
        found = self._find(items, key, request.query.get(key))
        return web.json_response(found) if found else _error(404, "not_found")

    # --- assets and Meterable Units --------------------------------------------------------

    async def _create_asset(self, request: web.Request) -> web.Response:
        body = {**self._body(), "assetId": f"A-{next(self._ids)}"}
        self.assets.append(body)
        return web.json_response(body, status=201)

    async def _edit_asset(self, request: web.Request) -> web.Response:
        return self._edit(self.assets, "assetId")

    async def _single_asset(self, request: web.Request) -> web.Response:
        return await self._one(self.assets, "assetId", request)

    async def _decommission_asset(self, request: web.Request) -> web.Response:
        return self._remove(self.assets, "assetId", request)

    async def _create_mu(self, request: web.Request) -> web.Response:
        body = {**self._body(), "meterableUnitId": f"MU-{next(self._ids)}"}
        self.meterable_units.append(body)
        return web.json_response(body, status=201)

    async def _edit_mu(self, request: web.Request) -> web.Response:
        return self._edit(self.meterable_units, "meterableUnitId")

    async def _single_mu(self, request: web.Request) -> web.Response:
        return await self._one(self.meterable_units, "meterableUnitId", request)

    async def _decommission_mu(self, request: web.Request) -> web.Response:
        return self._remove(self.meterable_units, "meterableUnitId", request)

    def _edit(self, items: list[dict[str, Any]], key: str) -> web.Response:
        body = self._body()
        found = self._find(items, key, body.get(key))
        if found is None:
            return _error(404, "not_found")
        found.update(body)
        return web.json_response(found)

    def _remove(
        self, items: list[dict[str, Any]], key: str, request: web.Request
    ) -> web.Response:
        found = self._find(items, key, request.query.get(key))
        if found is None:
            return _error(404, "not_found")
        items.remove(found)
        return web.json_response({key: found[key], "status": "DECOMMISSIONED"})

    async def _baselines(self, request: web.Request) -> web.Response:
        mu = request.query.get("meterableUnitId", "")
        if self._find(self.meterable_units, "meterableUnitId", mu) is None:
            return _error(404, "not_found")
        return await self._list_of(lambda r: self.baselines.get(mu, []))(request)

    # --- trading -------------------------------------------------------------------------

    async def _single_opportunity(self, request: web.Request) -> web.Response:
        return await self._one(self.opportunities, "opportunityId", request)

    def _closed(self, opportunity: dict[str, Any]) -> bool:
        closing = dt.datetime.fromisoformat(str(opportunity["tradeClosingDate"]))
        if closing.tzinfo is None:
            closing = closing.replace(tzinfo=UK)
        return closing <= self.now()

    def _judge(self, body: dict[str, Any]) -> web.Response | dict[str, Any]:
        """Check a response body; return the opportunity, or the refusal."""
        opportunity = self._find(
            self.opportunities, "opportunityId", body.get("opportunityId")
        )
        if opportunity is None:
            return _error(404, "unknown_opportunity")
        if self._closed(opportunity):
            return _error(409, "trade_closed")
        problems: list[tuple[str, str]] = []
        if (
            self._find(
                self.meterable_units, "meterableUnitId", body.get("meterableUnitId")
            )
            is None
        ):
            problems.append(("meterableUnitId", "unknown Meterable Unit"))
        windows = body.get("windows")
        if not isinstance(windows, list) or not windows:
            problems.append(("windows", "at least one window"))
            windows = []
        known = {str(w.get("windowId")) for w in opportunity.get("windows", [])}
        ceiling = opportunity.get("utilisationCeilingPrice")
        for index, window in enumerate(windows):
            if not isinstance(window, dict):
                problems.append((f"windows[{index}]", "must be an object"))
                continue
            if known and str(window.get("windowId")) not in known:
                problems.append((f"windows[{index}].windowId", "unknown window"))
            capacity = window.get("offeredCapacityMw")
            if not isinstance(capacity, int | float) or capacity <= 0:
                problems.append(
                    (f"windows[{index}].offeredCapacityMw", "must be above 0")
                )
            price = window.get("utilisationPrice")
            if (
                isinstance(price, int | float)
                and isinstance(ceiling, int | float)
                and price > ceiling
            ):
                problems.append(
                    (f"windows[{index}].utilisationPrice", "above the ceiling price")
                )
        return _invalid(*problems) if problems else opportunity

    async def _create_response(self, request: web.Request) -> web.Response:
        body = self._body()
        judged = self._judge(body)
        if isinstance(judged, web.Response):
            return judged
        for existing in self.responses.values():
            if (existing["opportunityId"], existing["meterableUnitId"]) == (
                body["opportunityId"],
                body["meterableUnitId"],
            ):
                return _error(409, "response_exists")
        response_id = f"TR-{next(self._ids)}"
        self.responses[response_id] = {
            **body,
            "tradeResponseId": response_id,
            "status": "SUBMITTED",
        }
        return web.json_response(
            {"tradeResponseId": response_id, "status": "SUBMITTED"}, status=201
        )

    async def _edit_response(self, request: web.Request) -> web.Response:
        body = self._body()
        existing = self.responses.get(str(body.get("tradeResponseId")))
        if existing is None:
            return _error(404, "not_found")
        judged = self._judge(body)
        if isinstance(judged, web.Response):
            return judged
        existing.update(body)
        return web.json_response(
            {"tradeResponseId": existing["tradeResponseId"], "status": "SUBMITTED"}
        )

    async def _single_response(self, request: web.Request) -> web.Response:
        found = self.responses.get(request.query.get("tradeResponseId", ""))
        return web.json_response(found) if found else _error(404, "not_found")

    async def _delete_response(self, request: web.Request) -> web.Response:
        found = self.responses.get(request.query.get("tradeResponseId", ""))
        if found is None:
            return _error(404, "not_found")
        opportunity = self._find(
            self.opportunities, "opportunityId", found["opportunityId"]
        )
        if opportunity is not None and self._closed(opportunity):
            return _error(409, "trade_closed")
        del self.responses[found["tradeResponseId"]]
        return web.json_response(
            {"tradeResponseId": found["tradeResponseId"], "status": "DELETED"}
        )

    async def _single_award(self, request: web.Request) -> web.Response:
        return await self._one(self.awards, "tradeAwardId", request)


if __name__ == "__main__":
    from .market_gateway_demo import demo_market_gateway

    run_standalone(demo_market_gateway(), "Market Gateway simulator", 8803)
