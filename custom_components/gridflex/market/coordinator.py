"""
One coordinator per Market Gateway account: Meterable Units, trade opportunities, awards, baselines.

Read-only: it never writes to Market Gateway (responses are the user's action, ``services.py``).
Opportunities and awards every 30 minutes; baselines once a day (they change when the
participant uploads new ones). A refused token starts reauth; a 429 waits as long as asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..api.errors import GridFlexApiError, NotAvailableError
from ..api.market_gateway import (
    BaselinePoint,
    Horizon,
    MarketGatewayClient,
    MeterableUnit,
    NotPermittedError,
    TradeAward,
    TradeOpportunity,
)
from ..const import CONF_ZONES, DOMAIN, LOGGER
from ..exceptions import api_error

UPDATE_INTERVAL = dt.timedelta(minutes=30)
BASELINES_EVERY = dt.timedelta(days=1)


@dataclass(slots=True)
class MarketData:
    """What one Market Gateway account shows, as of the last refresh."""

    meterable_units: dict[str, MeterableUnit] = field(default_factory=dict)
    zones: tuple[str, ...] = ()
    opportunities: list[TradeOpportunity] = field(default_factory=list)
    awards: list[TradeAward] = field(default_factory=list)
    baselines: dict[str, list[BaselinePoint]] = field(default_factory=dict)
    baselines_at: dt.datetime | None = None

    def open_opportunities(self, now: dt.datetime) -> list[TradeOpportunity]:
        """Opportunities still taking responses, soonest closing first."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(
            (o for o in self.opportunities if o.is_open(now)),
            key=lambda o: o.closing or far,
        )


def followed_zones(
    entry: ConfigEntry, units: dict[str, MeterableUnit]
) -> tuple[str, ...]:
    """Return the zones chosen for the account, else the zones of its Meterable Units."""
    chosen = [z.strip() for z in entry.data.get(CONF_ZONES) or [] if z.strip()]
    return tuple(sorted(set(chosen or [u.zone for u in units.values() if u.zone])))


class MarketGatewayCoordinator(DataUpdateCoordinator[MarketData]):
    """Reads one Market Gateway account."""

    config_entry: ConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: MarketGatewayClient,
    ) -> None:
        """Read ``client``'s account every 30 minutes."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} Market Gateway {entry.title}",
            update_interval=UPDATE_INTERVAL,
        )
        self.client = client

    async def _async_update_data(self) -> MarketData:
        try:
            return await self._async_read()
        except GridFlexApiError as err:
            raise api_error(err, "market_gateway") from err

    async def _async_read(self) -> MarketData:
        previous = self.data or MarketData()
        units = {u.id: u for u in await self.client.async_get_meterable_units()}
        zones = followed_zones(self.config_entry, units)
        opportunities: dict[str, TradeOpportunity] = {}
        for zone in zones or (None,):
            for opportunity in await self.client.async_get_trade_opportunities(
                Horizon.WEEKLY, zone
            ):
                opportunities.setdefault(opportunity.id, opportunity)
        awards = await self.client.async_get_trade_awards()
        now = dt_util.utcnow()
        baselines, baselines_at = previous.baselines, previous.baselines_at
        if (
            baselines_at is None
            or now - baselines_at >= BASELINES_EVERY
            or set(units) - set(baselines)
        ):
            baselines = {mu: await self._async_baselines(mu) for mu in units}
            baselines_at = now
        return MarketData(
            meterable_units=units,
            zones=zones,
            opportunities=list(opportunities.values()),
            awards=awards,
            baselines=baselines,
            baselines_at=baselines_at,
        )

    async def _async_baselines(self, mu_id: str) -> list[BaselinePoint]:
        try:
            return await self.client.async_get_baselines(mu_id)
        except (NotAvailableError, NotPermittedError) as err:
            LOGGER.debug("No baseline for %s in Market Gateway: %s", mu_id, err)
            return []
