"""Audit logs and user actions: the emulator records real events as they happen."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import models

pytestmark = pytest.mark.anyio


def _pool_now_ms(pool: Any, advance: float = 0.0) -> int:
    """The pool's clock in milliseconds, after moving it ``advance`` seconds forward."""
    response = httpx.post(
        f"{pool.host}/__emulator__/clock",
        params={"pool": pool.user_pool_id},
        json={"advance": advance},
        timeout=10,
    )
    response.raise_for_status()
    return int(response.json()["now"] * 1000)


async def test_actions_and_changes_are_found_with_filters(
    authing_management_client: Any, authing_client: Any, authing_pool: Any
) -> None:
    mgmt, auth = authing_management_client, authing_client
    ada = await auth.register_by_email("ada@x.org", "pw123456", client_ip="10.0.0.1")
    await auth.login_by_email("ada@x.org", "pw123456", client_ip="10.0.0.2")
    bob = await mgmt.users.create(models.CreateUserInput(username="bob", password="pw123456"))
    await mgmt.user_pool.add_env("LEVEL", "3")
    before = _pool_now_ms(authing_pool, advance=60)
    await auth.login_by_username("bob", "pw123456", client_ip="10.0.0.3")
    await mgmt.user_pool.update(models.UpdateUserpoolInput(description="audited"))

    actions = await mgmt.audit_log.list_user_actions()
    assert [(a.event_type, a.user_id) for a in actions.list] == [
        ("login", bob.id),
        ("login", ada.id),
        ("register", ada.id),
    ]
    assert (
        actions.total_count == 3 and actions.list[0].operator_arn == f"arn:cn:authing:user:{bob.id}"
    )
    logins = await mgmt.audit_log.list_user_actions(event_type="login", user_id=ada.id)
    assert [(a.client_ip, a.user_name) for a in logins.list] == [("10.0.0.2", "ada@x.org")]
    by_ip = await mgmt.audit_log.list_user_actions(client_ip="10.0.0.1")
    assert [a.event_type for a in by_ip.list] == ["register"]
    recent = await mgmt.audit_log.list_user_actions(start=before)
    assert [a.user_id for a in recent.list] == [bob.id]
    older = await mgmt.audit_log.list_user_actions(end=before)
    assert older.total_count == 2
    second = await mgmt.audit_log.list_user_actions(page=2, limit=1)
    assert (second.total_count, [a.user_id for a in second.list]) == (3, [ada.id])
    assert [a.event_type async for a in mgmt.audit_log.iter_list_user_actions(page_size=2)] == [
        "login",
        "login",
        "register",
    ]

    changes = await mgmt.audit_log.list_audit_logs()
    assert [c.event_type for c in changes.list] == [
        "updateUserpool",
        "POST /api/v2/env",
        "createUser",
    ]
    assert {c.operation_mode for c in changes.list} == {"management"}
    created = (await mgmt.audit_log.list_audit_logs(event_type="createUser")).list
    assert created[0].event_details == {"id": bob.id}
    assert "pw123456" not in repr(changes)  # argument names only, never values
    assert [c.event_type for c in (await mgmt.audit_log.list_audit_logs(start=before)).list] == [
        "updateUserpool"
    ]


async def test_logs_need_a_management_token(authing_pool: Any) -> None:
    async with httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http:
        for path in ("/api/v2/analysis/audit", "/api/v2/analysis/user-action"):
            assert (await http.get(path)).json()["code"] == 2020
