"""Verification codes: SMS and email senders (GraphQL and REST) and code checks."""

from __future__ import annotations

import re
from typing import Any

from ..context import RequestContext
from ..errors import biz
from ..registry import Envelope, RestCall, resolver, rest_route
from ..state import Pool, format_date
from ..store import json_body
from ..users import check_email

CODE_LIFETIME = 300
"""Seconds a verification code stays valid."""


def sms_key(phone: str) -> str:
    return f"sms:{phone}"


def email_key(email: str) -> str:
    return f"email:{email.lower()}"


def send_code(
    ctx: RequestContext,
    pool: Pool,
    *,
    channel: str,
    target: str,
    scene: str | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Make a code (the pool's fixed code if set), store it and put the message in the outbox."""
    code = pool.fixed_code or ctx.state.ids.code()
    now = pool.now()
    key = sms_key(target) if channel == "sms" else email_key(target)
    ctx.state.put_code(pool, key, {"code": code, "scene": scene, "expiresAt": now + CODE_LIFETIME})
    message = {
        "channel": channel,
        "phone" if channel == "sms" else "email": target,
        "code": code,
        "scene": scene,
        "sentAt": format_date(now),
        **(extra or {}),
    }
    ctx.state.add_outbox(pool, message)
    return message


def consume_code(ctx: RequestContext, pool: Pool, key: str, code: str | None) -> None:
    """Accept ``code`` once (or the pool's fixed code); error 2001 otherwise."""
    if not code:
        raise biz("WRONG_VERIFICATION_CODE")
    if pool.fixed_code and code == pool.fixed_code:
        ctx.state.delete_code(pool, key)
        return
    entry = pool.codes.get(key)
    if entry is None or entry["code"] != code or pool.now() > entry["expiresAt"]:
        raise biz("WRONG_VERIFICATION_CODE")
    ctx.state.delete_code(pool, key)


@resolver("Mutation.sendEmail")
def send_email(ctx: RequestContext, parent: Any, args: dict[str, Any]) -> Any:
    email = args["email"]
    check_email(email)
    send_code(ctx, ctx.pool, channel="email", target=email, scene=args.get("scene"))
    return {"code": 200, "message": "发送成功"}


_PHONE = re.compile(r"^\+?[0-9]{5,20}$")


@rest_route("POST", "/api/v2/sms/send")
def send_sms(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    phone = body.get("phone")
    if not isinstance(phone, str) or not _PHONE.match(phone):
        raise biz("INVALID_PHONE")
    extra = {"phoneCountryCode": body.get("phoneCountryCode")}
    send_code(ctx, ctx.pool, channel="sms", target=phone, scene=body.get("scene"), extra=extra)
    return Envelope(message="发送成功")


@rest_route("POST", "/api/v2/email/send")
def rest_send_email(ctx: RequestContext, call: RestCall) -> Any:
    body = json_body(call)
    email = body.get("email")
    if not isinstance(email, str):
        raise biz("INVALID_EMAIL_ADDRESS")
    try:
        check_email(email)
    except Exception as exc:
        raise biz("INVALID_EMAIL_ADDRESS") from exc
    send_code(ctx, ctx.pool, channel="email", target=email, scene=body.get("scene"))
    return Envelope(message="发送成功")
