"""
A real Home Assistant process for benchmarks: ``hass -c <tmpdir>`` from this venv, with GridFlex
(one FPP account, N Meterable Units, pre-written config entry) and a no-op webhook as baseline.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import datetime as dt
import json
from pathlib import Path
import re
import sys
import tempfile
import time
from typing import Any

import aiohttp

from bench.plumbing import free_port

REPO = Path(__file__).resolve().parents[1]
SECRET = "bench-dispatch-secret"  # noqa: S105 - a throwaway instance's key
ENDPOINT_ID = "bench0endpoint01"
WEBHOOK_ID = "gridflex_bench_webhook"
NOOP_WEBHOOK_ID = "bench_noop"
ENTRY_ID = "benchentry0000000000000000"

NOOP_INIT = '''"""Baseline for benchmarks: a webhook that reads the body and answers, doing nothing else."""

import gc
import logging
import time

from aiohttp import web

from homeassistant.components import webhook

DOMAIN = "bench_noop"
_GC_LOG = logging.getLogger("bench_gc")


def _log_full_collections():
    """Log every full (generation 2) collection: it stops every thread, the loop included."""
    started = []

    def _callback(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            took = time.perf_counter() - started[0]
            _GC_LOG.warning("full gc %.1f ms ending at %.3f", took * 1000, time.time())

    gc.callbacks.append(_callback)


async def async_setup(hass, config):
    _log_full_collections()
    async def _handle(hass, webhook_id, request):
        await request.read()
        return web.json_response({"status": "accepted"})

    webhook.async_register(
        hass, DOMAIN, "No-op", "bench_noop", _handle, local_only=False, allowed_methods=("PUT", "POST")
    )
    # The benchmark's websocket needs a token; a throwaway system user spares onboarding.
    user = await hass.auth.async_create_system_user("bench", group_ids=["system-admin"])
    refresh = await hass.auth.async_create_refresh_token(user)
    token = hass.auth.async_create_access_token(refresh)
    path = hass.config.path("bench_token")

    def _write():
        with open(path, "w") as file:
            file.write(token)

    await hass.async_add_executor_job(_write)
    return True
'''
DURABLE_WEBHOOK_ID = "bench_durable"
DURABLE_INIT = '''"""Baseline for benchmarks: a webhook that durably writes its body (atomic, fsync'd), then answers."""

from aiohttp import web

from homeassistant.components import webhook
from homeassistant.util.file import write_utf8_file_atomic

DOMAIN = "bench_durable"


async def async_setup(hass, config):
    path = hass.config.path(".storage", "bench_durable")

    async def _handle(hass, webhook_id, request):
        body = await request.read()
        # The write GridFlex's Store makes (HA's atomic writer: temp file, fsync, rename).
        await hass.async_add_executor_job(write_utf8_file_atomic, path, body, False, "wb")
        return web.json_response({"status": "accepted"})

    webhook.async_register(
        hass, DOMAIN, "Durable", "bench_durable", _handle, local_only=False, allowed_methods=("PUT", "POST")
    )
    return True
'''


def write_durable_baseline(custom: Path) -> None:
    """The durable baseline component (``bench_durable``), next to bench_noop."""
    (custom / "bench_durable").mkdir()
    (custom / "bench_durable" / "__init__.py").write_text(DURABLE_INIT)
    manifest = {
        **NOOP_MANIFEST,
        "domain": "bench_durable",
        "name": "Bench durable webhook",
    }
    (custom / "bench_durable" / "manifest.json").write_text(json.dumps(manifest))


NOOP_MANIFEST = {
    "domain": "bench_noop",
    "name": "Bench no-op webhook",
    "codeowners": [],
    "dependencies": ["webhook"],
    "documentation": "https://example.invalid",
    "iot_class": "local_push",
    "version": "0.0.0",
}


def mu_id(index: int) -> str:
    """Name of the index-th benchmark Meterable Unit."""
    return f"MU-{index:04d}"


def _config_entries(units: int, fpp_url: str) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    subentries = [
        {
            "data": {
                "mu_id": mu_id(i),
                "products": ["ou_15"],
                "power_sensor": "sensor.bench_power",
                "granularity": "minute",
                "import_positive": True,
                "controlled_entities": [],
                "control_action": "turn_off",
            },
            "subentry_id": f"benchsub{i:04d}",
            "subentry_type": "meterable_unit",
            "title": mu_id(i),
            "unique_id": mu_id(i),
        }
        for i in range(units)
    ]
    entry = {
        "created_at": now,
        "data": {
            "account_kind": "fpp",
            "account_id": "bench",
            "api_token": "fpp-token",
            "base_url": fpp_url,
            "dispatch_secret": SECRET,
            "endpoint_id": ENDPOINT_ID,
            "webhook_id": WEBHOOK_ID,
        },
        "discovery_keys": {},
        "disabled_by": None,
        "domain": "gridflex",
        "entry_id": ENTRY_ID,
        "minor_version": 1,
        "modified_at": now,
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": subentries,
        "title": "FPP bench",
        "unique_id": "fpp_bench",
        "version": 1,
    }
    return {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [entry]},
    }


@dataclass
class HaProcess:
    """One Home Assistant process in a temporary config dir."""

    units: int
    fpp_url: str
    port: int = field(default_factory=free_port)
    token: str = ""
    _dir: tempfile.TemporaryDirectory[str] | None = None
    _proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        """Base URL of this Home Assistant."""
        return f"http://127.0.0.1:{self.port}"

    def _write_config(self, root: Path) -> None:
        (root / "configuration.yaml").write_text(
            "homeassistant:\n  name: GridFlex bench\n  time_zone: UTC\n  latitude: 51.38\n"
            "  longitude: -2.36\n  elevation: 0\n  unit_system: metric\n  currency: GBP\n"
            f"http:\n  server_host: 127.0.0.1\n  server_port: {self.port}\n"
            "websocket_api:\nrecorder:\nbench_noop:\nbench_durable:\n"
            "logger:\n  default: warning\n"
        )
        custom = root / "custom_components"
        custom.mkdir()
        (custom / "gridflex").symlink_to(REPO / "custom_components" / "gridflex")
        (custom / "bench_noop").mkdir()
        (custom / "bench_noop" / "__init__.py").write_text(NOOP_INIT)
        (custom / "bench_noop" / "manifest.json").write_text(json.dumps(NOOP_MANIFEST))
        write_durable_baseline(custom)
        (root / ".storage").mkdir()
        (root / ".storage" / "core.config_entries").write_text(
            json.dumps(_config_entries(self.units, self.fpp_url))
        )

    @property
    def config_dir(self) -> Path:
        """The config dir of this Home Assistant (kept across :meth:`kill` and restart)."""
        if self._dir is None:
            raise RuntimeError("not started")
        return Path(self._dir.name)

    async def kill(self) -> None:
        """SIGKILL the process (no shutdown, no final writes); :meth:`start` restarts it."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()
            await self._proc.wait()

    async def start(self, wait_s: float = 180.0) -> None:
        """Start ``hass`` (again, after :meth:`kill`), wait until GridFlex answers, get a token."""
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="gridflex-bench-")
            self._write_config(Path(self._dir.name))
        root = Path(self._dir.name)
        (root / "bench_token").unlink(missing_ok=True)
        with (root / "hass.out").open("ab") as out:
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(REPO / "scripts" / "demo_hass.py"),
                "--headless",
                "-c",
                str(root),
                "--skip-pip",
                # Not the repository root: its custom_components package would hide bench_noop.
                cwd=root,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        deadline = time.monotonic() + wait_s
        async with aiohttp.ClientSession() as session:
            while True:
                if self._proc.returncode is not None:
                    raise RuntimeError(
                        f"hass exited: {(root / 'hass.out').read_text()[-3000:]}"
                    )
                try:
                    async with session.put(
                        f"{self.url}/api/gridflex/fpp/{ENDPOINT_ID}/v2/dispatch"
                    ) as resp:
                        if (
                            resp.status == 401
                        ):  # GridFlex's own auth answers: it is loaded
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("Home Assistant did not come up")
                await asyncio.sleep(0.5)
            token_file = root / "bench_token"
            while not token_file.exists():
                if time.monotonic() > deadline:
                    raise TimeoutError("the bench_noop component wrote no token")
                await asyncio.sleep(0.2)
            self.token = token_file.read_text()

    def _output(self) -> str:
        if self._dir is None:
            return ""
        path = Path(self._dir.name) / "hass.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def full_gc_pauses(self) -> list[tuple[float, float]]:
        """Home Assistant's full garbage collections so far: (start, end), wall clock (bench_noop logs them)."""
        found = re.findall(r"full gc ([0-9.]+) ms ending at ([0-9.]+)", self._output())
        return [(float(end) - float(ms) / 1000, float(end)) for ms, end in found]

    def log_tail(self, chars: int = 3000) -> str:
        """The end of Home Assistant's output."""
        return self._output()[-chars:]

    async def stop(self) -> None:
        """Stop the process we started (by its own handle) and remove its config dir."""
        if self._proc is not None and self._proc.returncode is None:
            self._proc.terminate()
            try:
                await asyncio.wait_for(self._proc.wait(), 60)
            except TimeoutError:
                self._proc.kill()
                await self._proc.wait()
        if self._dir is not None:
            self._dir.cleanup()
