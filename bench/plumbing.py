"""What every bench needs around its clock: free ports, simulators in their own process, RSS."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
import socket
import subprocess
import sys


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_listening(port: int, wait_s: float) -> None:
    """Return once something accepts connections on ``port``; fail after ``wait_s``."""
    for _ in range(round(wait_s / 0.1)):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("simulator did not start")


async def start_simulator(
    module: str, *args: str, wait_s: float, quiet: bool = False
) -> tuple[subprocess.Popen[bytes], int]:
    """Run ``python -m module --port <free port> *args``; return it and its port once it listens."""
    port = free_port()
    sim = subprocess.Popen(  # noqa: ASYNC220, S603 - our own simulator, fixed arguments
        [sys.executable, "-m", module, "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    try:
        await wait_listening(port, wait_s)
    except BaseException:
        sim.terminate()
        raise
    return sim, port


def rss_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    """Make VmHWM start again from the current RSS (Linux >= 4.0: clear_refs 5); False when not."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
