"""The web UI at ``/__emulator__/ui``: pools, users, the outbox, the request journal, faults.

Server-rendered HTML (every value escaped), one small script (``/__emulator__/static/ui.js``),
no build step and nothing from a CDN. Pages are plain ``GET``s. Write actions (block, unblock,
delete a user; set faults) are ``fetch()`` calls with a JSON body to routes under
``/__emulator__/ui/api/``; each must carry ``Content-Type: application/json`` and the page's
``X-Emulator-UI-Token`` (a random value per emulator, only readable from its own pages), and an
``Origin``, when sent, must be the emulator's own. A cross-site page can neither read the token nor
send the header without a CORS preflight the emulator never grants.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from . import jsonutil
from .faults import rules_from_json, split_fault_text
from .pages import esc, layout, security_headers
from .state import Pool

__all__ = ["ui_routes"]

UI = "/__emulator__/ui"
TOKEN_HEADER = "x-emulator-ui-token"
_HIDDEN_USER_FIELDS = ("password",)
_USERS_SHOWN = 200

SCRIPT = """
"use strict";
const token = document.querySelector('meta[name="emulator-ui-token"]').content;
async function post(url, body) {
  const answer = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-Emulator-UI-Token": token},
    body: JSON.stringify(body || {}),
    credentials: "same-origin",
  });
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) { throw new Error(data.message || answer.statusText); }
  return data;
}
function report(error) {
  const box = document.getElementById("ui-error");
  box.textContent = String(error.message || error);
  box.hidden = false;
}
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) { return; }
  event.preventDefault();
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { return; }
  try {
    const body = button.dataset.body ? JSON.parse(button.dataset.body) : {};
    await post(button.dataset.action, body);
    if (button.dataset.next) { window.location.assign(button.dataset.next); }
    else { window.location.reload(); }
  } catch (error) { report(error); }
});
const faults = document.getElementById("faults-form");
if (faults) {
  faults.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(faults);
    try {
      await post(faults.action, {spec: form.get("spec"), rules: form.get("rules")});
      window.location.reload();
    } catch (error) { report(error); }
  });
}
"""


def _token(request: Request) -> str:
    state = request.app.state
    token: str | None = getattr(state, "ui_token", None)
    if token is None:
        token = secrets.token_urlsafe(24)
        state.ui_token = token
    return token


def _pools(request: Request) -> dict[str, Pool]:
    pools: dict[str, Pool] = request.app.state.emulator.state.pools
    return pools


def _pool(request: Request) -> Pool | None:
    return _pools(request).get(request.path_params["pool"])


def _header(request: Request, pool: Pool | None, tab: str) -> str:
    links = [f'<a href="{UI}" class="{"on" if tab == "pools" else ""}">Pools</a>']
    if pool is not None:
        base = f"{UI}/pools/{quote(pool.id)}"
        for name, label in (
            ("users", "Users"),
            ("outbox", "Outbox"),
            ("requests", "Requests"),
            ("faults", "Faults"),
        ):
            css = "on" if tab == name else ""
            links.append(f'<a href="{base}/{name}" class="{css}" id="tab-{name}">{label}</a>')
    return f'<header><strong><a href="/">aioauthing emulator</a></strong>{"".join(links)}</header>'


def _html(request: Request, title: str, body: str, pool: Pool | None, tab: str) -> Response:
    page = layout(title, body, header=_header(request, pool, tab))
    page = page.replace(
        "</head>",
        f'<meta name="emulator-ui-token" content="{esc(_token(request))}">'
        '<script src="/__emulator__/static/ui.js" defer></script></head>',
        1,
    )
    page = page.replace(
        "<main>", '<main><p class="error" id="ui-error" role="alert" hidden></p>', 1
    )
    return HTMLResponse(page, headers=security_headers())


def _missing(request: Request) -> Response:
    body = f'<h1>No such pool</h1><p><a href="{UI}">All pools</a></p>'
    page = layout("No such pool", body, header=_header(request, None, "pools"))
    return HTMLResponse(page, status_code=404, headers=security_headers())


async def script(request: Request) -> Response:
    return PlainTextResponse(
        SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=300"}
    )


# ----------------------------------------------------------------------------- pages


async def pools_page(request: Request) -> Response:
    runtime = request.app.state.emulator
    rows = []
    for pool in _pools(request).values():
        link = f"{UI}/pools/{quote(pool.id)}/users"
        default = (
            ' <span class="pill">default</span>' if pool.id == runtime.state.default_pool_id else ""
        )
        rows.append(
            f'<tr><td><a href="{esc(link)}">{esc(pool.name)}</a>{default}</td>'
            f'<td class="mono">{esc(pool.id)}</td><td class="mono">{esc(pool.app_id)}</td>'
            f'<td class="num">{len(pool.users)}</td><td class="num">{len(pool.outbox)}</td>'
            f'<td class="num">{len(runtime.journal.entries(pool.id))}</td>'
            f"<td><code>{esc(pool.faults) or '-'}</code></td>"
            f'<td class="num">{sum(1 for r in runtime.targeted.rules(pool.id) if r.remaining != 0)}</td></tr>'
        )
    body = (
        '<h1>Pools</h1><table id="pools"><thead><tr><th>name</th><th>pool id</th>'
        "<th>app id</th><th>users</th><th>messages</th><th>requests</th><th>fault rates</th>"
        "<th>fault rules</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _html(request, "Pools - aioauthing emulator", body, None, "pools")


def _matches(user: dict[str, Any], needle: str) -> bool:
    for field in ("id", "email", "username", "phone", "nickname", "name", "externalId"):
        value = user.get(field)
        if value and needle in str(value).lower():
            return True
    return False


async def users_page(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    needle = request.query_params.get("q", "").strip()
    users = [u for u in pool.users.values() if not needle or _matches(u, needle.lower())]
    users.reverse()  # newest first
    rows = []
    for user in users[:_USERS_SHOWN]:
        link = f"{UI}/pools/{quote(pool.id)}/users/{quote(str(user['id']))}"
        status = '<span class="pill bad">blocked</span>' if user.get("blocked") else ""
        rows.append(
            f'<tr><td><a class="mono" href="{esc(link)}">{esc(user["id"])}</a></td>'
            f"<td>{esc(user.get('email'))}</td><td>{esc(user.get('username'))}</td>"
            f"<td>{esc(user.get('phone'))}</td><td>{esc(user.get('nickname'))}</td>"
            f"<td>{status}</td><td>{esc(user.get('createdAt'))}</td></tr>"
        )
    shown = (
        f"{len(users)} users"
        if len(users) <= _USERS_SHOWN
        else f"first {_USERS_SHOWN} of {len(users)}"
    )
    body = (
        f"<h1>Users of {esc(pool.name)}</h1>"
        f'<form class="row" method="get" action="{esc(UI)}/pools/{esc(quote(pool.id))}/users">'
        f'<input type="search" name="q" id="q" value="{esc(needle)}" '
        'placeholder="email, username, phone, id">'
        f'<button type="submit" id="search">Search</button><span class="muted">{esc(shown)}</span>'
        '</form><h2>Users</h2><table id="users"><thead><tr><th>id</th><th>email</th>'
        "<th>username</th><th>phone</th><th>nickname</th><th>status</th><th>created</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _html(request, f"Users - {pool.name}", body, pool, "users")


def _messages_table(messages: list[dict[str, Any]], table_id: str) -> str:
    rows = "".join(
        f"<tr><td>{esc(m.get('sentAt'))}</td><td>{esc(m.get('channel'))}</td>"
        f"<td>{esc(m.get('phone') or m.get('email'))}</td><td>{esc(m.get('scene'))}</td>"
        f'<td class="mono code">{esc(m.get("code"))}</td></tr>'
        for m in reversed(messages)
    )
    return (
        f'<table id="{esc(table_id)}"><thead><tr><th>sent</th><th>channel</th><th>to</th>'
        f"<th>scene</th><th>code</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _shown(value: Any) -> str:
    if isinstance(value, bool | dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def user_page(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    user = pool.users.get(request.path_params["user"])
    if user is None:
        return _missing(request)
    first = ("id", "email", "username", "phone", "nickname", "name", "status", "blocked")
    keys = [k for k in first if k in user] + [k for k in user if k not in first]
    fields = "".join(
        f"<dt>{esc(key)}</dt><dd>{esc(_shown(user[key]))}</dd>"
        for key in keys
        if not key.startswith("_")
        and key not in _HIDDEN_USER_FIELDS
        and user[key] not in (None, "", [], {})
    )
    email = (user.get("email") or "").lower()
    phone = user.get("phone")
    sent = [
        m
        for m in pool.outbox
        if (email and (m.get("email") or "").lower() == email)
        or (phone and m.get("phone") == phone)
    ]
    api = f"{UI}/api/pools/{quote(pool.id)}/users/{quote(str(user['id']))}"
    blocked = bool(user.get("blocked"))
    block = (
        f'<button class="secondary" id="block" data-action="{esc(api)}/block" '
        f"data-body='{esc(json.dumps({'blocked': not blocked}))}'>"
        f"{'Unblock' if blocked else 'Block'}</button>"
    )
    delete = (
        f'<button class="danger" id="delete" data-action="{esc(api)}/delete" '
        f'data-confirm="Delete this user?" '
        f'data-next="{esc(UI)}/pools/{esc(quote(pool.id))}/users">Delete</button>'
    )
    title = user.get("email") or user.get("username") or user.get("phone") or user["id"]
    pill = '<span class="pill bad">blocked</span>' if blocked else ""
    body = (
        f"<h1>{esc(title)} {pill}</h1>"
        f'<div class="row">{block}{delete}</div>'
        f"<h2>Codes sent to this user</h2>{_messages_table(sent, 'user-messages')}"
        f'<h2>Profile</h2><div class="card"><dl id="profile">{fields}</dl></div>'
    )
    return _html(request, f"User {title}", body, pool, "users")


async def outbox_page(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    body = (
        f'<h1>Outbox of {esc(pool.name)}</h1><p class="muted">SMS and email messages the pool '
        f"sent, newest first.</p>{_messages_table(pool.outbox, 'outbox')}"
    )
    return _html(request, f"Outbox - {pool.name}", body, pool, "outbox")


async def requests_page(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    entries = request.app.state.emulator.journal.entries(pool.id)
    rows = []
    for entry in entries:
        e = entry.as_dict()
        css = "bad" if e["status"] >= 400 or (e["code"] not in (None, 200)) else ""
        fault = e["fault"] or ""
        if e["rule"]:
            fault += f" (rule {e['rule']})"
        rows.append(
            f"<tr><td>{esc(e['time'])}</td><td>{esc(e['method'])}</td>"
            f'<td class="mono">{esc(e["operation"])}</td><td class="num {css}">{esc(e["status"])}</td>'
            f'<td class="num {css}">{esc(e["code"] if e["code"] is not None else e["error"] or "")}</td>'
            f'<td class="num">{e["durationMs"]:.1f} ms</td><td class="bad">{esc(fault)}</td></tr>'
        )
    body = (
        f'<h1>Requests to {esc(pool.name)}</h1><p class="row"><span class="muted">The last '
        f"{len(entries)} requests, newest first (no bodies, headers or tokens are kept).</span>"
        f'<a href="{esc(request.url.path)}">Refresh</a></p>'
        '<table id="requests"><thead><tr><th>time</th><th>method</th><th>operation</th>'
        "<th>status</th><th>code</th><th>duration</th><th>fault</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _html(request, f"Requests - {pool.name}", body, pool, "requests")


async def faults_page(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    rules = request.app.state.emulator.targeted.rules(pool.id)
    rows = "".join(
        f'<tr><td class="mono">{esc(r.operation)}</td><td>{esc(r.fault)}</td>'
        f"<td>{esc(r.count if r.count is not None else 'always')}</td>"
        f"<td>{esc(r.remaining if r.remaining is not None else '-')}</td></tr>"
        for r in rules
    )
    text = ",".join(
        f"{r.operation}:{r.fault}" + (f"x{r.remaining}" if r.count is not None else "")
        for r in rules
        if r.remaining != 0
    )
    action = f"{UI}/api/pools/{quote(pool.id)}/faults"
    body = (
        f"<h1>Faults of {esc(pool.name)}</h1>"
        f'<div class="card"><form id="faults-form" action="{esc(action)}">'
        '<label for="spec">Rates (e.g. <code>429=0.05,503=0.05,latency=20ms</code>)</label>'
        f'<input type="text" id="spec" name="spec" value="{esc(pool.faults)}">'
        '<label for="rules">Rules (e.g. <code>createUser:503x3</code>, comma-separated)</label>'
        f'<input type="text" id="rules" name="rules" value="{esc(text)}">'
        '<p><button type="submit" id="save-faults">Save</button></p></form></div>'
        '<h2>Rules</h2><table id="rules-table"><thead><tr><th>operation</th><th>fault</th>'
        f"<th>count</th><th>remaining</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return _html(request, f"Faults - {pool.name}", body, pool, "faults")


async def pool_home(request: Request) -> Response:
    pool = _pool(request)
    if pool is None:
        return _missing(request)
    return RedirectResponse(f"{UI}/pools/{quote(pool.id)}/users", status_code=303)


# ----------------------------------------------------------------------------- actions


def _refused(message: str, status: int = 403) -> Response:
    return JSONResponse({"code": status, "message": message, "data": None}, status_code=status)


async def _action_body(request: Request) -> dict[str, Any] | Response:
    """The JSON body of a UI action after its same-origin checks, or the refusal."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _refused("UI actions take application/json", 415)
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), _token(request).encode()):
        return _refused("missing or wrong X-Emulator-UI-Token")
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        return _refused("UI actions are accepted from the emulator's own pages only")
    try:
        body = jsonutil.loads(await request.body() or b"{}")
    except ValueError:
        return _refused("the body is not JSON", 400)
    if not isinstance(body, dict):
        return _refused("the body must be a JSON object", 400)
    return body


async def block_action(request: Request) -> Response:
    body = await _action_body(request)
    if isinstance(body, Response):
        return body
    pool = _pool(request)
    user = pool.users.get(request.path_params["user"]) if pool is not None else None
    if pool is None or user is None:
        return _refused("no such user", 404)
    state = request.app.state.emulator.state
    updated = {**user, "blocked": bool(body.get("blocked", True))}
    state.put_user(pool, updated, previous=user)
    state.flush()
    return JSONResponse({"blocked": updated["blocked"]})


async def delete_action(request: Request) -> Response:
    body = await _action_body(request)
    if isinstance(body, Response):
        return body
    pool = _pool(request)
    if pool is None or request.path_params["user"] not in pool.users:
        return _refused("no such user", 404)
    state = request.app.state.emulator.state
    state.delete_user(pool, request.path_params["user"])
    state.flush()
    return JSONResponse({"deleted": request.path_params["user"]})


async def faults_action(request: Request) -> Response:
    body = await _action_body(request)
    if isinstance(body, Response):
        return body
    pool = _pool(request)
    if pool is None:
        return _refused("no such pool", 404)
    runtime = request.app.state.emulator
    try:
        spec, spec_rules = split_fault_text(str(body.get("spec") or ""))
        rules_value = body.get("rules")
        if isinstance(rules_value, str):
            _, extra = split_fault_text(rules_value)
        else:
            extra = rules_from_json(rules_value or [])
    except ValueError as exc:
        return _refused(str(exc), 400)
    pool.faults = spec
    runtime.state.touch_pool(pool)
    runtime.state.flush()
    runtime.targeted.set_rules(pool.id, spec_rules + extra)
    return JSONResponse(
        {"spec": pool.faults, "rules": [r.as_dict() for r in runtime.targeted.rules(pool.id)]}
    )


def ui_routes() -> list[Route]:
    pool = UI + "/pools/{pool}"
    api = UI + "/api/pools/{pool}"
    return [
        Route(UI, pools_page, methods=["GET"]),
        Route("/__emulator__/static/ui.js", script, methods=["GET"]),
        Route(pool, pool_home, methods=["GET"]),
        Route(pool + "/users", users_page, methods=["GET"]),
        Route(pool + "/users/{user}", user_page, methods=["GET"]),
        Route(pool + "/outbox", outbox_page, methods=["GET"]),
        Route(pool + "/requests", requests_page, methods=["GET"]),
        Route(pool + "/faults", faults_page, methods=["GET"]),
        Route(api + "/users/{user}/block", block_action, methods=["POST"]),
        Route(api + "/users/{user}/delete", delete_action, methods=["POST"]),
        Route(api + "/faults", faults_action, methods=["POST"]),
    ]
