"""
The dispatch Store's journal: fsync'd lines holding only what changed, one per group of changes.

A full write of the Store re-writes every kept instruction (megabytes after a busy quarter) and
replaces the file atomically; a reply waiting for it waits for all of that. Instead each group
of changes is appended to ``<key>.journal.<n>`` and fsync'd (the records that changed, the ids
forgotten, the small control and unknown-MU parts), and the full file is rewritten now and then
off the reply path (compaction). The full file names the first journal to replay after it, so
a crash at any point leaves a full file plus the journals that follow it. A torn last line
(a crash mid-append, never acknowledged) is ignored; any other unreadable line costs only
itself. See docs/decisions/dispatch-journal.md.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import STORAGE_DIR

from ..const import LOGGER

# The full file's field naming the first journal file to replay after it.
FIRST_JOURNAL = "journal"


def journal_directory(hass: HomeAssistant) -> Path:
    """Where the journals live: next to HA's Store files."""
    return Path(hass.config.path(STORAGE_DIR))


@dataclass(slots=True)
class JournalRead:
    """The lines found in an account's journals, and what could not be read."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0
    last_number: int | None = None


def _numbers(directory: Path, key: str) -> list[int]:
    pattern = re.compile(re.escape(key) + r"\.journal\.(\d+)")
    if not directory.is_dir():
        return []
    matches = (pattern.fullmatch(path.name) for path in directory.iterdir())
    return sorted(int(match.group(1)) for match in matches if match)


def read_journals(directory: Path, key: str, first: int) -> JournalRead:
    """Read (blocking) every journal numbered ``first`` or later, oldest first."""
    read = JournalRead()
    for number in _numbers(directory, key):
        read.last_number = number
        if number < first:
            continue
        try:
            content = (directory / f"{key}.journal.{number}").read_bytes()
        except OSError as err:
            LOGGER.error("Could not read journal %d of %s: %s", number, key, err)
            read.unreadable += 1
            continue
        lines = content.split(b"\n")
        # Text after the last newline is an append a crash cut short: never acknowledged.
        for line in lines[:-1]:
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if isinstance(entry, dict):
                read.entries.append(entry)
            else:
                read.unreadable += 1
    return read


def replay(data: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the full file's data with the journal entries applied in order."""
    saved = data.get("instructions")
    by_id: dict[Any, Any] = {}
    others: list[Any] = []  # items without a usable id: the loader counts them as lost
    for item in saved if isinstance(saved, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            by_id[item["id"]] = item
        else:
            others.append(item)
    merged = dict(data)
    for entry in entries:
        for item in entry.get("instructions") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                by_id[item["id"]] = item
            else:
                others.append(item)
        for gone in entry.get("forgotten") or []:
            if isinstance(gone, str):
                by_id.pop(gone, None)
        for part in ("control", "unknown_meterable_units"):
            if part in entry:
                merged[part] = entry[part]
    if entries or saved is not None:
        merged["instructions"] = [*by_id.values(), *others]
    return merged


class Journal:
    """Appends to an account's journal files (blocking methods run in the executor)."""

    def __init__(self, directory: Path, key: str) -> None:
        """Bind to one Store key's journals."""
        self.directory = directory
        self.key = key
        self.number = 0  # the file appends go to
        self.records = 0  # record entries appended since the last compaction began
        self._torn = False  # an append failed part-way: start the next on a new line
        self._last_path: Path | None = None  # the file written last

    def path(self, number: int) -> Path:
        """File of journal ``number``."""
        return self.directory / f"{self.key}.journal.{number}"

    def append(self, line: bytes) -> None:
        """Append one line and fsync it (blocking)."""
        self.sync(self.write(line))

    def write(self, lines: bytes) -> int:
        """
        Append lines (blocking) and return the open file for :meth:`sync`.

        Writes must be made in order (the caller holds a lock); the fsyncs that follow may
        run at once, each making every line written before it durable. A new file is made
        durable here, with its directory entry, so no later fsync can report lines in a file
        whose name may still be lost.
        """
        path = self.path(self.number)
        if self._last_path is not None and self._last_path != path:
            # Lines of the file before may still await their fsync: an fsync of this
            # file would not cover them (a file compaction removed is in the full file).
            with contextlib.suppress(FileNotFoundError):
                self.sync(os.open(self._last_path, os.O_RDONLY))
        self._last_path = path
        created = not path.exists()
        prefix = b"\n" if self._torn else b""
        self._torn = True
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            data = memoryview(prefix + lines + b"\n")
            while data:
                data = data[os.write(fd, data) :]
            if created:
                os.fsync(fd)
                self._fsync_directory()
        except BaseException:
            os.close(fd)
            raise
        self._torn = False
        return fd

    @staticmethod
    def sync(fd: int) -> None:
        """Make what was written durable (blocking), then close the file."""
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _fsync_directory(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def start_next(self) -> int:
        """Send later appends to a new file (a compaction began); return its number."""
        self.number += 1
        self.records = 0
        return self.number

    def remove_before(self, number: int) -> None:
        """Delete the journals a full file written up to ``number`` made redundant (blocking)."""
        for old in _numbers(self.directory, self.key):
            if old < number:
                self.path(old).unlink(missing_ok=True)
