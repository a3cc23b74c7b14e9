"""Principal authentication (主体认证): a user's real-name (P) or enterprise (E) check.

There is no identity registry offline, so the emulator's rule is deterministic and documented
(README): a personal check passes when the name is not empty, ``idCard`` is an 18-character
resident identity number whose last character is its ISO 7064 MOD 11-2 check character, and
``ext`` (the bank card) passes the Luhn check; an enterprise check passes when the name and the
legal person (``ext``) are not empty and ``idCard`` is an 18-character unified social credit
code whose last character is its GB 32100 check character. Anything else answers
``PRINCIPAL_AUTH_FAILED`` naming the failing part. A passed check is kept per user (a later one
replaces it); the detail is ``null`` before any.
"""

from __future__ import annotations

from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..state import format_date
from ..store import records, save

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def valid_id_card(value: str) -> bool:
    """An 18-character resident identity number with its MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return value[17].upper() == _ID_CHECK[total % 11]


def valid_bank_card(value: str) -> bool:
    """12 to 19 digits passing the Luhn check."""
    if not value.isdigit() or not 12 <= len(value) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(value)):
        n = int(digit) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def valid_credit_code(value: str) -> bool:
    """An 18-character unified social credit code with its GB 32100 check character."""
    value = value.upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(value[:17], _USCC_WEIGHTS, strict=True))
    return value[17] == _USCC_CHARS[(31 - total % 31) % 31]


def _field(body: dict[str, Any], call: RestCall, key: str) -> str:
    value = body.get(key, call.query.get(key))  # the official Python client sends a query
    return value.strip() if isinstance(value, str) else ""


@rest_route("POST", "/api/v2/users/{userId}/management/principal_authentication")
def authenticate(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user_id = call.path_params["userId"]
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    body = call.body if isinstance(call.body, dict) else {}
    kind, name = _field(body, call, "type"), _field(body, call, "name")
    code, ext = _field(body, call, "idCard"), _field(body, call, "ext")
    if kind not in ("P", "E"):
        raise biz("PRINCIPAL_AUTH_FAILED", reason="type 只能是 P 或 E")
    if not name:
        raise biz("PRINCIPAL_AUTH_FAILED", reason="name 不能为空")
    if kind == "P" and not valid_id_card(code):
        raise biz("PRINCIPAL_AUTH_FAILED", reason="身份证号不正确")
    if kind == "P" and not valid_bank_card(ext):
        raise biz("PRINCIPAL_AUTH_FAILED", reason="银行卡号不正确")
    if kind == "E" and not valid_credit_code(code):
        raise biz("PRINCIPAL_AUTH_FAILED", reason="统一社会信用代码不正确")
    if kind == "E" and not ext:
        raise biz("PRINCIPAL_AUTH_FAILED", reason="企业法人姓名不能为空")
    now = format_date(pool.now())
    stored = records(pool, "principal")
    previous = stored.get(user_id) or {}
    stored[user_id] = {
        "id": previous.get("id") or ctx.state.ids.object_id(),
        "userId": user_id,
        "userPoolId": pool.id,
        "principalType": kind,
        "principalName": name,
        "principalCode": code.upper(),
        "authenticationTime": now,
        "createdAt": previous.get("createdAt") or now,
        "updatedAt": now,
    }
    save(ctx, pool, "principal")
    return Envelope(message="认证成功")


@rest_route("GET", "/api/v2/users/{userId}/management/principal_authentication")
def detail(ctx: RequestContext, call: RestCall) -> Any:
    pool = ctx.require_management()
    user_id = call.path_params["userId"]
    if user_id not in pool.users:
        raise biz("USER_NOT_FOUND")
    return records(pool, "principal").get(user_id)
