"""Pure reading computation: minute averages and half-hourly energy."""

from __future__ import annotations

import datetime as dt

import pytest

from custom_components.gridflex.readings.compute import (
    CounterRef,
    floor_to,
    half_hour_energy_from_counter,
    half_hour_energy_from_power,
    minute_power,
)


def ts(
    hour: int, minute: int, second: float = 0, day: int = 15, month: int = 1
) -> float:
    base = dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC).timestamp()
    return base + second


def utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def test_step_change_mid_minute_is_time_weighted() -> None:
    samples = [(ts(16, 59, 30), 1.0), (ts(17, 0, 15), 3.0)]
    readings = minute_power(samples, int(ts(17, 0)), int(ts(17, 2)))
    assert [(utc(r.end), r.value, r.partial) for r in readings] == [
        (utc(ts(17, 1)), pytest.approx(2.5), False),
        (utc(ts(17, 2)), pytest.approx(3.0), False),
    ]


def test_many_changes_in_a_minute() -> None:
    samples = [(ts(17, 0, s), float(s)) for s in range(0, 60, 10)]
    (reading,) = minute_power(samples, int(ts(17, 0)), int(ts(17, 1)))
    assert reading.value == pytest.approx(25.0)


def test_unknown_minutes_yield_nothing_and_partial_minutes_are_flagged() -> None:
    samples = [
        (ts(17, 0), 2.0),
        (ts(17, 0, 20), None),
        (ts(17, 0, 40), 4.0),
        (ts(17, 1, 0), None),
        (ts(17, 3, 30), -1.0),
    ]
    readings = minute_power(samples, int(ts(17, 0)), int(ts(17, 4)))
    assert [(utc(r.end), r.value, r.known_seconds) for r in readings] == [
        (utc(ts(17, 1)), pytest.approx(3.0), pytest.approx(40)),
        (utc(ts(17, 4)), pytest.approx(-1.0), pytest.approx(30)),
    ]
    assert all(r.partial for r in readings)


def test_no_state_before_the_window_means_unknown() -> None:
    assert minute_power([], int(ts(17, 0)), int(ts(17, 5))) == []
    samples = [(ts(17, 0, 30), 1.0)]
    (reading,) = minute_power(samples, int(ts(17, 0)), int(ts(17, 1)))
    assert reading.known_seconds == pytest.approx(30)
    assert minute_power(samples, int(ts(17, 1)), int(ts(17, 1))) == []


def test_samples_after_the_window_are_ignored() -> None:
    samples = [(ts(17, 0), 1.0), (ts(17, 1), 9.0), (ts(17, 1, 30), 7.0)]
    (reading,) = minute_power(samples, int(ts(17, 0)), int(ts(17, 1)))
    assert reading.value == 1.0


@pytest.mark.parametrize(
    ("day", "month"), [(29, 3), (25, 10)], ids=["uk_spring_forward", "uk_fall_back"]
)
def test_boundaries_across_uk_dst_changes_are_plain_utc(day: int, month: int) -> None:
    # 01:00Z is when the UK clocks change; UTC periods are unaffected.
    start = int(ts(0, 0, day=day, month=month))
    end = int(ts(2, 0, day=day, month=month))
    samples = [(float(start - 5), 2.0)]
    minutes = minute_power(samples, start, end)
    assert len(minutes) == 120
    assert utc(minutes[59].end) == dt.datetime(2026, month, day, 1, 0, tzinfo=dt.UTC)
    halves = half_hour_energy_from_power(samples, start, end)
    assert [utc(h.end).strftime("%H:%M") for h in halves] == [
        "00:30",
        "01:00",
        "01:30",
        "02:00",
    ]
    assert all(h.value == pytest.approx(1.0) for h in halves)
    counter = [(float(start), 100.0), (float(end), 104.0)]
    energy, _ = half_hour_energy_from_counter(counter, start, end)
    assert [e.value for e in energy] == pytest.approx([1.0] * 4)


def test_energy_from_power_integrates_known_time_only() -> None:
    samples = [(ts(17, 0), 4.0), (ts(17, 15), None), (ts(17, 45), -2.0)]
    readings = half_hour_energy_from_power(samples, int(ts(17, 0)), int(ts(18, 30)))
    assert [(utc(r.end), r.value, r.partial) for r in readings] == [
        (utc(ts(17, 30)), pytest.approx(1.0), True),
        (utc(ts(18, 0)), pytest.approx(-0.5), True),
        (utc(ts(18, 30)), pytest.approx(-1.0), False),
    ]


def test_counter_is_interpolated_linearly_at_boundaries() -> None:
    samples = [(ts(16, 50), 10.0), (ts(17, 10), 12.0), (ts(17, 50), 13.0)]
    readings, ref = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(17, 30))
    )
    # Counter at 17:00 = 11.0 (between 10 @16:50 and 12 @17:10); at 17:30 = 12.5.
    assert [r.value for r in readings] == pytest.approx([1.5])
    # Carried on from the last counted sample at or before 17:30.
    assert ref == CounterRef(ts(17, 10), 12.0, int(ts(17, 30)))
    more, ref2 = half_hour_energy_from_counter(
        samples, int(ts(17, 30)), int(ts(18, 0)), ref
    )
    assert more == []  # no sample at or after 18:00 yet: it waits
    assert ref2 == ref
    samples.append((ts(18, 10), 13.0))
    more, ref2 = half_hour_energy_from_counter(
        samples, int(ts(17, 30)), int(ts(18, 0)), ref
    )
    assert [r.value for r in more] == pytest.approx([0.5])
    assert ref2 == CounterRef(ts(17, 50), 13.0, int(ts(18, 0)))


def test_half_hour_waits_for_a_sample_at_or_after_its_end() -> None:
    # A slow counter (every 20 minutes): nothing is held flat, nothing extrapolated.
    samples = [(ts(16, 50), 10.0), (ts(17, 10), 12.0)]
    first, ref = half_hour_energy_from_counter(samples, int(ts(17, 0)), int(ts(17, 30)))
    assert first == []
    assert ref == CounterRef(ts(16, 50), 10.0, int(ts(17, 0)))
    samples.append((ts(17, 30), 13.0))  # exactly at the end closes it
    second, ref = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(18, 0)), ref
    )
    assert [(utc(r.end), r.value) for r in second] == [
        (utc(ts(17, 30)), pytest.approx(2.0))
    ]
    assert ref == CounterRef(ts(17, 30), 13.0, int(ts(17, 30)))


def test_constant_power_from_a_counter_every_7_minutes_is_exact() -> None:
    # 3 kW for hours, counter in kWh every 7 minutes: every half-hour is 1.5 kWh.
    start = ts(10, 58)
    samples = [(start + 420 * i, round(100 + 0.35 * i, 2)) for i in range(40)]
    readings, _ = half_hour_energy_from_counter(samples, int(ts(11, 0)), int(ts(15, 0)))
    assert [round(r.value, 3) for r in readings] == [1.5] * 8


def test_counter_reset_counts_from_zero_and_glitch_is_ignored() -> None:
    samples = [
        (ts(17, 0), 100.0),
        (ts(17, 10), 101.0),
        (ts(17, 20), 0.5),  # reset (drop > 10 %): 0.5 counted
        (ts(17, 40), 2.0),
        (ts(17, 45), 1.9),  # glitch: ignored
        (ts(17, 50), 1.95),  # still below 2.0: ignored
        (ts(17, 55), 2.5),  # passes 2.0 again: +0.5 spread from 17:40
        (ts(18, 0), 2.5),
    ]
    readings, ref = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(18, 0))
    )
    # +1 and the reset's +0.5 before 17:30; 0.5 -> 2.0 spread over 17:20-17:40; +0.5.
    assert [r.value for r in readings] == pytest.approx([2.25, 1.25])
    assert ref == CounterRef(ts(18, 0), 2.5, int(ts(18, 0)))


@pytest.mark.parametrize(
    ("before", "after", "reset"),
    [(1.39, 1.251, False), (1.39, 1.2509, True), (139.0, 125.1, False), (10, 9, False)],
)
def test_a_drop_of_exactly_10_percent_is_a_glitch(
    before: float, after: float, reset: bool
) -> None:
    samples = [(ts(17, 0), before), (ts(17, 10), after), (ts(17, 30), before + 1)]
    readings, _ = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(17, 30))
    )
    # A glitch waits for the counter to pass its old value; a reset counts from zero.
    assert [r.value for r in readings] == pytest.approx([before + 1 if reset else 1])


def test_a_glitch_does_not_close_a_half_hour() -> None:
    # Below the last counted value it is ignored, so it is no known sample either.
    samples = [(ts(17, 0), 2.0), (ts(17, 35), 1.9)]
    assert half_hour_energy_from_counter(samples, int(ts(17, 0)), int(ts(17, 30))) == (
        [],
        CounterRef(ts(17, 0), 2.0, int(ts(17, 0))),
    )


def test_rise_across_an_unknown_span_is_spread_over_it() -> None:
    samples = [
        (ts(17, 0), 10.0),
        (ts(17, 10), None),
        (ts(17, 40), 12.0),  # back: +2 spread over 17:00-17:40
        (ts(18, 0), 12.5),
    ]
    readings, _ = half_hour_energy_from_counter(samples, int(ts(17, 0)), int(ts(18, 0)))
    assert [r.value for r in readings] == pytest.approx([1.5, 1.0])
    # A reset inside the gap: the new value counts from zero, spread the same way.
    reset = [(ts(17, 0), 100.0), (ts(17, 5), None), (ts(18, 0), 3.0)]
    readings, _ = half_hour_energy_from_counter(reset, int(ts(17, 0)), int(ts(18, 0)))
    assert [r.value for r in readings] == pytest.approx([1.5, 1.5])


def test_half_hour_in_which_the_counter_first_appears_is_not_sent() -> None:
    samples = [
        (ts(17, 10), 3.0),
        (ts(17, 20), None),
        (ts(17, 50), 4.0),
        (ts(18, 5), 5.0),
    ]
    readings, ref = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(18, 30))
    )
    assert [(utc(r.end), r.value) for r in readings] == [
        (utc(ts(18, 0)), pytest.approx(0.5 + 2 / 3))
    ]
    assert ref == CounterRef(ts(17, 50), 4.0, int(ts(18, 0)))
    # Never known, or only unknown: nothing, and nothing to carry on.
    assert half_hour_energy_from_counter([], int(ts(17, 0)), int(ts(17, 30))) == (
        [],
        None,
    )
    unknown = [(ts(16, 0), None)]
    assert half_hour_energy_from_counter(unknown, int(ts(17, 0)), int(ts(17, 30))) == (
        [],
        None,
    )
    # Known only inside the last half-hour: it waits at the next boundary.
    _, ref = half_hour_energy_from_counter(
        [(ts(17, 10), 3.0), (ts(17, 20), 3.5)], int(ts(17, 0)), int(ts(17, 30))
    )
    assert ref == CounterRef(ts(17, 20), 3.5, int(ts(17, 30)))


def test_counter_samples_past_the_window_stop_it() -> None:
    samples = [(ts(17, 0), 1.0), (ts(17, 40), 2.0), (ts(18, 40), 4.0)]
    readings, ref = half_hour_energy_from_counter(
        samples, int(ts(17, 0)), int(ts(17, 30))
    )
    assert [r.value for r in readings] == pytest.approx([0.75])
    assert ref == CounterRef(ts(17, 0), 1.0, int(ts(17, 30)))
    # Carrying on gives the rest of the same rise: nothing lost, nothing twice.
    more, _ = half_hour_energy_from_counter(
        samples, int(ts(17, 30)), int(ts(18, 30)), ref
    )
    assert [r.value for r in more] == pytest.approx([0.25 + 2 / 3, 1.0])


def test_floor_to() -> None:
    assert floor_to(ts(17, 29, 59.9), 1800) == ts(17, 0)
