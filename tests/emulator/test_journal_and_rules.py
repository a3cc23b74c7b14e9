"""The request journal (``GET /__emulator__/requests``) and targeted fault rules."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from aioauthing import AlreadyExistsError, ManagementClient, models
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.faults import parse_faults, rules_from_json, split_fault_text
from aioauthing.emulator.journal import graphql_fields
from aioauthing.emulator.server import EmulatorServer
from aioauthing.emulator.settings import EmulatorSettings

from .conftest import CREATE_USER, IS_USER_EXISTS, Wire, new_pool


def _journal(wire: Wire, **params: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = wire.admin("GET", "/requests", params=params)["requests"]
    return entries


def _create(wire: Wire, email: str) -> httpx.Response:
    return wire.client.post(
        f"{wire.settings.host}/graphql/v2",
        json={
            "query": CREATE_USER,
            "variables": {"userInfo": {"email": email, "password": wire.encrypt("pw123456")}},
        },
        headers=wire.headers(wire.management_token()),
    )


@pytest.fixture(params=["asyncio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_journal_lists_what_the_sdk_did_and_never_a_secret(
    authing_emulator: EmulatorServer, authing_pool: EmulatorSettings
) -> None:
    password = "Planted-Passw0rd-4711"
    async with ManagementClient(
        authing_pool.user_pool_id,
        authing_pool.secret,
        host=authing_pool.host,
        public_key=authing_pool.public_key,
    ) as mgmt:
        user = await mgmt.users.create(
            models.CreateUserInput(email="journal@example.com", password=password)
        )
        with pytest.raises(AlreadyExistsError) as duplicate:
            await mgmt.users.create(
                models.CreateUserInput(email="journal@example.com", password=password)
            )
        await mgmt.users.detail(user.id)
    _check_journal(authing_emulator, authing_pool, password, user.id, duplicate.value.code)


def _check_journal(
    server: EmulatorServer, authing_pool: EmulatorSettings, password: str, user_id: str, code: int
) -> None:
    with httpx.Client(timeout=10) as client:
        wire = Wire(authing_pool, client)
        token = wire.login_by_email("journal@example.com", password)["data"]["loginByEmail"][
            "token"
        ]
        raw = client.get(
            f"{authing_pool.host}/__emulator__/requests",
            params={"pool": authing_pool.user_pool_id},
        ).text
        entries = json.loads(raw)["requests"]
        other = new_pool(server, client)
        assert _journal(other) == []  # another pool's journal holds none of it

    operations = [e["operation"] for e in entries]
    # Newest first: login, detail, the failed duplicate, the create, the management token.
    assert operations[:5] == [
        "loginByEmail",
        "/api/v2/users/{id}",
        "createUser",
        "createUser",
        "accessToken",
    ]
    duplicate_entry = entries[2]
    assert code == 2026
    assert duplicate_entry["status"] == 200 and duplicate_entry["code"] == 2026
    assert entries[3]["code"] == 200 and entries[3]["method"] == "POST"
    assert all(e["fault"] is None and e["durationMs"] >= 0 for e in entries)
    assert entries[0]["time"].endswith("Z")
    for secret in (password, authing_pool.secret, token, user_id, "journal@example.com"):
        assert secret not in raw


def test_journal_names_rest_routes_without_their_values(wire: Wire) -> None:
    user = wire.create_user(email="rest@example.com", password="pw123456")
    token = wire.management_token()
    wire.rest("GET", f"/api/v2/users/{user['id']}", token=token)
    answer = wire.client.get(
        f"{wire.settings.host}/oidc/me",
        params={"access_token": "planted.token.value"},
        headers=wire.headers(),
    )
    assert answer.status_code == 401
    raw = json.dumps(_journal(wire))
    entries = _journal(wire, limit="2")
    assert len(entries) == 2
    (read,) = _journal(wire, operation="/api/v2/users/{id}")
    assert read == entries[1]
    assert entries[0]["operation"] == "/oidc/me" and entries[0]["method"] == "GET"
    assert entries[0]["status"] == 401 and entries[0]["error"] == "invalid_token"
    assert entries[1]["operation"] == "/api/v2/users/{id}" and entries[1]["code"] == 200
    assert user["id"] not in raw and "planted.token.value" not in raw


def test_journal_is_a_bounded_ring_buffer() -> None:
    with (
        EmulatorServer(EmulatorConfig(journal_size=3)) as server,
        httpx.Client(timeout=10) as client,
    ):
        pool = new_pool(server, client)
        for email in ("a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io"):
            pool.gql(IS_USER_EXISTS, {"email": email})
        entries = _journal(pool)
        assert [e["operation"] for e in entries] == ["isUserExists"] * 3
        pool.admin("POST", "/reset", json={})
        assert _journal(pool) == []


def test_rule_fails_exactly_the_requested_calls(wire: Wire) -> None:
    wire.management_token()
    answer = wire.admin(
        "POST",
        "/faults",
        json={"rules": [{"operation": "createUser", "fault": "503", "count": 3}]},
    )
    assert answer["rules"] == [
        {"operation": "createUser", "fault": "503", "count": 3, "remaining": 3}
    ]
    statuses = []
    for n in range(4):
        statuses.append(_create(wire, f"r{n}@example.com").status_code)
        # Other operations are never touched by the rule.
        assert wire.gql(IS_USER_EXISTS, {"email": "r0@example.com"})["data"] is not None
    assert statuses == [503, 503, 503, 200]
    assert wire.admin("GET", "/faults")["rules"][0]["remaining"] == 0
    faulted = [e for e in _journal(wire) if e["fault"]]
    assert [(e["operation"], e["fault"], e["rule"], e["code"]) for e in faulted] == [
        ("createUser", "503", "createUser", 503)
    ] * 3
    # The first three creates were refused before they were applied.
    exists = wire.gql(IS_USER_EXISTS, {"email": "r0@example.com"})["data"]["isUserExists"]
    assert exists is False
    assert wire.admin("POST", "/faults", json={"rules": []})["rules"] == []


def test_rules_from_the_command_line_syntax_and_rest_routes() -> None:
    with (
        EmulatorServer(
            EmulatorConfig(faults="429=0,createUser:429x1,GET /api/v2/users/{id}:500x2")
        ) as server,
        httpx.Client(timeout=10) as client,
    ):
        settings = server.settings()
        wire = Wire(EmulatorSettings.from_dict(settings), client)
        assert wire.admin("GET", "/faults")["spec"] == "429=0"
        user_id = "0" * 24
        token = wire.management_token()
        first = _create(wire, "cli@example.com")
        assert first.status_code == 429 and first.headers["retry-after"] == "1"
        assert _create(wire, "cli@example.com").status_code == 200
        url = f"{settings['host']}/api/v2/users/{user_id}"
        codes = [client.get(url, headers=wire.headers(token)).status_code for _ in range(3)]
        assert codes == [500, 500, 200]
        # A fresh pool starts with the configured rules again.
        fresh = new_pool(server, client)
        assert [r["remaining"] for r in fresh.admin("GET", "/faults")["rules"]] == [1, 2]
        # ... unless it is created with its own faults, as for the rates.
        own = new_pool(server, client, faults="503=0")
        answer = own.admin("GET", "/faults")
        assert {k: answer[k] for k in ("spec", "rules")} == {"spec": "503=0", "rules": []}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("createUser:504", "unknown fault '504'"),
        ("createUser:503x0", "positive integer"),
        ("createUser:", "bad fault rule"),
        ("429=2", "within [0, 1]"),
    ],
)
def test_bad_rules_are_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        split_fault_text(text)


def test_rules_keep_the_rates_parser_as_it_was() -> None:
    spec, rules = split_fault_text("503=0.5, createUser:dropx2 ,POST /api/v2/users:lost")
    assert parse_faults(spec).probabilities == {"503": 0.5}
    assert [(r.operation, r.fault, r.count) for r in rules] == [
        ("createUser", "drop", 2),
        ("POST /api/v2/users", "lost", None),
    ]
    with pytest.raises(ValueError, match="needs '=value'"):
        parse_faults("createUser:503x3")  # the rates API does not take rules
    with pytest.raises(ValueError, match="must be a list"):
        rules_from_json({"operation": "createUser"})


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"query": "query q { isUserExists(email: \\"a@b.co\\") }"}', ("isUserExists",)),
        (
            b'{"variables": {"query": "x"}, "query": "mutation { a: createUser { id } b: deleteUser }"}',
            ("createUser", "deleteUser"),
        ),
        (b'{"query": "fragment F on User { id } query { user(id: \\"1\\") { ...F } }"}', ("user",)),
        (b'{"query": "{ unclosed"}', ()),
        (b"not json", ()),
    ],
)
def test_operation_names_come_from_the_document(body: bytes, fields: tuple[str, ...]) -> None:
    assert graphql_fields(body) == fields
    assert graphql_fields(body) == fields  # the cached answer is the same


def test_latency_shows_as_the_fault_of_each_delayed_request(
    authing_emulator: EmulatorServer,
) -> None:
    with httpx.Client(timeout=10) as client:
        slow = new_pool(authing_emulator, client, faults="latency=1ms")
        slow.gql(IS_USER_EXISTS, {"email": "slow@example.com"})
        (entry,) = _journal(slow)
        assert entry["fault"] == "latency" and entry["rule"] is None and entry["code"] == 200
