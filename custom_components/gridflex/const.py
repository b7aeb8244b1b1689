"""Constants shared by every part of GridFlex."""

from __future__ import annotations

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "gridflex"
LOGGER = logging.getLogger(__package__)

CONF_ACCOUNT_KIND: Final = "account_kind"
CONF_API_TOKEN: Final = "api_token"
CONF_BASE_URL: Final = "base_url"
CONF_ACCOUNT_ID: Final = "account_id"
CONF_DISPATCH_SECRET: Final = "dispatch_secret"
CONF_ENDPOINT_ID: Final = "endpoint_id"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
CONF_TEST_MODE: Final = "test_mode"
CONF_EVENTS_URL: Final = "events_url"  # Switchgrid's demand-response feed, its own host

# FPP Meterable Unit sub-entry
SUBENTRY_METERABLE_UNIT: Final = "meterable_unit"
CONF_MU_ID: Final = "mu_id"
CONF_PRODUCTS: Final = "products"
CONF_POWER_SENSOR: Final = "power_sensor"
CONF_ENERGY_SENSOR: Final = "energy_sensor"
CONF_GRANULARITY: Final = "granularity"
CONF_IMPORT_POSITIVE: Final = "import_positive"
CONF_CONTROLLED_ENTITIES: Final = "controlled_entities"
CONF_CONTROL_ACTION: Final = "control_action"
CONF_MAX_DISPATCH_MINUTES: Final = "max_dispatch_minutes"
CONF_MIN_SWITCH_MINUTES: Final = "min_switch_minutes"
CONF_CONTROL_LISTED_PRODUCTS_ONLY: Final = "control_listed_products_only"
# Device control stops after this long (a legacy start without an end ends there too).
DEFAULT_MAX_DISPATCH_MINUTES: Final = 240
# A device is not switched again sooner than this (compressors must not short-cycle).
DEFAULT_MIN_SWITCH_MINUTES: Final = 5

# Connected Data Portal flexibility zone sub-entry (the rest lives in cdp/const.py)
SUBENTRY_FLEXIBILITY_ZONE: Final = "flexibility_zone"

# Switchgrid delivery point sub-entry
SUBENTRY_DELIVERY_POINT: Final = "delivery_point"
CONF_ENERGY_TYPE: Final = "energy_type"
CONF_PCE: Final = "pce"
CONF_PRM: Final = "prm"
CONF_HOLDER_NAME: Final = "holder_name"
CONF_STREET: Final = "street"
CONF_POSTCODE: Final = "postcode"
CONF_CITY: Final = "city"


class AccountKind(StrEnum):
    """The kinds of account a GridFlex config entry can hold."""

    FPP = "fpp"
    SWITCHGRID = "switchgrid"
    MARKET_GATEWAY = "market_gateway"
    CDP = "cdp"  # National Grid DSO's Connected Data Portal (cdp/)


class Granularity(StrEnum):
    """How often a Meterable Unit is metered towards FPP."""

    MINUTE = "minute"
    HALF_HOURLY = "half_hourly"


class ControlAction(StrEnum):
    """What GridFlex does to controlled entities while a dispatch is active."""

    TURN_OFF = "turn_off"
    TURN_ON = "turn_on"


class EnergyType(StrEnum):
    """Kind of French delivery point."""

    GAS = "gas"
    ELECTRICITY = "electricity"


# --- dispatch ---
EVENT_DISPATCH: Final = "gridflex_dispatch"
# What a logbook line says (a translation key and raw values), rendered when it is read.
EVENT_LOGBOOK: Final = "gridflex_logbook"
DISPATCH_STORE_VERSION: Final = 1
DISPATCH_INBOUND_LOG_SIZE: Final = 20

# --- consumption ---
CONF_CONSENT_DURATION: Final = "consent_duration"
CONF_ENEDIS_CONTRACT_ID: Final = "enedis_contract_id"
DEFAULT_CONSENT_DURATION: Final = "1 year"
CONSENT_DURATIONS: Final = ["1_month", "6_months", "1_year", "3_years", "5_years"]
SERVICE_REFRESH_CONSUMPTION: Final = "refresh_consumption"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"

# --- Market Gateway and FPP settlement ---
CONF_USE_API_KEY_HEADER: Final = "use_api_key_header"
CONF_ZONES: Final = "zones"
