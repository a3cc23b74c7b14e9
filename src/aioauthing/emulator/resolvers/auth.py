"""End-user authentication resolvers: register, login, login status, password, profile."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool, format_date
from ..tokens import read_token
from ..users import (
    check_email,
    check_unique,
    merge_custom_data,
    new_user,
    parse_custom_data,
    set_password,
    user_view,
    verify_user_password,
)
from .messaging import consume_code, email_key, sms_key
from .mfa import mfa_gate

__all__ = ["issue_reset_token", "login", "register"]

FIRST_LOGIN_PASSWORD_RESET = 1639
FORCED_PASSWORD_RESET = 2058

_PROFILE_SKIP = frozenset({"udf", "ip"})


def login(
    ctx: RequestContext,
    pool: Pool,
    user: dict[str, Any],
    client_ip: str | None,
    *,
    mfa_passed: bool = False,
) -> dict[str, Any]:
    """Run the login flow for ``user``: counters, last login, a fresh token.

    A user created with ``resetPasswordOnFirstLogin`` gets 1639 and a first-login token until the
    password is reset; a user flagged ``_forceResetPassword`` gets 2058 and a force-reset token;
    a login that needs MFA gets 1636 and an MFA token (``.mfa``) unless ``mfa_passed``.
    """
    if user.get("blocked") or user.get("status") in ("Suspended", "Archived"):
        raise biz(2005)
    if user.get("_resetPasswordOnFirstLogin"):
        token = issue_reset_token(ctx, pool, user, "first-login")
        raise biz(FIRST_LOGIN_PASSWORD_RESET, "首次登录请重置密码", data={"token": token})
    if user.get("_forceResetPassword"):
        token = issue_reset_token(ctx, pool, user, "force-reset")
        raise biz(FORCED_PASSWORD_RESET, "强制重置密码，需要验证旧密码", data={"token": token})
    if not mfa_passed:
        mfa_gate(ctx, pool, user)
    user["loginsCount"] = int(user.get("loginsCount") or 0) + 1
    user["lastLogin"] = format_date(pool.now())
    if client_ip:
        user["lastIP"] = client_ip
    token, _iat, exp = ctx.issue_user_token(pool, user)
    ctx.state.put_user(pool, user)
    return user_view(user, token=token, exp=exp)


def issue_reset_token(ctx: RequestContext, pool: Pool, user: dict[str, Any], kind: str) -> str:
    """A one-time token (``first-login`` or ``force-reset``) for ``user``, valid 10 minutes."""
    token = ctx.state.ids.secret()
    ctx.state.put_code(
        pool, f"{kind}:{token}", {"code": user["id"], "scene": kind, "expiresAt": pool.now() + 600}
    )
    return token


def register(
    ctx: RequestContext,
    pool: Pool,
    data: dict[str, Any],
    fields: dict[str, Any],
    *,
    source: str,
) -> dict[str, Any]:
    """Create a self-registered user from an ``RegisterBy*Input``."""
    profile = {k: v for k, v in (data.get("profile") or {}).items() if k not in _PROFILE_SKIP}
    profile.update(fields)
    check_unique(pool, profile)
    user = new_user(ctx, pool, profile, register_source=[source])
    if data.get("password"):
        set_password(ctx, user, data["password"])
    udf = (data.get("profile") or {}).get("udf") or []
    merge_custom_data(
        user,
        [{"key": i["key"], "value": i["value"], "dataType": "STRING", "label": None} for i in udf],
    )
    merge_custom_data(user, parse_custom_data(data.get("params")))
    if data.get("forceLogin"):
        return login(ctx, pool, user, data.get("clientIp"))
    ctx.state.put_user(pool, user)
    if data.get("generateToken"):
        token, _iat, exp = ctx.issue_user_token(pool, user)
        ctx.state.put_user(pool, user)
        return user_view(user, token=token, exp=exp)
    return user_view(user)


@resolver("Mutation.registerByEmail")
def register_by_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    data = args["input"]
    check_email(data["email"])
    return register(ctx, ctx.pool, data, {"email": data["email"]}, source="basic:email")


@resolver("Mutation.registerByUsername")
def register_by_username(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    data = args["input"]
    if not data["username"]:
        raise biz(400, "用户名不能为空")
    return register(
        ctx, ctx.pool, data, {"username": data["username"]}, source="basic:username-password"
    )


@resolver("Mutation.registerByPhoneCode")
def register_by_phone_code(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    data = args["input"]
    pool = ctx.pool
    check_unique(pool, {"phone": data["phone"]})
    consume_code(ctx, pool, sms_key(data["phone"]), data.get("code"))
    fields = {"phone": data["phone"], "phoneVerified": True}
    if data.get("phoneCountryCode"):
        fields["phoneCountryCode"] = data["phoneCountryCode"]
    return register(ctx, pool, data, fields, source="basic:phone-code")


def _password_login(ctx: RequestContext, field: str, data: dict[str, Any]) -> Any:
    pool = ctx.pool
    if field == "email":
        check_email(data["email"])
    user = pool.find_by(field, data[field])
    if user is None:
        if data.get("autoRegister"):
            source = {"email": "basic:email", "username": "basic:username-password"}.get(
                field, "basic:phone-password"
            )
            created = register(ctx, pool, data, {field: data[field]}, source=source)
            return login(ctx, pool, pool.users[created["id"]], data.get("clientIp"))
        raise biz(2333)
    if not verify_user_password(ctx, user, data["password"]):
        raise biz(2333)
    return login(ctx, pool, user, data.get("clientIp"))


@resolver("Mutation.loginByEmail")
def login_by_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _password_login(ctx, "email", args["input"])


@resolver("Mutation.loginByUsername")
def login_by_username(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _password_login(ctx, "username", args["input"])


@resolver("Mutation.loginByPhonePassword")
def login_by_phone_password(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return _password_login(ctx, "phone", args["input"])


@resolver("Mutation.loginByPhoneCode")
def login_by_phone_code(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    data = args["input"]
    pool = ctx.pool
    consume_code(ctx, pool, sms_key(data["phone"]), data.get("code"))
    user = pool.find_by("phone", data["phone"])
    if user is None:
        if data.get("autoRegister") is False:
            raise biz(2004)
        fields = {"phone": data["phone"], "phoneVerified": True}
        created = register(ctx, pool, data, fields, source="basic:phone-code")
        user = pool.users[created["id"]]
    return login(ctx, pool, user, data.get("clientIp"))


@resolver("Query.checkLoginStatus")
def check_login_status(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    expired = {
        "code": 2206,
        "message": "登录信息已过期",
        "status": False,
        "exp": None,
        "iat": None,
        "data": None,
    }
    token = args.get("token") or ctx.bearer
    if not token:
        return expired
    try:
        info = read_token(ctx.keys, token)
    except Exception:
        return expired
    pool = ctx.state.pools.get(info.pool_id)
    if pool is None or info.expired(pool.now()):
        return expired
    data = None
    if info.kind == "user":
        user = pool.users.get(info.subject)
        if user is None or info.jti not in user.get("_tokens", {}):
            return expired
        data = {"id": user["id"], "userPoolId": pool.id, "arn": user["arn"]}
    return {
        "code": 200,
        "message": "已登录",
        "status": True,
        "exp": info.exp,
        "iat": info.iat,
        "data": data,
    }


def change_password(
    ctx: RequestContext, old: str | None, new: str, *, wrong_old_code: int
) -> dict[str, Any]:
    """The signed-in user's password change; ends their sessions and returns a fresh token.

    A wrong (or missing) old password is ``wrong_old_code``: 2006 on GraphQL
    ``updatePassword``, 1320011 on Android's REST ``/api/v2/password/update`` (wire-v2 §6.3:
    the seven-digit codes are REST-only, GraphQL uses the four-digit ones).
    """
    pool, user, _info = ctx.require_user()
    if user.get("password") and (not old or not verify_user_password(ctx, user, old)):
        raise biz(wrong_old_code, "旧密码不正确")
    set_password(ctx, user, new)
    user["_tokens"] = {}
    user["updatedAt"] = format_date(pool.now())
    token, _iat, exp = ctx.issue_user_token(pool, user)
    ctx.state.put_user(pool, user)
    return user_view(user, token=token, exp=exp)


@resolver("Mutation.updatePassword")
def update_password(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    return change_password(ctx, args.get("oldPassword"), args["newPassword"], wrong_old_code=2006)


@resolver("Mutation.resetPassword")
def reset_password(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool = ctx.pool
    if args.get("phone"):
        key, user = sms_key(args["phone"]), pool.find_by("phone", args["phone"])
    elif args.get("email"):
        key, user = email_key(args["email"]), pool.find_by("email", args["email"])
    else:
        raise biz(2028)
    consume_code(ctx, pool, key, args.get("code"))
    if user is None:
        raise biz(2004)
    set_password(ctx, user, args["newPassword"])
    user["_tokens"] = {}
    ctx.state.put_user(pool, user)
    return {"code": 200, "message": "重置密码成功"}
