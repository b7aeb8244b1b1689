"""Connected Data Portal client: discovery by name, paged DataStore reads, the three row kinds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
import json
import re
from typing import Any

import aiohttp

from ..errors import NotAvailableError
from .models import (
    ALL_POSTCODES,
    FALLBACK_RESOURCE_IDS,
    FORECASTS_DATASET,
    Dataset,
    DatastorePage,
    PostcodeZones,
    Resource,
    SkippedRows,
    TradePeriod,
    TradeResult,
    Zone,
)
from .rows import (
    parse_dataset,
    parse_page,
    parse_postcode_zones,
    parse_resource,
    parse_trade_period,
    parse_trade_result,
    zone_from_parameters,
)
from .transport import DEFAULT_CDP_BASE_URL, CkanTransport
from .values import column_key

DEFAULT_PAGE_SIZE = 2500
# A zone has a few hundred rows; this bounds a runaway resource, not a normal one.
MAX_PAGES = 20
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def postcode_forms(postcode: str) -> tuple[str, ...]:
    """
    Return the spellings to try for a UK postcode: ``AB1 2CD`` then ``AB12CD``; empty when it is not one.

    The portal does not say how it stores postcodes, so both are tried.
    """
    compact = re.sub(r"\s+", "", postcode).upper()
    if not _POSTCODE.match(compact):
        return ()
    return (f"{compact[:-3]} {compact[-3:]}", compact)


def _filters(column: str, values: Iterable[str]) -> str:
    wanted = sorted(set(values))
    # CKAN matches a list as "any of these" (SQL IN), so all zones need one query.
    return json.dumps({column: wanted[0] if len(wanted) == 1 else wanted})


@dataclass(slots=True)
class CdpClient:
    """Reads National Grid DSO's Connected Data Portal, with or without an API token."""

    transport: CkanTransport

    @classmethod
    def create(
        cls,
        session: aiohttp.ClientSession,
        token: str | None = None,
        base_url: str = DEFAULT_CDP_BASE_URL,
        **transport: Any,
    ) -> CdpClient:
        """Build a client over a new polite transport (``pause``, ``retry_delays``... as keywords)."""
        return cls(CkanTransport(session, token or None, base_url, **transport))

    @property
    def base_url(self) -> str:
        """Where the Action API lives."""
        return self.transport.base_url

    @property
    def has_token(self) -> bool:
        """Whether requests carry an API token."""
        return bool(self.transport.token)

    @property
    def requests_made(self) -> int:
        """Requests sent so far, retries included."""
        return self.transport.requests_made

    # --- Discovery --------------------------------------------------------------------

    async def async_status(self) -> None:
        """Check that the portal answers (works without a token)."""
        await self.transport.action("status_show", {})

    async def async_dataset(self, slug: str) -> Dataset:
        """One dataset and its resources (``package_show``; public)."""
        return parse_dataset(await self.transport.action("package_show", {"id": slug}))

    async def async_resource(self, resource_id: str) -> Resource:
        """One resource (``resource_show``; refused without a token for most resources)."""
        return parse_resource(
            await self.transport.action("resource_show", {"id": resource_id})
        )

    async def async_find_resource(
        self, slug: str, name: str, dataset: Dataset | None = None
    ) -> Resource:
        """
        Find a resource by its name in a dataset; today's id is the fallback.

        Names compare without case and punctuation ("Trade Results (Summary)" is found too).
        """
        dataset = dataset or await self.async_dataset(slug)
        if (resource := resource_in(dataset, name)) is not None:
            return resource
        if fallback := FALLBACK_RESOURCE_IDS.get(name):
            return await self.async_resource(fallback)
        raise NotAvailableError(f"no resource named {name!r} in {slug}")

    async def async_check_access(self) -> Resource:
        """
        Read a registered-only resource: proves a token works (``AccessRefusedError`` if not).

        Uses WHERE All Postcodes, the resource a zone lookup needs first.
        """
        found = await self.async_find_resource(FORECASTS_DATASET, ALL_POSTCODES)
        return await self.async_resource(found.id)

    # --- DataStore --------------------------------------------------------------------

    async def async_search(
        self,
        resource_id: str,
        *,
        filters: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> DatastorePage:
        """One page of ``datastore_search``, in the stable order of ``_id``."""
        params = {
            "resource_id": resource_id,
            "limit": str(limit),
            "offset": str(offset),
            "sort": "_id asc",
        }
        if filters is not None:
            params["filters"] = filters
        return parse_page(await self.transport.action("datastore_search", params))

    async def async_search_all(
        self,
        resource_id: str,
        *,
        filters: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> list[dict[str, Any]]:
        """Every matching record, page after page until ``total`` (or an empty page)."""
        records: list[dict[str, Any]] = []
        for _ in range(max_pages):
            page = await self.async_search(
                resource_id, filters=filters, limit=page_size, offset=len(records)
            )
            records.extend(page.records)
            if not page.records or len(records) >= page.total:
                break
        return records

    # --- The three kinds of rows --------------------------------------------------------

    async def async_lookup_postcode(
        self, postcode: str, resource_id: str
    ) -> PostcodeZones | None:
        """Look a postcode up in WHERE All Postcodes; None when it is not listed."""
        for form in postcode_forms(postcode):
            page = await self.async_search(
                resource_id, filters=json.dumps({"Postcode": form}), limit=5
            )
            if page.records:
                return parse_postcode_zones(form, page.records)
        return None

    async def async_find_zone(
        self, cmz_code: str, postcodes_id: str, parameters_id: str
    ) -> Zone | None:
        """Find a zone by its CMZ code: from a postcode that sits in it, else from its trades."""
        for level in ("HV", "LV"):
            page = await self.async_search(
                postcodes_id, filters=_filters(f"{level} CMZ Code", [cmz_code]), limit=1
            )
            if page.records and (found := parse_postcode_zones("", page.records)):
                zone = found.hv if level == "HV" else found.lv
                if zone is not None and zone.cmz_code == cmz_code:
                    return zone
        page = await self.async_search(
            parameters_id, filters=_filters("CMZ Code", [cmz_code]), limit=1
        )
        return zone_from_parameters(page.records[0]) if page.records else None

    async def async_trade_periods(
        self, resource_id: str, cmz_codes: Iterable[str], **paging: int
    ) -> tuple[list[TradePeriod], SkippedRows]:
        """Every delivery period of these zones in Short Term Trade Parameters."""
        return await self._zone_rows(
            resource_id, cmz_codes, parse_trade_period, **paging
        )

    async def async_trade_results(
        self, resource_id: str, cmz_codes: Iterable[str], **paging: int
    ) -> tuple[list[TradeResult], SkippedRows]:
        """Every offer made in these zones in Trade Results (Summary)."""
        return await self._zone_rows(
            resource_id, cmz_codes, parse_trade_result, **paging
        )

    async def _zone_rows[T](
        self,
        resource_id: str,
        cmz_codes: Iterable[str],
        parse: Callable[[Mapping[str, Any], SkippedRows], T | None],
        **paging: int,
    ) -> tuple[list[T], SkippedRows]:
        """Every row of these zones that parses; the ones that do not are counted."""
        skipped = SkippedRows()
        records = await self.async_search_all(
            resource_id, filters=_filters("CMZ Code", cmz_codes), **paging
        )
        rows = [parse(record, skipped) for record in records]
        return [r for r in rows if r is not None], skipped


def resource_in(dataset: Dataset, name: str) -> Resource | None:
    """Return the resource of that name in an already read dataset, if listed."""
    wanted = column_key(name)
    return next((r for r in dataset.resources if column_key(r.name) == wanted), None)
