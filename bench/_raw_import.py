"""The floor for ``bulk_scale``: the same creates sent with raw aiohttp and nothing else.

``python bench/_raw_import.py FILE.jsonl DOCUMENT.graphql CONCURRENCY`` (host, pool id and secret
from ``AUTHING_HOST`` / ``AUTHING_USERPOOL_ID`` / ``AUTHING_USERPOOL_SECRET``): one management
token, then one ``createUser`` mutation (the SDK's own document, given as a file) per JSON line,
at most CONCURRENCY in flight over one aiohttp session, each answer parsed with ``json.loads``. No
checks, retries, models or progress: what any client of this API has to spend per user. Prints
``{"created": N}``.

Run as a script (not ``-m bench...``): it imports aiohttp and the standard library only.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys


async def main(path: str, document: str, concurrency: int) -> int:
    import aiohttp

    host = os.environ["AUTHING_HOST"].rstrip("/") + "/graphql/v2"
    pool = os.environ["AUTHING_USERPOOL_ID"]
    headers = {"x-authing-userpool-id": pool, "content-type": "application/json"}
    token_query = (
        "query accessToken($userPoolId: String!, $secret: String!) "
        "{ accessToken(userPoolId: $userPoolId, secret: $secret) { accessToken exp iat } }"
    )
    created = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        body = {
            "query": token_query,
            "variables": {"userPoolId": pool, "secret": os.environ["AUTHING_USERPOOL_SECRET"]},
        }
        async with session.post(host, data=json.dumps(body), headers=headers) as answer:
            token = json.loads(await answer.read())["data"]["accessToken"]["accessToken"]
        headers = {**headers, "authorization": f"Bearer {token}"}
        queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=2 * concurrency)

        async def worker() -> None:
            nonlocal created
            while (line := await queue.get()) is not None:
                payload = {"query": document, "variables": {"userInfo": json.loads(line)}}
                async with session.post(host, data=json.dumps(payload), headers=headers) as r:
                    result = json.loads(await r.read())
                if result.get("data", {}).get("createUser"):
                    created += 1

        workers = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
        with open(path, encoding="utf-8") as fh:  # noqa: ASYNC230 (read as the importer reads)
            for line in fh:
                if line.strip():
                    await queue.put(line)
        for _ in workers:
            await queue.put(None)
        await asyncio.gather(*workers)
    print(json.dumps({"created": created}))
    return 0


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as fh:
        doc = fh.read()
    sys.exit(asyncio.run(main(sys.argv[1], doc, int(sys.argv[3]))))
