"""REST verification-code senders."""

from __future__ import annotations

import re
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, rest_route
from ..resolvers.messaging import send_code
from ..users import check_email

_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


def _body(call: RestCall) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise biz("JSON_OBJECT_REQUIRED")
    return call.body


@rest_route("POST", "/api/v2/sms/send")
def send_sms(ctx: RequestContext, call: RestCall) -> Any:
    body = _body(call)
    phone = body.get("phone")
    if not isinstance(phone, str) or not _PHONE.match(phone):
        raise biz("INVALID_PHONE")
    extra = {"phoneCountryCode": body.get("phoneCountryCode")}
    send_code(ctx, ctx.pool, channel="sms", target=phone, scene=body.get("scene"), extra=extra)
    return Envelope(message="发送成功")


@rest_route("POST", "/api/v2/email/send")
def send_email(ctx: RequestContext, call: RestCall) -> Any:
    body = _body(call)
    email = body.get("email")
    if not isinstance(email, str):
        raise biz("INVALID_EMAIL_ADDRESS")
    try:
        check_email(email)
    except Exception as exc:
        raise biz("INVALID_EMAIL_ADDRESS") from exc
    send_code(ctx, ctx.pool, channel="email", target=email, scene=body.get("scene"))
    return Envelope(message="发送成功")
