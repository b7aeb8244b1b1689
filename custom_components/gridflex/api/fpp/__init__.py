"""Flexible Power Portal (National Grid DSO) participant API."""

from .client import DEFAULT_FPP_BASE_URL, FppClient
from .readings import MAX_READINGS_PER_REQUEST, EnergyReading, PowerReading

__all__ = [
    "DEFAULT_FPP_BASE_URL",
    "MAX_READINGS_PER_REQUEST",
    "EnergyReading",
    "FppClient",
    "PowerReading",
]
