"""More end-user resolvers: bind / unbind / update phone and email, sub-account login,
first-login and force-reset tokens, password strength."""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import resolver
from ..state import Pool, format_date
from ..users import check_email, check_unique, set_password, user_view, verify_user_password
from .auth import issue_reset_token, login
from .messaging import consume_code, email_key, sms_key

__all__ = ["has_other_login_method", "save"]


def save(ctx: RequestContext, pool: Pool, user: dict[str, Any]) -> dict[str, Any]:
    """Store ``user`` (touching ``updatedAt``) and return its wire view."""
    user["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return user_view(user)


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
    check_unique(pool, {"phone": args["phone"]}, exclude_id=user["id"])
    consume_code(ctx, pool, sms_key(args["phone"]), args.get("phoneCode"))
    user["phone"], user["phoneVerified"] = args["phone"], True
    if args.get("phoneCountryCode"):
        user["phoneCountryCode"] = args["phoneCountryCode"]
    return save(ctx, pool, user)


@resolver("Mutation.unbindPhone")
def unbind_phone(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    if not user.get("phone"):
        raise biz("PHONE_NOT_BOUND")
    if not has_other_login_method(user, "phone"):
        raise biz("NO_OTHER_LOGIN_METHOD_PHONE")
    user["phone"], user["phoneVerified"] = None, False
    return save(ctx, pool, user)


@resolver("Mutation.updatePhone")
def update_phone(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    old = args.get("oldPhone")
    if old is not None:
        if old != user.get("phone"):
            raise biz("OLD_PHONE_MISMATCH")
        consume_code(ctx, pool, sms_key(old), args.get("oldPhoneCode"))
    check_unique(pool, {"phone": args["phone"]}, exclude_id=user["id"])
    consume_code(ctx, pool, sms_key(args["phone"]), args.get("phoneCode"))
    user["phone"], user["phoneVerified"] = args["phone"], True
    if args.get("phoneCountryCode"):
        user["phoneCountryCode"] = args["phoneCountryCode"]
    return save(ctx, pool, user)


@resolver("Mutation.bindEmail")
def bind_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    check_email(args["email"])
    if user.get("email"):
        raise biz("EMAIL_ALREADY_BOUND")
    check_unique(pool, {"email": args["email"]}, exclude_id=user["id"])
    consume_code(ctx, pool, email_key(args["email"]), args.get("emailCode"))
    user["email"], user["emailVerified"] = args["email"], True
    return save(ctx, pool, user)


@resolver("Mutation.unbindEmail")
def unbind_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    pool, user, _info = ctx.require_user()
    if not user.get("email"):
        raise biz("EMAIL_NOT_BOUND")
    if not has_other_login_method(user, "email"):
        raise biz("NO_OTHER_LOGIN_METHOD_EMAIL")
    user["email"], user["emailVerified"] = None, False
    return save(ctx, pool, user)


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
    return save(ctx, pool, user)


@resolver("Mutation.loginBySubAccount")
def login_by_sub_account(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    """Sub-accounts are users whose ``_subAccountOf`` names their main account (set through the
    admin state API); any other account, or a wrong password, is 2333."""
    pool = ctx.pool
    account = args["account"]
    user = next(
        (u for f in ("username", "email", "phone") if (u := pool.find_by(f, account)) is not None),
        None,
    )
    if user is None or not user.get("_subAccountOf") or user["_subAccountOf"] not in pool.users:
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    if not verify_user_password(ctx, user, args["password"]):
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    return login(ctx, pool, user, args.get("clientIp"))


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
    save(ctx, pool, user)
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
    save(ctx, pool, user)
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
