"""
The one place that reads inbound FPP dispatch bodies (v2 single and batch, legacy v1).

Every rule of the contract's inbound part lives here; a broken rule raises
``InvalidInstructionError("<field>: <what is wrong>")`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import contextlib
import datetime as dt
import json
import math
from typing import Any

from .models import (
    EARLIEST_TIME,
    MAX_AHEAD,
    MAX_BATCH,
    MAX_EXTRA_BYTES,
    MAX_ID_LENGTH,
    BatchItem,
    BatchTooLargeError,
    Direction,
    Instruction,
    InvalidInstructionError as Invalid,
    LegacyStart,
    LegacyStop,
    MeterableUnitPower,
    RejectedItem,
    Status,
    V2Body,
)

ID_ALIASES = ("id", "instruction_id", "dispatch_id")
START_ALIASES = ("start", "start_time")
END_ALIASES = ("end", "end_time")
V2_KNOWN = frozenset(
    {
        *ID_ALIASES,
        *START_ALIASES,
        *END_ALIASES,
        "meterable_units",
        "meterable_unit_ids",
        "power_kw",
        "product",
        "zone",
        "direction",
        "status",
        "issued_at",
    }
)
LEGACY_START_KNOWN = frozenset(
    {
        "meterable_unit_id",
        *START_ALIASES,
        *END_ALIASES,
        "power_kw",
        "product",
        "zone",
        "direction",
    }
)
LEGACY_STOP_KNOWN = frozenset({"meterable_unit_id", "stop"})
_ABSENT = object()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_json(raw: bytes) -> Any:
    """Decode a body as strict JSON (UTF-8, no NaN/Infinity), or raise ``Invalid``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Invalid(f"body: not UTF-8 ({err.reason} at byte {err.start})") from err
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise Invalid(
            f"body: malformed JSON ({err.msg} at line {err.lineno} column {err.colno})"
        ) from err
    except (ValueError, RecursionError) as err:
        raise Invalid(f"body: malformed JSON ({err})") from err


def _pick(
    body: Mapping[str, Any],
    names: tuple[str, ...],
    read: Callable[[Any, str], Any] = lambda value, _name: value,
) -> Any:
    """Return the value under a field or its aliases (``null`` = absent); differing values conflict."""
    present = [
        (name, read(body[name], names[0]))
        for name in names
        if body.get(name) is not None
    ]
    if not present:
        return _ABSENT
    first_name, first = present[0]
    for name, value in present[1:]:
        if value != first or type(value) is not type(first):
            raise Invalid(f"{names[0]}: conflicting fields {first_name} and {name}")
    return first


def _identifier(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid(f"{name}: must be a non-empty string")
    if len(value) > MAX_ID_LENGTH:
        raise Invalid(f"{name}: longer than {MAX_ID_LENGTH} characters")
    return value


def _optional_string(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name}: must be a string")
    return value


def _power(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{name}: must be a JSON number")
    try:
        power = float(value)
    except OverflowError as err:
        raise Invalid(f"{name}: must be a finite number") from err
    if not math.isfinite(power):
        raise Invalid(f"{name}: must be a finite number")
    return power


def parse_time(value: Any, name: str) -> dt.datetime:
    """Read an ISO-8601 string with ``Z`` or an offset, as aware UTC."""
    if isinstance(value, int | float):  # bool is an int too
        raise Invalid(f"{name}: must be an ISO-8601 string, not an epoch number")
    if not isinstance(value, str):
        raise Invalid(f"{name}: must be an ISO-8601 string with Z or an offset")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as err:
        raise Invalid(f"{name}: not an ISO-8601 date-time ({value[:40]!r})") from err
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(f"{name}: naive time, add Z or an offset")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError as err:
        raise Invalid(f"{name}: out of range") from err


def _time_field(
    body: Mapping[str, Any], names: tuple[str, ...], *, required: bool
) -> dt.datetime | None:
    value = _pick(body, names, parse_time)
    if value is _ABSENT:
        if required:
            raise Invalid(f"{names[0]}: required")
        return None
    moment: dt.datetime = value
    return moment


def _enum[E: (Status, Direction)](
    body: Mapping[str, Any], name: str, kind: type[E], default: E
) -> E:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return kind(value)
    allowed = " or ".join(member.value for member in kind)
    raise Invalid(f"{name}: must be {allowed}")


def _units_from_list(value: Any, top_power: float | None) -> list[MeterableUnitPower]:
    if not isinstance(value, list):
        raise Invalid("meterable_units: must be a list of {id, power_kw} objects")
    units = []
    for index, item in enumerate(value):
        where = f"meterable_units[{index}]"
        if not isinstance(item, dict):
            raise Invalid(f"{where}: must be an object with id and power_kw")
        unit_id = _identifier(item.get("id"), f"{where}.id")
        power = _power(item.get("power_kw"), f"{where}.power_kw")
        units.append(MeterableUnitPower(unit_id, top_power if power is None else power))
    return units


def _units_from_ids(value: Any, top_power: float | None) -> list[MeterableUnitPower]:
    if not isinstance(value, list):
        raise Invalid("meterable_unit_ids: must be a list of strings")
    return [
        MeterableUnitPower(_identifier(item, f"meterable_unit_ids[{index}]"), top_power)
        for index, item in enumerate(value)
    ]


def _meterable_units(
    body: Mapping[str, Any], *, required: bool
) -> tuple[MeterableUnitPower, ...]:
    top_power = _power(body.get("power_kw"), "power_kw")
    listed = body.get("meterable_units")
    ids = body.get("meterable_unit_ids")
    from_list = None if listed is None else _units_from_list(listed, top_power)
    from_ids = None if ids is None else _units_from_ids(ids, top_power)
    if from_list is not None and from_ids is not None and from_list != from_ids:
        raise Invalid(
            "meterable_units: conflicting fields meterable_units and meterable_unit_ids"
        )
    units = from_list if from_list is not None else from_ids
    if units is None:
        if required:
            raise Invalid("meterable_units: required")
        return ()
    if not units:
        if required:
            raise Invalid("meterable_units: must name at least one Meterable Unit")
        return ()
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise Invalid(f"meterable_units: {unit.id!r} is listed twice")
        seen.add(unit.id)
    return tuple(units)


def _check_order(
    start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime | None
) -> None:
    if start is not None and end is not None and end <= start:
        raise Invalid("end: must be after start")
    for name, moment in (("start", start), ("end", end)):
        _check_window(name, moment, now)


def _check_window(
    name: str, moment: dt.datetime | None, now: dt.datetime | None
) -> None:
    if moment is None:
        return
    if moment < EARLIEST_TIME:
        raise Invalid(f"{name}: before {EARLIEST_TIME:%Y}, not a time a DSO could mean")
    if now is not None and moment > now + MAX_AHEAD:
        raise Invalid(f"{name}: more than {MAX_AHEAD.days} days ahead")


def _extra(body: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    extra = {key: value for key, value in body.items() if key not in known}
    if extra:
        size = len(
            json.dumps(extra, ensure_ascii=False).encode("utf-8", "surrogatepass")
        )
        if size > MAX_EXTRA_BYTES:
            raise Invalid(
                f"body: unknown fields take {size} bytes, at most {MAX_EXTRA_BYTES} are kept"
            )
    return extra


def extra_fields(raw: Mapping[str, Any], *, legacy: bool) -> dict[str, Any]:
    """Return the unknown fields of a body (the raw body is stored, not its parts twice)."""
    known = LEGACY_START_KNOWN if legacy else V2_KNOWN
    return {key: value for key, value in raw.items() if key not in known}


def parse_instruction(body: Any, now: dt.datetime | None = None) -> Instruction:
    """One v2 instruction object; a cancel needs only its id and ``status: cancelled``."""
    if not isinstance(body, dict):
        raise Invalid("body: must be a JSON object (or an array of them)")
    raw_id = _pick(body, ID_ALIASES)
    if raw_id is _ABSENT:
        raise Invalid("id: required")
    instruction_id = _identifier(raw_id, "id")
    try:
        status = _enum(body, "status", Status, Status.INSTRUCTED)
        instructed = status is Status.INSTRUCTED
        units = _meterable_units(body, required=instructed)
        start = _time_field(body, START_ALIASES, required=instructed)
        end = _time_field(body, END_ALIASES, required=instructed)
        _check_order(start, end, now)
        return Instruction(
            id=instruction_id,
            status=status,
            meterable_units=units,
            start=start,
            end=end,
            product=_optional_string(body, "product"),
            zone=_optional_string(body, "zone"),
            direction=_enum(body, "direction", Direction, Direction.TURN_DOWN),
            issued_at=_time_field(body, ("issued_at",), required=False),
            extra=_extra(body, V2_KNOWN),
            raw=body,
        )
    except Invalid as err:
        err.instruction_id = instruction_id
        raise


def _batch_item(body: Any, now: dt.datetime | None) -> BatchItem:
    try:
        return parse_instruction(body, now)
    except Invalid as err:
        return RejectedItem(err.instruction_id, err.detail)


def parse_v2(body: Any, now: dt.datetime | None = None) -> V2Body:
    """Read a ``v2/dispatch`` body (decoded JSON): one instruction, or a batch of 1–100."""
    if isinstance(body, list):
        if not body:
            raise Invalid("body: an empty batch, send 1 to 100 instructions")
        if len(body) > MAX_BATCH:
            raise BatchTooLargeError(len(body))
        return V2Body(tuple(_batch_item(item, now) for item in body), is_batch=True)
    return V2Body((parse_instruction(body, now),), is_batch=False)


def _legacy_unit(body: Any) -> str:
    """Return the MU a legacy body names (both legacy paths take one object naming one MU)."""
    if not isinstance(body, dict):
        raise Invalid("body: must be a JSON object")
    if body.get("meterable_unit_id") is None:
        raise Invalid("meterable_unit_id: required")
    return _identifier(body["meterable_unit_id"], "meterable_unit_id")


def parse_legacy_start(body: Any, now: dt.datetime | None = None) -> LegacyStart:
    """Read a ``v1/dispatch/start`` body: ``meterable_unit_id`` and ``start`` needed, ``end`` optional."""
    unit_id = _legacy_unit(body)
    start = _pick(body, START_ALIASES, parse_time)
    if start is _ABSENT:
        raise Invalid("start: required")
    end = _time_field(body, END_ALIASES, required=False)
    _check_order(start, end, now)
    return LegacyStart(
        meterable_unit_id=unit_id,
        start=start,
        end=end,
        power_kw=_power(body.get("power_kw"), "power_kw"),
        product=_optional_string(body, "product"),
        zone=_optional_string(body, "zone"),
        direction=_enum(body, "direction", Direction, Direction.TURN_DOWN),
        extra=_extra(body, LEGACY_START_KNOWN),
        raw=body,
    )


def parse_legacy_stop(body: Any, now: dt.datetime | None = None) -> LegacyStop:
    """Read a ``v1/dispatch/stop`` body: ``meterable_unit_id`` needed, ``stop`` time optional (now)."""
    unit_id = _legacy_unit(body)
    stop = _time_field(body, ("stop",), required=False)
    _check_window("stop", stop, now)
    return LegacyStop(unit_id, stop, _extra(body, LEGACY_STOP_KNOWN), body)
