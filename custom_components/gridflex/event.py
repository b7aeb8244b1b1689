"""event platform: each flow of the account contributes its entities here."""

from __future__ import annotations

from homeassistant.const import Platform

from .runtime import flow_platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = flow_platform_setup(Platform.EVENT)
