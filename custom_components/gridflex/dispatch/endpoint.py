"""
The dispatch endpoint: one HTTP view for every FPP account, and each account's webhook.

View: ``/api/gridflex/fpp/{endpoint_id}/v2/dispatch`` and ``/v1/dispatch/start|stop`` (PUT).
Webhook: ``/api/webhook/{webhook_id}`` (PUT or POST) takes the same bodies; which path a body
is meant for comes from the ``path`` query parameter (``v2/dispatch``, ``v1/dispatch/start``,
``v1/dispatch/stop``), else the ``X-GridFlex-Path`` header, else the body's shape (an array or
an object with an instruction id → v2; ``meterable_unit_id`` with ``start`` → v1 start, with
``stop`` → v1 stop).

Checks run in the contract's order: auth 401 → size 413 → content type 415 → JSON and fields
400 → MUs 422 → cancelled ids 409. Any internal fault answers 503, never 500.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import web
from homeassistant.components.http.ban import process_wrong_login
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.json import json_bytes
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..api.fpp.dispatch import (
    BatchTooLargeError,
    InvalidInstructionError,
    decode_json,
    parse_legacy_start,
    parse_legacy_stop,
    parse_v2,
)
from ..const import CONF_DISPATCH_SECRET, DOMAIN, LOGGER
from .durable_store import store_refuses
from .endpoint_url import DISPATCH_PATH_PREFIX
from .http_guard import (
    BodyTimeoutError,
    BodyTooLargeError,
    is_authorized,
    is_json_or_missing,
    read_bounded,
)
from .inbound_log import redacted_path
from .intake import (
    Intake,
    Reply,
    handle_legacy_start,
    handle_legacy_stop,
    handle_v2,
    invalid,
)
from .persistence import StoreWriteError
from .rate_limit import retry_after_header

if TYPE_CHECKING:
    from . import DispatchRuntime

ENDPOINTS: HassKey[dict[str, DispatchRuntime]] = HassKey(f"{DOMAIN}_dispatch_endpoints")
RETRY_AFTER_SECONDS = "5"
# An account holding its maximum of live instructions: worth asking again a minute later.
LIVE_CAP_RETRY_AFTER = "60"


class DispatchPath(StrEnum):
    """The three paths FPP appends to the registered base URL."""

    V2 = "v2/dispatch"
    V1_START = "v1/dispatch/start"
    V1_STOP = "v1/dispatch/stop"


def _json(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json_bytes(payload),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _path_for_webhook(request: web.Request, body: Any) -> DispatchPath | None:
    chosen = request.query.get("path") or request.headers.get("X-GridFlex-Path")
    if chosen is not None:
        try:
            return DispatchPath(chosen.strip("/"))
        except ValueError:
            return None
    if isinstance(body, dict) and "meterable_unit_id" in body:
        if "stop" in body:
            return DispatchPath.V1_STOP
        if "start" in body or "start_time" in body:
            return DispatchPath.V1_START
    return DispatchPath.V2


def _judge(intake: Intake, path: DispatchPath, body: Any) -> Reply:
    now = dt_util.utcnow()
    try:
        if path is DispatchPath.V2:
            return handle_v2(intake, parse_v2(body, now))
        if path is DispatchPath.V1_START:
            return handle_legacy_start(intake, parse_legacy_start(body, now))
        return handle_legacy_stop(intake, parse_legacy_stop(body, now))
    except InvalidInstructionError as err:
        return invalid(err.detail)
    except BatchTooLargeError as err:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {
            "error": "payload_too_large",
            "detail": err.detail,
        }


async def _process(
    runtime: DispatchRuntime, request: web.Request, path: DispatchPath | None
) -> tuple[Reply, bytes | None, dict[str, str]]:
    if not is_authorized(request.headers, runtime.entry.data[CONF_DISPATCH_SECRET]):
        raise _UnauthorizedError
    if (wait := runtime.budget.take()) is not None:
        return (
            (
                HTTPStatus.TOO_MANY_REQUESTS,
                {
                    "error": "rate_limited",
                    "detail": "account: too many requests, slow down",
                },
            ),
            None,
            {"Retry-After": retry_after_header(wait)},
        )
    try:
        raw = await read_bounded(request.content, request.content_length)
    except BodyTooLargeError:
        detail = "body: larger than 65536 bytes"
        return (
            (
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {"error": "payload_too_large", "detail": detail},
            ),
            None,
            {},
        )
    if not is_json_or_missing(request.headers):
        detail = f"content-type: {request.headers['Content-Type'][:80]!r} is not JSON, send application/json"
        return (
            (
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                {"error": "unsupported_media_type", "detail": detail},
            ),
            raw,
            {},
        )
    try:
        body = decode_json(raw)
    except InvalidInstructionError as err:
        return invalid(err.detail), raw, {}
    if (refused := store_refuses(body)) is not None:
        # Whatever is accepted is kept: what the Store cannot write is refused here, whole.
        error = "invalid_text" if refused.startswith("text:") else "invalid_instruction"
        return (HTTPStatus.BAD_REQUEST, {"error": error, "detail": refused}), raw, {}
    if path is None:
        path = _path_for_webhook(request, body)
        if path is None:
            choices = ", ".join(p.value for p in DispatchPath)
            return invalid(f"path: must be one of {choices}"), raw, {}
    intake = Intake(runtime.meterable_units, runtime.lifecycle)
    status, payload = _judge(intake, path, body)
    for unknown in intake.unknown:
        runtime.note_unknown(unknown)
    headers = {"Retry-After": LIVE_CAP_RETRY_AFTER} if status == 429 else {}
    return (status, payload), raw, headers


class _UnauthorizedError(Exception):
    """No valid credential: answered 401, nothing else happens."""


def unauthorized() -> web.Response:
    """Answer 401 the one way: wrong key, no key and unknown endpoint alike."""
    return _json(
        HTTPStatus.UNAUTHORIZED,
        {"error": "unauthorized"},
        {"WWW-Authenticate": 'Bearer realm="gridflex"'},
    )


def note_failed_auth(hass: HomeAssistant, request: web.Request) -> None:
    """Count a failed authentication with HA's own helper (notification, IP ban)."""
    # The URL holds the endpoint or webhook id: HA logs it, so a redacted copy is handed on.
    anonymous = request.clone(rel_url=redacted_path(request.path))
    hass.async_create_task(
        process_wrong_login(anonymous), f"{DOMAIN} failed dispatch login"
    )


def _retry_later(detail: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return (
        HTTPStatus.SERVICE_UNAVAILABLE,
        {"error": "temporarily_unavailable", "detail": detail},
        {"Retry-After": RETRY_AFTER_SECONDS},
    )


async def async_handle(
    runtime: DispatchRuntime, request: web.Request, path: DispatchPath | None
) -> web.Response:
    """Answer one inbound request once what it changed is on disk; devices follow, in tasks."""
    runtime.notifier.open_requests += 1
    try:
        return await _answer(runtime, request, path)
    finally:
        runtime.notifier.open_requests -= 1


async def _answer(
    runtime: DispatchRuntime, request: web.Request, path: DispatchPath | None
) -> web.Response:
    raw: bytes | None = None
    changes = runtime.store.generation
    try:
        (status, payload), raw, headers = await _process(runtime, request, path)
    except _UnauthorizedError:
        # Counted by HA's login-failure notification and IP ban; kept out of diagnostics.
        note_failed_auth(runtime.hass, request)
        LOGGER.debug(
            "Dispatch request %s %s answered HTTP 401 (unauthorized)",
            request.method,
            path.value if path else "webhook",
        )
        return unauthorized()
    except BodyTimeoutError:
        status, payload, headers = (
            HTTPStatus.REQUEST_TIMEOUT,
            {"error": "request_timeout", "detail": "body: not received in time"},
            {"Connection": "close"},
        )
    except Exception:  # noqa: BLE001 - the contract says 503 and a retry, never 500
        LOGGER.exception(
            "Dispatch request failed inside GridFlex; FPP is told to retry"
        )
        status, payload, headers = _retry_later("internal fault, retry shortly")
    else:
        status, payload, headers = await _made_durable(
            runtime, changes, status, payload, headers
        )
    LOGGER.debug(
        "Dispatch request %s %s answered HTTP %s%s",
        request.method,
        path.value if path else "webhook",
        int(status),
        f" ({payload['error']})"
        if isinstance(payload, dict) and "error" in payload
        else "",
    )
    runtime.inbound.add(
        method=request.method,
        path=request.path,
        headers=request.headers,
        body=raw,
        status=status,
        reply=payload,
    )
    return _json(status, payload, headers)


async def _made_durable(
    runtime: DispatchRuntime,
    changes: int,
    status: int,
    payload: dict[str, Any],
    headers: dict[str, str],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Acknowledged means on disk: the reply waits for the write that holds it."""
    try:
        if status == HTTPStatus.OK or runtime.store.generation != changes:
            await runtime.store.async_durable()
    except StoreWriteError:
        return _retry_later("could not save it, retry shortly")
    except Exception:  # noqa: BLE001 - never 500
        LOGGER.exception("Dispatch state could not be saved; FPP is told to retry")
        return _retry_later("internal fault, retry shortly")
    return status, payload, headers


class DispatchView(HomeAssistantView):
    """FPP's dispatch paths under every account's endpoint id (GridFlex's own secret, not HA login)."""

    url = (
        DISPATCH_PATH_PREFIX
        + "/{endpoint_id}/{path:v2/dispatch|v1/dispatch/start|v1/dispatch/stop}"
    )
    name = "api:gridflex:fpp_dispatch"
    requires_auth = False

    async def put(
        self, request: web.Request, endpoint_id: str, path: str
    ) -> web.Response:
        """Take one instruction (or batch, or legacy start/stop)."""
        hass: HomeAssistant = request.app[KEY_HASS]
        runtime = hass.data.get(ENDPOINTS, {}).get(endpoint_id)
        if runtime is None:
            # The same answer as a wrong key: an endpoint id is not a secret to probe for.
            note_failed_auth(hass, request)
            return unauthorized()
        return await async_handle(runtime, request, DispatchPath(path))

    async def _not_allowed(
        self, request: web.Request, endpoint_id: str, path: str
    ) -> web.Response:
        return _json(
            HTTPStatus.METHOD_NOT_ALLOWED,
            {
                "error": "method_not_allowed",
                "detail": f"method: {request.method} not allowed, use PUT",
            },
            {"Allow": "PUT"},
        )

    get = post = patch = delete = _not_allowed
