"""QR-code sign-in against the emulator: generate, poll while the admin drivers play the phone
(scan, confirm, cancel), exchange the ticket; MFA during a QR login; expiry on the pool's clock."""

from __future__ import annotations

import base64
from typing import Any

import anyio
import httpx
import pytest

from aioauthing.runtime.errors import AuthingValidationError, NotFoundError

pytestmark = pytest.mark.anyio


async def drive(pool: Any, action: str, body: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{pool.host}/__emulator__/qrcode/{action}",
            params={"pool": pool.user_pool_id},
            json=body,
        )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("scene", ["APP_AUTH", "WXAPP_AUTH", "WECHATMP_AUTH"])
async def test_scan_confirm_and_exchange_the_ticket(
    authing_client: Any, authing_pool: Any, scene: str
) -> None:
    auth = authing_client
    user = await auth.register_by_email(f"qr-{scene.lower()}@example.com", "pw-123456")
    code = await auth.qrcode.gene_code(scene=scene)
    assert code.url.startswith("data:image/png;base64,")
    assert base64.b64decode(code.url.split(",", 1)[1])[:4] == b"\x89PNG"
    assert (await auth.qrcode.check_status(code.random)).status == 0

    seen: list[int] = []
    final: list[Any] = []

    async def follow() -> None:
        async for status in auth.qrcode.poll(code.random, interval=0.02):
            seen.append(status.status)
            final[:] = [status]
            if status.status == 0:
                await drive(authing_pool, "scan", {"random": code.random, "userId": user.id})
            elif status.status == 1:
                assert status.user_info is not None
                assert status.user_info.photo and status.ticket is None
                await drive(authing_pool, "confirm", {"random": code.random})

    with anyio.fail_after(20):
        await follow()
    assert seen == [0, 1, 2]
    ticket = final[0].ticket
    assert ticket
    signed_in = await auth.qrcode.exchange_user_info(ticket)
    assert signed_in.id == user.id and signed_in.token
    assert (await auth.as_user(signed_in.token).get_current_user()).id == user.id
    with pytest.raises(NotFoundError) as reused:  # tickets are single-use
        await auth.qrcode.exchange_user_info(ticket)
    assert reused.value.code == 2241


async def test_cancel_expiry_mfa_and_unknown_codes(authing_client: Any, authing_pool: Any) -> None:
    auth = authing_client
    user = await auth.register_by_email("qr-cancel@example.com", "pw-123456")

    code = await auth.qrcode.gene_code()
    await drive(
        authing_pool,
        "scan",
        {"random": code.random, "email": "qr-cancel@example.com", "password": "pw-123456"},
    )
    await drive(authing_pool, "cancel", {"random": code.random})
    statuses = [s.status async for s in auth.qrcode.poll(code.random, interval=0.02)]
    assert statuses == [3]

    # The user's login needs MFA: the code says so (4) with the 1636 answer and its MFA token.
    async with httpx.AsyncClient(timeout=10) as client:
        await client.post(
            f"{authing_pool.host}/__emulator__/mfa",
            params={"pool": authing_pool.user_pool_id},
            json={"factors": ["OTP"]},
        )
        code = await auth.qrcode.gene_code()
        await drive(authing_pool, "confirm", {"random": code.random, "userId": user.id})
        [status] = [s async for s in auth.qrcode.poll(code.random, interval=0.02)]
        assert status.status == 4
        assert status.scanned_result["code"] == 1636
        assert status.scanned_result["data"]["mfaToken"]
        await client.post(
            f"{authing_pool.host}/__emulator__/mfa",
            params={"pool": authing_pool.user_pool_id},
            json={"factors": []},
        )
        # Codes expire (120 s on the pool's clock).
        code = await auth.qrcode.gene_code()
        await client.post(
            f"{authing_pool.host}/__emulator__/clock",
            params={"pool": authing_pool.user_pool_id},
            json={"advance": 121},
        )
    assert (await auth.qrcode.check_status(code.random)).status == -1

    with pytest.raises(NotFoundError) as unknown:
        await auth.qrcode.check_status("no-such-code")
    assert unknown.value.code == 2241
    with pytest.raises(AuthingValidationError) as bad_scene:
        await auth.qrcode.gene_code(scene="SMS_AUTH")
    assert bad_scene.value.parameter == "scene"
    with pytest.raises(AuthingValidationError) as bad_interval:
        async for _ in auth.qrcode.poll(code.random, interval=0):
            pass
    assert bad_interval.value.parameter == "interval"
