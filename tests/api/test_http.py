"""api/http.py maps every HTTP outcome to data or a typed error, against a real aiohttp server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import datetime as dt
from email.utils import format_datetime
from unittest.mock import patch

from aiohttp import ClientSession, web
import pytest

from custom_components.gridflex.api.errors import (
    AuthError,
    ContractError,
    NotAvailableError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)
from custom_components.gridflex.api.http import parse_retry_after, request_json
from tests.test_config_flow import closed_port_url

HEADERS = {"Accept": "application/json"}


class ScriptedServer:
    """A real HTTP server whose next reply the test chooses."""

    def __init__(self) -> None:
        self.reply: web.StreamResponse = web.json_response({"ok": True})
        self.delay = 0.0
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            (
                request.method,
                request.path_qs,
                dict(request.headers),
                await request.read(),
            )
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.reply

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[ScriptedServer]:
    srv = ScriptedServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    async with ClientSession() as client_session:
        yield client_session


async def get(
    session: ClientSession, server: ScriptedServer, **kwargs: float
) -> object:
    return await request_json(
        session, "GET", f"{server.url}/thing", headers=HEADERS, **kwargs
    )


async def test_json_reply_is_returned_and_request_is_sent_as_asked(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.reply = web.json_response({"items": [1, 2]})
    result = await request_json(
        session,
        "PUT",
        f"{server.url}/readings",
        headers={"Authorization": "Bearer t"},
        params={"limit": "1"},
        json_body={"a": 1},
    )
    assert result == {"items": [1, 2]}
    method, path_qs, headers, body = server.requests[0]
    assert (method, path_qs, body) == ("PUT", "/readings?limit=1", b'{"a": 1}')
    assert headers["Authorization"] == "Bearer t"


async def test_empty_reply_is_none(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.reply = web.Response(status=204)
    assert await get(session, server) is None


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_token_is_auth_error(
    session: ClientSession, server: ScriptedServer, status: int
) -> None:
    server.reply = web.json_response({"error": "unauthorized"}, status=status)
    with pytest.raises(AuthError, match=f"HTTP {status}"):
        await get(session, server)


async def test_429_with_seconds(session: ClientSession, server: ScriptedServer) -> None:
    server.reply = web.json_response({}, status=429, headers={"Retry-After": "120"})
    with pytest.raises(RateLimitedError) as err:
        await get(session, server)
    assert err.value.retry_after == 120.0


async def test_429_with_http_date(
    session: ClientSession, server: ScriptedServer
) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    server.reply = web.json_response(
        {}, status=429, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    with pytest.raises(RateLimitedError) as err:
        await get(session, server)
    assert err.value.retry_after is not None
    assert 280 <= err.value.retry_after <= 300


async def test_429_without_retry_after(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.reply = web.json_response({}, status=429)
    with pytest.raises(RateLimitedError) as err:
        await get(session, server)
    assert err.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_temporary(
    session: ClientSession, server: ScriptedServer, status: int
) -> None:
    server.reply = web.json_response({}, status=status, headers={"Retry-After": "5"})
    with pytest.raises(TemporaryError) as err:
        await get(session, server)
    assert err.value.retry_after == 5.0


async def test_404_is_not_available(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.reply = web.json_response({"error": "not found"}, status=404)
    with pytest.raises(NotAvailableError):
        await get(session, server)


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (
            400,
            {"error": "invalid_reading", "detail": "readings[0].timestamp: bad"},
            "readings[0].timestamp: bad",
        ),
        (422, {"message": "unknown unit"}, "unknown unit"),
        (409, {"error": "instruction_cancelled"}, "instruction_cancelled"),
        (400, ["not", "an", "object"], '["not", "an", "object"]'),
        (400, {"detail": 42}, '{"detail": 42}'),
    ],
)
async def test_4xx_is_rejected_with_detail(
    session: ClientSession,
    server: ScriptedServer,
    status: int,
    body: object,
    detail: str,
) -> None:
    server.reply = web.json_response(body, status=status)
    with pytest.raises(RejectedError) as err:
        await get(session, server)
    assert err.value.status == status
    assert err.value.detail == detail


async def test_4xx_with_text_body_keeps_its_start(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.reply = web.Response(status=400, text="x" * 1000)
    with pytest.raises(RejectedError) as err:
        await get(session, server)
    assert err.value.detail == "x" * 300


@pytest.mark.parametrize(
    "reply",
    [
        web.Response(text="<html>maintenance</html>", content_type="text/html"),
        web.Response(body=b"\xff\xfe{", content_type="application/json"),
    ],
)
async def test_non_json_200_is_contract_error(
    session: ClientSession, server: ScriptedServer, reply: web.Response
) -> None:
    server.reply = reply
    with pytest.raises(ContractError):
        await get(session, server)


async def test_slow_reply_is_temporary(
    session: ClientSession, server: ScriptedServer
) -> None:
    server.delay = 0.3
    with pytest.raises(TemporaryError, match=r"timed out after 0\.05 s"):
        await get(session, server, request_timeout=0.05)


async def test_connection_refused_is_temporary(
    session: ClientSession, socket_enabled: None
) -> None:
    with pytest.raises(TemporaryError, match="ClientConnectorError"):
        await request_json(session, "GET", closed_port_url(), headers=HEADERS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("inf", None),
        ("nan", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_naive_date_counts_as_utc() -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    value = when.strftime("%a, %d %b %Y %H:%M:%S -0000")
    seconds = parse_retry_after(value)
    assert seconds is not None
    assert 3590 <= seconds <= 3600


@pytest.mark.parametrize("url", ["http://[bad", "ftp://example.org/x", "not a url"])
async def test_unusable_url_is_temporary_not_a_crash(
    session: ClientSession, url: str
) -> None:
    with pytest.raises(TemporaryError):
        await request_json(session, "GET", url, headers=HEADERS)


@pytest.mark.parametrize("chunked", [False, True])
async def test_an_oversized_reply_is_not_read(
    session: ClientSession, server: ScriptedServer, chunked: bool
) -> None:
    def reply() -> web.Response:
        body = b"[" + b"1," * 600 + b"1]"
        response = web.Response(body=body, content_type="application/json")
        if chunked:
            response.enable_chunked_encoding()
        return response

    server.reply = reply()
    with (
        patch("custom_components.gridflex.api.http.MAX_REPLY_BYTES", 1000),
        pytest.raises(ContractError, match="reply larger than 1000 bytes"),
    ):
        await get(session, server)
    server.reply = reply()
    with patch("custom_components.gridflex.api.http.MAX_REPLY_BYTES", 2000):
        assert len(await get(session, server)) == 601  # type: ignore[arg-type]
