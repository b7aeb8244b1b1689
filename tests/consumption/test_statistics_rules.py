"""The spec's long-term statistics rules, unit by unit."""

from __future__ import annotations

import datetime as dt

from custom_components.gridflex.api.switchgrid.models import GasDayRecord, MeterSeries
from custom_components.gridflex.consumption.statistics_rules import (
    PARIS,
    StatRow,
    electricity_window_start,
    gas_day_start,
    gas_hourly,
    gas_window_start,
    local_midnight,
    plan_rows,
    select_gas_days,
    series_hourly,
)

UTC = dt.UTC


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def _record(
    day: dt.date, energy: float | None, status: str = "Provisoire"
) -> GasDayRecord:
    return GasDayRecord(
        pce="01427641080000",
        gas_day=day,
        energy_kwh=energy,
        volume_m3=None if energy is None else energy / 10,
        conversion_coefficient=11.2,
        status=status,
        qualification="Mesuré",
    )


def _curve(
    start_local: dt.datetime, values: list[float | None], minutes: int = 30
) -> MeterSeries:
    return MeterSeries(
        prm="00046372994792",
        period=dt.timedelta(minutes=minutes),
        starts_at=start_local,
        ends_at=None,
        values=tuple(values),
    )


def test_gas_day_goes_in_the_hour_starting_0600_paris() -> None:
    assert gas_day_start(dt.date(2025, 1, 14)) == _utc(2025, 1, 14, 5)
    assert gas_day_start(dt.date(2025, 7, 14)) == _utc(2025, 7, 14, 4)
    # DST days: 06:00 local exists on both
    assert gas_day_start(dt.date(2026, 3, 29)) == _utc(2026, 3, 29, 4)
    assert gas_day_start(dt.date(2026, 10, 25)) == _utc(2026, 10, 25, 5)


def test_definitive_beats_provisoire_else_later_received() -> None:
    day = dt.date(2026, 1, 5)
    prov, defin = _record(day, 120), _record(day, 118, "Définitive")
    assert select_gas_days([prov, defin])[day].energy_kwh == 118
    assert select_gas_days([defin, prov])[day].energy_kwh == 118
    assert select_gas_days([prov, _record(day, 121)])[day].energy_kwh == 121
    later_def = _record(day, 117, "Definitive")
    assert select_gas_days([defin, later_def])[day].energy_kwh == 117


def test_gas_hourly_skips_days_without_value() -> None:
    days = select_gas_days(
        [_record(dt.date(2026, 1, 1), 50), _record(dt.date(2026, 1, 2), None)]
    )
    assert gas_hourly(days, lambda r: r.energy_kwh) == {_utc(2026, 1, 1, 5): 50}
    assert gas_hourly(days, lambda r: r.volume_m3) == {_utc(2026, 1, 1, 5): 5}


def test_load_curve_summed_per_hour_after_shift_to_start() -> None:
    # 00:00-00:30 at 1000 W, 00:30-01:00 at 2000 W, 01:00-01:30 gap, 01:30-02:00 at 400 W
    start = dt.datetime(2026, 1, 10, 0, 0, tzinfo=PARIS)
    rows = series_hourly(_curve(start, [1000, 2000, None, 400, None, None]))
    assert rows == {_utc(2026, 1, 9, 23): 1.5, _utc(2026, 1, 10, 0): 0.2}


def test_spring_dst_day_has_46_half_hours_and_23_rows() -> None:
    start = dt.datetime(2026, 3, 29, 0, 0, tzinfo=PARIS)
    rows = series_hourly(_curve(start, [1000.0] * 46))
    assert len(rows) == 23
    assert min(rows) == _utc(2026, 3, 28, 23)
    assert max(rows) == _utc(2026, 3, 29, 21)
    assert set(rows.values()) == {1.0}
    assert local_midnight(dt.date(2026, 3, 30)) == max(rows) + dt.timedelta(hours=1)


def test_autumn_dst_day_has_50_half_hours_and_25_rows() -> None:
    start = dt.datetime(2026, 10, 25, 0, 0, tzinfo=PARIS)
    values: list[float | None] = [float(i) for i in range(50)]
    rows = series_hourly(_curve(start, values))
    assert len(rows) == 25
    # the two 02:00 local hours are distinct UTC hours
    assert rows[_utc(2026, 10, 25, 0)] == (4 + 5) / 2 / 1000
    assert rows[_utc(2026, 10, 25, 1)] == (6 + 7) / 2 / 1000
    assert max(rows) == _utc(2026, 10, 25, 22)


def test_hourly_series_and_daily_series() -> None:
    start = dt.datetime(2026, 1, 10, 0, 0, tzinfo=PARIS)
    assert series_hourly(_curve(start, [500, None], minutes=60)) == {
        _utc(2026, 1, 9, 23): 0.5
    }
    daily = MeterSeries(
        prm="x",
        period=dt.timedelta(days=1),
        starts_at=dt.datetime(2026, 3, 28, tzinfo=PARIS),
        ends_at=None,
        values=(10_000, None, 12_000),
    )
    assert series_hourly(daily) == {
        _utc(2026, 3, 27, 23): 10.0,
        _utc(2026, 3, 29, 22): 12.0,  # 2026-03-30 00:00 CEST
    }


def test_windows() -> None:
    assert gas_window_start(dt.date(2026, 2, 10)) == gas_day_start(dt.date(2026, 1, 6))
    assert electricity_window_start(_utc(2026, 4, 2, 21)) == _utc(2026, 3, 25, 23)
    # the newest hour is 23:00 local on April 2nd (UTC 21:00): the local day counts
    assert electricity_window_start(_utc(2026, 4, 2, 22)) == _utc(2026, 3, 26, 23)


def test_first_import_takes_everything_from_zero() -> None:
    received = {_utc(2026, 1, 1, 5): 10.0, _utc(2026, 1, 2, 5): 20.0}
    assert plan_rows(received, window_start=None, sum_before=0, stored={}) == [
        StatRow(_utc(2026, 1, 1, 5), 10.0, 10.0),
        StatRow(_utc(2026, 1, 2, 5), 20.0, 30.0),
    ]


def test_window_continues_sum_and_keeps_stored_values() -> None:
    h = [_utc(2026, 1, d, 5) for d in range(1, 6)]
    stored = {h[2]: 30.0, h[3]: 40.0, h[4]: 50.0}
    received = {h[1]: 999.0, h[2]: 31.0, h[4]: 55.0}  # h[3] missing now: keeps 40
    rows = plan_rows(received, window_start=h[2], sum_before=100.0, stored=stored)
    assert rows == [
        StatRow(h[2], 31.0, 131.0),
        StatRow(h[3], 40.0, 171.0),
        StatRow(h[4], 55.0, 226.0),
    ]
