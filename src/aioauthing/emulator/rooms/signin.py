"""Sign-in and registration: password / code / sub-account / LDAP and AD logins, registration, login status, account linking."""

from __future__ import annotations

from typing import Any

from ..audit import record_user_action
from ..context import RequestContext
from ..errors import biz, error_payload
from ..oauth import account_active
from ..passwords import verify_password
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import json_body, text_field
from ..tokens import read_token
from ..users import (
    check_email,
    check_unique,
    merge_custom_data,
    new_user,
    parse_custom_data,
    save_user,
    set_password,
    user_view,
    verify_user_password,
)
from .acl import app_access_allowed
from .messaging import consume_code, email_key, sms_key
from .mfa import mfa_gate
from .tenants import check_tenant_sign_in
from .user_pool import check_email_login, check_registration

TENANT_HEADER = "x-authing-app-tenant-id"
"""The tenant a sign-in is for (the JS client's ``tenantId`` option; aioauthing ``tenant_id=``)."""


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
    a login that needs MFA gets 1636 and an MFA token (:mod:`.mfa`) unless ``mfa_passed``.
    """
    if not account_active(user):
        raise biz("USER_LOCKED")
    if not app_access_allowed(pool, pool.app_id, user["id"]):
        raise biz("APP_LOGIN_FORBIDDEN")  # the application's access policy (acl room)
    tenant_id = ctx.headers.get(TENANT_HEADER, "").strip()
    if tenant_id:
        check_tenant_sign_in(pool, ctx.app_id or pool.app_id, user["id"], tenant_id)
    if user.get("_resetPasswordOnFirstLogin"):
        token = issue_reset_token(ctx, pool, user, "first-login")
        raise biz("FIRST_LOGIN_PASSWORD_RESET", data={"token": token})
    if user.get("_forceResetPassword"):
        token = issue_reset_token(ctx, pool, user, "force-reset")
        raise biz("FORCED_PASSWORD_RESET", data={"token": token})
    if not mfa_passed:
        mfa_gate(ctx, pool, user)
    user["loginsCount"] = int(user.get("loginsCount") or 0) + 1
    user["lastLogin"] = format_date(pool.now())
    if client_ip:
        user["lastIP"] = client_ip
    token, _iat, exp = ctx.issue_user_token(pool, user)
    ctx.state.put_user(pool, user)
    record_user_action(ctx, pool, user, "login", client_ip)
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
    """Create a self-registered user from an ``RegisterBy*Input`` (if the pool's settings allow)."""
    check_registration(pool, fields)
    profile = {**(data.get("profile") or {}), **fields}  # only User's writable fields are stored
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
    record_user_action(ctx, pool, user, "register", data.get("clientIp"))
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
        raise biz("USERNAME_EMPTY")
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
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    if not verify_user_password(ctx, user, data["password"]):
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    if field == "email":
        check_email_login(pool, user)
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
            raise biz("USER_NOT_FOUND")
        fields = {"phone": data["phone"], "phoneVerified": True}
        created = register(ctx, pool, data, fields, source="basic:phone-code")
        user = pool.users[created["id"]]
    return login(ctx, pool, user, data.get("clientIp"))


@resolver("Query.checkLoginStatus")
def check_login_status(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    expired = {
        **error_payload("LOGIN_EXPIRED"),
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


def _find_by_extend_field(
    pool: Pool, account: str, field: str | None = None
) -> dict[str, Any] | None:
    """The user registered with ``account`` as the value of a custom field (any, or ``field``)."""
    for user in pool.users.values():
        extend = user.get("_extendFields") or {}
        if (field is None and account in extend.values()) or extend.get(field or "") == account:
            return user
    return None


@rest_route("POST", "/api/v2/login/account")
def login_by_account(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    account, password = text_field(body, "account"), text_field(body, "password")
    pool = ctx.pool
    user = next(
        (u for f in ("phone", "email", "username") if (u := pool.find_by(f, account)) is not None),
        None,
    ) or _find_by_extend_field(pool, account)
    if user is None:
        if not body.get("autoRegister"):
            raise biz("WRONG_ACCOUNT_OR_PASSWORD")
        field = "email" if "@" in account else "username"
        created = register(ctx, pool, body, {field: account}, source="basic:account")
        user = pool.users[created["id"]]
    elif not verify_user_password(ctx, user, password):
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    return login(ctx, pool, user, body.get("clientIp"))


@rest_route("POST", "/api/v2/login/email-code")
def login_by_email_code(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    email = text_field(body, "email")
    check_email(email)
    pool = ctx.pool
    consume_code(ctx, pool, email_key(email), body.get("code"))
    user = pool.find_by("email", email)
    if user is None:
        if body.get("autoRegister") is False:
            raise biz("USER_NOT_FOUND")
        fields = {"email": email, "emailVerified": True}
        created = register(ctx, pool, body, fields, source="basic:email-code")
        user = pool.users[created["id"]]
    return login(ctx, pool, user, body.get("clientIp"))


@rest_route("POST", "/api/v2/register/email-code")
def register_by_email_code(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    email = text_field(body, "email")
    check_email(email)
    pool = ctx.pool
    if pool.find_by("email", email) is not None:
        raise biz("USER_EXISTS")
    consume_code(ctx, pool, email_key(email), body.get("code"))
    data = {**body, "forceLogin": body.get("forceLogin", True)}
    return register(
        ctx, pool, data, {"email": email, "emailVerified": True}, source="basic:email-code"
    )


@rest_route("POST", "/api/v2/register-{fieldName}")
def register_by_extend_field(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    field = call.path_params["fieldName"]
    account = text_field(body, "account")
    pool = ctx.pool
    if _find_by_extend_field(pool, account, field) is not None:
        raise biz("USER_EXISTS")
    data = {**body, "forceLogin": False}
    view = register(ctx, pool, data, {}, source=f"basic:{field}")
    user = pool.users[view["id"]]
    user["_extendFields"] = {field: account}
    ctx.state.put_user(pool, user)
    if body.get("forceLogin", True):
        return login(ctx, pool, user, body.get("clientIp"))
    return view


def _user_of_token(ctx: RequestContext, pool: Pool, token: str) -> dict[str, Any]:
    """The user of a valid, unrevoked user token of ``pool`` (2020 otherwise)."""
    try:
        info = read_token(ctx.keys, token)
    except Exception as exc:
        raise biz("NOT_LOGGED_IN") from exc
    user = pool.users.get(info.subject) if info.kind == "user" else None
    if (
        info.pool_id != pool.id
        or user is None
        or info.jti not in user.get("_tokens", {})
        or info.expired(pool.now())
    ):
        raise biz("NOT_LOGGED_IN")
    return user


@rest_route("POST", "/api/v2/users/link")
def link_accounts(ctx: RequestContext, call: RestCall) -> Any:
    """Move the secondary account's identities (social / enterprise, LDAP and AD directory
    entries) to the primary account and delete the secondary account."""
    pool, caller, _info = ctx.require_user()
    body = json_body(call)
    primary = _user_of_token(ctx, pool, text_field(body, "primaryUserToken"))
    secondary = _user_of_token(ctx, pool, text_field(body, "secondaryUserToken"))
    if caller["id"] not in (primary["id"], secondary["id"]):
        raise biz("NOT_ALLOWED_TO_MODIFY")
    if primary["id"] == secondary["id"]:
        raise biz("SAME_ACCOUNT")
    moved = [{**i, "userId": primary["id"]} for i in secondary.get("identities") or []]
    primary["identities"] = [*(primary.get("identities") or []), *moved]
    for key, entry in list(pool.directory.items()):
        if entry.get("userId") == secondary["id"]:
            ctx.state.put_directory_user(pool, key, {**entry, "userId": primary["id"]})
    sources = set(primary.get("registerSource") or []) | set(secondary.get("registerSource") or [])
    primary["registerSource"] = sorted(sources)
    ctx.state.delete_user(pool, secondary["id"])
    save_user(ctx, pool, primary)
    return Envelope(message="绑定成功")


def _verify(ctx: RequestContext, call: RestCall, kind: str) -> Any:
    body = call.body if isinstance(call.body, dict) else {}
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise biz("PARAMS_NEEDED", names="username 和 password")
    pool = ctx.pool
    entry = pool.directory.get(f"{kind}:{username}")
    if entry is None or not verify_password(password, entry["password"]):
        raise biz("WRONG_ACCOUNT_OR_PASSWORD")
    user = pool.users.get(entry.get("userId") or "")
    profile = {k: v for k, v in entry.get("profile", {}).items()}
    if user is None:
        profile.setdefault("username", username)
        user = new_user(ctx, pool, profile, register_source=[f"{kind}"])
        entry = {**entry, "userId": user["id"]}
        ctx.state.put_directory_user(pool, f"{kind}:{username}", entry)
    else:
        user.update(profile)
    return login(ctx, pool, user, body.get("clientIp"))


@rest_route("POST", "/api/v2/ldap/verify-user")
def ldap_verify(ctx: RequestContext, call: RestCall) -> Any:
    return _verify(ctx, call, "ldap")


@rest_route("POST", "/api/v2/ad/verify-user")
def ad_verify(ctx: RequestContext, call: RestCall) -> Any:
    return _verify(ctx, call, "ad")
