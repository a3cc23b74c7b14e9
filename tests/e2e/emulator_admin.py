"""Test helpers that drive the emulator's admin API (``/__emulator__/...``) for one pool.

They set up what an administrator would configure in the Authing console (directory users, flags
on accounts, CAS tickets) and read what the service "sent" (the SMS / email outbox).
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["add_directory_user", "cas_ticket", "outbox_code", "patch_user"]

ADMIN_TIMEOUT = 60
"""Seconds an admin call may take: an upper bound for a loaded machine, never a wait (each call
returns as soon as it is answered)."""


def _admin(pool: Any, path: str) -> str:
    return f"{pool.host}/__emulator__/{path}"


def outbox_code(pool: Any, channel: str, target: str) -> str:
    """The latest code the emulator 'sent' to ``target`` (SMS phone or email address)."""
    field = "phone" if channel == "sms" else "email"
    response = httpx.get(
        _admin(pool, "outbox"),
        params={"pool": pool.user_pool_id, "channel": channel, field: target},
        timeout=ADMIN_TIMEOUT,
    )
    response.raise_for_status()
    codes = [m["code"] for m in response.json()["messages"] if m.get("code")]
    assert codes, f"no {channel} message for {target} in the outbox"
    return str(codes[-1])


def cas_ticket(pool: Any, user_id: str, service: str) -> str:
    """A CAS service ticket for ``user_id`` at ``service`` (the emulator's browserless login)."""
    response = httpx.post(
        _admin(pool, "cas/login"),
        json={"appId": pool.app_id, "service": service, "userId": user_id},
        timeout=ADMIN_TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["ticket"])


def add_directory_user(pool: Any, kind: str, username: str, password: str, **profile: Any) -> None:
    """Configure a user of the pool's LDAP (``kind="ldap"``) or AD (``"ad"``) directory."""
    response = httpx.post(
        _admin(pool, "directory"),
        params={"pool": pool.user_pool_id},
        json={"kind": kind, "username": username, "password": password, "profile": profile},
        timeout=ADMIN_TIMEOUT,
    )
    response.raise_for_status()


def patch_user(pool: Any, user_id: str, **fields: Any) -> None:
    """Set internal fields of one account (e.g. ``_forceResetPassword=True``): one small request.
    (A round trip of ``GET``/``PUT /state`` moved the whole session emulator's state: past the
    emulator's body limit it answered 413 once enough tests had run before.)"""
    response = httpx.post(
        _admin(pool, "user"),
        params={"pool": pool.user_pool_id},
        json={"id": user_id, "fields": fields},
        timeout=ADMIN_TIMEOUT,
    )
    response.raise_for_status()
    assert response.json()["updated"] == sorted(fields)
