"""Shared pieces of the fuzz suite, and bad inputs the Store could not keep or no DSO could mean."""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any

from .bodies import instruction
from .conftest import AUTH, V1_START, V1_STOP, V2, WEBHOOK

JSON = {"Content-Type": "application/json"}
GOOD = {**AUTH, **JSON}
VIEW_PATHS = [V2, V1_START, V1_STOP]
LEGACY_START = {
    "meterable_unit_id": "MU-1001",
    "start": "2026-01-15T17:00:00Z",
    "end": "2026-01-15T19:00:00Z",
    "power_kw": 3.5,
}


@dataclass
class Bad:
    """One bad request and the status it must get."""

    path: str
    body: bytes
    headers: dict[str, str]
    expected: int
    method: str = "PUT"


def _encode(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def unstorable() -> list[Bad]:
    """Valid JSON that HA's Store encoder cannot write: refused whole, at decode."""
    deep: Any = "x"
    for _ in range(300):
        deep = [deep]
    surrogate = b'"\\ud800"'
    raw_bodies = [
        # A lone surrogate: in a known field, an unknown field, a key, deep inside.
        _encode(instruction(product="PLACEHOLDER")).replace(
            b'"PLACEHOLDER"', surrogate
        ),
        _encode(instruction(note="PLACEHOLDER")).replace(b'"PLACEHOLDER"', surrogate),
        _encode(instruction(id="PLACEHOLDER")).replace(b'"PLACEHOLDER"', surrogate),
        _encode(instruction()).replace(b'"zone"', b'"zone\\udfff"'),
        _encode(instruction(extra={"a": ["PLACEHOLDER"]})).replace(
            b'"PLACEHOLDER"', surrogate
        ),
        # Integers outside 64 bits, in a known or unknown field.
        _encode(instruction(meterable_units=[{"id": "MU-1001", "power_kw": 2**64}])),
        _encode(instruction(note=2**64)),
        _encode(instruction(note=-(2**63) - 1)),
        # Nesting deeper than the encoder follows.
        _encode(instruction(note=deep)),
    ]
    found = [Bad(V2, body, GOOD, 400) for body in raw_bodies]
    found += [Bad(WEBHOOK, body, GOOD, 400) for body in raw_bodies]
    found += [Bad(V2, _encode([json.loads(raw_bodies[5])]), GOOD, 400)]
    found += [
        Bad(V1_START, _encode({**LEGACY_START, "power_kw": 2**64}), GOOD, 400),
        Bad(
            V1_START,
            _encode({**LEGACY_START, "note": "PLACEHOLDER"}).replace(
                b'"PLACEHOLDER"', surrogate
            ),
            GOOD,
            400,
        ),
        Bad(V1_STOP, _encode({"meterable_unit_id": "MU-1001", "n": 2**65}), GOOD, 400),
    ]
    return found


def out_of_bounds() -> list[Bad]:
    """Times no DSO could mean, unknown fields over 4 KiB."""
    times = ["0001-01-01T00:00:00Z", "2019-06-01T00:00:00Z", "9999-12-31T23:59:59Z"]
    found = [Bad(V2, _encode(instruction(start=t)), GOOD, 400) for t in times]
    found += [Bad(WEBHOOK, _encode(instruction(end=t)), GOOD, 400) for t in times[2:]]
    found += [
        Bad(V1_START, _encode({**LEGACY_START, "start": t}), GOOD, 400) for t in times
    ]
    found += [
        Bad(
            V1_STOP,
            _encode({"meterable_unit_id": "MU-1001", "stop": times[2]}),
            GOOD,
            400,
        )
    ]
    found += [Bad(V2, _encode(instruction(note="x" * 5_000)), GOOD, 400)]
    return found
