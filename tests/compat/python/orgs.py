"""The official Python client's org module against the emulator (``python run.py orgs``).

Every ``mgmt.org`` method with a wire; ``start_sync`` is left out (it syncs from a DingTalk, WeCom
or AD directory, which the emulator does not have).
"""

from __future__ import annotations

import json

from authing.v2.common.codegen import QUERY
from harness import expect_code, management_client, step, unique

EXPECTED_STEPS = [
    "org.create_org",
    "org.create",
    "org.create_node",
    "org.add_node",
    "org.add_node.duplicate_code",
    "org.get_node_by_id",
    "org.get_node_by_id.unknown",
    "org.update_node",
    "org.find_by_id",
    "org.list",
    "org.list_children",
    "org.root_node",
    "org.is_root_node",
    "org.is_root_node.child",
    "org.move_node",
    "org.move_node.into_itself",
    "org.search_nodes",
    "org.add_members",
    "org.list_members",
    "org.list_members.own_only",
    "org.set_main_department",
    "org.set_main_department.not_member",
    "org.move_members",
    "org.delete_members",
    "org.add_roles",
    "org.add_roles.unknown_node",
    "org.list_roles",
    "org.remove_roles",
    "org.list_authorized_resources",
    "org.list_authorized_resources_by_code",
    "org.import_by_json",
    "org.export_by_org_id",
    "org.export_all",
    "org.delete_node",
    "org.delete_node.root",
    "org.delete_by_id",
    "org.find_by_id.deleted",
    "org.start_sync.no_connection",
]


def flow(s: dict) -> None:
    mgmt = management_client(s)
    tag = unique("")
    users = [mgmt.users.create({"username": f"org_{n}_{tag}"}) for n in ("ada", "bob")]
    ada, bob = (u["id"] for u in users)
    mgmt.roles.create(f"auditor{tag}")

    first = step(
        "org.create_org",
        lambda: mgmt.org.create_org(f"Acme {tag}", code=f"acme{tag}", description="the company"),
        lambda o: (
            o["rootNode"]["root"] is True
            and o["rootNode"]["code"] == f"acme{tag}"
            and [n["id"] for n in o["nodes"]] == [o["rootNode"]["id"]]
        ),
    )
    org_id, root_id = first["id"], first["rootNode"]["id"]
    second = step(
        "org.create",
        lambda: mgmt.org.create(f"Beta {tag}", code=f"beta{tag}"),
        lambda o: o["rootNode"]["name"] == f"Beta {tag}" and o["rootNode"]["depth"] == 0,
    )
    eng = step(
        "org.create_node",
        lambda: mgmt.org.create_node("Engineering", org_id, root_id, code="eng"),
        lambda n: n["orgId"] == org_id and n["depth"] == 1 and n["path"][0] == root_id,
    )
    step(
        "org.add_node",
        lambda: mgmt.org.add_node(org_id, "Sales", root_id, code="sales", order=3),
        lambda o: o["id"] == org_id and {n["code"] for n in o["nodes"]} >= {"eng", "sales"},
    )
    expect_code(
        "org.add_node.duplicate_code",
        lambda: mgmt.org.add_node(org_id, "Again", root_id, code="eng"),
        2026,
    )
    web = mgmt.org.create_node("Web", org_id, eng["id"], code="web")
    step(
        "org.get_node_by_id",
        lambda: mgmt.org.get_node_by_id(web["id"]),
        lambda n: n["path"] == [root_id, eng["id"], web["id"]] and n["root"] is False,
    )
    expect_code("org.get_node_by_id.unknown", lambda: mgmt.org.get_node_by_id("0" * 24), 404)
    step(
        "org.update_node",
        lambda: mgmt.org.update_node(web["id"], name="Frontend", description="web apps"),
        lambda n: (n["name"], n["description"], n["code"]) == ("Frontend", "web apps", "web"),
    )
    step(
        "org.find_by_id",
        lambda: mgmt.org.find_by_id(org_id),
        lambda o: (
            len(o["nodes"]) == 4
            and o["rootNode"]["children"]
            == [
                eng["id"],
                next(n["id"] for n in o["nodes"] if n["code"] == "sales"),
            ]
        ),
    )
    step(
        "org.list",
        lambda: mgmt.org.list(page=1, limit=10),
        lambda r: r["totalCount"] == 2 and {o["id"] for o in r["list"]} == {org_id, second["id"]},
    )
    step(
        "org.list_children",
        lambda: mgmt.org.list_children(eng["id"]),
        lambda nodes: [n["id"] for n in nodes] == [web["id"]],
    )
    step(
        "org.root_node",
        lambda: mgmt.org.root_node(org_id),
        lambda n: n["id"] == root_id and n["codePath"] == [f"acme{tag}"],
    )
    step("org.is_root_node", lambda: mgmt.org.is_root_node(org_id, root_id), lambda r: r is True)
    step(
        "org.is_root_node.child",
        lambda: mgmt.org.is_root_node(org_id, eng["id"]),
        lambda r: r is False,
    )
    sales = mgmt.org.find_by_id(org_id)["nodes"]
    sales_id = next(n["id"] for n in sales if n["code"] == "sales")
    step(
        "org.move_node",
        lambda: mgmt.org.move_node(org_id, eng["id"], sales_id),
        lambda o: (
            {n["id"]: n for n in o["nodes"]}[web["id"]]["path"]
            == [root_id, sales_id, eng["id"], web["id"]]
        ),
    )
    expect_code(
        "org.move_node.into_itself",
        lambda: mgmt.org.move_node(org_id, eng["id"], web["id"]),
        400,
    )
    step(
        "org.search_nodes",
        lambda: mgmt.org.search_nodes("front"),
        lambda nodes: (
            [n["id"] for n in nodes] == [web["id"]] and nodes[0]["namePath"][-1] == "Frontend"
        ),
    )

    step(
        "org.add_members",
        lambda: mgmt.org.add_members(eng["id"], [ada, bob]),
        lambda n: n["id"] == eng["id"] and n["users"]["totalCount"] == 2,
    )
    mgmt.org.add_members(web["id"], [bob])
    step(
        "org.list_members",
        lambda: mgmt.org.list_members(sales_id, page=1, limit=10),
        lambda n: {u["id"] for u in n["users"]["list"]} == {ada, bob},
    )
    step(
        "org.list_members.own_only",
        lambda: mgmt.org.list_members(sales_id, include_children_nodes=False),
        lambda n: n["users"]["totalCount"] == 0,
    )
    step(
        "org.set_main_department",
        lambda: mgmt.org.set_main_department(ada, eng["id"]),
        lambda r: r["code"] == 200,
    )
    expect_code(
        "org.set_main_department.not_member",
        lambda: mgmt.org.set_main_department(ada, sales_id),
        400,
    )
    step(
        "org.move_members",
        lambda: mgmt.org.move_members([ada], web["id"], eng["id"]),
        lambda r: (
            r["code"] == 200
            and {u["id"] for u in mgmt.org.list_members(web["id"])["users"]["list"]} == {ada, bob}
        ),
    )
    step(
        "org.delete_members",
        lambda: mgmt.org.delete_members(web["id"], [bob]),
        lambda n: [u["id"] for u in n["users"]["list"]] == [ada],
    )

    step(
        "org.add_roles",
        lambda: mgmt.org.add_roles(eng["id"], [f"auditor{tag}"]),
        lambda r: r["code"] == 200,
    )
    expect_code(
        "org.add_roles.unknown_node",
        lambda: mgmt.org.add_roles("0" * 24, [f"auditor{tag}"]),
        404,
    )
    step(
        "org.list_roles",
        lambda: mgmt.org.list_roles(eng["id"]),
        lambda r: (
            r["totalCount"] == 1
            and r["list"][0]["code"] == f"auditor{tag}"
            and r["list"][0]["namespace"] == "default"
        ),
    )
    step(
        "org.remove_roles",
        lambda: mgmt.org.remove_roles(eng["id"], [f"auditor{tag}"]),
        lambda r: r["code"] == 200 and mgmt.org.list_roles(eng["id"])["totalCount"] == 0,
    )
    # Set-up through the client's own authorizeResource document, passing the resourceType it
    # declares (its acl.authorize_resource leaves it out; the acl module's flow covers that call).
    mgmt.acl.graphqlClient.request(
        query=QUERY["authorizeResource"],
        params={
            "namespace": "default",
            "resource": f"books{tag}",
            "resourceType": "DATA",
            "opts": [
                {"targetType": "ORG", "targetIdentifier": eng["id"], "actions": ["books:read"]}
            ],
        },
        token=mgmt.tokenProvider.getAccessToken(),
    )
    step(
        "org.list_authorized_resources",
        lambda: mgmt.org.list_authorized_resources(eng["id"], namespace="default"),
        lambda r: (
            r["totalCount"] == 1
            and r["list"][0] == {"code": f"books{tag}", "type": "DATA", "actions": ["books:read"]}
        ),
    )
    step(
        "org.list_authorized_resources_by_code",
        lambda: mgmt.org.list_authorized_resources_by_code(org_id, "eng", resource_type="DATA"),
        lambda r: [i["code"] for i in r["list"]] == [f"books{tag}"],
    )

    tree = {
        "name": f"Feifan {tag}",
        "code": f"feifan{tag}",
        "children": [
            {"name": "Operations", "code": "operation", "description": "business"},
            {"name": "R&D", "code": "dev", "children": [{"name": "Backend", "code": "backend"}]},
        ],
    }
    imported = step(
        "org.import_by_json",
        lambda: mgmt.org.import_by_json(json.dumps(tree)),
        lambda r: (
            r["code"] == 200
            and r["data"][0]["code"] == f"feifan{tag}"
            and [c["code"] for c in r["data"][0]["children"]] == ["operation", "dev"]
        ),
    )
    imported_org = imported["data"][0]["orgId"]
    step(
        "org.export_by_org_id",
        lambda: mgmt.org.export_by_org_id(imported_org),
        lambda r: (
            r["code"] == 200
            and r["data"]["children"][1]["children"][0]["code"] == "backend"
            and r["data"]["children"][1]["children"][0]["members"] == []
        ),
    )
    step(
        "org.export_all",
        lambda: mgmt.org.export_all(),
        lambda r: (
            r["code"] == 200
            and [t["orgId"] for t in r["data"]] == [org_id, second["id"], imported_org]
            and [
                m["id"]
                for m in r["data"][0]["children"][0]["children"][0]["children"][0]["members"]
            ]
            == [ada]
        ),
    )

    step(
        "org.delete_node",
        lambda: mgmt.org.delete_node(org_id, eng["id"]),
        lambda r: (
            r["code"] == 200
            and [n["code"] for n in mgmt.org.find_by_id(org_id)["nodes"]] == [f"acme{tag}", "sales"]
        ),
    )
    expect_code("org.delete_node.root", lambda: mgmt.org.delete_node(org_id, root_id), 400)
    step(
        "org.delete_by_id",
        lambda: mgmt.org.delete_by_id(second["id"]),
        lambda r: r["code"] == 200,
    )
    expect_code("org.find_by_id.deleted", lambda: mgmt.org.find_by_id(second["id"]), 404)
    # the emulator connects to no DingTalk / WeCom directory: the service's refusal (404)
    # (the official client returns a REST failure envelope rather than raising it)
    step(
        "org.start_sync.no_connection",
        lambda: mgmt.org.start_sync("dingtalk"),
        lambda r: r["code"] == 404 and "dingtalk" in r["message"],
    )
