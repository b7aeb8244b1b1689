"""FPP and Switchgrid token checks against the real simulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
import datetime as dt

from aiohttp import ClientSession
import pytest

from custom_components.gridflex.api.errors import AuthError, TemporaryError
from custom_components.gridflex.api.fpp import FppClient
from custom_components.gridflex.api.switchgrid import SwitchgridClient
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.test_config_flow import header


@pytest.fixture
async def session() -> AsyncIterator[ClientSession]:
    async with ClientSession() as client_session:
        yield client_session


async def test_fpp_token_check_asks_for_the_last_day_in_utc(
    session: ClientSession, fpp_sim: FppSimulator
) -> None:
    client = FppClient(session, fpp_sim.token, fpp_sim.url + "/")
    now = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    await client.async_validate_token(now)
    (check,) = fpp_sim.requests_to("/utilisation-events", "GET")
    assert check.path == "/api/participant/utilisation-events"
    assert check.query == {"from": "2026-03-28T01:30:00Z", "to": "2026-03-29T01:30:00Z"}
    assert header(check.headers, "Authorization") == f"Bearer {fpp_sim.token}"
    assert header(check.headers, "Accept") == "application/json"


async def test_fpp_token_check_without_a_time_uses_now(
    session: ClientSession, fpp_sim: FppSimulator
) -> None:
    await FppClient(session, fpp_sim.token, fpp_sim.url).async_validate_token()
    (check,) = fpp_sim.requests_to("/utilisation-events")
    sent = dt.datetime.fromisoformat(check.query["to"])
    assert abs(sent - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


async def test_fpp_wrong_token_and_naive_time(
    session: ClientSession, fpp_sim: FppSimulator
) -> None:
    with pytest.raises(AuthError):
        await FppClient(session, "wrong", fpp_sim.url).async_validate_token()
    with pytest.raises(ValueError, match="naive"):
        await FppClient(session, fpp_sim.token, fpp_sim.url).async_validate_token(
            dt.datetime(2026, 1, 1)
        )


async def test_fpp_slow_portal_is_temporary(
    session: ClientSession, fpp_sim: FppSimulator
) -> None:
    fpp_sim.fail_next(status=200, delay=0.3)
    client = FppClient(session, fpp_sim.token, fpp_sim.url, timeout=0.05)
    with pytest.raises(TemporaryError):
        await client.async_validate_token()


@pytest.mark.parametrize(("test_mode", "sent"), [(True, "true"), (False, None)])
async def test_switchgrid_token_check(
    session: ClientSession,
    switchgrid_sim: SwitchgridSimulator,
    test_mode: bool,
    sent: str | None,
) -> None:
    client = SwitchgridClient(
        session, switchgrid_sim.token, switchgrid_sim.url, test_mode=test_mode
    )
    await client.async_validate_token()
    (check,) = switchgrid_sim.requests_to("/v0_1/ask", "GET")
    assert check.query == {"limit": "1"}
    assert header(check.headers, "switchgrid-test-env") == sent
    assert header(check.headers, "Authorization") == f"Bearer {switchgrid_sim.token}"

    with pytest.raises(AuthError):
        await SwitchgridClient(
            session, "wrong", switchgrid_sim.url
        ).async_validate_token()
