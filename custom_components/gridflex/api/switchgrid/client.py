"""Switchgrid client: token check, Asks, orders and data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp

from ..http import request_json

DEFAULT_SWITCHGRID_BASE_URL = "https://api.switchgrid.tech"
TEST_ENV_HEADER = "switchgrid-test-env"


@dataclass(slots=True)
class SwitchgridClient:
    """Talks to one Switchgrid account with its API token."""

    session: aiohttp.ClientSession
    token: str
    base_url: str = DEFAULT_SWITCHGRID_BASE_URL
    test_mode: bool = False
    timeout: float = field(default=30.0)

    @property
    def _headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
        }
        if self.test_mode:
            headers[TEST_ENV_HEADER] = "true"
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> Any:
        return await request_json(
            self.session,
            method,
            f"{self.base_url.rstrip('/')}/{path.lstrip('/')}",
            headers=self._headers,
            params=params,
            json_body=json_body,
            request_timeout=self.timeout,
        )

    async def async_validate_token(self) -> None:
        """Check the token with a cheap read; raise ``AuthError`` when Switchgrid refuses it."""
        await self._request("GET", "v0_1/ask", params={"limit": "1"})
