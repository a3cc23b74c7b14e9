"""Organizations end to end: trees of nodes, members, a user's departments and orgs."""

from __future__ import annotations

from typing import Any

import pytest

from aioauthing import AlreadyExistsError, AuthingError, NotFoundError, models
from aioauthing.runtime.errors import AuthingValidationError, InvalidInputError

pytestmark = pytest.mark.anyio
# The newer tests run on asyncio only: they drive the emulator's org semantics, which do not
# depend on the client's event loop (the tests above and the rest of the suite run on both).
asyncio_only = pytest.mark.parametrize("anyio_backend", ["asyncio"])


async def _user(mgmt: Any, name: str) -> Any:
    return await mgmt.users.create(models.CreateUserInput(username=name))


async def test_org_tree_paths_and_node_updates(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme", description="the company")
    assert org.root_node.root is True and org.root_node.code == "acme"
    assert [n.id for n in org.nodes] == [org.root_node.id]
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng", order=2)
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    assert (web.depth, web.root, web.org_id) == (2, False, org.id)
    assert web.path == [org.root_node.id, eng.id, web.id]
    assert web.code_path == ["acme", "eng", "web"]
    assert web.name_path == ["Acme", "Engineering", "Web"]
    with pytest.raises(AlreadyExistsError):
        await mgmt.org.add_node(org.id, "Again", code="eng")

    renamed = await mgmt.org.update_node(web.id, name="Frontend", code="fe")
    assert (renamed.name, renamed.code, renamed.code_path[-1]) == ("Frontend", "fe", "fe")
    detail = await mgmt.org.find_by_id(org.id)
    assert {n.id for n in detail.nodes} == {org.root_node.id, eng.id, web.id}
    root = next(n for n in detail.nodes if n.root)
    assert root.children == [eng.id]

    await mgmt.org.delete_node(org.id, eng.id)  # takes its subtree with it
    assert [n.id for n in (await mgmt.org.find_by_id(org.id)).nodes] == [org.root_node.id]
    with pytest.raises(AuthingError) as root:
        await mgmt.org.delete_node(org.id, org.root_node.id)
    assert type(root.value) is InvalidInputError and root.value.code == 400


async def test_list_and_delete_orgs(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    first = await mgmt.org.create("One")
    second = await mgmt.org.create("Two", tenant_id="t-1")
    listed = await mgmt.org.list()
    assert listed.total_count == 2 and {o.id for o in listed.list} == {first.id, second.id}
    assert [o.id async for o in mgmt.org.iter_list(page_size=1)].__len__() == 2
    assert (await mgmt.org.find_by_id(second.id)).tenant_id == "t-1"
    done = await mgmt.org.delete_by_id(first.id)
    assert done.code == 200
    assert [o.id for o in (await mgmt.org.list()).list] == [second.id]
    with pytest.raises(AuthingError) as info:
        await mgmt.org.find_by_id(first.id)
    assert info.value.code == 404


async def test_members_departments_and_user_orgs(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada, bob = await _user(mgmt, "ada"), await _user(mgmt, "bob")
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    await mgmt.org.add_members([ada.id], node_id=eng.id, is_leader=True)
    await mgmt.org.add_members([bob.id], org_id=org.id, node_code="web")
    with pytest.raises(NotFoundError):
        await mgmt.org.add_members(["000000000000000000000000"], node_id=eng.id)

    everyone = await mgmt.org.list_members(eng.id)
    assert {u.id for u in everyone.list} == {ada.id, bob.id}
    only_eng = await mgmt.org.list_members(eng.id, include_children_nodes=False)
    assert [u.id for u in only_eng.list] == [ada.id]
    assert [u.id async for u in mgmt.org.iter_list_members(web.id, page_size=1)] == [bob.id]

    departments = await mgmt.users.list_department(bob.id)
    assert [d.department.id for d in departments.list] == [web.id]
    assert departments.list[0].department.code_path == ["acme", "eng", "web"]
    assert departments.list[0].is_main_department is False
    assert (await mgmt.users.list_department(bob.id, org_id="other")).total_count == 0

    paths = await mgmt.users.list_org(bob.id)
    assert len(paths) == 1
    head, *chain = paths[0]
    assert (head["type"], head["id"], head["rootNodeId"]) == ("org", org.id, org.root_node.id)
    assert [n["code"] for n in chain] == ["acme", "eng", "web"]
    assert {n["type"] for n in chain} == {"node"}
    assert (await mgmt.users.list_org(ada.id))[0][-1]["leaderUserId"] == ada.id

    await mgmt.org.delete_members([bob.id], node_id=web.id)
    assert await mgmt.users.list_org(bob.id) == []
    with pytest.raises(NotFoundError):
        await mgmt.users.list_org("000000000000000000000000")


async def test_roles_granted_to_nodes_and_groups(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme")
    await mgmt.groups.create("ops", "Ops")
    await mgmt.roles.create("auditor")
    await mgmt.roles.add_users(["auditor"], node_codes=["acme"], group_codes=["ops"])
    with pytest.raises(AuthingError) as missing_group:
        await mgmt.roles.add_users(["auditor"], group_codes=["missing"])
    assert type(missing_group.value) is NotFoundError and missing_group.value.code == 404
    with pytest.raises(AuthingError) as no_target:
        await mgmt.roles.add_users(["auditor"])  # no target at all
    assert type(no_target.value) is InvalidInputError and no_target.value.code == 400
    holders = await mgmt.roles.list_users("auditor")
    assert holders.total_count == 0  # nodes and groups are not users
    revoked = await mgmt.roles.remove_users(["auditor"], node_codes=[org.root_node.code])
    assert revoked is not None and revoked.code == 200


@pytest.fixture
def other_pool(authing_emulator: Any) -> Any:
    """A second pool on the same emulator."""
    import httpx

    from aioauthing.emulator.settings import EmulatorSettings

    response = httpx.post(f"{authing_emulator.url}/__emulator__/pools", json={}, timeout=10)
    response.raise_for_status()
    return EmulatorSettings.from_dict(response.json())


@pytest.fixture
async def other_mgmt(other_pool: Any, anyio_backend: Any) -> Any:
    """A management client of the second pool."""
    from aioauthing.runtime.clients import ManagementClient

    pool = other_pool
    async with ManagementClient(
        pool.user_pool_id, pool.secret, host=pool.host, public_key=pool.public_key, strict=True
    ) as client:
        yield client


def _code(info: pytest.ExceptionInfo[AuthingError]) -> tuple[type, int]:
    return type(info.value), info.value.code


@asyncio_only
async def test_node_lookups_root_children_and_search(
    authing_management_client: Any, other_mgmt: Any
) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web Team", parent_node_id=eng.id, code="web")
    ops = await mgmt.org.add_node(org.id, "Ops", code="ops")

    assert (await mgmt.org.get_node_by_id(web.id)).name_path == ["Acme", "Engineering", "Web Team"]
    by_code = await mgmt.org.get_node_by_code(org.id, "web")
    assert (by_code.id, by_code.depth) == (web.id, 2)
    root = await mgmt.org.root_node(org.id)
    assert (root.id, root.root, root.children) == (org.root_node.id, True, [eng.id, ops.id])
    assert await mgmt.org.is_root_node(org.id, org.root_node.id) is True
    assert await mgmt.org.is_root_node(org.id, eng.id) is False
    assert [n.id for n in await mgmt.org.list_children(org.root_node.id)] == [eng.id, ops.id]
    assert [n.id for n in await mgmt.org.list_children(eng.id, org_id=org.id)] == [web.id]
    assert await mgmt.org.list_children(web.id) == []
    other = await mgmt.org.create("Beta")
    await mgmt.org.add_node(other.id, "Webshop")
    found = await mgmt.org.search_nodes("WEB")
    assert sorted(n.name for n in found) == ["Web Team", "Webshop"]
    assert await mgmt.org.search_nodes("nothing-like-this") == []

    # unknown ids and ids of another pool: the real not-found codes
    theirs = await other_mgmt.org.create("Theirs", code="theirs")
    for call in (
        mgmt.org.get_node_by_id(theirs.root_node.id),
        mgmt.org.get_node_by_code(org.id, "missing"),
        mgmt.org.is_root_node(org.id, theirs.root_node.id),
        mgmt.org.list_children("000000000000000000000000"),
        mgmt.org.list_members(theirs.root_node.id),
        mgmt.org.list_roles(theirs.root_node.id),
    ):
        with pytest.raises(AuthingError) as missing:
            await call
        assert _code(missing) == (NotFoundError, 404)
        assert missing.value.message == "节点不存在"
    for call in (mgmt.org.root_node(theirs.id), mgmt.org.find_by_id(theirs.id)):
        with pytest.raises(AuthingError) as no_org:
            await call
        assert _code(no_org) == (NotFoundError, 404) and no_org.value.message == "组织机构不存在"
    with pytest.raises(AuthingError) as wrong_org:
        await mgmt.org.list_children(web.id, org_id=other.id)
    assert _code(wrong_org) == (NotFoundError, 404)


@asyncio_only
async def test_move_node_keeps_its_subtree(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
    sales = await mgmt.org.add_node(org.id, "Sales", code="sales")
    await mgmt.org.add_members([ada.id], node_id=web.id)

    moved = await mgmt.org.move_node(org.id, eng.id, sales.id)
    nodes = {n.id: n for n in moved.nodes}
    assert nodes[sales.id].children == [eng.id] and nodes[eng.id].children == [web.id]
    assert nodes[web.id].code_path == ["acme", "sales", "eng", "web"]
    assert nodes[web.id].depth == 3
    assert [u.id for u in (await mgmt.org.list_members(sales.id)).list] == [ada.id]

    with pytest.raises(AuthingError) as into_itself:
        await mgmt.org.move_node(org.id, eng.id, web.id)
    assert _code(into_itself) == (InvalidInputError, 400)
    with pytest.raises(AuthingError) as root:
        await mgmt.org.move_node(org.id, org.root_node.id, eng.id)
    assert _code(root) == (InvalidInputError, 400) and root.value.message == "不能移动根节点"
    other = await mgmt.org.create("Beta")
    with pytest.raises(AuthingError) as elsewhere:
        await mgmt.org.move_node(org.id, eng.id, other.root_node.id)
    assert _code(elsewhere) == (NotFoundError, 404)


@asyncio_only
async def test_move_members_and_main_department(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada, bob = await _user(mgmt, "ada"), await _user(mgmt, "bob")
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    ops = await mgmt.org.add_node(org.id, "Ops", code="ops")
    await mgmt.org.add_members([ada.id, bob.id], node_id=eng.id)

    done = await mgmt.org.set_main_department(ada.id, department_id=eng.id)
    assert done.code == 200
    main = (await mgmt.users.list_department(ada.id)).list
    assert [(d.department.id, d.is_main_department) for d in main] == [(eng.id, True)]
    with pytest.raises(AuthingError) as not_member:
        await mgmt.org.set_main_department(ada.id, department_id=ops.id)
    assert _code(not_member) == (InvalidInputError, 400)
    with pytest.raises(AuthingError) as no_user:
        await mgmt.org.set_main_department("000000000000000000000000", department_id=eng.id)
    assert _code(no_user) == (NotFoundError, 2004)

    moved = await mgmt.org.move_members([ada.id], eng.id, ops.id)
    assert moved is not None and moved.code == 200
    only_eng = await mgmt.org.list_members(eng.id, include_children_nodes=False)
    assert [u.id for u in only_eng.list] == [bob.id]
    assert [u.id for u in (await mgmt.org.list_members(ops.id)).list] == [ada.id]
    after = (await mgmt.users.list_department(ada.id)).list
    assert [(d.department.id, d.is_main_department) for d in after] == [(ops.id, True)]
    with pytest.raises(AuthingError) as not_there:
        await mgmt.org.move_members([ada.id], eng.id, ops.id)
    assert _code(not_there) == (InvalidInputError, 400)

    cleared = await mgmt.org.set_main_department(ada.id, department_id=None)
    assert cleared.code == 200
    assert (await mgmt.users.list_department(ada.id)).list[0].is_main_department is False
    await mgmt.org.set_main_department(ada.id, department_id=ops.id)
    await mgmt.org.delete_node(org.id, ops.id)  # its members and main departments go with it
    assert (await mgmt.users.list_department(ada.id)).total_count == 0


@asyncio_only
async def test_node_roles_and_authorized_resources(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    org = await mgmt.org.create("Acme", code="acme")
    eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
    await mgmt.roles.create("auditor")
    await mgmt.roles.create("dev")
    granted = await mgmt.org.add_roles([eng.id], ["auditor", "dev"])
    assert granted is not None and granted.code == 200
    roles = await mgmt.org.list_roles(eng.id)
    assert (roles.total_count, sorted(r.code for r in roles.list)) == (2, ["auditor", "dev"])
    assert (await mgmt.org.list_roles(org.root_node.id)).total_count == 0
    await mgmt.org.remove_roles([eng.id], ["dev"])
    assert [r.code for r in (await mgmt.org.list_roles(eng.id)).list] == ["auditor"]
    with pytest.raises(AuthingError) as no_node:
        await mgmt.org.add_roles(["000000000000000000000000"], ["auditor"])
    assert _code(no_node) == (NotFoundError, 404) and no_node.value.message == "节点不存在"
    with pytest.raises(AuthingError) as no_role:
        await mgmt.org.add_roles([eng.id], ["missing"])
    assert _code(no_role) == (NotFoundError, 404)

    await mgmt.acl.authorize_resource(
        "default",
        "books",
        "DATA",
        [
            models.AuthorizeResourceOpt(
                target_type="ORG", target_identifier=eng.id, actions=["books:read"]
            )
        ],
    )
    by_id = await mgmt.org.list_authorized_resources(eng.id)
    assert [(r.code, r.type, r.actions) for r in by_id.list] == [("books", "DATA", ["books:read"])]
    by_code = await mgmt.org.list_authorized_resources_by_code(org.id, "eng", resource_type="DATA")
    assert by_code.total_count == 1 and by_code.list[0].code == "books"
    assert (await mgmt.org.list_authorized_resources(eng.id, resource_type="API")).total_count == 0
    with pytest.raises(AuthingError) as by_missing_code:
        await mgmt.org.list_authorized_resources_by_code(org.id, "missing")
    assert _code(by_missing_code) == (NotFoundError, 404)

    # a member of the node inherits the node's roles (granted by id) and their resources
    ada = await _user(mgmt, "ada")
    await mgmt.org.add_members([ada.id], node_id=eng.id)
    await mgmt.acl.authorize_resource(
        "default",
        "reports",
        "API",
        [
            models.AuthorizeResourceOpt(
                target_type="ROLE", target_identifier="auditor", actions=["*"]
            )
        ],
    )
    inherited = await mgmt.users.list_authorized_resources(ada.id, namespace="default")
    assert inherited is not None
    assert sorted(r.code for r in inherited.list) == ["books", "reports"]


@asyncio_only
async def test_import_by_json_and_export(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    ada = await _user(mgmt, "ada")
    tree = {
        "name": "Feifan",
        "code": "feifan",
        "children": [
            {"name": "Operations", "code": "operation", "description": "business"},
            {"name": "R&D", "code": "dev", "children": [{"name": "Backend", "code": "backend"}]},
        ],
    }
    imported = await mgmt.org.import_by_json(tree)
    assert [t.code for t in imported] == ["feifan"]
    assert [c.code for c in imported[0].children or []] == ["operation", "dev"]
    org_id = imported[0].org_id
    assert org_id is not None
    backend = await mgmt.org.get_node_by_code(org_id, "backend")
    assert backend.code_path == ["feifan", "dev", "backend"]
    await mgmt.org.add_members([ada.id], node_id=backend.id)

    exported = await mgmt.org.export_by_org_id(org_id)
    assert (exported.id, exported.name) == (imported[0].id, "Feifan")
    dev = next(c for c in exported.children or [] if c.code == "dev")
    (leaf,) = dev.children or []
    assert (leaf.code, [m.id for m in leaf.members or []]) == ("backend", [ada.id])
    assert dev.members == []

    json_text = '{"name": "Second", "children": [{"name": "Only"}]}'
    second = await mgmt.org.import_by_json(json_text)  # JSON text, as Go and Python send it
    every = await mgmt.org.export_all()
    assert [t.name for t in every] == ["Feifan", "Second"]
    assert [c.name for c in every[1].children or []] == ["Only"]
    assert (await mgmt.org.find_by_id(second[0].org_id)).root_node.name == "Second"

    with pytest.raises(AuthingError) as duplicate:
        await mgmt.org.import_by_json(
            {"name": "X", "code": "a", "children": [{"name": "Y", "code": "a"}]}
        )
    assert _code(duplicate) == (AlreadyExistsError, 2026)
    with pytest.raises(AuthingError) as nameless:
        await mgmt.org.import_by_json({"children": []})
    assert _code(nameless) == (InvalidInputError, 400) and "file.name" in nameless.value.message
    assert len(await mgmt.org.export_all()) == 2  # refused imports create nothing
    with pytest.raises(AuthingError) as unknown:
        await mgmt.org.export_by_org_id("000000000000000000000000")
    assert _code(unknown) == (NotFoundError, 404)


@asyncio_only
async def test_orgs_of_a_tenant(authing_management_client: Any) -> None:
    mgmt = authing_management_client
    mine = await mgmt.org.create("Mine", tenant_id="t-1")
    await mgmt.org.create("Other", tenant_id="t-2")
    assert [o.id for o in await mgmt.org.get_by_tenant_id("t-1")] == [mine.id]
    assert await mgmt.org.get_by_tenant_id("t-3") == []


@asyncio_only
async def test_bad_input_is_refused_before_sending(authing_management_client: Any) -> None:
    from aioauthing import AuthingValidationError

    mgmt = authing_management_client
    cases = [
        (mgmt.org.add_roles("node-id", ["auditor"]), "node_ids"),  # a str, not a list of ids
        (mgmt.org.move_node("org", None, "target"), "node_id"),
        (mgmt.org.move_node("org", 3, "target"), "node_id"),
        (mgmt.org.list_authorized_resources("node", resource_type="FILE"), "resource_type"),
        (mgmt.org.search_nodes(""), "keyword"),
        (mgmt.org.move_members(["u"] * 1001, "a", "b"), "user_ids"),
        (mgmt.org.add_roles(["n"], ["auditor", None]), "role_codes[1]"),
        (mgmt.org.import_by_json(None), "tree"),
    ]
    for call, name in cases:
        with pytest.raises(AuthingError) as refused:
            await call
        assert type(refused.value) is AuthingValidationError
        assert name in str(refused.value)


@asyncio_only
async def test_rest_forms_the_go_and_js_clients_send(authing_pool: Any, anyio_backend: Any) -> None:
    """GO GetOrganizationList / GetOrganizationChildren and JS getAllOrgs go over REST."""
    import httpx

    from aioauthing.runtime.clients import ManagementClient

    async with (
        ManagementClient(
            authing_pool.user_pool_id,
            authing_pool.secret,
            host=authing_pool.host,
            public_key=authing_pool.public_key,
        ) as mgmt,
        httpx.AsyncClient(base_url=authing_pool.host, timeout=10) as http,
    ):
        org = await mgmt.org.create("Acme", code="acme")
        eng = await mgmt.org.add_node(org.id, "Engineering", code="eng")
        web = await mgmt.org.add_node(org.id, "Web", parent_node_id=eng.id, code="web")
        await mgmt.org.create("Beta")
        query = "query t($u: String!, $s: String!) { accessToken(userPoolId: $u, secret: $s) { accessToken } }"
        answer = await http.post(
            "/graphql/v2",
            json={
                "query": query,
                "variables": {"u": authing_pool.user_pool_id, "s": authing_pool.secret},
            },
        )
        token = answer.json()["data"]["accessToken"]["accessToken"]
        headers = {"authorization": f"Bearer {token}"}

        async def data(path: str, **params: Any) -> Any:
            reply = (await http.get(path, params=params, headers=headers)).json()
            assert reply["code"] == 200, reply
            return reply["data"]

        paged = await data("/api/v2/orgs/pagination", page=1, limit=1, sortBy="CREATEDAT_ASC")
        assert paged["totalCount"] == 2 and [o["id"] for o in paged["list"]] == [org.id]
        assert [n["id"] for n in await data("/api/v2/orgs/children", nodeId=org.root_node.id)] == [
            eng.id
        ]
        deep = await data("/api/v2/orgs/children", nodeId=org.root_node.id, depth=2)
        assert [n["id"] for n in deep] == [eng.id, web.id]
        assert (await data("/api/v2/orgs/count"))["count"] == 2
        rest = await data("/api/v2/orgs", page=1, limit=10)
        assert {o["id"] for o in rest} >= {org.id} and rest[0][
            "userPoolId"
        ] == authing_pool.user_pool_id
        missing = (
            await http.get("/api/v2/orgs/children", params={"nodeId": "x"}, headers=headers)
        ).json()
        assert (missing["code"], missing["message"]) == (404, "节点不存在")


@asyncio_only
async def test_start_sync_is_refused_without_an_enterprise_connection(
    authing_management_client: Any,
) -> None:
    """The emulator connects to no DingTalk, WeCom or AD directory: a sync is refused (404)."""
    org = authing_management_client.org
    for provider in ("dingtalk", "wechatwork"):
        with pytest.raises(AuthingError) as refused:
            await org.start_sync(provider)
        assert _code(refused) == (NotFoundError, 404)
        assert provider in refused.value.message
    with pytest.raises(AuthingError) as ad:
        await org.start_ad_sync("adc-1")
    assert _code(ad) == (NotFoundError, 404)
    with pytest.raises(AuthingValidationError, match="provider_type"):
        await org.start_sync("ad")  # AD has its own call: refused before sending
