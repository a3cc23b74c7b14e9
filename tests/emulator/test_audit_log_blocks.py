"""The audit logs are stored in blocks: an append rewrites one block; old blocks are dropped."""

from __future__ import annotations

from aioauthing.emulator import audit
from aioauthing.emulator.config import EmulatorConfig
from aioauthing.emulator.context import RequestContext
from aioauthing.emulator.state import EmulatorState


def test_appends_touch_one_block_and_old_blocks_go() -> None:
    state = EmulatorState(EmulatorConfig())
    pool = state.default_pool
    ctx = RequestContext(state, {}, "http://emulator")
    total = audit.KEEP + 3 * audit.BLOCK + 7
    for number in range(total):
        audit.record_user_action(ctx, pool, {"id": f"u{number}"}, "login", None)
        if number == audit.BLOCK:  # one full block and one new one so far
            pending = [k for (_pool, kind, k) in state._upserts if kind == "directory"]
            assert sorted(k for k in pending if k.startswith("mgmt:userAction:")) == [
                "mgmt:userAction:000000000",
                "mgmt:userAction:000000001",
            ]
            state.flush()
    kept = audit.entries(pool, "userAction")
    assert audit.KEEP <= len(kept) < audit.KEEP + audit.BLOCK
    assert kept[-1]["userId"] == f"u{total - 1}"
    assert [int(e["userId"][1:]) for e in kept] == list(range(total - len(kept), total))
    state.flush()
    audit.record_user_action(ctx, pool, {"id": "last"}, "login", None)
    assert [k for (_p, _kind, k) in state._upserts if k.startswith("mgmt:")] == [
        audit._blocks(pool, "userAction")[-1]
    ]
