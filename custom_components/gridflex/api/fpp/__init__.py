"""Flexible Power Portal (National Grid DSO) participant API."""

from .client import DEFAULT_FPP_BASE_URL, FppClient

__all__ = ["DEFAULT_FPP_BASE_URL", "FppClient"]
