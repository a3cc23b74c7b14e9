"""User records: creation with Authing's defaults, uniqueness, wire views, custom data.

The record's fields, defaults and server-owned values are the spec's ``User`` (see
:mod:`.entities`); this module adds what is logic: passwords, custom data, uniqueness checks.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import jsonutil
from .context import RequestContext
from .entities import new_record, write
from .errors import biz
from .passwords import hash_password, kept_password, verify_password
from .state import UNIQUE_FIELDS, Pool, format_date

__all__ = [
    "apply_profile",
    "check_email",
    "check_unique",
    "infer_data_type",
    "merge_custom_data",
    "new_user",
    "paginate",
    "parse_custom_data",
    "save_user",
    "set_password",
    "user_view",
    "verify_user_password",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(email: str) -> None:
    if not _EMAIL.match(email):
        raise biz("INVALID_EMAIL")


def check_unique(pool: Pool, fields: Mapping[str, Any], *, exclude_id: str | None = None) -> None:
    """Error 2026 when email (case-insensitive), username, phone or externalId is taken."""
    for field in UNIQUE_FIELDS:
        value = fields.get(field)
        if not value:
            continue
        other = pool.find_by(field, value)
        if other is not None and other["id"] != exclude_id:
            raise biz("USER_EXISTS")


def new_user(
    ctx: RequestContext, pool: Pool, fields: Mapping[str, Any], *, register_source: list[str]
) -> dict[str, Any]:
    """A user record with the defaults of an admin-created / registered Authing user."""
    now = format_date(pool.now())
    pool.seq += 1
    ctx.state.touch_pool(pool)
    user = new_record(
        "User", record_id=ctx.state.ids.object_id(), pool_id=pool.id, now=now, values=fields
    )
    if fields.get("registerSource") is None:
        user["registerSource"] = register_source
    user["_seq"] = pool.seq
    user["_tokens"] = {}
    return user


def apply_profile(user: dict[str, Any], fields: Mapping[str, Any]) -> None:
    """Copy the writable ``User`` fields present in ``fields`` (``email`` is stored as given)."""
    write("User", user, fields, now=None)


def set_password(
    ctx: RequestContext, user: dict[str, Any], encrypted: str, *, keep: bool = False
) -> None:
    """Decrypt an RSA-encrypted password and store its hash (``keep``: accept it unencrypted)."""
    plain = ctx.keys.try_decrypt_password(encrypted)
    if plain is None:
        if not keep:
            raise biz("PASSWORD_DECRYPT_FAILED")
        user["password"] = kept_password(encrypted)
        return
    user["password"] = hash_password(plain)


def paginate(
    users: Iterable[dict[str, Any]], page: int | None, limit: int | None, sort_by: str | None = None
) -> dict[str, Any]:
    """``PaginatedUsers`` for ``users`` (1-based page, default limit 10, newest first)."""
    sort_by = sort_by or "CREATEDAT_DESC"
    field = "updatedAt" if sort_by.startswith("UPDATEDAT") else "createdAt"
    ordered = sorted(users, key=lambda u: (u.get(field) or "", u.get("_seq", 0)))
    if sort_by.endswith("_DESC"):
        ordered.reverse()
    page = max(page or 1, 1)
    limit = 10 if limit is None else max(limit, 0)
    start = (page - 1) * limit
    return {
        "totalCount": len(ordered),
        "list": [user_view(u) for u in ordered[start : start + limit]],
    }


def save_user(ctx: RequestContext, pool: Pool, user: dict[str, Any]) -> dict[str, Any]:
    """Store ``user`` (touching ``updatedAt``) and return its wire view."""
    user["updatedAt"] = format_date(pool.now())
    ctx.state.put_user(pool, user)
    return user_view(user)


def verify_user_password(ctx: RequestContext, user: dict[str, Any], encrypted: str) -> bool:
    plain = ctx.keys.decrypt_password(encrypted)
    return verify_password(plain, user.get("password"))


def infer_data_type(value: Any) -> str:
    """The custom data type a decoded value looks like (for keys without a definition)."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int | float):
        return "NUMBER"
    if isinstance(value, dict | list):
        return "OBJECT"
    return "STRING"


def parse_custom_data(params: str | None) -> list[dict[str, Any]]:
    """``params`` = JSON text ``[{key, value}]`` (GO sends it base64-encoded) → ``customData``."""
    if not params:
        return []
    try:
        items = jsonutil.loads(params)
    except ValueError:
        try:
            items = jsonutil.loads(base64.b64decode(params, validate=True))
        except ValueError as exc:
            raise biz("PARAMS_NOT_JSON") from exc
    if not isinstance(items, list):
        raise biz("PARAMS_NOT_LIST")
    result = []
    for item in items:
        if not isinstance(item, dict) or "key" not in item:
            raise biz("PARAMS_ITEM_KEY")
        value = item.get("value")
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        result.append(
            {
                "key": str(item["key"]),
                "value": text,
                "dataType": infer_data_type(value),
                "label": None,
            }
        )
    return result


def merge_custom_data(user: dict[str, Any], items: Iterable[dict[str, Any]]) -> None:
    current = {entry["key"]: entry for entry in user.get("customData") or []}
    for item in items:
        current[item["key"]] = item
    user["customData"] = list(current.values())


_HIDDEN_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}
"""The internal (``_``) keys of each key layout of a stored user, in order."""
_LAYOUTS = 256


def user_view(
    user: dict[str, Any], *, token: str | None = None, exp: int | None = None
) -> dict[str, Any]:
    """The wire form of a stored user: internal keys dropped, ``token`` only when just issued."""
    keys = tuple(user)
    hidden = _HIDDEN_KEYS.get(keys)
    if hidden is None:  # records share a few key layouts: the scan runs once per layout
        hidden = tuple(key for key in keys if key.startswith("_"))
        if len(_HIDDEN_KEYS) >= _LAYOUTS:
            _HIDDEN_KEYS.clear()
        _HIDDEN_KEYS[keys] = hidden
    view = user.copy()
    for key in hidden:
        del view[key]
    view["token"] = token
    if token is not None and exp is not None:
        view["tokenExpiredAt"] = format_date(exp)
    return view
