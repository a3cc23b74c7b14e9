"""MFA REST endpoints (``/api/v2/mfa/...``, ``/api/v2/applications/mfa/...``); the rules are in
:mod:`..resolvers.mfa`. Their bearer is the MFA token of a 1636 answer or, where the official
clients allow it (listing, binding), the user's own token."""

from __future__ import annotations

from typing import Any

import pyotp
import segno

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..resolvers.auth import login
from ..resolvers.messaging import consume_code, email_key, sms_key
from ..resolvers.mfa import (
    face_fingerprint,
    new_recovery_code,
    read_mfa_token,
    spend_mfa_token,
    user_mfa,
    verify_totp,
)
from ..state import Pool, format_date
from ..users import check_email, user_view


def _body(call: RestCall) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def _caller(ctx: RequestContext, *, user_token: bool) -> tuple[Pool, dict[str, Any], str | None]:
    """``(pool, user, jti)``: the MFA token's user (``jti`` set), or with ``user_token`` the
    signed-in user (``jti`` None)."""
    bearer = ctx.bearer
    if bearer:
        found = read_mfa_token(ctx, bearer)
        if found is not None:
            return found
    if not user_token:
        raise biz(2020, "请提供 MFA token")
    pool, user, _info = ctx.require_user()
    return pool, user, None


def _finish(ctx: RequestContext, pool: Pool, user: dict[str, Any], jti: str | None) -> Any:
    """The second factor checked out: spend the MFA token and log the user in."""
    if jti is None:
        raise biz(2020, "请提供 MFA token")
    spend_mfa_token(ctx, pool, jti)
    return login(ctx, pool, user, None, mfa_passed=True)


def _totp(user: dict[str, Any]) -> dict[str, Any]:
    totp: dict[str, Any] = user_mfa(user).get("totp") or {}
    return totp


@rest_route("GET", "/api/v2/mfa/authenticator")
def authenticators(ctx: RequestContext, call: RestCall) -> Any:
    _pool, user, _jti = _caller(ctx, user_token=True)
    totp = _totp(user)
    if not totp.get("enabled"):
        return []
    return [
        {
            "id": totp["id"],
            "createdAt": totp.get("createdAt"),
            "updatedAt": totp.get("updatedAt"),
            "userId": user["id"],
            "enable": True,
            "secret": totp["secret"],
            "authenticatorType": "totp",
            "recoveryCode": totp.get("recoveryCode"),
        }
    ]


@rest_route("POST", "/api/v2/mfa/totp/associate")
def associate(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    body = _body(call)
    kind = body.get("authenticatorType") or body.get("authenticator_type") or "totp"
    if kind != "totp":
        raise biz(400, "authenticatorType 只支持 totp")
    record = user_mfa(user)
    if (record.get("totp") or {}).get("enabled"):
        raise biz(400, "已绑定 TOTP MFA，请先解绑")
    secret = pyotp.random_base32()
    now = format_date(pool.now())
    recovery = new_recovery_code()
    record["totp"] = {
        "id": ctx.state.ids.object_id(),
        "secret": secret,
        "enabled": False,
        "recoveryCode": recovery,
        "createdAt": now,
        "updatedAt": now,
    }
    ctx.state.put_user(pool, user)
    account = user.get("email") or user.get("phone") or user.get("username") or user["id"]
    uri = pyotp.TOTP(secret).provisioning_uri(name=str(account), issuer_name=pool.name)
    return {
        "authenticator_type": "totp",
        "secret": secret,
        "qrcode_uri": uri,
        "qrcode_data_url": segno.make(uri, error="m").png_data_uri(scale=4),
        "recovery_code": recovery,
    }


@rest_route("POST", "/api/v2/mfa/totp/associate/confirm")
def confirm(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    code = _body(call).get("totp")
    if not isinstance(code, str) or not code:
        raise biz(6003, "请输入安全码")
    totp = _totp(user)
    if not totp.get("secret"):
        raise biz(400, "请先请求绑定 TOTP MFA")
    if not verify_totp(pool, totp["secret"], code):
        raise biz(6001, "安全码错误")
    totp["enabled"] = True
    totp["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return Envelope(message="TOTP MFA 绑定成功")


@rest_route("DELETE", "/api/v2/mfa/totp/associate")
def unbind(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    user_mfa(user).pop("totp", None)
    ctx.state.put_user(pool, user)
    return Envelope(message="TOTP MFA 解绑成功")


@rest_route("POST", "/api/v2/mfa/totp/verify")
def verify(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    code = _body(call).get("totp")
    if not isinstance(code, str) or not code:
        raise biz(6003, "请输入安全码")
    totp = _totp(user)
    if not totp.get("enabled") or not verify_totp(pool, totp["secret"], code):
        raise biz(6001, "安全码错误")
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/mfa/totp/recovery")
def recovery(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    code = _body(call).get("recoveryCode")
    if not isinstance(code, str) or not code:
        raise biz(6004, "请输入恢复代码")
    totp = _totp(user)
    if not totp.get("enabled") or code != totp.get("recoveryCode"):
        raise biz(6002, "恢复代码错误")
    totp["recoveryCode"] = new_recovery_code()
    totp["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return _finish(ctx, pool, user, jti)


def _bind_contact(
    ctx: RequestContext, pool: Pool, user: dict[str, Any], field: str, value: str
) -> None:
    """The account's phone/email must be ``value``; an account without one gets it bound."""
    current = user.get(field)
    if current and (current.lower() if field == "email" else current) != (
        value.lower() if field == "email" else value
    ):
        raise biz(400, "手机号与账号不一致" if field == "phone" else "邮箱与账号不一致")
    if not current:
        other = pool.find_by(field, value)
        if other is not None and other["id"] != user["id"]:
            raise biz(2026, "该手机号或邮箱已被其他账号绑定")
        previous = dict(user)
        user[field] = value
        user[f"{field}Verified"] = True
        ctx.state.put_user(pool, user, previous=previous)


@rest_route("POST", "/api/v2/applications/mfa/sms/verify")
def verify_sms(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    body = _body(call)
    phone = body.get("phone")
    if not isinstance(phone, str) or not phone:
        raise biz(400, "缺少 phone")
    consume_code(ctx, pool, sms_key(phone), body.get("code"))
    _bind_contact(ctx, pool, user, "phone", phone)
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/applications/mfa/email/verify")
def verify_email(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    body = _body(call)
    email = body.get("email")
    if not isinstance(email, str) or not email:
        raise biz(400, "缺少 email")
    check_email(email)
    consume_code(ctx, pool, email_key(email), body.get("code"))
    _bind_contact(ctx, pool, user, "email", email)
    return _finish(ctx, pool, user, jti)


@rest_route("POST", "/api/v2/applications/mfa/check")
def bindable(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _jti = _caller(ctx, user_token=True)
    body = _body(call)
    for field in ("phone", "email"):
        value = body.get(field)
        if isinstance(value, str) and value:
            other = pool.find_by(field, value)
            if other is not None and other["id"] != user["id"]:
                raise biz(2026, "该手机号或邮箱已被其他账号绑定")
    return True


def _face_associate(ctx: RequestContext, call: RestCall) -> Any:
    body = _body(call)
    if "photoA" not in body and "photo" in body:
        return _face_verify(ctx, call)  # Go and Python post verification here
    pool, user, jti = _caller(ctx, user_token=True)
    photo_a, photo_b = body.get("photoA"), body.get("photoB")
    if not isinstance(photo_a, str) or not photo_a:
        raise biz(1700, "未上传人脸照片")
    if not isinstance(photo_b, str) or not photo_b:
        raise biz(1701, "未上传对比照片")
    record = user_mfa(user)
    if record.get("face"):
        raise biz(1705, "已绑定人脸")
    fingerprint = face_fingerprint(photo_a)
    if fingerprint != face_fingerprint(photo_b):
        raise biz(1702, "人脸识别失败")
    record["face"] = {"fingerprint": fingerprint, "createdAt": format_date(pool.now())}
    ctx.state.put_user(pool, user)
    if jti is not None:
        return _finish(ctx, pool, user, jti)
    return user_view(user)


def _face_verify(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, jti = _caller(ctx, user_token=False)
    photo = _body(call).get("photo")
    if not isinstance(photo, str) or not photo:
        raise biz(1700, "未上传人脸照片")
    face = user_mfa(user).get("face") or {}
    if not face or face.get("fingerprint") != face_fingerprint(photo):
        raise biz(1702, "人脸识别失败")
    return _finish(ctx, pool, user, jti)


rest_route("POST", "/api/v2/mfa/face/associate")(_face_associate)
rest_route("POST", "/api/v2/mfa/face/verify")(_face_verify)
