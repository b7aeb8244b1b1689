"""Market Gateway client: the operations of reference §3.2 GridFlex uses, with paging and typed errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from ..errors import AuthError, ContractError, RejectedError
from ..http import BearerJsonClient, request_json
from . import wire
from .errors import ConflictError, InvalidFieldsError, NotPermittedError
from .models import (
    BaselinePoint,
    Horizon,
    MeterableUnit,
    TradeAward,
    TradeOpportunity,
    TradeResponse,
    TradeResponseWindow,
)

MAX_PAGES = 50
# Diagnostics keep each operation's last reply; long listings are cut to their first items.
RAW_ITEMS_KEPT = 20


def _trimmed(body: Any) -> Any:
    if isinstance(body, list):
        return body[:RAW_ITEMS_KEPT]
    if isinstance(body, Mapping) and isinstance(body.get("items"), list):
        return {**body, "items": body["items"][:RAW_ITEMS_KEPT]}
    return body


@dataclass(slots=True)
class MarketGatewayClient(BearerJsonClient):
    """Talks to one Market Gateway account with its API token."""

    base_url: str = wire.DEFAULT_MG_BASE_URL
    use_api_key_header: bool = False
    page_size: int = wire.DEFAULT_PAGE_SIZE
    # operation -> {"at", "ok", "body" | "error"}: the last raw replies, for diagnostics.
    last_replies: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def _call(
        self,
        method: str,
        operation: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        auth = (
            {"X-API-Key": self.token}
            if self.use_api_key_header
            else {"Authorization": f"Bearer {self.token}"}
        )
        at = dt.datetime.now(dt.UTC).isoformat()
        try:
            body = await request_json(
                self.session,
                method,
                self._url(operation),
                headers={"Accept": "application/json", **auth},
                params=params,
                json_body=json_body,
                request_timeout=self.timeout,
            )
        except AuthError as err:
            self.last_replies[operation] = {"at": at, "ok": False, "error": str(err)}
            if err.status == 403:
                raise NotPermittedError(str(err)) from err
            raise
        except RejectedError as err:
            self.last_replies[operation] = {
                "at": at,
                "ok": False,
                "error": str(err),
                "body": err.body,
            }
            if err.status == 409:
                raise ConflictError(str(err), 409, err.detail, err.body) from err
            if err.status == 422:
                raise InvalidFieldsError(
                    str(err), err.detail, wire.field_errors(err.body)
                ) from err
            raise
        except Exception as err:
            self.last_replies[operation] = {"at": at, "ok": False, "error": str(err)}
            raise
        self.last_replies[operation] = {"at": at, "ok": True, "body": _trimmed(body)}
        return body

    async def _list[T](
        self,
        operation: str,
        parse: Callable[[Mapping[str, Any]], T | None],
        params: dict[str, str] | None = None,
    ) -> list[T]:
        """Every item of a listing, page after page."""
        found: list[T] = []
        page = 1
        while True:
            body = await self._call(
                "GET",
                operation,
                params={**(params or {}), **wire.page_params(page, self.page_size)},
            )
            listing = wire.page_of(body, page)
            found.extend(x for x in map(parse, listing.items) if x is not None)
            more = (
                listing.page < listing.total_pages
                if listing.total_pages is not None
                else len(listing.items) >= self.page_size
            )
            if not more or not listing.items or page >= MAX_PAGES:
                return found
            page += 1

    async def _single[T](
        self,
        operation: str,
        params: dict[str, str],
        parse: Callable[[Mapping[str, Any]], T | None],
    ) -> T:
        parsed = parse(
            wire.single_of(await self._call("GET", operation, params=params))
        )
        if parsed is None:
            raise ContractError(f"{operation}: reply has no id")
        return parsed

    # --- account -------------------------------------------------------------------------

    async def async_validate_token(self) -> None:
        """Check the token with the cheapest read; raise ``AuthError`` when MG refuses it."""
        await self._call("GET", wire.GET_METERABLE_UNITS, params=wire.page_params(1, 1))

    async def async_get_assets(self) -> list[Mapping[str, Any]]:
        """Return the account's assets, as Market Gateway sends them (GridFlex only shows them)."""
        return await self._list(wire.GET_ASSETS, lambda item: item)

    # --- Meterable Units -----------------------------------------------------------------

    async def async_get_meterable_units(self) -> list[MeterableUnit]:
        """Every Meterable Unit of the account."""
        return await self._list(wire.GET_METERABLE_UNITS, wire.parse_meterable_unit)

    async def async_get_meterable_unit(self, mu_id: str) -> MeterableUnit:
        """One Meterable Unit (``NotAvailableError`` when unknown)."""
        return await self._single(
            wire.GET_SINGLE_METERABLE_UNIT,
            wire.id_params("meterableUnitId", mu_id),
            wire.parse_meterable_unit,
        )

    async def async_get_baselines(self, mu_id: str) -> list[BaselinePoint]:
        """Return the weekly baseline of one MU (UK clock time, period-beginning)."""
        return await self._list(
            wire.GET_BASELINES,
            lambda item: wire.parse_baseline(item, mu_id),
            wire.id_params("meterableUnitId", mu_id),
        )

    # --- trading -------------------------------------------------------------------------

    async def async_get_trade_opportunities(
        self, horizon: Horizon = Horizon.WEEKLY, zone: str | None = None
    ) -> list[TradeOpportunity]:
        """Upcoming trade opportunities (of one zone, or all), soonest closing first."""
        return await self._list(
            wire.GET_TRADE_OPPORTUNITIES,
            wire.parse_opportunity,
            wire.opportunity_params(horizon.value, zone),
        )

    async def async_get_trade_opportunity(
        self, opportunity_id: str
    ) -> TradeOpportunity:
        """One trade opportunity (``NotAvailableError`` when unknown)."""
        return await self._single(
            wire.GET_SINGLE_TRADE_OPPORTUNITY,
            wire.id_params("opportunityId", opportunity_id),
            wire.parse_opportunity,
        )

    async def async_create_trade_response(
        self,
        opportunity_id: str,
        mu_id: str,
        windows: Sequence[TradeResponseWindow],
    ) -> TradeResponse:
        """
        Respond to a trade opportunity.

        Raises ``ConflictError`` (closed, or responded already), ``InvalidFieldsError`` (422),
        ``NotAvailableError`` (unknown opportunity), ``NotPermittedError`` (403).
        """
        body = await self._call(
            "POST",
            wire.CREATE_TRADE_RESPONSE,
            json_body=wire.response_body(opportunity_id, mu_id, windows),
        )
        response = wire.parse_response(wire.single_of(body))
        if response is None:
            raise ContractError(f"{wire.CREATE_TRADE_RESPONSE}: reply has no id")
        return response

    async def async_edit_trade_response(
        self,
        response_id: str,
        opportunity_id: str,
        mu_id: str,
        windows: Sequence[TradeResponseWindow],
    ) -> TradeResponse:
        """Change a response while its opportunity is open."""
        body = await self._call(
            "PUT",
            wire.EDIT_TRADE_RESPONSE,
            json_body=wire.response_body(opportunity_id, mu_id, windows, response_id),
        )
        response = wire.parse_response(wire.single_of(body))
        if response is None:
            raise ContractError(f"{wire.EDIT_TRADE_RESPONSE}: reply has no id")
        return response

    async def async_get_trade_responses(self) -> list[TradeResponse]:
        """Every response of the account."""
        return await self._list(wire.GET_TRADE_RESPONSES, wire.parse_response)

    async def async_get_trade_response(self, response_id: str) -> TradeResponse:
        """One response."""
        return await self._single(
            wire.GET_SINGLE_TRADE_RESPONSE,
            wire.id_params("tradeResponseId", response_id),
            wire.parse_response,
        )

    async def async_delete_trade_response(self, response_id: str) -> None:
        """Withdraw a response while its opportunity is open."""
        await self._call(
            "DELETE",
            wire.DELETE_TRADE_RESPONSE,
            params=wire.id_params("tradeResponseId", response_id),
        )

    async def async_get_trade_awards(self) -> list[TradeAward]:
        """Every trade award of the account."""
        return await self._list(wire.GET_TRADE_AWARDS, wire.parse_award)

    async def async_get_trade_award(self, award_id: str) -> TradeAward:
        """One trade award."""
        return await self._single(
            wire.GET_SINGLE_TRADE_AWARD,
            wire.id_params("tradeAwardId", award_id),
            wire.parse_award,
        )
