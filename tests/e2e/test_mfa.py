"""MFA end to end against the emulator: application MFA switched on, a login answering 1636,
TOTP bound and confirmed with pyotp codes, logins finished with TOTP, recovery, SMS, email and
face; wrong factors refused with their real codes; per-user MFA through changeMfa/queryMfa."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pyotp
import pytest
from emulator_admin import outbox_code

import aioauthing
from aioauthing import MfaRequiredError
from aioauthing.runtime.errors import (
    AccountStateError,
    AuthingValidationError,
    InvalidVerificationCodeError,
    NotLoggedInError,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """The rules under test are the emulator's; the SDK calls are ordinary ones (test_qrcode and
    the other e2e modules run them on trio too)."""
    return "asyncio"


def set_factors(pool: Any, factors: list[str]) -> dict[str, Any]:
    response = httpx.post(
        f"{pool.host}/__emulator__/mfa",
        params={"pool": pool.user_pool_id},
        json={"factors": factors},
        timeout=10,
    )
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


async def mfa_error(auth: Any, email: str, password: str) -> MfaRequiredError:
    with pytest.raises(MfaRequiredError) as info:
        await auth.login_by_email(email, password)
    return info.value


def other_code(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


async def test_totp_bind_confirm_verify_then_recovery_code(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    await auth.register_by_email("mfa-ada@example.com", "pw-123456")
    assert set_factors(authing_pool, ["OTP"]) == {"factors": ["OTP"]}

    error = await mfa_error(auth, "mfa-ada@example.com", "pw-123456")
    assert error.code == 1636
    assert isinstance(error, AccountStateError)  # still the family 1636 belonged to
    assert error.factors == ["OTP"]
    token = error.mfa_token
    assert token and token not in str(error) and token not in repr(error)
    assert error.data["totpMfaEnabled"] is False

    assert await auth.mfa.get_mfa_authenticators(mfa_token=token) == []
    association = await auth.mfa.associate_mfa_authenticator(mfa_token=token)
    assert association.qrcode_uri.startswith("otpauth://totp/")
    assert pyotp.parse_uri(association.qrcode_uri).secret == association.secret
    assert association.qrcode_data_url.startswith("data:image/png;base64,")
    assert base64.b64decode(association.qrcode_data_url.split(",", 1)[1])[:4] == b"\x89PNG"
    assert association.recovery_code not in repr(association)
    totp = pyotp.TOTP(association.secret)

    with pytest.raises(InvalidVerificationCodeError) as wrong_bind:
        await auth.mfa.confirm_associate_mfa_authenticator(other_code(totp.now()), mfa_token=token)
    assert wrong_bind.value.code == 6001
    confirmed = await auth.mfa.confirm_associate_mfa_authenticator(totp.now(), mfa_token=token)
    assert confirmed.code == 200
    [bound] = await auth.mfa.get_mfa_authenticators(mfa_token=token)
    assert bound.enable is True and bound.authenticator_type == "totp"

    with pytest.raises(InvalidVerificationCodeError) as wrong:
        await auth.mfa.verify_totp_mfa(other_code(totp.now()), mfa_token=token)
    assert wrong.value.code == 6001
    user = await auth.mfa.verify_totp_mfa(totp.now(), mfa_token=token)
    assert user.email == "mfa-ada@example.com" and user.token
    me = await auth.as_user(user.token).get_current_user()
    assert me.id == user.id
    with pytest.raises(NotLoggedInError) as spent:  # an MFA token finishes one login
        await auth.mfa.verify_totp_mfa(totp.now(), mfa_token=token)
    assert spent.value.code == 2020

    again = await mfa_error(auth, "mfa-ada@example.com", "pw-123456")
    assert again.data["totpMfaEnabled"] is True
    with pytest.raises(InvalidVerificationCodeError) as bad_recovery:
        await auth.mfa.verify_totp_recovery_code("0000-0000-0000-0000", mfa_token=again.mfa_token)
    assert bad_recovery.value.code == 6002
    recovered = await auth.mfa.verify_totp_recovery_code(
        association.recovery_code, mfa_token=again.mfa_token
    )
    assert recovered.id == user.id and recovered.token

    third = await mfa_error(auth, "mfa-ada@example.com", "pw-123456")
    with pytest.raises(InvalidVerificationCodeError) as reused:  # recovery codes are one-time
        await auth.mfa.verify_totp_recovery_code(
            association.recovery_code, mfa_token=third.mfa_token
        )
    assert reused.value.code == 6002
    [renewed] = await auth.mfa.get_mfa_authenticators(mfa_token=third.mfa_token)
    assert renewed.recovery_code and renewed.recovery_code != association.recovery_code

    # Unbinding needs the user's own token; then the next login must bind again.
    session = auth.as_user(recovered.token)
    assert (await session.mfa.delete_mfa_authenticator()).code == 200
    fourth = await mfa_error(auth, "mfa-ada@example.com", "pw-123456")
    assert fourth.data["totpMfaEnabled"] is False

    set_factors(authing_pool, [])
    plain = await auth.login_by_email("mfa-ada@example.com", "pw-123456")
    assert plain.token


async def test_sms_and_email_factors_through_the_outbox(
    authing_client: Any, authing_pool: Any
) -> None:
    auth = authing_client
    phone, email = "13900139001", "mfa-sms@example.com"
    await auth.register_by_email(email, "pw-123456")
    set_factors(authing_pool, ["SMS", "EMAIL"])

    error = await mfa_error(auth, email, "pw-123456")
    assert error.factors == ["SMS", "EMAIL"]
    assert await auth.mfa.phone_or_email_bindable(error.mfa_token, phone=phone) is True
    await auth.send_sms_code(phone)
    code = outbox_code(authing_pool, "sms", phone)
    with pytest.raises(InvalidVerificationCodeError) as wrong_sms:
        await auth.mfa.verify_app_sms_mfa(phone, other_code(code), mfa_token=error.mfa_token)
    assert wrong_sms.value.code == 2001
    user = await auth.mfa.verify_app_sms_mfa(phone, code, mfa_token=error.mfa_token)
    assert user.token and user.phone == phone  # bound while finishing the login

    error = await mfa_error(auth, email, "pw-123456")
    await auth.send_email(email, "MFA_VERIFY")
    code = outbox_code(authing_pool, "email", email)
    with pytest.raises(InvalidVerificationCodeError) as wrong_email:
        await auth.mfa.verify_app_email_mfa(email, other_code(code), mfa_token=error.mfa_token)
    assert wrong_email.value.code == 2001
    user = await auth.mfa.verify_app_email_mfa(email, code, mfa_token=error.mfa_token)
    assert user.email == email and user.token


async def test_face_rule_and_per_user_mfa(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    created = await auth.register_by_email("mfa-face@example.com", "pw-123456")
    assert created.id
    # Per user: changeMfa(enable: true) needs MFA for this user only (OTP when the pool has none).
    settings = await mgmt.mfa.change_mfa(created.id, enable=True)
    assert settings is not None and settings.enable is True and settings.user_id == created.id
    assert (await mgmt.mfa.query_mfa(created.id)).enable is True  # type: ignore[union-attr]
    error = await mfa_error(auth, "mfa-face@example.com", "pw-123456")
    assert error.factors == ["OTP"]

    face = "data:image/png;base64," + base64.b64encode(b"the same image bytes").decode()
    other = "data:image/png;base64," + base64.b64encode(b"someone else").decode()
    with pytest.raises(InvalidVerificationCodeError) as mismatch:
        await auth.mfa.associate_face_by_url(face, other, mfa_token=error.mfa_token)
    assert mismatch.value.code == 1702
    bound = await auth.mfa.associate_face_by_url(face, face, mfa_token=error.mfa_token)
    assert bound.id == created.id and bound.token  # binding during a login finishes it

    error = await mfa_error(auth, "mfa-face@example.com", "pw-123456")
    assert error.data["faceMfaEnabled"] is True
    with pytest.raises(InvalidVerificationCodeError) as wrong_face:
        await auth.mfa.verify_face_mfa(other, mfa_token=error.mfa_token)
    assert wrong_face.value.code == 1702
    user = await auth.mfa.verify_face_mfa(face, mfa_token=error.mfa_token)
    assert user.id == created.id and user.token
    # Go and Python post the verification photo to /face/associate: the same rule answers.
    error = await mfa_error(auth, "mfa-face@example.com", "pw-123456")
    async with httpx.AsyncClient(timeout=10) as raw:
        answer = await raw.post(
            f"{authing_pool.host}/api/v2/mfa/face/associate",
            json={"photo": face},
            headers={
                "authorization": f"Bearer {error.mfa_token}",
                "x-authing-userpool-id": authing_pool.user_pool_id,
            },
        )
    assert answer.json()["code"] == 200 and answer.json()["data"]["id"] == created.id

    exempt = await mgmt.mfa.change_mfa(created.id, enable=False)
    assert exempt is not None and exempt.enable is False
    set_factors(authing_pool, ["OTP"])  # the pool's MFA does not apply to an exempt user
    assert (await auth.login_by_email("mfa-face@example.com", "pw-123456")).token
    set_factors(authing_pool, [])


async def test_mfa_arguments_and_tokens_are_checked(authing_client: Any) -> None:
    auth = authing_client
    with pytest.raises(AuthingValidationError) as empty:
        await auth.mfa.verify_totp_mfa("123456", mfa_token="")
    assert empty.value.parameter == "mfa_token"
    with pytest.raises(NotLoggedInError):  # no MFA token and no user: nothing is sent
        await auth.mfa.get_mfa_authenticators()
    with pytest.raises(NotLoggedInError) as forged:
        await auth.mfa.verify_totp_mfa("123456", mfa_token="not-a-token")
    assert forged.value.code == 2020
    assert aioauthing.MfaRequiredError is MfaRequiredError


def test_admin_rejects_unknown_factors(authing_pool: Any) -> None:
    response = httpx.post(
        f"{authing_pool.host}/__emulator__/mfa",
        params={"pool": authing_pool.user_pool_id},
        json={"factors": ["OTP", "VOICE"]},
        timeout=10,
    )
    assert response.status_code == 400
    assert "VOICE" in response.json()["message"]


async def test_remember_mode_keeps_the_user_who_finished_mfa(authing_pool: Any) -> None:
    from aioauthing.runtime.clients import AuthenticationClient
    from aioauthing.runtime.tokens import MemoryTokenStore

    async with AuthenticationClient(
        authing_pool.app_id,
        host=authing_pool.host,
        user_pool_id=authing_pool.user_pool_id,
        public_key=authing_pool.public_key,
        strict=True,
        remember=MemoryTokenStore(),
    ) as auth:
        await auth.register_by_email("mfa-remember@example.com", "pw-123456")
        set_factors(authing_pool, ["EMAIL"])
        error = await mfa_error(auth, "mfa-remember@example.com", "pw-123456")
        with pytest.raises(NotLoggedInError):  # a login waiting for MFA remembers nobody
            await auth.current_user_view()
        await auth.send_email("mfa-remember@example.com", "MFA_VERIFY")
        code = outbox_code(authing_pool, "email", "mfa-remember@example.com")
        user = await auth.mfa.verify_app_email_mfa(
            "mfa-remember@example.com", code, mfa_token=error.mfa_token
        )
        me = await auth.current_user_view()
        assert (await me.get_current_user()).id == user.id
        set_factors(authing_pool, [])


async def test_mfa_token_shape_lifetime_and_bindable_conflicts(
    authing_client: Any, authing_pool: Any
) -> None:
    import jwt

    auth = authing_client
    await auth.register_by_email("mfa-taken@example.com", "pw-123456")
    created = await auth.register_by_email("mfa-clock@example.com", "pw-123456")
    set_factors(authing_pool, ["OTP", "FACE"])
    error = await mfa_error(auth, "mfa-clock@example.com", "pw-123456")
    assert error.factors == ["OTP", "FACE"]
    token = error.mfa_token
    assert token is not None
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 360
    assert claims["data"] == {
        "userPoolId": authing_pool.user_pool_id,
        "userId": created.id,
        "arn": f"arn:cn:authing:{authing_pool.user_pool_id}:user:{created.id}",
        "stage": 1,
    }
    with pytest.raises(aioauthing.AlreadyExistsError) as taken:
        await auth.mfa.phone_or_email_bindable(token, email="mfa-taken@example.com")
    assert taken.value.code == 2026

    async with httpx.AsyncClient(timeout=10) as admin:
        await admin.post(
            f"{authing_pool.host}/__emulator__/clock",
            params={"pool": authing_pool.user_pool_id},
            json={"advance": 361},
        )
    with pytest.raises(aioauthing.TokenExpiredError) as expired:
        await auth.mfa.associate_mfa_authenticator(mfa_token=token)
    assert expired.value.code == 2206
    set_factors(authing_pool, [])
