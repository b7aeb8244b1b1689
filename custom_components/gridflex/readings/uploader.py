"""When a Meterable Unit's queue is uploaded: now, after a backoff, or after reauth."""

from __future__ import annotations

from collections.abc import Callable
import datetime as dt

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import DOMAIN, LOGGER
from ..issue_text import plain
from ..wake_up import WakeUp
from .queue import ReadingsQueue, UploadResult, retry_delay


class ReadingsUploader:
    """Runs one upload at a time, schedules retries, raises reauth and repair issues."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        queue: ReadingsQueue,
        issue_id: str,
        notify: Callable[[], None],
    ) -> None:
        """Bind to the queue it uploads."""
        self.hass = hass
        self.entry = entry
        self.queue = queue
        self.issue_id = issue_id
        self._notify = notify
        self._retry = WakeUp(hass, self._on_retry)
        self.failures = 0
        self._uploading = False
        self._upload_again = False
        self._whole_batches_only = False

    @property
    def retry_scheduled(self) -> bool:
        """Whether an upload retry is waiting for its time."""
        return self._retry.pending

    @callback
    def cancel_retry(self) -> None:
        """Forget a scheduled retry (on unload)."""
        self._retry.cancel()

    @callback
    def request_upload(self, *, whole_batches_only: bool = False) -> None:
        """
        Upload what is queued now, unless a retry is already scheduled.

        ``whole_batches_only``: only full requests, more readings are coming (a catch-up).
        """
        if self._retry.pending:
            return
        # Any request for everything wins over requests for whole batches only.
        self._whole_batches_only = whole_batches_only and (
            self._whole_batches_only or not self._uploading
        )
        if self._uploading:
            self._upload_again = True
            return
        if not self.queue.size:
            return
        self._uploading = True
        self.entry.async_create_background_task(
            self.hass,
            self._async_upload(),
            f"{DOMAIN} readings upload {self.queue.mu_id}",
        )

    async def _async_upload(self) -> None:
        try:
            while True:
                self._upload_again = False
                outcome = await self.queue.async_upload(
                    whole_batches_only=self._whole_batches_only
                )
                LOGGER.debug(
                    "Readings upload of %s: %s sent, %s parked, result %s%s",
                    self.queue.mu_id,
                    outcome.sent,
                    sum(len(b.readings) for b in outcome.parked),
                    outcome.result.value,
                    f" ({outcome.error})" if outcome.error else "",
                )
                if outcome.result in (UploadResult.OK, UploadResult.REJECTED):
                    if self.failures:
                        LOGGER.info("FPP takes readings of %s again", self.queue.mu_id)
                    self.failures = 0
                    if outcome.parked:
                        LOGGER.error(
                            "FPP rejected %s readings of %s: %s",
                            sum(len(b.readings) for b in outcome.parked),
                            self.queue.mu_id,
                            outcome.error,
                        )
                        self.update_issue()
                    if self._upload_again and self.queue.size:
                        continue
                elif outcome.result is UploadResult.AUTH_FAILED:
                    LOGGER.warning(
                        "FPP refused the API token; readings of %s kept until reauth",
                        self.queue.mu_id,
                    )
                    self.entry.async_start_reauth(self.hass)
                else:
                    self.failures += 1
                    delay = retry_delay(self.failures, outcome.retry_after)
                    # Said once when FPP goes away (and once when it is back), not per retry.
                    log = LOGGER.info if self.failures == 1 else LOGGER.debug
                    log(
                        "Readings of %s not delivered (%s); kept and retried, next in %.0f s",
                        self.queue.mu_id,
                        outcome.error,
                        delay,
                    )
                    self._retry.after(delay)
                break
        finally:
            self._uploading = False
            self._notify()

    @callback
    def _on_retry(self, _now: dt.datetime) -> None:
        self.request_upload()

    @callback
    def update_issue(self) -> None:
        """Raise the repair issue while a batch is parked; clear it when none is."""
        if self.queue.parked:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                self.issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="readings_rejected",
                translation_placeholders={
                    "mu_id": self.queue.mu_id,
                    "count": str(sum(len(b.readings) for b in self.queue.parked)),
                    "detail": plain(self.queue.parked[-1].detail),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)


def report_lost_state(
    hass: HomeAssistant, entry: ConfigEntry, subentry: ConfigSubentry, since: int
) -> None:
    """Say that this MU's saved readings were partly unreadable and are recomputed."""
    moment = dt_util.as_local(dt.datetime.fromtimestamp(since, dt.UTC))
    LOGGER.warning(
        "Saved readings of %s were partly unreadable; recomputing them from %s",
        subentry.title,
        moment.isoformat(),
    )
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"readings_state_lost_{entry.entry_id}_{subentry.subentry_id}",
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="readings_state_lost",
        translation_placeholders={
            "mu_id": subentry.title,
            "since": moment.strftime("%Y-%m-%d %H:%M"),
        },
    )
