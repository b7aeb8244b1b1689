"""
Judge parsed bodies against this account (unknown MUs 422, cancelled ids 409) and build replies.

Intake judges with what it is handed (:class:`Intake`: the configured MUs, the state machine and
a list for the unknown MUs FPP names) and returns the reply; the endpoint then remembers the
unknown MUs (Store, repair issue) and waits for the write.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from ..api.fpp.dispatch import (
    BatchItem,
    Instruction,
    LegacyStart,
    LegacyStop,
    RejectedItem,
    Status,
    V2Body,
)
from ..const import LOGGER
from .lifecycle import Lifecycle, Outcome

type Reply = tuple[int, dict[str, Any]]

# Scheduled or active instructions one account may hold; updates and cancels always pass.
MAX_LIVE_INSTRUCTIONS = 1_000


@dataclass(slots=True)
class Intake:
    """What one request is judged with; ``unknown`` collects the unconfigured MUs FPP named."""

    meterable_units: Container[str]
    lifecycle: Lifecycle
    # Per instruction judged, in order: the endpoint remembers them after judging.
    unknown: list[list[str]] = field(default_factory=list)


def _too_many_live(intake: Intake) -> Reply | None:
    if intake.lifecycle.records.live_count < MAX_LIVE_INSTRUCTIONS:
        return None
    return HTTPStatus.TOO_MANY_REQUESTS, {
        "error": "too_many_instructions",
        "detail": f"account: already {MAX_LIVE_INSTRUCTIONS} scheduled or active instructions,"
        " retry when some have ended",
    }


def invalid(detail: str) -> Reply:
    """400 with the field and what is wrong with it."""
    return HTTPStatus.BAD_REQUEST, {"error": "invalid_instruction", "detail": detail}


def _unknown_reply(unknown: list[str]) -> Reply:
    return HTTPStatus.UNPROCESSABLE_ENTITY, {
        "error": "unknown_meterable_unit",
        "detail": f"meterable_units: none of {', '.join(unknown)} is configured here",
        "unknown_meterable_units": unknown,
    }


def _accepted(
    instruction_id: str | None, known: list[str], unknown: list[str]
) -> Reply:
    return HTTPStatus.OK, {
        "id": instruction_id,
        "status": "accepted",
        "meterable_units": known,
        "unknown_meterable_units": unknown,
    }


def _judge(intake: Intake, item: BatchItem) -> Reply:
    reply = _judge_item(intake, item)
    if isinstance(item, RejectedItem):
        LOGGER.debug("Instruction %s refused: %s", item.instruction_id, item.detail)
    else:
        LOGGER.debug(
            "Instruction %s (%s) for %s: HTTP %s",
            item.id,
            item.status.value,
            ", ".join(item.meterable_unit_ids) or "no MU named",
            int(reply[0]),
        )
    return reply


def _judge_item(intake: Intake, item: BatchItem) -> Reply:
    if isinstance(item, RejectedItem):
        return invalid(item.detail)
    instruction: Instruction = item
    record = intake.lifecycle.records.get(instruction.id)
    named = instruction.meterable_unit_ids or (
        record.instruction.meterable_unit_ids if record else ()
    )
    known = [mu for mu in named if mu in intake.meterable_units]
    unknown = [mu for mu in named if mu not in intake.meterable_units]
    if instruction.status is Status.INSTRUCTED and not known:
        intake.unknown.append(unknown)
        return _unknown_reply(unknown)
    if (
        record is None
        and instruction.status is Status.INSTRUCTED
        and (full := _too_many_live(intake)) is not None
    ):
        return full
    if intake.lifecycle.apply(instruction, unknown) is Outcome.CANCELLED_BEFORE:
        return HTTPStatus.CONFLICT, {
            "error": "instruction_cancelled",
            "detail": f"id: {instruction.id!r} was cancelled; a cancelled id is final",
        }
    intake.unknown.append(unknown)
    return _accepted(instruction.id, known, unknown)


def _batch_entry(item: BatchItem, reply: Reply) -> dict[str, Any]:
    status, payload = reply
    if status == HTTPStatus.OK:
        return payload
    item_id = item.instruction_id if isinstance(item, RejectedItem) else item.id
    return {
        "id": item_id,
        "status": "rejected",
        "error": payload["error"],
        "detail": payload["detail"],
    }


def handle_v2(intake: Intake, body: V2Body) -> Reply:
    """Judge a single instruction or each item of a batch."""
    replies = [(item, _judge(intake, item)) for item in body.items]
    if not body.is_batch:
        return replies[0][1]
    any_accepted = any(status == HTTPStatus.OK for _, (status, _) in replies)
    return (
        HTTPStatus.OK if any_accepted else HTTPStatus.BAD_REQUEST,
        {"results": [_batch_entry(item, reply) for item, reply in replies]},
    )


def handle_legacy_start(intake: Intake, start: LegacyStart) -> Reply:
    """Start or update the legacy instruction of one configured MU."""
    mu = start.meterable_unit_id
    if mu not in intake.meterable_units:
        intake.unknown.append([mu])
        return _unknown_reply([mu])
    if intake.lifecycle.running_legacy(mu) is None and (full := _too_many_live(intake)):
        return full
    outcome, instruction_id = intake.lifecycle.legacy_start(start)
    LOGGER.debug("Legacy start of %s: instruction %s, %s", mu, instruction_id, outcome)
    if outcome is Outcome.CANCELLED_BEFORE:
        return HTTPStatus.CONFLICT, {
            "error": "instruction_cancelled",
            "detail": f"id: {instruction_id!r} was cancelled; a cancelled id is final",
        }
    return _accepted(instruction_id, [mu], [])


def handle_legacy_stop(intake: Intake, stop: LegacyStop) -> Reply:
    """End the running legacy instruction of one MU; a 200 no-op when none runs."""
    mu = stop.meterable_unit_id
    if mu not in intake.meterable_units:
        intake.unknown.append([mu])
        return _unknown_reply([mu])
    record = intake.lifecycle.legacy_stop(stop)
    LOGGER.debug("Legacy stop of %s: %s", mu, record.id if record else "none running")
    status, payload = _accepted(record.id if record else None, [mu], [])
    return status, {**payload, "stopped": record is not None}
