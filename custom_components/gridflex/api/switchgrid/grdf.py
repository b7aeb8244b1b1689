"""GRDF ADICT daily records: parsing, tolerant of shapes (the reply shape is a proposal)."""

from __future__ import annotations

from collections.abc import Iterator
import datetime as dt
from typing import Any

from ..errors import ContractError
from ..fields import as_number
from .fields import as_text, delivery_point_id, parse_datetime
from .models import GasDayRecord, GrdfReply, RestitutionError


def _record_dicts(body: Any) -> Iterator[dict[str, Any]]:
    """Every ADICT record in a reply: a list, or a list under a usual key, or per PCE."""
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict):
                yield item
        return
    if not isinstance(body, dict):
        raise ContractError("GRDF data is neither a list nor an object")
    if "consommation" in body or "statut_restitution" in body:
        yield body
        return
    for key in ("data", "records", "items", "donnees"):
        if isinstance(body.get(key), list):
            yield from _record_dicts(body[key])
            return
    for value in body.values():
        if isinstance(value, list):
            yield from _record_dicts(value)


def _gas_day(conso: dict[str, Any]) -> dt.date | None:
    day = as_text(conso.get("journee_gaziere"))
    if day:
        try:
            return dt.date.fromisoformat(day[:10])
        except ValueError:
            pass
    start = parse_datetime(conso.get("date_debut_consommation"))
    return start.date() if start else None


def _restitution_error(raw: Any) -> RestitutionError | None:
    if raw is None or raw == {}:
        return None
    if isinstance(raw, dict):
        code = as_text(raw.get("code")) or "unknown"
        message = as_text(raw.get("message")) or as_text(raw.get("libelle")) or code
        return RestitutionError(code=code, message=message)
    return RestitutionError(code="unknown", message=str(raw))


def parse_record(raw: dict[str, Any]) -> GasDayRecord | RestitutionError | None:
    """One ADICT record: a day of consumption, a functional error, or None when unusable."""
    if (error := _restitution_error(raw.get("statut_restitution"))) is not None:
        return error
    conso = raw.get("consommation")
    if not isinstance(conso, dict):
        return None
    day = _gas_day(conso)
    if day is None:
        return None
    pce_raw = raw.get("pce")
    pce = pce_raw.get("id_pce") if isinstance(pce_raw, dict) else pce_raw
    coeff = conso.get("coeff_calcul")
    index = (raw.get("releve_fin") or {}).get("index_brut_fin")
    return GasDayRecord(
        pce=delivery_point_id(pce) if pce is not None else "",
        gas_day=day,
        energy_kwh=as_number(conso.get("energie")),
        volume_m3=as_number(conso.get("volume_brut")),
        conversion_coefficient=as_number(coeff.get("coeff_conversion"))
        if isinstance(coeff, dict)
        else None,
        status=as_text(conso.get("statut_conso")),
        qualification=as_text(conso.get("type_qualif_conso")),
        starts_at=parse_datetime(conso.get("date_debut_consommation")),
        ends_at=parse_datetime(conso.get("date_fin_consommation")),
        index_end=as_number(index.get("valeur_index"))
        if isinstance(index, dict)
        else None,
    )


def parse_grdf_records(body: Any) -> GrdfReply:
    """All records of a GRDF reply (order data or the POST reply itself)."""
    records: list[GasDayRecord] = []
    errors: list[RestitutionError] = []
    for raw in _record_dicts(body):
        parsed = parse_record(raw)
        if isinstance(parsed, GasDayRecord):
            records.append(parsed)
        elif isinstance(parsed, RestitutionError):
            errors.append(parsed)
    return GrdfReply(records=tuple(records), errors=tuple(errors))


def is_record_list(body: Any) -> bool:
    """Whether a ``donnees-informatives`` reply already holds the records (not an order)."""
    if isinstance(body, list):
        return True
    return isinstance(body, dict) and not (
        "id" in body and isinstance(body.get("requests"), list)
    )
