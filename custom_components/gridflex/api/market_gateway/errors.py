"""Market Gateway's refusals, typed (the generic ones come from ``api.errors``)."""

from __future__ import annotations

from ..errors import GridFlexApiError, RejectedError


class NotPermittedError(GridFlexApiError):
    """HTTP 403: the token is valid but may not do this (not a reason to ask for a new one)."""


class ConflictError(RejectedError):
    """HTTP 409: the trade is closed, or a response for it exists already."""


class InvalidFieldsError(RejectedError):
    """HTTP 422: fields Market Gateway refused, as (field, message) pairs."""

    def __init__(
        self, message: str, detail: str | None, fields: list[tuple[str, str]]
    ) -> None:
        super().__init__(message, 422, detail)
        self.fields = fields
