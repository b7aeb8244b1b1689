"""
Start Home Assistant as ``hass`` does: ``python scripts/demo_hass.py [--headless] --config DIR ...``.

Used by the demo and by the benchmarks (``bench/ha_process.py``).

Home Assistant 2026.2 refuses, at start, a Python older than 3.13.2. The test harness runs that
same Home Assistant on the machine's Python 3.13 (pyenv gives 3.13.0 here), so this accepts
any 3.13 and says so, rather than asking for a second interpreter.

``--headless`` (benchmarks) starts no web UI: nothing a benchmark measures goes through it, and
``hass_frontend`` (``requirements_demo.txt``) need not be installed. Run this file as a script, not with ``-m`` from
the repository root: there the repository's ``custom_components`` package would hide the one in
the config dir, and Home Assistant would silently skip every custom integration found only there.
"""

from __future__ import annotations

import sys

from homeassistant import __main__ as hass_main, bootstrap
from homeassistant.const import REQUIRED_PYTHON_VER

HEADLESS_FLAG = "--headless"
_validate_python = hass_main.validate_python


def _accept_python_3_13() -> None:
    if sys.version_info[:2] != (3, 13):
        _validate_python()
    elif sys.version_info[:3] < REQUIRED_PYTHON_VER:
        print(
            f"demo: Python {sys.version.split()[0]} is older than Home Assistant asks for; "
            "running anyway, as the tests do",
            file=sys.stderr,
        )


def _without_frontend() -> None:
    for integrations in (
        bootstrap.DEFAULT_INTEGRATIONS,
        bootstrap.CRITICAL_INTEGRATIONS,
        bootstrap.FRONTEND_INTEGRATIONS,
    ):
        integrations.discard("frontend")


if __name__ == "__main__":
    hass_main.validate_python = _accept_python_3_13
    if HEADLESS_FLAG in sys.argv:
        sys.argv.remove(HEADLESS_FLAG)  # Home Assistant parses the rest itself
        _without_frontend()
    sys.exit(hass_main.main())
