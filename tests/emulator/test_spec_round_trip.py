"""One spec edit changes the SDK and the emulator together (issue 12, "Done when").

On a scratch copy of ``spec/``, the two worked examples of ``spec/README.md`` are applied:

* add a field: ``employeeNumber`` on ``User``, ``CreateUserInput`` and ``UpdateUserInput``;
* add operations: ``fixtures/functions.yaml`` (pipeline-function CRUD, ``emulate`` behaviours).

The generator writes a scratch ``generated`` package, and a child process that imports it (ahead
of the committed one) sends the field through create and update and reads it back through detail,
list, search, find, batch get and the user's own profile (REST), then drives the new
``mgmt.functions`` API -- against the emulator, with no hand edit anywhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from codegen.__main__ import generate

from .scratch_spec import ROOT, run_child

REST_FACE = """
# Invented for this test: REST faces of the same records (the generic handlers serve REST too).
api: {client: management, class: FunctionsApi, attribute: functions, doc: Pipeline functions.}
models:
  FunctionPage:
    doc: One page of functions, REST shape.
    graphql: false
    fields:
      list: "[Function!]! | The functions of this page."
      total: "Int! | Number of functions across all pages."
operations:
  get_rest:
    title: 获取函数
    summary: Fetch a function by id.
    auth: management
    idempotent: true
    emulate: {get: Function, by: functionId}
    rest: {method: GET, path: "/api/v2/functions/{functionId}", response: envelope}
    params:
      function_id: {in: path, wire: functionId, type: "String!", doc: The function's id.}
    returns: Function!
  list_rest:
    title: 获取函数列表
    summary: List functions.
    auth: management
    idempotent: true
    emulate: {list: Function}
    rest: {method: GET, path: /api/v2/functions, response: envelope}
    params:
      page: {in: query, type: Int, default: 1, doc: Page number.}
      limit: {in: query, type: Int, default: 10, doc: Functions per page.}
    returns: FunctionPage!
  delete_rest:
    title: 删除函数
    summary: Delete a function.
    auth: management
    idempotent: true
    emulate: {delete: Function, by: functionId, message: 删除成功}
    rest: {method: DELETE, path: "/api/v2/functions/{functionId}", response: envelope}
    params:
      function_id: {in: path, wire: functionId, type: "String!", doc: The function's id.}
    returns: {type: CommonMessage, from: envelope}
"""

CHILD = """

    async def main() -> None:
        transport = EmulatorTransport(create_app(EmulatorConfig(allowed_hosts=("emulator.test",))))
        async with httpx.AsyncClient(transport=transport, base_url=HOST) as http:
            s = (await http.get("/__emulator__/settings")).json()
            common = dict(host=HOST, public_key=s["public_key"], strict=True, http_client=http)
            async with ManagementClient(s["user_pool_id"], s["secret"], **common) as mgmt:
                users = mgmt.users
                made = await users.create(
                    m.CreateUserInput(username="ada", password="pw123456", employee_number="E-1")
                )
                seen = {"create": made.employee_number}
                seen["detail"] = (await users.detail(made.id)).employee_number
                updated = await users.update(made.id, m.UpdateUserInput(employee_number="E-2"))
                seen["update"] = updated.employee_number
                seen["detail after update"] = (await users.detail(made.id)).employee_number
                seen["list"] = [u.employee_number for u in (await users.list()).list]
                seen["search"] = [u.employee_number for u in (await users.search("ada")).list]
                seen["batch get"] = [u.employee_number for u in await users.batch_get([made.id])]
                seen["find"] = (await users.find(username="ada")).employee_number
                fns = mgmt.functions
                fn = await fns.create(m.CreateFunctionInput(name="hook", source_code="f()"))
                await fns.update(m.UpdateFunctionInput(id=fn.id, url="https://x.test"))
                got = await fns.detail(fn.id)
                seen["function"] = (got.name, got.source_code, got.url)
                seen["functions"] = (await fns.list()).total_count
                await fns.delete(fn.id)
                seen["function deleted"] = await fns.detail(fn.id)
                again = await fns.create(m.CreateFunctionInput(name="rest", source_code="g()"))
                seen["REST get"] = (await fns.get_rest(again.id)).name
                seen["REST list"] = (await fns.list_rest()).total
                await fns.delete_rest(again.id)
                seen["REST deleted"] = await fns.detail(again.id)
            async with AuthenticationClient(
                s["app_id"], user_pool_id=s["user_pool_id"], **common
            ) as auth:
                token = (await auth.login_by_username("ada", "pw123456")).token
                seen["own profile (REST)"] = (
                    await auth.as_user(token).get_current_user()
                ).employee_number
        print(seen)
        expected = {
            "create": "E-1", "detail": "E-1", "update": "E-2", "detail after update": "E-2",
            "list": ["E-2"], "search": ["E-2"], "batch get": ["E-2"], "find": "E-2",
            "own profile (REST)": "E-2",
            "function": ("hook", "f()", "https://x.test"), "functions": 1,
            "function deleted": None, "REST get": "rest", "REST list": 1, "REST deleted": None,
        }
        assert seen == expected, seen

    asyncio.run(main())
    """


def _add_after(path: Path, anchor: str, line: str, count: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == count, (path, anchor)
    path.write_text(text.replace(anchor, anchor + line), encoding="utf-8")


def test_a_field_and_operations_added_to_the_spec_work_in_sdk_and_emulator(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    _add_after(
        spec / "models" / "user.yaml",
        '      externalId: "String | Id of the user in an external system (unique in the pool)."\n',
        '      employeeNumber: "String | Employee number."\n',
        1,
    )
    _add_after(  # CreateUserInput and UpdateUserInput
        spec / "models" / "user_inputs.yaml",
        '      externalId: "String"\n',
        '      employeeNumber: "String"\n',
        2,
    )
    shutil.copy(Path(__file__).parent / "fixtures" / "functions.yaml", spec / "management")
    (spec / "management" / "functions_rest.yaml").write_text(REST_FACE, encoding="utf-8")
    package = tmp_path / "pkg"
    generate(spec, package / "generated", coverage=None)
    assert "employee_number" in (package / "generated" / "_models_user.py").read_text()

    stdout = run_child(CHILD, package, tmp_path)
    assert "'own profile (REST)': 'E-2'" in stdout
