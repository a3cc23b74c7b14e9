"""More end-user REST endpoints: account / email-code login and register, security level,
account deletion, the user's orgs and applications, account linking, the SSO session."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..resolvers.acl import resources_of
from ..resolvers.auth import change_password, login, register
from ..resolvers.auth_extra import save
from ..resolvers.messaging import consume_code, email_key
from ..resolvers.orgs import org_paths_of
from ..resolvers.records import DEFAULT_NAMESPACE, records
from ..state import Pool
from ..tokens import read_token
from ..users import check_email, user_view, verify_user_password


def _body(call: RestCall) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    return call.body


def _str(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise biz("PARAM_MISSING", name=key)
    return value


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
    body = _body(call)
    account, password = _str(body, "account"), _str(body, "password")
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
    body = _body(call)
    email = _str(body, "email")
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
    body = _body(call)
    email = _str(body, "email")
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
    body = _body(call)
    field = call.path_params["fieldName"]
    account = _str(body, "account")
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
def update_password(ctx: RequestContext, call: RestCall) -> Any:
    """Android ``updatePassword``: ``{newPassword, oldPassword?}`` (RSA), 1320011 if old is wrong."""
    body = _body(call)
    old = body.get("oldPassword")
    return change_password(
        ctx,
        old if isinstance(old, str) else None,
        _str(body, "newPassword"),
        wrong_old="OLD_PASSWORD_WRONG",
    )


@rest_route("DELETE", "/api/v2/users/delete")
def delete_account(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    ctx.state.delete_user(pool, user["id"])
    return Envelope(message="删除账号成功")


@rest_route("GET", "/api/v2/users/me/orgs")
def my_orgs(ctx: RequestContext, call: RestCall) -> Any:
    pool, user, _info = ctx.require_user()
    return Envelope(org_paths_of(pool, user["id"]), message="获取用户组织机构列表成功")


_RESOURCE_TYPES = ("DATA", "API", "MENU", "UI", "BUTTON")


@rest_route("POST", "/api/v2/users/resource/authorized")
def my_authorized_resources(ctx: RequestContext, call: RestCall) -> Any:
    """Android ``listAuthorizedResources``: ``{namespace, resourceType?}``, every type when empty."""
    pool, user, _info = ctx.require_user()
    body = _body(call)
    namespace = body.get("namespace") or None
    resource_type = body.get("resourceType") or None
    if resource_type is not None and resource_type not in _RESOURCE_TYPES:
        raise biz("CHOICE_REQUIRED", name="resourceType", choices=", ".join(_RESOURCE_TYPES))
    found = resources_of(pool, "USER", user["id"], namespace, resource_type)
    defined = records(pool, "resources")
    for item in found["list"]:
        resource = defined.get(f"{namespace or DEFAULT_NAMESPACE}/{item['code']}") or {}
        item["apiIdentifier"] = resource.get("apiIdentifier")
    return found


@rest_route("GET", "/api/v2/users/me/applications/allowed")
def my_applications(ctx: RequestContext, call: RestCall) -> Any:
    pool, _user, _info = ctx.require_user()
    try:
        page = max(int(call.query.get("page", "1")), 1)
        limit = max(int(call.query.get("limit", "10")), 1)
    except ValueError as exc:
        raise biz("PAGE_NOT_INTEGER") from exc
    apps = [
        {
            "id": pool.app_id,
            "name": "Emulator App",
            "logo": "https://files.authing.co/authing-console/default-app-logo.png",
            "identifier": "emulator",
            "description": None,
            "createdAt": None,
            "updatedAt": None,
            "protocol": "oidc",
        }
    ]
    items = apps[(page - 1) * limit : page * limit]
    return Envelope({"list": items, "totalCount": len(apps)}, message="获取可访问的应用列表成功")


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
    body = _body(call)
    primary = _user_of_token(ctx, pool, _str(body, "primaryUserToken"))
    secondary = _user_of_token(ctx, pool, _str(body, "secondaryUserToken"))
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
    save(ctx, pool, primary)
    return Envelope(message="绑定成功")


@rest_route("GET", "/cas/session")
def cas_session(ctx: RequestContext, call: RestCall) -> Any:
    """The SSO session from the caller's token (the emulator has no browser cookies)."""
    try:
        pool, user, _info = ctx.require_user()
    except Exception:
        return JSONResponse({"session": None})
    return JSONResponse(
        {"session": {"appId": pool.app_id, "userId": user["id"]}, "userInfo": user_view(user)}
    )
