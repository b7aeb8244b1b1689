"""
Tolerant field readers for the JSON *proposal* formats (FPP settlement, Market Gateway).

Each format keeps its field names in its own module; these read one field the same way for
all: a wrong type or an empty string is absent (None), never an exception.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any


def as_number(value: Any) -> float | None:
    """Return a JSON number, or a numeric string, as float; anything else (a boolean too) is None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def number(data: Mapping[str, Any], key: str) -> float | None:
    """Return the field ``key`` as a number (see :func:`as_number`)."""
    return as_number(data.get(key))


def text(data: Mapping[str, Any], *keys: str) -> str | None:
    """Return the first of ``keys`` (several spellings of one field) holding trimmed text or an integer."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def texts(value: Any) -> tuple[str, ...]:
    """Return a string, or a list of strings and integers, as a tuple of strings."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


def extra(data: Mapping[str, Any], known: Collection[str]) -> dict[str, Any]:
    """Return the fields GridFlex does not read, kept for diagnostics."""
    return {k: v for k, v in data.items() if k not in known}
