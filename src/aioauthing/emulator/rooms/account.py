"""The signed-in user's account: passwords (change, reset, first-login / forced reset, strength), bound phone and email, avatar upload, security level, account deletion."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import json_body, text_field
from ..users import (
    check_email,
    check_unique,
    save_user,
    set_password,
    user_view,
    verify_user_password,
)
from .messaging import consume_code, email_key, sms_key
from .signin import issue_reset_token


def change_password(
    ctx: RequestContext, old: str | None, new: str, *, wrong_old: str
) -> dict[str, Any]:
    """The signed-in user's password change; ends their sessions and returns a fresh token.

    A wrong (or missing) old password is the error ``wrong_old``: 2006 on GraphQL
    ``updatePassword``, 1320011 on Android's REST ``/api/v2/password/update`` (wire-v2 §6.3:
    the seven-digit codes are REST-only, GraphQL uses the four-digit ones).
    """
    pool, user, _info = ctx.require_user()
    if user.get("password") and (not old or not verify_user_password(ctx, user, old)):
        raise biz(wrong_old)
    set_password(ctx, user, new)
    user["_tokens"] = {}
    user["updatedAt"] = format_date(pool.now())
    token, _iat, exp = ctx.issue_user_token(pool, user)
    ctx.state.put_user(pool, user)
    return user_view(user, token=token, exp=exp)


@resolver("Mutation.updatePassword")
def update_password(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return change_password(
        ctx, args.get("oldPassword"), args["newPassword"], wrong_old="WRONG_OLD_PASSWORD"
    )


@resolver("Mutation.resetPassword")
def reset_password(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    if args.get("phone"):
        key, user = sms_key(args["phone"]), pool.find_by("phone", args["phone"])
    elif args.get("email"):
        key, user = email_key(args["email"]), pool.find_by("email", args["email"])
    else:
        raise biz("PHONE_OR_EMAIL_REQUIRED")
    consume_code(ctx, pool, key, args.get("code"))
    if user is None:
        raise biz("USER_NOT_FOUND")
    set_password(ctx, user, args["newPassword"])
    user["_tokens"] = {}
    ctx.state.put_user(pool, user)
    return {"code": 200, "message": "重置密码成功"}


def has_other_login_method(user: dict[str, Any], dropping: str) -> bool:
    """Whether ``user`` can still log in after losing ``dropping`` ("phone" or "email")."""
    if user.get("password") and any(
        user.get(f) for f in ("username", "email", "phone") if f != dropping
    ):
        return True
    other = "email" if dropping == "phone" else "phone"
    return bool(user.get(other)) or bool(user.get("identities"))


@resolver("Mutation.bindPhone")
def bind_phone(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    if user.get("phone"):
        raise biz("PHONE_ALREADY_BOUND")
    return _set_verified_phone(ctx, pool, user, args)


def _set_verified_phone(ctx: RequestContext, pool: Any, user: Any, args: dict[str, Any]) -> Any:
    """Bind ``args["phone"]`` (unique in the pool, its SMS code consumed) as verified; save."""
    check_unique(pool, {"phone": args["phone"]}, exclude_id=user["id"])
    consume_code(ctx, pool, sms_key(args["phone"]), args.get("phoneCode"))
    user["phone"], user["phoneVerified"] = args["phone"], True
    if args.get("phoneCountryCode"):
        user["phoneCountryCode"] = args["phoneCountryCode"]
    return save_user(ctx, pool, user)


@resolver("Mutation.unbindPhone")
def unbind_phone(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    if not user.get("phone"):
        raise biz("PHONE_NOT_BOUND")
    if not has_other_login_method(user, "phone"):
        raise biz("NO_OTHER_LOGIN_METHOD_PHONE")
    user["phone"], user["phoneVerified"] = None, False
    return save_user(ctx, pool, user)


@resolver("Mutation.updatePhone")
def update_phone(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    old = args.get("oldPhone")
    if old is not None:
        if old != user.get("phone"):
            raise biz("OLD_PHONE_MISMATCH")
        consume_code(ctx, pool, sms_key(old), args.get("oldPhoneCode"))
    return _set_verified_phone(ctx, pool, user, args)


@resolver("Mutation.bindEmail")
def bind_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    check_email(args["email"])
    if user.get("email"):
        raise biz("EMAIL_ALREADY_BOUND")
    check_unique(pool, {"email": args["email"]}, exclude_id=user["id"])
    consume_code(ctx, pool, email_key(args["email"]), args.get("emailCode"))
    user["email"], user["emailVerified"] = args["email"], True
    return save_user(ctx, pool, user)


@resolver("Mutation.unbindEmail")
def unbind_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    if not user.get("email"):
        raise biz("EMAIL_NOT_BOUND")
    if not has_other_login_method(user, "email"):
        raise biz("NO_OTHER_LOGIN_METHOD_EMAIL")
    user["email"], user["emailVerified"] = None, False
    return save_user(ctx, pool, user)


@resolver("Mutation.updateEmail")
def update_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    check_email(args["email"])
    old = args.get("oldEmail")
    if old is not None:
        if old.lower() != (user.get("email") or "").lower():
            raise biz("OLD_EMAIL_MISMATCH")
        consume_code(ctx, pool, email_key(old), args.get("oldEmailCode"))
    check_unique(pool, {"email": args["email"]}, exclude_id=user["id"])
    consume_code(ctx, pool, email_key(args["email"]), args.get("emailCode"))
    user["email"], user["emailVerified"] = args["email"], True
    return save_user(ctx, pool, user)


def _user_for_reset_token(ctx: RequestContext, token: str, kind: str) -> tuple[Pool, Any]:
    pool = ctx.pool
    entry = pool.codes.get(f"{kind}:{token}")
    if entry is None or pool.now() > entry["expiresAt"]:
        raise biz("TOKEN_INVALID_OR_EXPIRED")
    user = pool.users.get(entry["code"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    return pool, user


@resolver("Mutation.resetPasswordByFirstLoginToken")
def reset_by_first_login_token(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _user_for_reset_token(ctx, args["token"], "first-login")
    ctx.state.delete_code(pool, f"first-login:{args['token']}")
    set_password(ctx, user, args["password"])
    user["_tokens"] = {}
    user.pop("_resetPasswordOnFirstLogin", None)
    save_user(ctx, pool, user)
    return {"code": 200, "message": "重置密码成功"}


@resolver("Mutation.resetPasswordByForceResetToken")
def reset_by_force_reset_token(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user = _user_for_reset_token(ctx, args["token"], "force-reset")
    if not verify_user_password(ctx, user, args["oldPassword"]):
        raise biz("WRONG_OLD_PASSWORD")  # GraphQL: four-digit codes (1320011 is REST-only)
    ctx.state.delete_code(pool, f"force-reset:{args['token']}")
    set_password(ctx, user, args["newPassword"])
    user["_tokens"] = {}
    user.pop("_forceResetPassword", None)
    save_user(ctx, pool, user)
    return {"code": 200, "message": "重置密码成功"}


@resolver("Query.checkPasswordStrength")
def check_password_strength(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    password = args["password"]
    if len(password) < 6:
        return {"valid": False, "message": "密码长度不能少于 6 位"}
    return {"valid": True, "message": "密码验证成功"}


@resolver("Mutation.sendFirstLoginVerifyEmail")
def send_first_login_verify_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Management call (C31): 2004 unknown user, 2011 unknown application of the pool."""
    pool = ctx.require_management()
    user = pool.users.get(args["userId"])
    if user is None:
        raise biz("USER_NOT_FOUND")
    if args["appId"] != pool.app_id:
        raise biz("APP_NOT_FOUND")
    if not user.get("email"):
        raise biz("PHONE_OR_EMAIL_REQUIRED")
    token = issue_reset_token(ctx, pool, user, "first-login")
    ctx.state.add_outbox(
        pool,
        {
            "channel": "email",
            "email": user["email"],
            "scene": "FIRST_LOGIN_VERIFY",
            "token": token,
            "appId": args["appId"],
            "sentAt": format_date(pool.now()),
        },
    )
    return {"code": 200, "message": "发送成功"}


@rest_route("POST", "/api/v2/upload")
def upload(ctx: RequestContext, call: RestCall) -> Any:
    """Store an uploaded file's name under ``folder``; the URL is served by no one (as a CDN)."""
    part = call.files.get("file")
    if part is None:
        raise biz("FILE_MISSING", name="file")
    filename, content, _content_type = part
    if not content:
        raise biz("FILE_EMPTY")
    folder = call.query.get("folder", "default")
    name = f"{ctx.state.ids.secret()[:16]}-{filename}"
    return {"url": f"https://files.authing.co/{ctx.pool.id}/{folder}/{name}"}


@rest_route("GET", "/api/v2/users/me/security-level")
def security_level(ctx: RequestContext, call: RestCall) -> Any:
    _pool, user, _info = ctx.require_user()
    has_password = bool(user.get("password"))
    has_email = bool(user.get("email"))
    has_phone = bool(user.get("phone"))
    score = 40 + 20 * has_password + 20 * has_email + 20 * has_phone
    return Envelope(
        {
            "score": score,
            "email": has_email,
            "phone": has_phone,
            "password": has_password,
            "passwordSecurityLevel": 1 if has_password else None,
            "mfa": False,
        },
        message="获取成功",
    )


@rest_route("POST", "/api/v2/password/update")
def rest_update_password(ctx: RequestContext, call: RestCall) -> Any:
    """Android ``updatePassword``: ``{newPassword, oldPassword?}`` (RSA), 1320011 if old is wrong."""
    body = json_body(call)
    old = body.get("oldPassword")
    return change_password(
        ctx,
        old if isinstance(old, str) else None,
        text_field(body, "newPassword"),
        wrong_old="OLD_PASSWORD_WRONG",
    )


@rest_route("DELETE", "/api/v2/users/delete")
def delete_account(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    ctx.state.delete_user(pool, user["id"])
    return Envelope(message="删除账号成功")
