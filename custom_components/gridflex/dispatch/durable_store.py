"""
HA's ``Store`` with a write that says when it failed.

``Store.async_save`` logs a failed write (a value its encoder refuses, a full disk) and returns
as if it had worked; an FPP reply must not say 200 then. This write uses the same encoder and
the same atomic, fsync'd file write, and raises instead.
"""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.json import prepare_save_json
from homeassistant.helpers.storage import Store
from homeassistant.util.json import SerializationError


class DurableStore(Store[dict[str, Any]]):
    """A ``Store`` written with :meth:`async_write` only (atomic writes, fsync'd)."""

    async def async_write(self, data: dict[str, Any]) -> None:
        """Write ``data`` now, atomically; raise ``SerializationError`` or ``WriteError``."""
        # A load after this write reads the file, not what HA preloaded at startup.
        self._manager.async_invalidate(self.key)
        await self._async_write_data(
            {
                "version": self.version,
                "minor_version": self.minor_version,
                "key": self.key,
                "data": data,
            }
        )


def store_refuses(value: Any) -> str | None:
    """
    Why the Store's encoder could not write ``value`` (None when it can).

    The check runs what the Store itself runs on every write (HA's ``prepare_save_json``), so
    what passes here can always be saved: no lone surrogate, no integer outside 64 bits, no
    nesting deeper than the encoder follows.
    """
    try:
        prepare_save_json(value)
    except SerializationError as err:
        text = str(err.__cause__ or err)
        if "surrogates" in text or "UTF-8" in text:
            return "text: a string holds a lone surrogate (not valid Unicode)"
        if "Integer" in text or "64-bit" in text:
            return "body: an integer too large to keep (at most 64 bits)"
        if "Recursion" in text or "recursion" in text:
            return "body: nested too deeply to keep"
        return f"body: cannot be kept ({text[:80]})"
    return None
