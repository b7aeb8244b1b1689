"""
Home Assistant Cloud cloudhooks for an FPP account's webhook, through HA's ``cloud`` helpers.

A cloudhook is a public ``https://hooks.nabu.casa/...`` address that forwards to the account's
webhook: with it, FPP reaches a home with no open port. It is created when the account is set up
(or later, from a repair issue, once Cloud is logged in), kept in the entry's data so it survives
restarts, and deleted with the account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..const import LOGGER


def _cloud(hass: HomeAssistant) -> Any:
    """HA's cloud component when it is set up, else None (it is not imported otherwise)."""
    if "cloud" not in hass.config.components:
        return None
    try:
        from homeassistant.components import cloud
    except (
        ImportError
    ):  # pragma: no cover - HA installs hass-nabucasa with the cloud component
        return None
    return cloud


@callback
def cloud_ready(hass: HomeAssistant) -> bool:
    """Whether Cloud is logged in with an active subscription (a cloudhook can be created)."""
    cloud = _cloud(hass)
    return bool(
        cloud is not None
        and cloud.async_is_logged_in(hass)
        and cloud.async_active_subscription(hass)
    )


async def async_create_cloudhook(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Create the cloudhook of a webhook; None when Cloud is not ready or refuses."""
    if not cloud_ready(hass):
        return None
    cloud = _cloud(hass)
    try:
        url: str = await cloud.async_create_cloudhook(hass, webhook_id)
    except (cloud.CloudNotAvailable, cloud.CloudNotConnected) as err:
        LOGGER.warning(
            "Home Assistant Cloud could not create a webhook address: %s", err
        )
        return None
    LOGGER.debug("Home Assistant Cloud webhook address created")
    return url


async def async_delete_cloudhook(hass: HomeAssistant, webhook_id: str) -> None:
    """Delete the cloudhook of a webhook; nothing to do when Cloud is gone."""
    cloud = _cloud(hass)
    if cloud is None:
        LOGGER.warning(
            "Home Assistant Cloud is not set up: delete the webhook address in Cloud's settings"
        )
        return
    try:
        await cloud.async_delete_cloudhook(hass, webhook_id)
    except (cloud.CloudNotAvailable, cloud.CloudNotConnected) as err:
        LOGGER.warning(
            "Home Assistant Cloud could not delete the webhook address: %s", err
        )


@callback
def async_listen_cloud_login(
    hass: HomeAssistant, on_connected: Callable[[], None]
) -> Callable[[], None]:
    """Call ``on_connected`` each time Cloud connects; returns the remover."""
    cloud = _cloud(hass)
    if cloud is None:
        return lambda: None

    @callback
    def _changed(state: Any) -> None:
        if state is cloud.CloudConnectionState.CLOUD_CONNECTED:
            on_connected()

    remover: Callable[[], None] = cloud.async_listen_connection_change(hass, _changed)
    return remover
