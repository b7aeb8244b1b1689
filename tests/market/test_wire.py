"""The Market Gateway proposal's parsers: tolerant of spellings, types and shapes."""

from __future__ import annotations

import datetime as dt

from custom_components.gridflex.api.market_gateway.wire import (
    field_errors,
    parse_award,
    parse_baseline,
    parse_meterable_unit,
    parse_opportunity,
    parse_response,
    response_body,
)


def test_meterable_unit_spellings_and_types() -> None:
    unit = parse_meterable_unit(
        {"id": 1001, "products": "OU_15", "maxImportKw": "5.5", "maxExportKw": True}
    )
    assert unit is not None
    assert (unit.id, unit.name, unit.products) == ("1001", "1001", ("OU_15",))
    assert (unit.max_import_kw, unit.max_export_kw) == (5.5, None)
    odd = parse_meterable_unit(
        {"id": "MU", "maxImportKw": "lots", "products": {"a": 1}}
    )
    assert odd is not None and odd.max_import_kw is None and odd.products == ()
    assert parse_meterable_unit({"name": "no id", "id": " "}) is None


def test_baseline_days_as_names_or_numbers() -> None:
    point = parse_baseline({"dayOfWeek": 7, "localTime": "23:30", "powerKw": -1}, "MU")
    assert point is not None
    assert (point.meterable_unit_id, point.day_of_week, point.local_time) == (
        "MU",
        6,
        dt.time(23, 30),
    )
    assert parse_baseline(
        {"dayOfWeek": " monday ", "localTime": "00:00", "powerKw": 0}, "MU"
    )
    assert (
        parse_baseline({"dayOfWeek": 8, "localTime": "00:00", "powerKw": 0}, "MU")
        is None
    )
    assert (
        parse_baseline({"dayOfWeek": True, "localTime": "00:00", "powerKw": 0}, "MU")
        is None
    )
    assert (
        parse_baseline({"dayOfWeek": 1, "localTime": "noon", "powerKw": 0}, "MU")
        is None
    )
    assert parse_baseline({"dayOfWeek": 1, "localTime": "12:00"}, "MU") is None


def test_opportunity_and_award_without_windows_or_ids() -> None:
    opportunity = parse_opportunity(
        {"id": "O", "windows": "none", "tradeClosingDate": 5}
    )
    assert opportunity is not None
    assert opportunity.windows == () and opportunity.closing is None
    assert opportunity.is_open(dt.datetime.now(dt.UTC))
    windows = parse_opportunity(
        {"id": "O", "windows": [{"deliveryPeriods": [1, {"startDate": "2026-01-01"}]}]}
    )
    assert windows is not None and windows.windows[0].id == "1"
    assert windows.windows[0].delivery_periods == ()
    assert parse_opportunity({"name": "x"}) is None
    award = parse_award({"id": "A", "windows": [], "awardedCapacityMw": "0.5"})
    assert award is not None and award.awarded_capacity_mw == 0.5
    assert award.delivery_periods == []
    assert parse_award({}) is None
    assert parse_response({"status": "x"}) is None


def test_edit_body_and_field_errors() -> None:
    assert response_body("O", "MU", [], "TR-1")["tradeResponseId"] == "TR-1"
    assert field_errors({"errors": [{"field": "a"}, "b"]}) == [("a", "")]
    assert field_errors("nope") == []
