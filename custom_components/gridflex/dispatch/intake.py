"""Judge parsed bodies against this account (unknown MUs 422, cancelled ids 409) and build replies."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

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
from .lifecycle import Outcome

if TYPE_CHECKING:
    from . import DispatchRuntime

type Reply = tuple[int, dict[str, Any]]

# Scheduled or active instructions one account may hold; updates and cancels always pass.
MAX_LIVE_INSTRUCTIONS = 1_000


def _too_many_live(runtime: DispatchRuntime) -> Reply | None:
    if runtime.lifecycle.records.live_count < MAX_LIVE_INSTRUCTIONS:
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


def _judge(runtime: DispatchRuntime, item: BatchItem) -> Reply:
    reply = _judge_item(runtime, item)
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


def _judge_item(runtime: DispatchRuntime, item: BatchItem) -> Reply:
    if isinstance(item, RejectedItem):
        return invalid(item.detail)
    instruction: Instruction = item
    record = runtime.lifecycle.records.get(instruction.id)
    named = instruction.meterable_unit_ids or (
        record.instruction.meterable_unit_ids if record else ()
    )
    known = [mu for mu in named if mu in runtime.meterable_units]
    unknown = [mu for mu in named if mu not in runtime.meterable_units]
    if instruction.status is Status.INSTRUCTED and not known:
        runtime.note_unknown(unknown)
        return _unknown_reply(unknown)
    if (
        record is None
        and instruction.status is Status.INSTRUCTED
        and (full := _too_many_live(runtime)) is not None
    ):
        return full
    if runtime.lifecycle.apply(instruction, unknown) is Outcome.CANCELLED_BEFORE:
        return HTTPStatus.CONFLICT, {
            "error": "instruction_cancelled",
            "detail": f"id: {instruction.id!r} was cancelled; a cancelled id is final",
        }
    runtime.note_unknown(unknown)
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


def handle_v2(runtime: DispatchRuntime, body: V2Body) -> Reply:
    """Judge a single instruction or each item of a batch."""
    replies = [(item, _judge(runtime, item)) for item in body.items]
    if not body.is_batch:
        return replies[0][1]
    any_accepted = any(status == HTTPStatus.OK for _, (status, _) in replies)
    return (
        HTTPStatus.OK if any_accepted else HTTPStatus.BAD_REQUEST,
        {"results": [_batch_entry(item, reply) for item, reply in replies]},
    )


def handle_legacy_start(runtime: DispatchRuntime, start: LegacyStart) -> Reply:
    """Start or update the legacy instruction of one configured MU."""
    mu = start.meterable_unit_id
    if mu not in runtime.meterable_units:
        runtime.note_unknown([mu])
        return _unknown_reply([mu])
    if runtime.lifecycle.running_legacy(mu) is None and (
        full := _too_many_live(runtime)
    ):
        return full
    outcome, instruction_id = runtime.lifecycle.legacy_start(start)
    LOGGER.debug("Legacy start of %s: instruction %s, %s", mu, instruction_id, outcome)
    if outcome is Outcome.CANCELLED_BEFORE:
        return HTTPStatus.CONFLICT, {
            "error": "instruction_cancelled",
            "detail": f"id: {instruction_id!r} was cancelled; a cancelled id is final",
        }
    return _accepted(instruction_id, [mu], [])


def handle_legacy_stop(runtime: DispatchRuntime, stop: LegacyStop) -> Reply:
    """End the running legacy instruction of one MU; a 200 no-op when none runs."""
    mu = stop.meterable_unit_id
    if mu not in runtime.meterable_units:
        runtime.note_unknown([mu])
        return _unknown_reply([mu])
    record = runtime.lifecycle.legacy_stop(stop)
    LOGGER.debug("Legacy stop of %s: %s", mu, record.id if record else "none running")
    status, payload = _accepted(record.id if record else None, [mu], [])
    return status, {**payload, "stopped": record is not None}
