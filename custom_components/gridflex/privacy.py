"""Personal data kept out of logs and diagnostics: how a meter number is shown there."""

from __future__ import annotations


def masked_meter_number(number: str) -> str:
    """Show a delivery point number (PCE, PRM) by its last four digits only: ``…4792``."""
    return f"…{number[-4:]}"
