"""Deterministic synthetic metering data for the Switchgrid simulator (and the demo)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
HISTORY_DAYS = 3 * 365


def _noise(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) from its parts."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _winter_factor(day: dt.date) -> float:
    """1 in mid-January, 0 in mid-July."""
    return (1 + math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)) / 2


def gas_record(
    pce: str,
    day: dt.date,
    energy: int,
    volume: int,
    *,
    status: str = "Définitive",
    coefficient: float = 11.2,
    index_end: int | None = None,
) -> dict[str, Any]:
    """One ADICT daily record as GRDF writes it."""
    start = dt.datetime.combine(day, dt.time(6), PARIS)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(6), PARIS)
    return {
        "pce": {"id_pce": pce},
        "consommation": {
            "date_debut_consommation": start.isoformat(),
            "date_fin_consommation": end.isoformat(),
            "journee_gaziere": day.isoformat(),
            "volume_brut": volume,
            "energie": energy,
            "coeff_calcul": {"coeff_conversion": coefficient, "valeur_pcs": None},
            "type_qualif_conso": "Mesuré",
            "statut_conso": status,
            "type_conso": "Informative Journalier",
            "sens_flux_gaz": "Consommation",
        },
        "releve_fin": {"index_brut_fin": {"valeur_index": index_end}},
        "statut_restitution": None,
    }


def synthetic_gas_records(
    pce: str, since: dt.date, until: dt.date, today: dt.date
) -> list[dict[str, Any]]:
    """Daily records for ``since..until`` (inclusive), none after yesterday, about 3 years deep.

    Heating makes winter days ~8x summer days; days of the current month are ``Provisoire``.
    """
    first = max(since, today - dt.timedelta(days=HISTORY_DAYS))
    last = min(until, today - dt.timedelta(days=1))
    month_start = today.replace(day=1)
    records = []
    index = 10_000
    day = first
    while day <= last:
        base = 12 + 85 * _winter_factor(day) ** 1.5
        energy = round(base * (0.8 + 0.4 * _noise(pce, day)))
        volume = round(energy / 11.2)
        index += volume
        status = "Provisoire" if day >= month_start else "Définitive"
        records.append(
            gas_record(pce, day, energy, volume, status=status, index_end=index)
        )
        day += dt.timedelta(days=1)
    return records


def synthetic_load_curve(prm: str, since: dt.date, until: dt.date) -> dict[str, Any]:
    """A 30-minute load curve (average W) from ``since`` 00:00 to ``until`` 00:00 Paris."""
    start = dt.datetime.combine(since, dt.time(0), PARIS)
    end = dt.datetime.combine(until, dt.time(0), PARIS)
    values: list[float | None] = []
    moment = start.astimezone(dt.UTC)
    while moment < end:
        local = moment.astimezone(PARIS)
        hour = local.hour + local.minute / 60
        evening = 900 * math.exp(-(((hour - 19.5) / 1.8) ** 2))
        morning = 500 * math.exp(-(((hour - 7.5) / 1.2) ** 2))
        heating = 600 * _winter_factor(local.date())
        values.append(
            round(
                (250 + evening + morning + heating)
                * (0.85 + 0.3 * _noise(prm, moment)),
                1,
            )
        )
        moment += dt.timedelta(minutes=30)
    return {
        "period": "PT30M",
        "startsAt": start.isoformat(),
        "endsAt": end.isoformat(),
        "values": values,
    }


def daily_from_load_curve(series: dict[str, Any]) -> dict[str, Any]:
    """The daily energy (Wh per local day) of a 30-minute series."""
    start = dt.datetime.fromisoformat(series["startsAt"])
    per_day: dict[dt.date, float] = {}
    for i, value in enumerate(series["values"]):
        local_day = (start + dt.timedelta(minutes=30 * i)).astimezone(PARIS).date()
        per_day[local_day] = per_day.get(local_day, 0.0) + (value or 0.0) / 2
    days = sorted(per_day)
    return {
        "period": "P1D",
        "startsAt": dt.datetime.combine(days[0], dt.time(0), PARIS).isoformat()
        if days
        else series["startsAt"],
        "endsAt": series["endsAt"],
        "values": [round(per_day[d]) for d in days],
    }


DEFAULT_C68 = {
    "situationContractuelle": {
        "structureTarifaire": {
            "puissanceSouscriteMax": {"valeur": 9, "unite": "kVA"},
            "plagesHeuresCreuses": "HC (23H00-7H00)",
        }
    }
}
