"""
Run Home Assistant as ``hass`` would (``python -m bench.hass_launcher -c DIR``), on any Python 3.13.

HA 2026.2 refuses a Python older than 3.13.2 at start, yet the test harness runs that same HA on
this machine's Python 3.13.0; the benchmark does the same and says so on stderr. The web UI
(``hass_frontend``) is not installed in the test venv, so HA runs without it, as a headless core:
nothing the benchmark measures goes through the frontend.
"""

from __future__ import annotations

import sys

from homeassistant import __main__ as hass_main, bootstrap
from homeassistant.const import REQUIRED_PYTHON_VER


def _allow_any_3_13() -> None:
    if sys.version_info[:2] != (3, 13):
        hass_main.validate_python()
    elif sys.version_info[:3] < REQUIRED_PYTHON_VER:
        print(
            f"bench: running Home Assistant on Python {sys.version.split()[0]}, as the tests do",
            file=sys.stderr,
        )


def _headless() -> None:
    for integrations in (
        bootstrap.DEFAULT_INTEGRATIONS,
        bootstrap.CRITICAL_INTEGRATIONS,
        bootstrap.FRONTEND_INTEGRATIONS,
    ):
        integrations.discard("frontend")


if __name__ == "__main__":
    hass_main.validate_python = _allow_any_3_13
    _headless()
    sys.exit(hass_main.main())
