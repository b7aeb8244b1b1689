"""Switchgrid API (French metering data: GRDF gas, Enedis electricity, consent Asks)."""

from .client import DEFAULT_EVENTS_URL, DEFAULT_SWITCHGRID_BASE_URL, SwitchgridClient

__all__ = ["DEFAULT_EVENTS_URL", "DEFAULT_SWITCHGRID_BASE_URL", "SwitchgridClient"]
