"""``auth.qrcode.poll``: follow a QR code's status until the user confirms, cancels or it expires.

The base of the generated ``QrcodeApi`` (spec ``base:``); it only calls the generated
``check_status``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Protocol, cast

import anyio

from .api import ApiBase
from .errors import AuthingValidationError
from .validation import require_non_empty

if TYPE_CHECKING:
    from aioauthing.generated.models import QrCodeStatus

__all__ = ["FINAL_STATUSES", "QrCodePolling"]

FINAL_STATUSES = frozenset({2, 3, -1, 4, 5})
"""Confirmed, cancelled, expired, needs MFA, failed: nothing follows them."""


class _Checks(Protocol):
    async def check_status(self, random: str) -> QrCodeStatus: ...


class QrCodePolling(ApiBase):
    """The hand-written helper of the QR-code API group."""

    async def poll(self, random: str, *, interval: float = 0.8) -> AsyncIterator[QrCodeStatus]:
        """Yield the code's status each time it changes, ending after a final one.

        The first status is yielded at once; then the code is checked every ``interval``
        seconds (JS ``startPolling``'s default, 0.8 s). The last status yielded is final: 2
        (confirmed: exchange ``ticket`` with ``exchange_user_info``), 3 (cancelled), -1
        (expired), 4 (needs MFA: ``scanned_result``) or 5 (failed); a code expires on its own
        (two minutes on the emulator), and to wait less, wrap the loop in ``asyncio.timeout`` or
        ``anyio.fail_after``. Errors of ``check_status`` (e.g. 2241, unknown code) propagate.

        ::

            code = await auth.qrcode.gene_code()
            async for status in auth.qrcode.poll(code.random):
                if status.status == 2:
                    user = await auth.qrcode.exchange_user_info(status.ticket)
        """
        require_non_empty("random", random)
        if not interval > 0:
            raise AuthingValidationError("interval", "must be a positive number of seconds")
        checker = cast(_Checks, self)
        last: tuple[int, str | None] | None = None
        while True:
            status = await checker.check_status(random)
            seen = (status.status, status.ticket)
            if seen != last:
                last = seen
                yield status
            if status.status in FINAL_STATUSES:
                return
            await anyio.sleep(interval)
