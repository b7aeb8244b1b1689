"""Inbound FPP dispatch (proposal contract): typed instructions and their one parser."""

from .models import (
    MAX_BATCH,
    MAX_BODY_BYTES,
    MAX_ID_LENGTH,
    BatchItem,
    BatchTooLargeError,
    Direction,
    Instruction,
    InvalidInstructionError,
    LegacyStart,
    LegacyStop,
    MeterableUnitPower,
    RejectedItem,
    Status,
    V2Body,
)
from .parser import (
    decode_json,
    parse_instruction,
    parse_legacy_start,
    parse_legacy_stop,
    parse_time,
    parse_v2,
)

__all__ = [
    "MAX_BATCH",
    "MAX_BODY_BYTES",
    "MAX_ID_LENGTH",
    "BatchItem",
    "BatchTooLargeError",
    "Direction",
    "Instruction",
    "InvalidInstructionError",
    "LegacyStart",
    "LegacyStop",
    "MeterableUnitPower",
    "RejectedItem",
    "Status",
    "V2Body",
    "decode_json",
    "parse_instruction",
    "parse_legacy_start",
    "parse_legacy_stop",
    "parse_time",
    "parse_v2",
]
