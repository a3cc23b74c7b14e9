"""The official Python client's MFA methods (``python run.py auth_mfa``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
import uuid

import requests
from authing.v2.common.utils import encrypt
from harness import StepFailed, authentication_client, expect_error, step

EXPECTED_STEPS = [
    "auth_mfa.register",
    "auth_mfa.switch_on",
    "auth_mfa.login_needs_mfa",
    "auth_mfa.read_mfa_token",
    "auth_mfa.get_mfa_authenticators",
    "auth_mfa.assosicate_mfa_authenticator",
    "auth_mfa.confirm_wrong_code",
    "auth_mfa.confirm_assosicate_mfa_authenticator",
    "auth_mfa.verify_totp_mfa",
    "auth_mfa.read_second_mfa_token",
    "auth_mfa.phone_or_email_bindable",
    "auth_mfa.verify_wrong_recovery_code",
    "auth_mfa.verify_totp_recovery_code",
    "auth_mfa.delete_mfa_authenticator",
    "auth_mfa.switch_off",
    "auth_mfa.login_without_mfa",
]


def totp_now(secret: str, clock: float) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s) with the standard library: no pyotp in this venv."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(clock) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def flow(s: dict) -> None:
    """Application MFA with the official client's MFA methods.

    The official Python client raises ``AuthingException(code, message)`` for 1636 and drops the
    answer's ``data`` (the MFA token), so an app using it reads the token from the GraphQL answer
    itself: done here with ``requests``, the client's own dependency.
    """
    admin = f"{s['host']}/__emulator__/mfa?pool={s['user_pool_id']}"
    auth = authentication_client(s)
    tag = uuid.uuid4().hex[:8]
    email, password = f"mfa-{tag}@example.com", "Passw0rd!"
    step("auth_mfa.register", lambda: auth.register_by_email(email, password), lambda u: u["id"])
    step(
        "auth_mfa.switch_on",
        lambda: requests.post(admin, json={"factors": ["OTP"]}, timeout=10).json(),
        lambda r: r == {"factors": ["OTP"]},
    )
    refused = expect_error("auth_mfa.login_needs_mfa", lambda: auth.login_by_email(email, password))
    if refused.code != 1636:
        raise StepFailed("auth_mfa.login_needs_mfa", f"expected code 1636, got {refused.code}")

    def mfa_token() -> str:
        answer = requests.post(
            f"{s['host']}/graphql/v2",
            json={
                "query": "mutation($input: LoginByEmailInput!) { loginByEmail(input: $input) { id } }",
                "variables": {
                    "input": {"email": email, "password": encrypt(password, s["public_key"])}
                },
            },
            headers={"x-authing-userpool-id": s["user_pool_id"]},
            timeout=10,
        ).json()
        message = answer["errors"][0]["message"]
        assert message["code"] == 1636, message
        return message["data"]["mfaToken"]

    token = step("auth_mfa.read_mfa_token", mfa_token, lambda t: t.count(".") == 2)
    step(
        "auth_mfa.get_mfa_authenticators",
        lambda: auth.get_mfa_authenticators(mfa_token=token),
        lambda r: r["code"] == 200 and r["data"] == [],
    )
    bound = step(
        "auth_mfa.assosicate_mfa_authenticator",
        lambda: auth.assosicate_mfa_authenticator(mfa_token=token),
        lambda r: (
            r["code"] == 200
            and r["data"]["qrcode_uri"].startswith("otpauth://totp/")
            and r["data"]["qrcode_data_url"].startswith("data:image/png;base64,")
            and r["data"]["recovery_code"]
        ),
    )["data"]
    wrong = f"{(int(totp_now(bound['secret'], time.time())) + 1) % 1_000_000:06d}"
    step(
        "auth_mfa.confirm_wrong_code",
        lambda: auth.confirm_assosicate_mfa_authenticator(wrong, mfa_token=token),
        lambda r: r["code"] == 6001,
    )
    step(
        "auth_mfa.confirm_assosicate_mfa_authenticator",
        lambda: auth.confirm_assosicate_mfa_authenticator(
            totp_now(bound["secret"], time.time()), mfa_token=token
        ),
        lambda r: r["code"] == 200,
    )
    user = step(
        "auth_mfa.verify_totp_mfa",
        lambda: auth.verify_totp_mfa(totp_now(bound["secret"], time.time()), token),
        lambda r: r["code"] == 200 and r["data"]["email"] == email and r["data"]["token"],
    )["data"]
    second = step("auth_mfa.read_second_mfa_token", mfa_token, lambda t: t != token)
    step(
        "auth_mfa.phone_or_email_bindable",
        lambda: auth.phone_or_email_bindable(second, email=f"free-{tag}@example.com"),
        lambda r: r["code"] == 200 and r["data"] is True,
    )
    step(
        "auth_mfa.verify_wrong_recovery_code",
        lambda: auth.verify_totp_recovery_code("0000-0000-0000-0000", second),
        lambda r: r["code"] == 6002,
    )
    step(
        "auth_mfa.verify_totp_recovery_code",
        lambda: auth.verify_totp_recovery_code(bound["recovery_code"], second),
        lambda r: r["code"] == 200 and r["data"]["id"] == user["id"] and r["data"]["token"],
    )
    auth.set_token(user["token"])
    step(
        "auth_mfa.delete_mfa_authenticator",
        auth.delete_mfa_authenticator,
        lambda r: r["code"] == 200,
    )
    step(
        "auth_mfa.switch_off",
        lambda: requests.post(admin, json={"factors": []}, timeout=10).json(),
        lambda r: r == {"factors": []},
    )
    step(
        "auth_mfa.login_without_mfa",
        lambda: auth.login_by_email(email, password),
        lambda u: u["email"] == email and u["token"],
    )
