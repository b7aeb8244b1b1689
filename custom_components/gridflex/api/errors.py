"""Typed errors shared by the FPP and Switchgrid clients."""

from __future__ import annotations

from typing import Any


class GridFlexApiError(Exception):
    """Base class of every error a GridFlex API client raises."""


class AuthError(GridFlexApiError):
    """The service refused the token (HTTP 401/403)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class RateLimitedError(GridFlexApiError):
    """The service asked us to slow down (HTTP 429)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TemporaryError(GridFlexApiError):
    """A fault worth retrying later: 5xx, timeout or connection failure."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RejectedError(GridFlexApiError):
    """The service refused the request as invalid (HTTP 400/409/422); retrying as is will not help."""

    def __init__(
        self, message: str, status: int, detail: str | None = None, body: Any = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        self.body = body  # the decoded JSON error body, when there was one


class NotAvailableError(GridFlexApiError):
    """The requested data does not exist (yet) (HTTP 404)."""


class ContractError(GridFlexApiError):
    """A reply whose body breaks the contract we build against."""
