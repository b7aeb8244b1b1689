"""Connected Data Portal simulator: ../shared/specs/connected-data-portal.md (CKAN 2.9, with its quirks).

- raw token in ``Authorization`` (no ``Bearer``); public actions work without one;
- registered-only resources refused with HTTP 200 and ``success: false`` (``refusal_status``);
- resource ``url`` reads ``"redacted"`` without a token;
- ``datastore_search`` with ``filters`` (a list means "any of"), ``limit``/``offset``, ``total``;
- CDN 403 bursts with an HTML body (``cdn_block_next``); unknown actions: 400 with a bare string.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from .base import Handler, Simulator, run_standalone
from .cdp_data import (
    DEFAULT_POSTCODES,
    DEFAULT_ZONES,
    bulk_trade_parameters,
    default_results,
    postcode_row,
    trade_parameters,
)

ACTION_PATH = "/api/3/action"
TRADES = "flexibility-trades-data-and-results"
FORECASTS = "flexibility-forecasts"
STTP_ID = "4e360119-60e4-4039-9bb9-8a9f7cb9e088"
RESULTS_SUMMARY_ID = "0e0b3921-c4d0-494c-a5ca-f529ad328ee3"
POSTCODES_ID = "a9a0ddbf-117c-4b20-82cc-a3689d2422c9"
UK = ZoneInfo("Europe/London")
CDN_PAGE = "<html><body><h1>403 Forbidden</h1>Request blocked.</body></html>"


@dataclass
class SimResource:
    """One resource: its metadata and, when in the DataStore, its rows."""

    id: str
    name: str
    dataset: str
    records: list[dict[str, Any]] = field(default_factory=list)
    restricted: bool = True
    datastore_active: bool = True
    last_modified: str = "2026-11-23T09:15:02.118349"
    metadata_modified: str = "2026-11-23T09:15:03.402118"

    def as_json(self, with_token: bool) -> dict[str, Any]:
        """The resource as ``resource_show`` and ``package_show`` describe it."""
        return {
            "id": self.id,
            "name": self.name,
            "package_id": self.dataset,
            "format": "CSV",
            "last_modified": self.last_modified,
            "metadata_modified": self.metadata_modified,
            "datastore_active": self.datastore_active,
            "restricted_level": "registered" if self.restricted else "public",
            "url": f"https://connecteddata.example/dataset/{self.dataset}/resource/{self.id}/download/file.csv"
            if with_token or not self.restricted
            else "redacted",
        }


def _envelope(action: str, result: Any) -> dict[str, Any]:
    return {
        "help": f"https://connecteddata.nationalgrid.co.uk/api/3/action/help_show?name={action}",
        "success": True,
        "result": result,
    }


def _error(action: str, kind: str, message: str) -> dict[str, Any]:
    return {
        "help": f"https://connecteddata.nationalgrid.co.uk/api/3/action/help_show?name={action}",
        "success": False,
        "error": {"__type": kind, "message": message},
    }


@dataclass
class CdpSimulator(Simulator):
    """The portal's Action API as the spec describes it."""

    token: str = "cdp-token"
    today: Callable[[], dt.date] = field(default=lambda: dt.datetime.now(UK).date())
    refusal_status: int = 200
    resources: dict[str, SimResource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Default data: three zones, two weeks of trades from today, recent results."""
        if self.resources:
            return
        today = self.today()
        postcodes = [
            postcode_row(code, hv, lv) for code, (hv, lv) in DEFAULT_POSTCODES.items()
        ]
        for resource in (
            SimResource(STTP_ID, "Short Term Trade Parameters", TRADES),
            SimResource(RESULTS_SUMMARY_ID, "Trade Results Summary", TRADES),
            SimResource(
                "d2eb8939-1509-44b8-8ab2-108f80aa4d14", "Trade Results", TRADES
            ),
            SimResource(POSTCODES_ID, "WHERE All Postcodes", FORECASTS),
            SimResource(
                "5b0f8e36-0d6e-4c9f-a0f8-3f8c2b6a7d11",
                "OVERVIEW All Zones",
                FORECASTS,
                restricted=False,
                datastore_active=False,
            ),
        ):
            self.resources[resource.id] = resource
        self.set_records(STTP_ID, trade_parameters(DEFAULT_ZONES, today))
        self.set_records(RESULTS_SUMMARY_ID, default_results(today))
        self.set_records(POSTCODES_ID, postcodes)

    @property
    def url(self) -> str:
        """The Action API base URL to configure in GridFlex."""
        return f"{self.base_url}{ACTION_PATH}/"

    def set_records(self, resource_id: str, rows: list[dict[str, Any]]) -> None:
        """Replace a resource's rows (numbered ``_id`` from 1, as the DataStore does)."""
        self.resources[resource_id].records = [
            {"_id": n, **row} for n, row in enumerate(rows, start=1)
        ]

    def touch(self, resource_id: str, when: str) -> None:
        """Mark a resource as changed (a new weekly upload)."""
        resource = self.resources[resource_id]
        resource.last_modified = when
        resource.metadata_modified = when

    def cdn_block_next(self, count: int) -> None:
        """The next ``count`` requests hit the CDN's 403 page (a burst of refusals)."""
        self.fail_next(count, status=403, body=CDN_PAGE)

    def datastore_calls(self) -> list[dict[str, str]]:
        """Query strings of the ``datastore_search`` calls received."""
        return [r.query for r in self.requests_to("/datastore_search")]

    def routes(self) -> list[web.RouteDef]:
        """The Action API."""
        return [web.get(ACTION_PATH + "/{action}", self._action)]

    async def _respond(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        fault = next((f for f in self.faults if f.path_contains in request.path), None)
        if fault is None:
            return await handler(request)
        self.faults.remove(fault)
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if isinstance(fault.body, str):
            return web.Response(
                text=fault.body,
                status=fault.status,
                content_type="text/html",
                headers=headers,
            )
        return web.json_response(
            fault.body or _error("?", "Internal Error", "simulated"),
            status=fault.status,
            headers=headers,
        )

    def _caller(self, request: web.Request) -> str:
        """'anonymous', 'registered' or 'bad token'."""
        given = request.headers.get("Authorization")
        if not given:
            return "anonymous"
        return "registered" if given == self.token else "bad token"

    async def _action(self, request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"]
        caller = self._caller(request)
        if caller == "bad token":
            # CKAN refuses a token it does not know on every action, with 403.
            return web.json_response(
                _error(action, "Authorization Error", "Invalid API token"), status=403
            )
        handlers = {
            "status_show": self._status_show,
            "package_show": self._package_show,
            "resource_show": self._resource_show,
            "datastore_search": self._datastore_search,
        }
        if action not in handlers:
            return web.json_response(
                f"Bad request - Action name not known: {action}", status=400
            )
        return handlers[action](request, action, caller == "registered")

    def _status_show(
        self, request: web.Request, action: str, registered: bool
    ) -> web.StreamResponse:
        return web.json_response(
            _envelope(action, {"ckan_version": "2.9.11", "site_title": "CDP"})
        )

    def _package_show(
        self, request: web.Request, action: str, registered: bool
    ) -> web.StreamResponse:
        slug = request.query.get("id", "")
        resources = [r for r in self.resources.values() if r.dataset == slug]
        if not resources:
            return web.json_response(
                _error(action, "Not Found Error", "Not found"), status=404
            )
        newest = max(r.metadata_modified for r in resources)
        return web.json_response(
            _envelope(
                action,
                {
                    "name": slug,
                    "title": slug.replace("-", " ").title(),
                    "rights": "NGED Open Data Licence",
                    "license_id": None,
                    "metadata_modified": newest,
                    "resources": [r.as_json(registered) for r in resources],
                },
            )
        )

    def _refused(self, action: str) -> web.StreamResponse:
        return web.json_response(
            _error(
                action,
                "Authorization Error",
                "Access denied: Resource access restricted to registered users",
            ),
            status=self.refusal_status,
        )

    def _find(self, action: str, resource_id: str) -> SimResource | web.Response:
        resource = self.resources.get(resource_id)
        if resource is None:
            return web.json_response(
                _error(action, "Not Found Error", "Resource was not found."),
                status=404,
            )
        return resource

    def _resource_show(
        self, request: web.Request, action: str, registered: bool
    ) -> web.StreamResponse:
        found = self._find(action, request.query.get("id", ""))
        if isinstance(found, web.Response):
            return found
        if found.restricted and not registered:
            return self._refused(action)
        return web.json_response(_envelope(action, found.as_json(registered)))

    def _datastore_search(
        self, request: web.Request, action: str, registered: bool
    ) -> web.StreamResponse:
        query = request.query
        found = self._find(action, query.get("resource_id", ""))
        if isinstance(found, web.Response):
            return found
        if found.restricted and not registered:
            return self._refused(action)
        try:
            filters = json.loads(query.get("filters", "{}"))
            limit, offset = (
                int(query.get("limit", "100")),
                int(query.get("offset", "0")),
            )
        except ValueError:
            return web.json_response(
                _error(action, "Validation Error", "Bad filters, limit or offset"),
                status=409,
            )
        columns = set(found.records[0]) if found.records else set()
        if unknown := set(filters) - columns:
            return web.json_response(
                _error(
                    action, "Validation Error", f"field {sorted(unknown)} not in table"
                ),
                status=409,
            )
        wanted = {
            column: {str(v) for v in (value if isinstance(value, list) else [value])}
            for column, value in filters.items()
        }
        rows = [
            r
            for r in found.records
            if all(str(r.get(c)) in values for c, values in wanted.items())
        ]
        if query.get("sort", "_id asc").startswith("_id desc"):
            rows.reverse()
        return web.json_response(
            _envelope(
                action,
                {
                    "include_total": True,
                    "resource_id": found.id,
                    "fields": [{"id": c, "type": "text"} for c in sorted(columns)],
                    "records_format": "objects",
                    "records": rows[offset : offset + limit],
                    "limit": limit,
                    "offset": offset,
                    "total": len(rows),
                    "_links": {"start": f"{ACTION_PATH}/datastore_search"},
                },
            )
        )


def main() -> None:
    """
    Run standalone: ``python -m tests.simulators.cdp --port 8803 [--bulk-rows 20000]``.

    ``--bulk-rows`` fills Short Term Trade Parameters with that many rows over 40 zones (bench).
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bulk-rows", type=int, default=0)
    known, rest = parser.parse_known_args()
    sys.argv[1:] = rest
    simulator = CdpSimulator()
    if known.bulk_rows:
        simulator.set_records(STTP_ID, bulk_trade_parameters(known.bulk_rows))
    run_standalone(simulator, "Connected Data Portal simulator", 8803)


if __name__ == "__main__":
    main()
