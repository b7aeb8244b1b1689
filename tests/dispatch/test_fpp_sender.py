"""The FPP sender (our stand-in for FPP) against GridFlex's real endpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DISPATCH_SECRET
from tests.simulators.fpp_sender import FppSender, parse_duration, v2_instruction

from .conftest import BASE, NOW, Harness


def test_parse_duration() -> None:
    assert parse_duration("1m") == dt.timedelta(minutes=1)
    assert parse_duration("-5m") == dt.timedelta(minutes=-5)
    assert parse_duration("90") == dt.timedelta(seconds=90)
    with pytest.raises(Exception, match="not a duration"):
        parse_duration("soon")


@pytest.mark.parametrize("api_key", [False, True])
async def test_sender_drives_gridflex(harness: Harness, api_key: bool) -> None:
    sender = FppSender(
        harness.client.session,
        str(harness.client.make_url(BASE)),
        DISPATCH_SECRET,
        api_key,
    )
    body = v2_instruction(
        ["MU-1001"],
        NOW - dt.timedelta(minutes=1),
        NOW + dt.timedelta(minutes=5),
        instruction_id="s1",
    )
    status, reply = await sender.dispatch(body)
    assert status == 200 and reply["meterable_units"] == ["MU-1001"]
    await harness.settle()
    assert harness.state("binary_sensor.mu_1001_dispatch_active") == "on"
    assert (await sender.cancel("s1"))[0] == 200
    status, reply = await sender.legacy_start("MU-1002", NOW, None, 2.0)
    assert status == 200
    assert (await sender.legacy_stop("MU-1002"))[1]["stopped"] is True
