"""Switchgrid simulator: ../shared/specs/switchgrid-api.md."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from typing import Any
import uuid

from aiohttp import web

from .base import Simulator, run_standalone


@dataclass
class SwitchgridSimulator(Simulator):
    """Switchgrid's API as our contract describes it."""

    token: str = "switchgrid-token"
    asks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The Switchgrid base URL to configure in GridFlex."""
        return self.base_url

    def routes(self) -> list[web.RouteDef]:
        """Switchgrid's routes."""
        return [
            web.get("/v0_1/ask", self._list_asks),
            web.post("/v0_1/ask", self._create_ask),
            web.get("/v0_1/ask/{ask_id}", self._get_ask),
        ]

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
        ask_id = str(uuid.uuid4())
        contracts = [
            {
                "deliveryPointId": c.get("deliveryPointId"),
                "_energyType": c.get("_energyType"),
                "status": "PENDING",
            }
            if isinstance(c, dict)
            else {
                "deliveryPointId": c,
                "_energyType": "electricity",
                "status": "PENDING",
            }
            for c in body["contracts"]
        ]
        ask = {
            "id": ask_id,
            "createdAt": dt.datetime.now(dt.UTC).isoformat(),
            "status": "PENDING_USER_ACTION",
            "acceptedAt": None,
            "consentDuration": body.get("consentDuration", "1 year"),
            "consentCollectionDetails": {
                "service": "WEB_HOSTED",
                "userUrl": f"{self.base_url}/sign/{ask_id}",
            },
            "contracts": contracts,
        }
        self.asks[ask_id] = ask
        return web.json_response(ask)

    async def _get_ask(self, request: web.Request) -> web.Response:
        ask = self.asks.get(request.match_info["ask_id"])
        if ask is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(ask)


if __name__ == "__main__":
    run_standalone(SwitchgridSimulator(), "Switchgrid simulator", 8802)
