"""Typed views of Switchgrid replies. Unknown fields stay in ``raw``; unknown enum values stay strings."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any


class AskStatus(StrEnum):
    """Known states of a consent Ask (an unknown one is kept as a plain string)."""

    CREATED = "CREATED"
    PENDING_ADDRESS_CHECK = "PENDING_ADDRESS_CHECK"
    ADDRESS_CHECK_FAILED = "ADDRESS_CHECK_FAILED"
    PREPARING_CONSENT_COLLECTION = "PREPARING_CONSENT_COLLECTION"
    PENDING_USER_ACTION = "PENDING_USER_ACTION"
    ACCEPTED = "ACCEPTED"
    NOT_VALID = "NOT_VALID"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


# Asks that can never become ACCEPTED again: a new one must be created.
FINAL_ASK_STATUSES = frozenset(
    {
        AskStatus.ADDRESS_CHECK_FAILED,
        AskStatus.NOT_VALID,
        AskStatus.REVOKED,
        AskStatus.EXPIRED,
    }
)


class RequestStatus(StrEnum):
    """Known states of one request inside an order."""

    NOT_STARTED = "NOT_STARTED"
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class Holder:
    """Contract holder: a person (``full_name``) or a company (``name``)."""

    full_name: str | None = None
    company_name: str | None = None
    other_names: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the ``holder`` object of an inline contract."""
        if self.company_name is not None:
            return {
                "_tag": "LegalEntity",
                "name": self.company_name,
                "otherNames": self.other_names or "",
            }
        return {"_tag": "NaturalPerson", "fullName": self.full_name or ""}


@dataclass(frozen=True, slots=True)
class InlineContract:
    """A contract described in the Ask itself (always so for gas)."""

    energy_type: str
    delivery_point_id: str
    holder: Holder
    street: str
    postcode: str
    city: str

    def as_json(self) -> dict[str, Any]:
        """Return the contract object of ``POST /v0_1/ask``."""
        return {
            "_energyType": self.energy_type,
            "deliveryPointId": self.delivery_point_id,
            "holder": self.holder.as_json(),
            "address": {
                "rueEtNumero": self.street,
                "codePostal": self.postcode,
                "commune": self.city,
            },
        }


@dataclass(frozen=True, slots=True)
class AskContract:
    """One contract of an Ask as Switchgrid reports it."""

    delivery_point_id: str
    energy_type: str | None
    status: str | None


@dataclass(frozen=True, slots=True)
class Ask:
    """A consent request and its state."""

    id: str
    status: str
    created_at: dt.datetime | None
    accepted_at: dt.datetime | None
    user_url: str | None
    contracts: tuple[AskContract, ...]
    consent_duration: str | None = None
    expires_at: dt.datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def covers(self, delivery_point_id: str) -> bool:
        """Whether this Ask is about the given delivery point."""
        return any(c.delivery_point_id == delivery_point_id for c in self.contracts)


@dataclass(frozen=True, slots=True)
class AskPage:
    """One page of ``GET /v0_1/ask``."""

    skip: int
    limit: int
    total: int
    items: tuple[Ask, ...]


@dataclass(frozen=True, slots=True)
class EnedisContract:
    """One result of ``search_contract``."""

    id: str
    prm: str
    holder_name: str | None
    customer_category: str | None
    address_lines: tuple[str, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One request of an order (a load curve, a C68, GRDF records...)."""

    id: str
    type: str
    status: str
    ordered_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    error_message: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """An order and the state of its requests."""

    id: str
    status: str
    requests: tuple[OrderRequest, ...]


@dataclass(frozen=True, slots=True)
class MeterSeries:
    """
    A regular series of one PRM: ``values[i]`` covers ``[starts_at + i*period, starts_at + (i+1)*period)``.

    For a load curve, values are average power in W and ``None`` is a gap.
    For a daily series (``period`` one day), values are the day's energy in Wh.
    """

    prm: str
    period: dt.timedelta
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class RestitutionError:
    """A GRDF functional error (``statut_restitution``)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class GasDayRecord:
    """One ADICT daily record (energy in kWh, volume in m³)."""

    pce: str
    gas_day: dt.date
    energy_kwh: float | None
    volume_m3: float | None
    conversion_coefficient: float | None
    status: str | None
    qualification: str | None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    index_end: float | None = None


@dataclass(frozen=True, slots=True)
class GrdfReply:
    """Daily records of a GRDF order, and the functional errors that came with them."""

    records: tuple[GasDayRecord, ...]
    errors: tuple[RestitutionError, ...]


@dataclass(frozen=True, slots=True)
class ContractData:
    """C68 contract data of a PRM (a proposal: Switchgrid's C68 JSON is read tolerantly)."""

    prm: str
    subscribed_power_kva: float | None
    off_peak_hours: str | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class DemandResponseEvent:
    """One Switchgrid grid-flexibility event."""

    event_id: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str | None
