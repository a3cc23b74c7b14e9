"""Administrators' MFA calls (JS MFAManagementClient): a user's bound factors, unbinding one,
importing an existing TOTP secret -- on the MFA model the logins use."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from aioauthing import AuthingValidationError, MfaRequiredError, NotFoundError, models
from aioauthing.runtime.errors import InvalidInputError, InvalidVerificationCodeError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_imported_totp_secret_finishes_the_login_and_unbinding_removes_it(
    authing_management_client: Any, authing_client: Any
) -> None:
    mgmt, auth = authing_management_client, authing_client
    user = await mgmt.users.create(
        models.CreateUserInput(email="mfa-admin@example.com", password="pw-123456")
    )
    status = await mgmt.mfa.get_status(user.id)
    assert (status.otp, status.face) == (False, False)
    assert (await auth.login_by_email("mfa-admin@example.com", "pw-123456")).id == user.id

    secret = pyotp.random_base32()
    imported = await mgmt.mfa.import_totp(user.id, secret, recovery_code="RECOVER-1")
    assert (imported.user_id, imported.secret, imported.enable) == (user.id, secret, True)
    assert (imported.authenticator_type, imported.recovery_code) == ("totp", "RECOVER-1")
    assert "RECOVER-1" not in repr(imported)
    status = await mgmt.mfa.get_status(user.id)
    assert (status.otp, status.face) == (True, False)
    assert (await mgmt.mfa.query_mfa(user.id)).enable is True

    with pytest.raises(MfaRequiredError) as needed:
        await auth.login_by_email("mfa-admin@example.com", "pw-123456")
    assert needed.value.code == 1636
    signed_in = await auth.mfa.verify_totp_mfa(
        pyotp.TOTP(secret).now(), mfa_token=needed.value.mfa_token
    )
    assert signed_in.id == user.id and signed_in.token

    assert (await mgmt.mfa.un_associate_mfa(user.id, "OTP")).code == 200
    status = await mgmt.mfa.get_status(user.id)
    assert (status.otp, status.face) == (False, False)
    with pytest.raises(MfaRequiredError) as still:  # MFA stays on; the old codes no longer pass
        await auth.login_by_email("mfa-admin@example.com", "pw-123456")
    with pytest.raises(InvalidVerificationCodeError) as refused:
        await auth.mfa.verify_totp_mfa(pyotp.TOTP(secret).now(), mfa_token=still.value.mfa_token)
    assert refused.value.code == 6001

    again = await mgmt.mfa.import_totp(user.id, secret)  # a new recovery code is made
    assert again.recovery_code and again.recovery_code != "RECOVER-1"
    assert (await mgmt.mfa.un_associate_mfa(user.id, "FACE")).code == 200
    assert (await mgmt.mfa.get_status(user.id)).otp is True


async def test_mfa_administration_errors(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    user = await mgmt.users.create(models.CreateUserInput(username="mfa-bob", password="pw-123456"))
    with pytest.raises(NotFoundError) as unknown:
        await mgmt.mfa.get_status("000000000000000000000000")
    assert unknown.value.code == 2004
    with pytest.raises(NotFoundError) as unknown_import:
        await mgmt.mfa.import_totp("000000000000000000000000", pyotp.random_base32())
    assert unknown_import.value.code == 2004
    with pytest.raises(InvalidInputError) as bad_secret:
        await mgmt.mfa.import_totp(user.id, "not base32 !")
    assert bad_secret.value.code == 400
    with pytest.raises(AuthingValidationError) as bad_type:
        await mgmt.mfa.un_associate_mfa(user.id, "SMS")
    assert bad_type.value.parameter == "type"
    with pytest.raises(AuthingValidationError) as no_secret:
        await mgmt.mfa.import_totp(user.id, "")
    assert no_secret.value.parameter == "secret"
