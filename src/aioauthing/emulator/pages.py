"""Pages for a browser: ``GET /`` and the hosted sign-in page of the OIDC / OAuth / CAS flows.

``GET /oidc/auth`` (and ``/oauth/auth``) shows a sign-in form for the authorize request; the
form posts back to the same path, and a valid account and password redirect to ``redirect_uri``
with the code, issued by :func:`aioauthing.emulator.oauth.authorize` exactly as the admin driver
``POST /__emulator__/oidc/authorize`` does. When the login needs MFA (the MFA room's policy:
``POST /__emulator__/mfa`` or the user's ``changeMfa``), a correct password leads to a code form
(TOTP, or an SMS / email code sent to the account's phone / email) before the redirect. ``GET /cas-idp/{appId}?service=`` does the same for
CAS and redirects with a ticket. Errors are shown on the page; nothing ever redirects to an
unverified URI.

The form is protected against cross-site posts twice: a random token in an ``HttpOnly``,
``SameSite=Strict`` cookie that must equal the form's hidden field, and an ``Origin`` header
(when the browser sends one) that must be the emulator's own. Every value shown is HTML-escaped.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Mapping
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from . import admin_protocols
from .context import RequestContext
from .errors import AuthingBizError
from .oauth import OAuthFailure, account_active, authorize
from .passwords import verify_password
from .rest_http import context_for
from .rooms.messaging import consume_code, email_key, send_code, sms_key
from .rooms.mfa import (
    MFA_REQUIRED,
    mfa_gate,
    pool_factors,
    read_mfa_token,
    spend_mfa_token,
    user_mfa,
    verify_totp,
)
from .state import EmulatorState, Pool

__all__ = ["STYLE", "esc", "layout", "mfa_step", "page_routes", "security_headers"]

STYLE = """
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb;
  --bad: #b91c1c; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); }
header { background: #111827; color: #fff; padding: .7rem 1.5rem; display: flex; gap: 1.5rem;
  align-items: center; }
header a { color: #d1d5db; text-decoration: none; }
header a:hover, header a.on { color: #fff; }
header strong { margin-right: 1rem; }
main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line);
  vertical-align: top; font-size: 14px; }
th { background: #f9fafb; font-weight: 600; color: #374151; }
td.num { font-variant-numeric: tabular-nums; }
td.code { font-size: 15px; font-weight: 700; letter-spacing: .08em; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.muted { color: var(--muted); }
.bad { color: var(--bad); }
.ok { color: #047857; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 1.5rem; }
.signin { max-width: 380px; margin: 4rem auto; }
.signin h1 { margin-bottom: .25rem; }
label { display: block; font-weight: 600; margin: .9rem 0 .3rem; font-size: 14px; }
input[type=text], input[type=password], input[type=search], input[type=number], select {
  width: 100%; padding: .55rem .65rem; border: 1px solid #d1d5db; border-radius: 6px; font: inherit; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: .55rem 1rem;
  font: inherit; font-weight: 600; cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border: 1px solid #d1d5db; }
button.danger { background: var(--bad); }
.signin button { width: 100%; margin-top: 1.2rem; }
.error { background: #fef2f2; color: var(--bad); border: 1px solid #fecaca; border-radius: 6px;
  padding: .6rem .75rem; margin: 1rem 0 0; }
.row { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; }
.row input[type=search] { max-width: 320px; }
.pill { display: inline-block; padding: 0 .5rem; border-radius: 999px; background: #eef2ff;
  color: #3730a3; font-size: 12px; }
.pill.bad { background: #fef2f2; color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
footer { color: var(--muted); font-size: 13px; text-align: center; margin: 2rem 0; }
"""

_CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"


def esc(value: object) -> str:
    """HTML-escape any value (``None`` shows as empty)."""
    return "" if value is None else escape(str(value), quote=True)


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": _CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",  # "no-referrer" would make POSTs say Origin: null
        "Cache-Control": "no-store",
    }


def layout(title: str, body: str, *, header: str = "") -> str:
    """A whole page: ``title`` is escaped here; ``body`` and ``header`` must be escaped HTML."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        '<link rel="stylesheet" href="/__emulator__/static/style.css"></head>'
        f"<body>{header}<main>{body}</main></body></html>"
    )


def _page(title: str, body: str, status: int = 200, **headers: str) -> HTMLResponse:
    return HTMLResponse(
        layout(title, body), status_code=status, headers={**security_headers(), **headers}
    )


async def style(request: Request) -> Response:
    return PlainTextResponse(STYLE, media_type="text/css", headers={"Cache-Control": "max-age=300"})


# ----------------------------------------------------------------------------- GET /


async def home(request: Request) -> Response:
    runtime = request.app.state.emulator
    base = str(request.base_url).rstrip("/")
    pool = runtime.state.default_pool
    links = [
        ("/__emulator__/ui", "Web UI", "pools, users, codes sent, request journal, faults"),
        ("/__emulator__/settings", "GET /__emulator__/settings", "the default pool's settings"),
        ("/__emulator__/pools", "GET /__emulator__/pools", "every pool"),
        ("/__emulator__/outbox", "GET /__emulator__/outbox", "SMS and email codes sent"),
        ("/__emulator__/requests", "GET /__emulator__/requests", "recent requests"),
        ("/__emulator__/faults", "GET /__emulator__/faults", "fault rates and rules"),
        ("/__emulator__/state", "GET /__emulator__/state", "the whole state as JSON"),
        ("/oidc/.well-known/openid-configuration", "OIDC discovery", ""),
    ]
    items = "".join(
        f'<tr><td><a href="{esc(href)}">{esc(name)}</a></td><td class="muted">{esc(what)}</td></tr>'
        for href, name, what in links
    )
    body = (
        '<div class="card"><h1>aioauthing emulator</h1>'
        f"<p>A local Authing V2 server at <code>{esc(base)}</code>: GraphQL at "
        "<code>/graphql/v2</code>, REST under <code>/api/v2/</code>.</p>"
        f'<dl><dt>default pool</dt><dd class="mono">{esc(pool.id)}</dd>'
        f'<dt>app id</dt><dd class="mono">{esc(pool.app_id)}</dd></dl>'
        f"<h2>Admin API and UI</h2><table>{items}</table></div>"
    )
    return _page("aioauthing emulator", body)


# ----------------------------------------------------------------------------- sign-in


Challenge = dict[str, str]
"""The MFA step of a sign-in: ``token`` (the MFA token), ``factor`` (OTP, SMS or EMAIL) and
``target`` (the phone or email a code was sent to; empty for OTP)."""

_MFA_SCENES = {"SMS": ("sms", "phone", "mfa-verify"), "EMAIL": ("email", "email", "MFA_VERIFY")}


def mfa_step(ctx: RequestContext, pool: Pool, user: dict[str, Any]) -> Challenge | str | None:
    """The second factor of ``user``'s sign-in, decided by the MFA room's policy (``mfa_gate``).

    ``None``: no second factor is needed. A :data:`Challenge`: show the code form (for SMS and
    EMAIL the code is sent now, into the outbox, like ``sendSmsCode``/``sendEmail`` do). A string:
    the error to show (MFA is required but the user has no factor the page can check: no bound
    TOTP authenticator, no phone, no email; FACE needs a camera and is not offered here)."""
    try:
        mfa_gate(ctx, pool, user)
    except AuthingBizError as exc:
        if exc.code != MFA_REQUIRED:
            raise
        data: dict[str, Any] = exc.data
    else:
        return None
    factors = [entry["mfaPolicy"] for entry in data["applicationMfa"]]
    for factor in factors:
        if factor == "OTP" and data["totpMfaEnabled"]:
            return {"token": data["mfaToken"], "factor": "OTP", "target": ""}
        if factor in _MFA_SCENES:
            channel, field, scene = _MFA_SCENES[factor]
            target = user.get(field)
            if target:
                send_code(ctx, pool, channel=channel, target=target, scene=scene)
                return {"token": data["mfaToken"], "factor": factor, "target": target}
    return (
        f"This account needs a second factor ({', '.join(factors)}) it has not set up: bind a "
        "TOTP authenticator, a phone or an email first."
    )


def _check_mfa(
    ctx: RequestContext, pool: Pool, form: Mapping[str, str]
) -> dict[str, Any] | tuple[Challenge, str] | str:
    """The user once the posted MFA code checks out; ``(challenge, error)`` for a wrong code
    (the form is shown again); a string when the sign-in must start over."""
    try:
        found = read_mfa_token(ctx, form.get("mfa_token", ""))
    except AuthingBizError:
        found = None
    if found is None or found[0] is not pool:
        return "This sign-in expired or was already finished; start again."
    _pool, user, jti = found
    factor = form.get("factor", "")
    if factor not in (pool_factors(pool) or ["OTP"]):
        return "This sign-in expired or was already finished; start again."
    code = form.get("code", "").strip()
    target = ""
    if factor == "OTP":
        totp = user_mfa(user).get("totp") or {}
        ok = bool(totp.get("enabled")) and verify_totp(pool, totp["secret"], code)
    else:
        channel, field, _scene = _MFA_SCENES[factor]
        target = str(user.get(field) or "")
        key = sms_key(target) if channel == "sms" else email_key(target)
        try:
            consume_code(ctx, pool, key, code)
            ok = bool(target)
        except AuthingBizError:
            ok = False
    if not ok:
        challenge = {"token": form.get("mfa_token", ""), "factor": factor, "target": target}
        return challenge, "Wrong code." if code else "Enter the code."
    spend_mfa_token(ctx, pool, jti)
    return user


def _csrf_cookie(request: Request) -> str:
    return f"aioauthing_emulator_csrf_{request.url.port or 80}"


def _same_origin(request: Request) -> bool:
    """No ``Origin`` (older browsers, curl), or the emulator's own."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


def _account_user(pool: Pool, account: str) -> dict[str, Any] | None:
    account = account.strip()
    for field in ("email", "username", "phone"):
        user = pool.find_by(field, account)
        if user is not None:
            return user
    return None


def _check_credentials(pool: Pool, account: str, password: str) -> dict[str, Any] | str:
    """The user, or the error to show."""
    if not account.strip() or not password:
        return "Enter your email, username or phone and your password."
    user = _account_user(pool, account)
    if user is None:
        return "No user of this pool has this email, username or phone."
    if not verify_password(password, user.get("password")):
        return "Wrong password."
    if not account_active(user):
        return "This account is blocked."
    return user


def _form_page(
    request: Request,
    *,
    title: str,
    subtitle: str,
    params: Mapping[str, str],
    account: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    token = request.cookies.get(_csrf_cookie(request)) or secrets.token_urlsafe(24)
    problem = f'<p class="error" role="alert" id="error">{esc(error)}</p>' if error else ""
    body = (
        '<div class="card signin"><h1>Sign in</h1>'
        f'<p class="muted">{esc(subtitle)}</p>{problem}'
        f'<form method="post" action="{esc(request.url.path)}" id="signin" autocomplete="on">'
        f'<input type="hidden" name="csrf" value="{esc(token)}">'
        f'<input type="hidden" name="request" value="{esc(urlencode(dict(params)))}">'
        '<label for="account">Email, username or phone</label>'
        f'<input type="text" id="account" name="account" value="{esc(account)}" '
        'autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input type="password" id="password" name="password" autocomplete="current-password" '
        "required>"
        '<button type="submit" id="submit">Sign in</button></form></div>'
        "<footer>aioauthing emulator: any user of the pool signs in here.</footer>"
    )
    response = _page(title, body, status)
    response.set_cookie(
        _csrf_cookie(request),
        token,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


_PROMPTS = {
    "OTP": "Enter the 6-digit code of your authenticator app.",
    "SMS": "Enter the code sent by SMS to {target}.",
    "EMAIL": "Enter the code sent by email to {target}.",
}


def _mfa_page(
    request: Request,
    *,
    title: str,
    params: Mapping[str, str],
    challenge: Challenge,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The second step: the code form (the MFA token rides in the form, as on Authing's pages)."""
    token = request.cookies.get(_csrf_cookie(request)) or secrets.token_urlsafe(24)
    problem = f'<p class="error" role="alert" id="error">{esc(error)}</p>' if error else ""
    prompt = _PROMPTS[challenge["factor"]].format(target=challenge["target"])
    body = (
        '<div class="card signin"><h1>Verify it\'s you</h1>'
        f'<p class="muted" id="prompt">{esc(prompt)}</p>{problem}'
        f'<form method="post" action="{esc(request.url.path)}" id="mfa" autocomplete="off">'
        f'<input type="hidden" name="csrf" value="{esc(token)}">'
        f'<input type="hidden" name="request" value="{esc(urlencode(dict(params)))}">'
        f'<input type="hidden" name="mfa_token" value="{esc(challenge["token"])}">'
        f'<input type="hidden" name="factor" value="{esc(challenge["factor"])}">'
        '<label for="code">Code</label>'
        '<input type="text" id="code" name="code" inputmode="numeric" '
        'autocomplete="one-time-code" required autofocus>'
        '<button type="submit" id="submit">Verify</button></form></div>'
        "<footer>aioauthing emulator: SMS and email codes are in the web UI's outbox.</footer>"
    )
    response = _page(title, body, status)
    response.set_cookie(_csrf_cookie(request), token, httponly=True, samesite="strict", path="/")
    return response


def _signed_in_user(
    request: Request,
    pool: Pool,
    posted: Mapping[str, str],
    *,
    title: str,
    subtitle: str,
    params: Mapping[str, str],
) -> dict[str, Any] | Response:
    """The user a posted form signs in (password, then the MFA step when needed), or the page
    to show instead (the form again with its error, the MFA form, an error page)."""
    ctx = context_for(request)
    if "mfa_token" in posted:
        checked = _check_mfa(ctx, pool, posted)
        if isinstance(checked, str):
            return _error_page(checked)
        if isinstance(checked, tuple):
            challenge, error = checked
            return _mfa_page(
                request, title=title, params=params, challenge=challenge, error=error, status=400
            )
        return checked
    account = posted.get("account", "")
    found = _check_credentials(pool, account, posted.get("password", ""))
    if isinstance(found, str):
        return _form_page(
            request,
            title=title,
            subtitle=subtitle,
            params=params,
            account=account,
            error=found,
            status=400,
        )
    second = mfa_step(ctx, pool, found)
    if isinstance(second, str):
        return _form_page(
            request,
            title=title,
            subtitle=subtitle,
            params=params,
            account=account,
            error=second,
            status=400,
        )
    if second is not None:
        return _mfa_page(request, title=title, params=params, challenge=second)
    return found


def _error_page(message: str, status: int = 400) -> Response:
    body = f'<div class="card signin"><h1>Cannot sign in</h1><p class="error" role="alert" id="error">{esc(message)}</p></div>'
    return _page("Sign-in error", body, status)


async def _posted(request: Request) -> dict[str, str] | Response:
    """The posted form after the CSRF checks, or the error page."""
    if not _same_origin(request):
        return _error_page("This form was posted from another site.", 403)
    raw = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(raw, keep_blank_values=True))
    cookie = request.cookies.get(_csrf_cookie(request), "")
    if not cookie or not hmac.compare_digest(cookie.encode(), form.get("csrf", "").encode()):
        return _error_page(
            "The sign-in form expired or your browser did not send its cookie; go back and "
            "reload the page.",
            403,
        )
    return form


def _oauth_client(state: EmulatorState, params: Mapping[str, str]) -> Pool | str:
    client_id = params.get("client_id", "")
    pool = state.pool_by_app_id(client_id) if client_id else None
    if pool is None:
        return f"Unknown application (client_id {client_id!r})."
    if urlsplit(params.get("redirect_uri", "")).scheme not in ("http", "https"):
        return "redirect_uri must be an absolute http(s) URL."
    return pool


def _authorize_page(protocol: str) -> Callable[[Request], Any]:
    label = "OIDC" if protocol == "oidc" else "OAuth 2.0"

    async def page(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator.state
        posted: dict[str, str] = {}
        if request.method == "GET":
            params: dict[str, str] = dict(request.query_params)
        else:
            checked = await _posted(request)
            if isinstance(checked, Response):
                return checked
            posted = checked
            params = dict(parse_qsl(posted.get("request", ""), keep_blank_values=True))
        pool = _oauth_client(state, params)
        if isinstance(pool, str):
            return _error_page(pool)
        subtitle = f"{label} application {params['client_id']} of pool {pool.name}"
        title = f"Sign in ({pool.name})"
        if request.method == "GET":
            return _form_page(request, title=title, subtitle=subtitle, params=params)
        found = _signed_in_user(
            request, pool, posted, title=title, subtitle=subtitle, params=params
        )
        if isinstance(found, Response):
            return found
        try:
            answer = authorize(state, params, str(found["id"]), protocol=protocol)
        except OAuthFailure as exc:
            return _error_page(f"{exc.error}: {exc.description}")
        return RedirectResponse(answer["location"], status_code=303)

    page.__name__ = f"{protocol}_signin_page"
    return page


async def cas_page(request: Request) -> Response:
    state: EmulatorState = request.app.state.emulator.state
    app_id = request.path_params["appId"]
    pool = state.pool_by_app_id(app_id)
    if pool is None:
        return _error_page(f"Unknown CAS application {app_id!r}.", 404)
    if request.method == "GET":
        service = request.query_params.get("service", "")
        posted: dict[str, str] = {}
    else:
        checked = await _posted(request)
        if isinstance(checked, Response):
            return checked
        posted = checked
        service = dict(parse_qsl(posted.get("request", ""))).get("service", "")
    if urlsplit(service).scheme not in ("http", "https"):
        return _error_page("service must be an absolute http(s) URL.")
    subtitle = f"CAS application {app_id} of pool {pool.name}"
    params = {"service": service}
    title = f"Sign in ({pool.name})"
    if request.method == "GET":
        return _form_page(request, title=title, subtitle=subtitle, params=params)
    found = _signed_in_user(request, pool, posted, title=title, subtitle=subtitle, params=params)
    if isinstance(found, Response):
        return found
    issued = await admin_protocols.cas_login(
        request, {"appId": app_id, "service": service, "userId": str(found["id"])}
    )
    return RedirectResponse(issued["location"], status_code=303)


def page_routes() -> list[Route]:
    """Routes for browsers; they come after the REST routes (``/cas-idp/logout`` is REST)."""
    return [
        Route("/", home, methods=["GET"]),
        Route("/__emulator__/static/style.css", style, methods=["GET"]),
        Route("/oidc/auth", _authorize_page("oidc"), methods=["GET", "POST"]),
        Route("/oauth/auth", _authorize_page("oauth"), methods=["GET", "POST"]),
        Route("/cas-idp/{appId}", cas_page, methods=["GET", "POST"]),
    ]
