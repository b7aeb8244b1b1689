"""Constants of the Connected Data Portal flow (zones are its sub-entries)."""

from __future__ import annotations

import datetime as dt
from typing import Final

CONF_CMZ_CODE: Final = "cmz_code"
CONF_ZONE_NAME: Final = "zone_name"
CONF_LICENCE_AREA: Final = "licence_area"
CONF_VOLTAGE: Final = "voltage"
CONF_ZONE_PRODUCTS: Final = "zone_products"

# The portal asks for politeness: at most one refresh an hour, longer after failures.
REFRESH_INTERVAL: Final = dt.timedelta(hours=1)
MAX_BACKOFF: Final = dt.timedelta(hours=6)
# Seconds between two requests of one account.
REQUEST_PAUSE: Final = 0.25
# The week the "coming 7 days" sensors look at.
LOOK_AHEAD: Final = dt.timedelta(days=7)
TOKEN_NEEDED_ISSUE: Final = "cdp_token_needed"  # noqa: S105 - an issue id
TOKEN_HELP_URL: Final = "https://connecteddata.nationalgrid.co.uk/user/register"  # noqa: S105
