"""Dispatch section of the account's diagnostics: endpoint, last inbound bodies, the instruction store."""

from __future__ import annotations

from typing import Any

from ..const import CONF_ENDPOINT_ID, CONF_WEBHOOK_ID
from .endpoint import DispatchPath
from .endpoint_url import dispatch_path
from .inbound_log import REDACTED
from .state import DispatchRuntime


def dispatch_diagnostics(dispatch: DispatchRuntime) -> dict[str, Any]:
    """Return what support needs to see of dispatch, with the secret redacted."""
    entry = dispatch.entry
    # The endpoint and webhook ids make the URL FPP calls: redacted like the secret.
    ids = (entry.data[CONF_ENDPOINT_ID], entry.data[CONF_WEBHOOK_ID])

    def _hide(path: str) -> str:
        for secret_part in ids:
            path = path.replace(secret_part, REDACTED)
        return path

    base = dispatch_path(REDACTED)
    return {
        "endpoint": {
            "paths": [f"{base}/{path.value}" for path in DispatchPath],
            "webhook_path": f"/api/webhook/{REDACTED}",
            "secret": REDACTED,
        },
        "meterable_units": sorted(dispatch.meterable_units),
        "last_inbound": [
            {**item, "path": _hide(item["path"])} for item in dispatch.inbound.as_list()
        ],
        "store": dispatch.snapshot(),
        # How the Store is being written: full rewrites since start, and the journal behind them.
        "journal": {
            "compactions": dispatch.store.compactions,
            "records_in_full_file": dispatch.store.compacted_size,
            "records_journaled_since": dispatch.store.journal.records,
        },
    }
