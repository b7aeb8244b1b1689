"""Realistic Connected Data Portal rows, built from the spec's columns (text cells, UK clock time)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import datetime as dt
import random
from typing import Any


@dataclass(frozen=True)
class SimZone:
    """One Constraint Managed Zone the simulator knows."""

    code: str
    name: str
    licence_area: str
    product: str
    level: str  # "HV" or "LV"
    substation: str
    service: str = "Demand Turn Down (DTD) / Generation Turn Up (GTU)"
    times: tuple[str, ...] = ("07:00", "07:30", "08:00")


ASHGROVE = SimZone(
    "CMZ_T7B_SWA_0012", "Ashgrove", "South Wales", "SU_HV", "HV", "Ashgrove 33/11kV"
)
# Latin-1 text on purpose: the portal's files carry "£" and accented Welsh names.
PEN_Y_BRYN = SimZone(
    "CMZ_T7B_SWA_4401",
    "Pen-y-Bryn Café Row",
    "South Wales",
    "SU_LV_PM2",
    "LV",
    "Pen-y-Bryn Ysgol £",
    times=("16:00", "16:30", "17:00", "17:30"),
)
MELTON = SimZone(
    "CMZ_T3A_EMD_1043",
    "Melton Road",
    "East Midlands",
    "SAOU_DA",
    "HV",
    "Melton Road 33/11kV",
)
DEFAULT_ZONES = (ASHGROVE, PEN_Y_BRYN, MELTON)
# ("SA1 1AA" stored spaced, "SA2 0QQ" compact: the portal does not say which it uses.)
DEFAULT_POSTCODES: dict[str, tuple[SimZone | None, SimZone | None]] = {
    "SA1 1AA": (ASHGROVE, PEN_Y_BRYN),
    "SA20QQ": (ASHGROVE, None),
    "LE13 0AB": (MELTON, None),
}
CAPACITY_STEPS = ("0", "0.125", "0.25", "0.564", "1.2")


def uk_date(day: dt.date) -> str:
    """``DD/MM/YYYY`` as the portal writes dates."""
    return day.strftime("%d/%m/%Y")


def postcode_row(
    postcode: str, hv: SimZone | None, lv: SimZone | None
) -> dict[str, Any]:
    """One WHERE All Postcodes row (the HV product column spelt as the live file once had it)."""
    row: dict[str, Any] = {"Postcode": postcode, "GSP Name": "Swansea North"}
    for level, zone in (("HV", hv), ("LV", lv)):
        product_column = (
            "HV Zonne Flexibility Product"
            if level == "HV"
            else "LV Zone Flexibility Product"
        )
        row |= {
            f"{level} CMZ Code": zone.code if zone else "",
            f"{level} Zone Name": zone.name if zone else "",
            f"{level} Zone Licence Area": zone.licence_area if zone else "",
            product_column: zone.product if zone else "",
        }
    row |= {
        "Primary Substation Name": hv.substation if hv else "",
        "Primary Substation Number": "512034" if hv else "",
        "Secondary Substation Name": lv.substation if lv else "",
        "Secondary Substation Number": "880417" if lv else "",
    }
    return row


def _add_minutes(clock: str, minutes: int) -> str:
    hours, mins = (int(part) for part in clock.split(":"))
    total = (hours * 60 + mins + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}:00"


def trade_row(
    zone: SimZone,
    week_start: dt.date,
    day: dt.date,
    start: str,
    end: str | None = None,
    *,
    utilisation: str = "7.02",
    capacity: tuple[str, str] = ("0", "0.564"),
) -> dict[str, Any]:
    """One Short Term Trade Parameters row: one delivery period of a weekly trade."""
    opens = week_start - dt.timedelta(days=11)
    closes = week_start - dt.timedelta(days=4)
    return {
        "CMZ Code": zone.code,
        "CMZ Name": zone.name,
        "Trade Opportunity Name": f"W/C {uk_date(week_start)} - Scheduled Utilisation - {zone.name}",
        "Maximum Connection Voltage": "11" if zone.level == "HV" else "0.4",
        "Trade Opening Date": f"{uk_date(opens)} 12:00:00",
        "Trade Closing Date": f"{uk_date(closes)} 12:00:00",
        "Licence Area": zone.licence_area,
        "Flexibility Product": zone.product,
        "Flexibility Programme": "SU",
        "Required Service": zone.service,
        "Availability Ceiling Price": "0",
        "Utilisation Ceiling Price": utilisation,
        "Delivery Date": uk_date(day),
        "Delivery Start Time": f"{start}:00" if start.count(":") == 1 else start,
        "Delivery End Time": end or _add_minutes(start, 30),
        "Minimum Trade Required Capacity": capacity[0],
        "Maximum Trade Required Capacity": capacity[1],
        "Comments": "",  # a column GridFlex does not know: kept, ignored
    }


def week_of_trades(
    zone: SimZone, week_start: dt.date, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """A weekly trade: one row per delivery period on each of its seven days."""
    for offset in range(7):
        day = week_start + dt.timedelta(days=offset)
        for clock in zone.times:
            yield trade_row(
                zone,
                week_start,
                day,
                clock,
                utilisation=f"{rng.choice((5.5, 7.02, 12.4, 18.75, 300)):g}",
                capacity=("0", rng.choice(CAPACITY_STEPS[1:])),
            )


def monday_on_or_after(day: dt.date) -> dt.date:
    """The Monday that starts the week of trades."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def trade_parameters(
    zones: tuple[SimZone, ...], today: dt.date, weeks: int = 2, seed: int = 13
) -> list[dict[str, Any]]:
    """Weekly trades for each zone, starting the week that holds ``today``."""
    rng = random.Random(seed)
    first = today - dt.timedelta(days=today.weekday())
    return [
        row
        for week in range(weeks)
        for zone in zones
        for row in week_of_trades(zone, first + dt.timedelta(weeks=week), rng)
    ]


def clock_change_rows(zone: SimZone) -> list[dict[str, Any]]:
    """Delivery periods on the 2027 spring (28 March) and autumn (31 October) clock changes."""
    spring, autumn = dt.date(2027, 3, 28), dt.date(2027, 10, 31)
    spring_week, autumn_week = dt.date(2027, 3, 22), dt.date(2027, 10, 25)
    return [
        # 00:30-02:30 on the wall clock is one real hour: 01:00-02:00 never happens.
        trade_row(zone, spring_week, spring, "00:30", "02:30:00"),
        # The first 01:30 (BST) to 02:00 (GMT): 90 real minutes.
        trade_row(zone, autumn_week, autumn, "01:30", "02:00:00"),
        trade_row(zone, autumn_week, autumn, "07:00"),
    ]


def bulk_trade_parameters(rows: int, zone_count: int = 40) -> list[dict[str, Any]]:
    """A large resource for the bench: ``rows`` delivery periods spread over many zones."""
    rng = random.Random(20000)
    zones = [
        SimZone(
            f"CMZ_T{n % 9}X_BEN_{n:04d}",
            f"Bench zone {n}",
            "West Midlands",
            "SU_HV",
            "HV",
            f"Bench {n}",
            times=tuple(f"{h:02d}:{m:02d}" for h in range(6, 22) for m in (0, 30)),
        )
        for n in range(zone_count)
    ]
    out: list[dict[str, Any]] = []
    week = dt.date(2026, 11, 30)
    while len(out) < rows:
        for zone in zones:
            out.extend(week_of_trades(zone, week, rng))
        week += dt.timedelta(weeks=1)
    return out[:rows]


def trade_result_rows(
    zone: SimZone, week_start: dt.date, offers: tuple[tuple[str, str, str, str], ...]
) -> list[dict[str, Any]]:
    """Trade Results Summary rows of one past trade: (company, outcome, accepted kW, £/MWh)."""
    closes = week_start - dt.timedelta(days=4)
    return [
        {
            "CMZ Code": zone.code,
            "Flexibility Product": zone.product,
            "Trade Opportunity Name": f"W/C {uk_date(week_start)} - Scheduled Utilisation - {zone.name}",
            "Trade Windows": "Weekdays 07:00-08:30",
            "Delivery Start Date": uk_date(week_start),
            "Delivery End Date": uk_date(week_start + dt.timedelta(days=6)),
            "Service Days": "Mon-Sun",
            "Earliest Start Time": "07:00",
            "Latest End Time": "08:30",
            "Peak Tendered Capacity": "0.564",
            "Trade Open Date": uk_date(closes - dt.timedelta(days=7)),
            "Trade Close Date": f"{uk_date(closes)} 12:00:00",
            "Company Name": company,
            "Offered Capacity [kW]": accepted or "250",
            "Trade Outcome": outcome,
            "Accepted Capacity [kW]": accepted,
            "Awarded Availability Price": "0",
            "Awarded Utilisation Price": price,
            "Technology Type": "Domestic battery",
        }
        for company, outcome, accepted, price in offers
    ]


def default_results(today: dt.date) -> list[dict[str, Any]]:
    """Two past trades in Ashgrove (the later one is 'latest') and one in Pen-y-Bryn."""
    this_week = today - dt.timedelta(days=today.weekday())
    older, latest = this_week - dt.timedelta(weeks=2), this_week - dt.timedelta(weeks=1)
    return [
        *trade_result_rows(
            ASHGROVE, older, (("Octopus Energy", "Accepted", "100", "6.00"),)
        ),
        *trade_result_rows(
            ASHGROVE,
            latest,
            (
                ("Octopus Energy", "Accepted", "180", "6.50"),
                ("Énergie Flex Ltd", "Accepted", "95.5", "7.00"),
                ("Flexitricity", "Rejected", "", ""),
                ("Axle Energy", "No response received", "", ""),
            ),
        ),
        *trade_result_rows(
            PEN_Y_BRYN, latest, (("Octopus Energy", "Accepted", "40", "£12.40"),)
        ),
    ]
