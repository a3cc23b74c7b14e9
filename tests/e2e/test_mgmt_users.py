"""Management users end to end: sessions (kick, logout, login status, refresh), archived users,
batch get beyond the 80-per-request cap, search filters and typed custom data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aioauthing import (
    AccountStateError,
    AuthingError,
    AuthingValidationError,
    NotFoundError,
    NotLoggedInError,
    models,
)
from aioauthing.generated import operations as ops

pytestmark = pytest.mark.anyio


async def _user(mgmt: Any, name: str, **extra: Any) -> Any:
    return await mgmt.users.create(
        models.CreateUserInput(username=name, password="pw123456", **extra)
    )


async def _logged_in(auth: Any, mgmt: Any, name: str) -> tuple[Any, str]:
    user = await _user(mgmt, name)
    logged = await auth.login_by_username(name, "pw123456")
    return user, logged.token


# ---------------------------------------------------------------- sessions
async def test_kick_invalidates_every_token_of_the_kicked_users_only(
    authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada, ada_token = await _logged_in(auth, mgmt, "ada")
    _bob, bob_token = await _logged_in(auth, mgmt, "bob")
    second = (await auth.login_by_username("ada", "pw123456")).token
    assert (await mgmt.users.check_login_status(ada.id)).is_login is True

    kicked = await mgmt.users.kick([ada.id])
    assert (kicked.code, kicked.message) == (200, "强制下线成功")
    for token in (ada_token, second):
        with pytest.raises(NotLoggedInError):
            await auth.as_user(token).get_current_user()
    assert (await mgmt.users.check_login_status(ada.id)).is_login is False
    assert (await auth.as_user(bob_token).get_current_user()).username == "bob"


async def test_admin_logout_ends_the_users_sessions(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada, token = await _logged_in(auth, mgmt, "ada")
    status = await mgmt.users.check_login_status(ada.id, app_id=authing_pool.app_id)
    assert status.is_login is True and status.user.id == ada.id

    done = await mgmt.users.logout(ada.id, app_id=authing_pool.app_id)
    assert (done.code, done.message) == (200, "退出成功")
    assert (await mgmt.users.check_login_status(ada.id)).is_login is False
    with pytest.raises(NotLoggedInError):
        await auth.as_user(token).get_current_user()


async def test_login_status_of_an_unknown_user_is_2004(authing_management_client: Any) -> None:
    with pytest.raises(NotFoundError) as info:
        await authing_management_client.users.check_login_status("000000000000000000000000")
    assert info.value.code == 2004


async def test_refresh_token_issues_a_working_token_for_the_user(
    authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada = await _user(mgmt, "ada")
    assert (await mgmt.users.check_login_status(ada.id)).is_login is False
    fresh = await mgmt.users.refresh_token(ada.id)
    assert fresh is not None and fresh.token and fresh.exp > fresh.iat
    assert (await auth.as_user(fresh.token).get_current_user()).id == ada.id
    assert (await mgmt.users.check_login_status(ada.id)).is_login is True
    with pytest.raises(NotFoundError):
        await mgmt.users.refresh_token("000000000000000000000000")


# ---------------------------------------------------------------- archived users
def _archive(emulator: Any, pool_id: str, user_ids: set[str]) -> None:
    """Archive users in the emulator's state (the console does it in Authing; no API does)."""
    state = emulator.runtime.state
    pool = state.pools[pool_id]
    for user_id in user_ids:
        state.put_user(pool, {**pool.users[user_id], "status": "Archived"})
    state.flush()


async def test_list_archived_returns_only_archived_users(
    authing_management_client: Any, authing_pool: Any, authing_emulator: Any
) -> None:
    mgmt = authing_management_client
    users = [await _user(mgmt, f"u{n}") for n in range(4)]
    assert (await mgmt.users.list_archived_users()).total_count == 0
    archived = {users[0].id, users[2].id}
    _archive(authing_emulator, authing_pool.user_pool_id, archived)
    page = await mgmt.users.list_archived_users(limit=1)
    assert page.total_count == 2 and len(page.list) == 1
    walked = [u async for u in mgmt.users.iter_list_archived_users(page_size=1)]
    assert {u.id for u in walked} == archived
    assert {str(u.status) for u in walked} == {"Archived"}


# ---------------------------------------------------------------- batch get
async def test_batch_get_of_200_ids_is_chunked_and_keeps_the_order(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    created = [await _user(mgmt, f"b{n:03d}") for n in range(200)]
    wanted = [u.id for u in reversed(created)]
    got = await mgmt.users.batch_get(wanted)
    assert [u.id for u in got] == wanted
    names = [f"b{n:03d}" for n in range(199, 14, -1)]  # 185 usernames, 3 requests
    by_name = await mgmt.users.batch_get([*names, "nobody"], type="username")
    assert [u.username for u in by_name] == names


async def test_batch_get_beyond_80_is_2030_on_the_wire(authing_management_client: Any) -> None:
    """The cap the SDK chunks around is real: the service itself rejects 81 identifiers."""
    users = authing_management_client.users
    with pytest.raises(AuthingError) as info:
        await users._execute(ops.USERS_BATCH_GET, variables={"ids": [str(n) for n in range(81)]})
    assert info.value.code == 2030


# ---------------------------------------------------------------- search
async def test_search_filters_by_department_group_and_role(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada, bob, cyd, dan = [await _user(mgmt, f"dev-{n}") for n in ("ada", "bob", "cyd", "dan")]
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    await mgmt.org.add_members([ada.id], node_id=eng.id)
    await mgmt.org.add_members([bob.id], node_id=web.id)
    await mgmt.groups.create("oncall", "On call")
    await mgmt.groups.add_users("oncall", [bob.id, cyd.id])
    await mgmt.roles.create("admin", namespace="billing")
    await mgmt.users.add_roles([cyd.id, dan.id], ["admin"], namespace="billing")

    async def ids(**filters: Any) -> set[str]:
        page = await mgmt.users.search("dev-", limit=50, **filters)
        return {u.id for u in page.list}

    assert await ids() == {ada.id, bob.id, cyd.id, dan.id}
    dept = models.SearchUserDepartmentOpt
    assert await ids(department_opts=[dept(department_id=eng.id)]) == {ada.id}
    assert await ids(
        department_opts=[dept(department_id=eng.id, include_children_departments=True)]
    ) == {ada.id, bob.id}
    assert await ids(group_opts=[models.SearchUserGroupOpt(code="oncall")]) == {bob.id, cyd.id}
    role = models.SearchUserRoleOpt(code="admin", namespace="billing")
    assert await ids(role_opts=[role]) == {cyd.id, dan.id}
    assert await ids(role_opts=[models.SearchUserRoleOpt(code="admin")]) == set()
    both = await ids(group_opts=[models.SearchUserGroupOpt(code="oncall")], role_opts=[role])
    assert both == {cyd.id}


async def test_search_by_field_and_unknown_field(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada", email="ada@lovelace.org")
    await _user(mgmt, "bob", nickname="lovelace fan")
    hits = await mgmt.users.search("LOVELACE", fields=["email"])
    assert [u.id for u in hits.list] == [ada.id]
    assert (await mgmt.users.search("lovelace")).total_count == 2
    with pytest.raises(AuthingError) as info:
        await mgmt.users.search("x", fields=["password"])
    assert info.value.code == 2015
    with pytest.raises(AuthingValidationError, match="query"):
        await mgmt.users.search("")


# ---------------------------------------------------------------- CRUD and membership
def _outbox_text(pool: Any) -> str:
    url = f"{pool.host}/__emulator__/outbox"
    return httpx.get(url, params={"pool": pool.user_pool_id}, timeout=10).text


async def test_update_exists_delete_and_group_membership(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada, token = await _logged_in(auth, mgmt, "ada")
    bob = await _user(mgmt, "bob", email="bob@x.org")
    changed = await mgmt.users.update(ada.id, models.UpdateUserInput(nickname="Countess"))
    assert changed.nickname == "Countess"
    with pytest.raises(AuthingError) as info:
        await mgmt.users.update(ada.id, models.UpdateUserInput(email="BOB@x.org"))
    assert info.value.code == 2026
    # A token expiry in the past ends the user's sessions.
    await mgmt.users.update(ada.id, models.UpdateUserInput(token_expired_at="2000-01-01T00:00:00Z"))
    with pytest.raises(NotLoggedInError):
        await auth.as_user(token).get_current_user()

    assert await mgmt.users.exists(email="BOB@X.ORG") is True
    assert await mgmt.users.exists(username="BOB") is False  # usernames are case-sensitive

    await mgmt.groups.create("eng", "Engineering")
    await mgmt.users.add_group([ada.id, bob.id], "eng")
    assert [g.code for g in (await mgmt.users.list_groups(bob.id)).list] == ["eng"]
    await mgmt.users.remove_group([bob.id], "eng")
    assert (await mgmt.users.list_groups(bob.id)).total_count == 0
    assert [u.id for u in (await mgmt.groups.list_users("eng")).list] == [ada.id]

    sent = await mgmt.users.send_first_login_verify_email(bob.id, authing_pool.app_id)
    assert sent.code == 200
    assert "bob@x.org" in _outbox_text(authing_pool)

    deleted = await mgmt.users.delete(bob.id)
    assert deleted is not None and deleted.code == 200
    assert await mgmt.users.exists(email="bob@x.org") is False
    with pytest.raises(NotFoundError):
        await mgmt.users.delete(bob.id)


async def test_groups_and_roles_batch_delete(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    for code in ("a", "b", "c"):
        await mgmt.groups.create(code, code.upper())
        await mgmt.roles.create(code, namespace="ns")
    with pytest.raises(AuthingError) as groups_missing:
        await mgmt.groups.delete_many(["a", "missing"])
    # code 404 has no family of its own in the error table: the base class, with the code
    assert type(groups_missing.value) is NotFoundError and groups_missing.value.code == 404
    assert (await mgmt.groups.list()).total_count == 3  # nothing deleted
    await mgmt.groups.delete_many(["a", "b"])
    assert [g.code for g in (await mgmt.groups.list()).list] == ["c"]
    with pytest.raises(AuthingError) as roles_missing:
        await mgmt.roles.delete_many(["a", "missing"], namespace="ns")
    assert type(roles_missing.value) is NotFoundError and roles_missing.value.code == 404
    await mgmt.roles.delete_many(["a", "c"], namespace="ns")
    assert [r.code for r in (await mgmt.roles.list(namespace="ns")).list] == ["b"]


# ---------------------------------------------------------------- account status
async def test_suspend_resign_and_activate_gate_login_and_existing_tokens(
    authing_client: Any, authing_management_client: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada, token = await _logged_in(auth, mgmt, "ada")
    me = auth.as_user(token)

    done = await mgmt.users.suspend(ada.id)
    assert (done.code, done.message) == (200, "停用账号成功")
    assert (await mgmt.users.detail(ada.id)).status == "Suspended"
    for attempt in (me.get_current_user(), auth.login_by_username("ada", "pw123456")):
        with pytest.raises(AccountStateError) as info:
            await attempt
        assert info.value.code == 2005

    assert (await mgmt.users.activate(ada.id)).code == 200
    assert (await me.get_current_user()).status == "Activated"  # the old token works again

    assert (await mgmt.users.resign(ada.id)).message == "离职成功"
    with pytest.raises(AccountStateError) as info:
        await auth.login_by_username("ada", "pw123456")
    assert info.value.code == 2005
    await mgmt.users.activate(ada.id)
    assert (await auth.login_by_username("ada", "pw123456")).id == ada.id

    bob = await _user(mgmt, "bob")
    assert (await mgmt.users.resign_batch([ada.id, bob.id])).success is True
    statuses = {u.status for u in await mgmt.users.batch_get([ada.id, bob.id])}
    assert statuses == {"Resigned"}
    for call in (mgmt.users.suspend, mgmt.users.activate, mgmt.users.resign):
        with pytest.raises(NotFoundError) as missing:
            await call("000000000000000000000000")
        assert missing.value.code == 2004
    with pytest.raises(NotFoundError):  # one unknown id: nothing changes
        await mgmt.users.resign_batch([bob.id, "000000000000000000000000"])


# ---------------------------------------------------------------- unknown and foreign ids
@pytest.fixture
def other_pool(authing_emulator: Any) -> Any:
    """A second pool on the session emulator."""
    from aioauthing.emulator.settings import EmulatorSettings

    response = httpx.post(f"{authing_emulator.url}/__emulator__/pools", json={}, timeout=10)
    return EmulatorSettings.from_dict(response.json())


async def test_reads_and_session_calls_on_unknown_or_foreign_ids_are_2004(
    authing_management_client: Any, other_pool: Any
) -> None:
    from aioauthing import ManagementClient

    mgmt, other = authing_management_client, other_pool
    async with ManagementClient(
        other.user_pool_id, other.secret, host=other.host, public_key=other.public_key
    ) as theirs:
        foreign = (await _user(theirs, "eve")).id
    for user_id in (foreign, "000000000000000000000000"):
        for call in (
            mgmt.users.list_roles(user_id),
            mgmt.users.list_groups(user_id),
            mgmt.users.list_department(user_id),
            mgmt.users.list_authorized_resources(user_id),
            mgmt.users.kick([user_id]),
            mgmt.users.logout(user_id),
            mgmt.users.detail(user_id),
        ):
            with pytest.raises(NotFoundError) as info:
                await call
            assert info.value.code == 2004


# ---------------------------------------------------------------- filter, identities, counts
async def test_filter_link_identity_and_app_login_counts(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    ada = await _user(mgmt, "ada", company="ACME")
    await _user(mgmt, "bob", company="ACME")
    await _user(mgmt, "cyd", company="Initech")
    page = await mgmt.users.filter(filter=[{"key": "company", "value": "ACME"}], limit=1)
    assert page.total_count == 2 and len(page.list) == 1
    hits = await mgmt.users.filter(filter=[{"key": "username", "value": "Y", "op": "contains"}])
    assert [u.username for u in hits.list] == ["cyd"]
    with pytest.raises(AuthingError) as bad:
        await mgmt.users.filter(filter=[{"value": "x"}])
    assert bad.value.code == 400

    linked = await mgmt.users.link_identity(ada.id, "gh-42", True, "github", "idp1", type="github")
    assert linked.code == 200
    identities = (await mgmt.users.batch_get([ada.id]))[0].identities or []
    assert [(i.user_id_in_idp, i.ext_idp_id) for i in identities] == [("gh-42", "idp1")]
    assert (await mgmt.users.unlink_identity(ada.id, True, "github", "idp1")).code == 200
    assert (await mgmt.users.batch_get([ada.id]))[0].identities in (None, [])

    app = authing_pool.app_id
    assert await mgmt.users.get_application_login_user_num(app) == 0
    await auth.login_by_username("ada", "pw123456")
    await auth.login_by_username("ada", "pw123456")
    assert await mgmt.users.get_application_login_user_num(app) == 1
    await mgmt.udf.set("USER", "school", "STRING", "School")
    await mgmt.users.set_udf_value(ada.id, "school", "MIT")
    assert await mgmt.users.get_udf_field_user_num("school", app) == 1
    assert await mgmt.users.get_udf_field_user_num("other", app) == 0
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.get_application_login_user_num("000000000000000000000000")
    assert info.value.code == 2011

    actions = await mgmt.users.list_user_actions(operation_name="login")
    assert actions.total_count == 2 and all(e.user_id == ada.id for e in actions.list)


# ---------------------------------------------------------------- permissions and passwords
async def test_check_resource_permission_batch_and_resources_of_a_kind(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    await mgmt.roles.create("editor")
    await mgmt.roles.add_users(["editor"], user_ids=[ada.id])
    opt = models.AuthorizeResourceOpt
    await mgmt.acl.authorize_resource(
        "default",
        "books:1",
        "DATA",
        [opt(target_type="USER", target_identifier=ada.id, actions=["books:read"])],
    )
    await mgmt.acl.authorize_resource(
        "default",
        "books:*",
        "DATA",
        [opt(target_type="ROLE", target_identifier="editor", actions=["edit"])],
    )
    await mgmt.acl.authorize_resource(
        "default",
        "films",
        "DATA",
        [opt(target_type="USER", target_identifier=ada.id, actions=["*"])],
    )
    asked = ["books:1", "books:2", "films", "music"]
    checked = await mgmt.users.check_resource_permission_batch(ada.id, "default", asked)
    assert [(r.code, r.actions) for r in checked] == [
        ("books:1", ["books:read", "edit"]),
        ("books:2", ["edit"]),
        ("films", ["*"]),
        ("music", []),
    ]

    kind = await mgmt.users.list_authorized_resources_of_resource_kind(ada.id, "default", "books")
    assert {(r.code, tuple(r.actions or [])) for r in kind} == {
        ("books:1", ("books:read",)),
        ("books:*", ("edit",)),
    }
    with pytest.raises(NotFoundError) as info:
        await mgmt.users.check_resource_permission_batch(
            "000000000000000000000000", "default", asked
        )
    assert info.value.code == 2004
    with pytest.raises(AuthingValidationError, match="resources"):
        await mgmt.users.check_resource_permission_batch(ada.id, "default", "books:1")


async def test_is_password_valid_send_email_and_check_login_status_by_token(
    authing_client: Any, authing_management_client: Any, authing_emulator: Any, authing_pool: Any
) -> None:
    auth, mgmt = authing_client, authing_management_client
    good, weak = (
        await mgmt.users.is_password_valid("long-enough"),
        await mgmt.users.is_password_valid("abc"),
    )
    assert (good.valid, weak.valid) == (True, False) and weak.message
    sent = await mgmt.users.send_email("ada@example.com", "VERIFY_EMAIL")
    assert (sent.code, sent.message) == (200, "发送成功")
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{authing_emulator.url}/__emulator__/outbox",
            params={"pool": authing_pool.user_pool_id},
        )
    outbox = answer.json()
    assert any(m.get("email") == "ada@example.com" for m in outbox["messages"])
    _ada, token = await _logged_in(auth, mgmt, "ada")
    status = await mgmt.users.check_login_status_by_token(token)
    assert status is not None and status.status is True and status.code == 200


# ---------------------------------------------------------------- raw calls
async def test_raw_graphql_and_rest_calls_use_the_management_token(
    authing_management_client: Any,
) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    data = await mgmt.graphql(
        "query isUserExists($username: String) { isUserExists(username: $username) }",
        {"username": "ada"},
    )
    assert data == {"isUserExists": True}
    detail = await mgmt.request("GET", f"/api/v2/users/{ada.id}")
    assert (detail["id"], detail["username"]) == (ada.id, "ada")
    kicked = await mgmt.request("POST", "/api/v2/users/kick", body={"userIds": [ada.id]})
    assert kicked is None
    with pytest.raises(NotFoundError) as info:
        await mgmt.request("GET", "/api/v2/users/000000000000000000000000")
    assert info.value.code == 2004
    with pytest.raises(NotFoundError) as info:
        await mgmt.graphql("query u($id: String) { user(id: $id) { id } }", {"id": "0" * 24})
    assert info.value.code == 2004
    with pytest.raises(AuthingValidationError, match="path"):
        await mgmt.request("GET", "https://elsewhere.example/api/v2/users")
    with pytest.raises(AuthingValidationError, match="method"):
        await mgmt.request("FETCH", "/api/v2/users")


async def test_new_calls_refuse_bad_input_before_sending(authing_management_client: Any) -> None:
    users = authing_management_client.users
    cases: list[tuple[Any, str]] = [
        (users.suspend(None), "user_id"),
        (users.activate(""), "user_id"),
        (users.resign_batch([f"id{i}" for i in range(81)]), "user_ids"),
        (users.resign_batch("abc"), "user_ids"),
        (users.link_identity("u", "x", "yes", "github", "idp"), "is_social"),
        (users.filter(filter="company=ACME"), "filter"),
        (users.check_resource_permission_batch("u", "default", ["books:1", ""]), "resources"),
        (users.is_password_valid(None), "password"),
        (users.get_application_login_user_num(42), "app_id"),
    ]
    for call, name in cases:
        with pytest.raises(AuthingValidationError) as info:
            await call
        assert info.value.parameter.split("[")[0] == name


async def test_go_rest_role_list_matches_list_roles(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    await mgmt.roles.create("admin", namespace="billing")
    await mgmt.users.add_roles([ada.id], ["admin"], namespace="billing")
    rest = await mgmt.request(
        "GET", f"/api/v2/users/{ada.id}/roles", query={"namespace": "billing"}
    )
    typed = await mgmt.users.list_roles(ada.id, namespace="billing")
    assert rest["totalCount"] == typed.total_count == 1
    assert rest["list"][0]["code"] == typed.list[0].code == "admin"
    assert (await mgmt.request("GET", f"/api/v2/users/{ada.id}/roles"))["totalCount"] == 0


async def test_suspension_also_stops_oidc_tokens_until_activated(
    authing_client: Any, authing_management_client: Any, authing_pool: Any
) -> None:
    from test_protocols import PASSWORD, oidc_client, tokens_for

    from aioauthing import OAuthError

    mgmt = authing_management_client
    alice = await authing_client.register_by_username("alice", PASSWORD)
    async with oidc_client(authing_pool) as client:
        tokens = await tokens_for(client, authing_pool, "openid profile offline_access")
        assert tokens.refresh_token
        await mgmt.users.suspend(alice.id)
        with pytest.raises(OAuthError) as info:
            await client.get_user_info_by_access_token(tokens.access_token)
        assert info.value.error == "invalid_token"
        with pytest.raises(OAuthError) as info:
            await client.get_new_access_token_by_refresh_token(tokens.refresh_token)
        assert info.value.error == "invalid_grant"
        await mgmt.users.activate(alice.id)
        claims = await client.get_user_info_by_access_token(tokens.access_token)
        assert claims["sub"] == alice.id
        assert (
            await client.get_new_access_token_by_refresh_token(tokens.refresh_token)
        ).access_token
