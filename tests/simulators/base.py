"""What every simulator shares: bearer auth, recorded requests, injected faults, start/stop, CLI."""

from __future__ import annotations

import argparse
import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
import json
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Fault:
    """One injected failure, used by the next matching request."""

    status: int = 500
    retry_after: str | None = None
    delay: float = 0.0
    body: Any = None
    path_contains: str = ""


@dataclass
class Received:
    """A request as the simulator saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0  # the HTTP status the simulator answered


@dataclass
class Simulator:
    """Base of the FPP and Switchgrid simulators."""

    token: str = "test-token"
    # Market Gateway may also take the token as ``X-API-Key``.
    accepts_api_key_header: bool = False
    received: list[Received] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    # Every injected failure that was answered, in order: tests check their faults fired.
    fired: list[Fault] = field(default_factory=list)
    # Paths served without a token (after recording and faults, like every other path).
    public_paths: frozenset[str] = frozenset()
    delay: float = 0.0
    _runner: web.AppRunner | None = None
    base_url: str = ""

    def routes(self) -> list[web.RouteDef]:
        """The contract's routes; subclasses add theirs."""
        raise NotImplementedError

    def fail_next(self, count: int = 1, **fault: Any) -> None:
        """Make the next ``count`` matching requests fail as described."""
        for _ in range(count):
            self.faults.append(Fault(**fault))

    def requests_to(
        self, path_suffix: str, method: str | None = None
    ) -> list[Received]:
        """The requests received whose path ends with ``path_suffix``."""
        return [
            r
            for r in self.received
            if r.path.endswith(path_suffix) and (method is None or r.method == method)
        ]

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        received = Received(
            request.method,
            request.path,
            dict(request.query),
            dict(request.headers),
            body,
        )
        self.received.append(received)
        response = await self._respond(request, handler)
        received.status = response.status
        return response

    async def _respond(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = next((f for f in self.faults if f.path_contains in request.path), None)
        if fault is not None:
            self.faults.remove(fault)
            self.fired.append(fault)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            headers = (
                {"Retry-After": fault.retry_after}
                if fault.retry_after is not None
                else {}
            )
            return web.json_response(
                fault.body
                if fault.body is not None
                else {"error": "simulated", "detail": f"HTTP {fault.status}"},
                status=fault.status,
                headers=headers,
            )
        api_key_ok = (
            self.accepts_api_key_header
            and request.headers.get("X-API-Key") == self.token
        )
        if (
            request.path not in self.public_paths
            and request.headers.get("Authorization") != f"Bearer {self.token}"
            and not api_key_ok
        ):
            return web.json_response({"error": "unauthorized"}, status=401)
        return await handler(request)

    def make_app(self) -> web.Application:
        """The aiohttp application serving this contract."""
        app = web.Application(middlewares=[self._middleware])
        app.add_routes(self.routes())
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0 = any free port) and return the base URL."""
        self._runner = web.AppRunner(self.make_app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []
        bound = sockets[0].getsockname()[1] if sockets else port
        self.base_url = f"http://{host}:{bound}"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def run_standalone(simulator: Simulator, description: str, default_port: int) -> None:
    """Command line: ``python -m tests.simulators.<name> --port N --token T``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--token", default=simulator.token)
    args = parser.parse_args()
    simulator.token = args.token

    async def serve() -> None:
        url = await simulator.start(args.host, args.port)
        print(f"{description} listening on {url}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await simulator.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
