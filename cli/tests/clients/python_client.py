"""The official Python MCP SDK (pip `mcp`) against `connectors mcp serve` in dynamic mode.

    python_client.py --mode auto|legacy --stdio CONNECTORS_BINARY
    python_client.py --mode auto|legacy --http URL

`auto` is the SDK's default `Client` (2026-07-28 through `server/discover`, no session);
`legacy` forces the 2025-11-25 `initialize` handshake. Over stdio the bridge is started as
`CONNECTORS_BINARY mcp serve` with this process's environment (the CONNECTORS_* settings).

Prints one JSON line per check: {"check": NAME, "ok": true|false, "detail": TEXT}; the
exit code is 0 even when checks fail (the Rust test judges the lines), 1 on a crash before
the first check. Checks: list, find, listed_after_find, notified, call_found, facts,
progress, cancel, origin (HTTP only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import urllib.error
import urllib.request

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters


def report(check: str, ok: bool, detail: str = "") -> None:
    print(json.dumps({"check": check, "ok": bool(ok), "detail": detail[:2000]}), flush=True)


def structured(result: types.CallToolResult) -> dict:
    return result.structured_content or {}


def text(result: types.CallToolResult) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


async def names(client: Client) -> list[str]:
    return [t.name for t in (await client.list_tools()).tools]


async def find(client: Client, query: str, tool_id: str) -> str | None:
    """find_tools for `query`; the name it reports for `tool_id`."""
    found = await client.call_tool("find_tools", {"query": query, "max_tools": 3})
    for tool in structured(found).get("tools", []):
        if tool.get("tool_id") == tool_id:
            return tool.get("name")
    return None


async def check(name: str, body) -> None:
    """Runs one check; an exception is its failure, with the reason."""
    try:
        ok, detail = await body()
    except Exception as e:  # noqa: BLE001 - every failure is a check's result
        ok, detail = False, f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
    report(name, ok, detail)


async def run(args: argparse.Namespace) -> None:
    list_changed = anyio.Event()

    async def on_message(message) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            list_changed.set()

    if args.stdio:
        server: StdioServerParameters | str = StdioServerParameters(
            command=args.stdio, args=["mcp", "serve"], env=dict(os.environ)
        )
    else:
        server = args.http
    async with Client(server, mode=args.mode, message_handler=on_message, read_timeout_seconds=60) as client:
        version = client.protocol_version
        modern = version >= "2026-07-28"

        async def listed():
            tools = await names(client)
            return {"find_tools", "call_tool"} <= set(tools), f"{version}: {tools}"

        await check("list", listed)

        # On 2026-07-28, change notifications come through subscriptions/listen.
        async with anyio.create_task_group() as tg:
            state: dict = {}
            if modern:
                subscribed = anyio.Event()

                async def listen() -> None:
                    try:
                        async with client.listen(tools_list_changed=True) as sub:
                            subscribed.set()
                            async for _event in sub:
                                list_changed.set()
                    except Exception as e:  # noqa: BLE001 - the notified check says it
                        state["listen"] = f"subscriptions/listen failed: {type(e).__name__}: {e}"
                        subscribed.set()

                tg.start_soon(listen)
                with anyio.fail_after(10):
                    await subscribed.wait()

            async def found():
                result = await client.call_tool(
                    "find_tools", {"query": "count the words of a text", "max_tools": 2}
                )
                state["find"] = result
                tools = structured(result).get("tools", [])
                name = next((t["name"] for t in tools if t.get("tool_id") == "text.word_count"), None)
                state["name"] = name
                return name is not None, text(result)

            await check("find", found)

            async def notified():
                if "listen" in state:
                    return False, state["listen"]
                with anyio.fail_after(10):
                    await list_changed.wait()
                return True, "listen" if modern else "notifications/tools/list_changed"

            await check("notified", notified)

            async def listed_after_find():
                # What find_tools says about the list must hold: when it says the tools are
                # in the list, tools/list has them.
                said = text(state["find"])
                tools = await names(client)
                if "now in this server's tool list" in said:
                    return state["name"] in tools, f"{tools}"
                return True, f"find_tools does not claim the list: {said[:200]}"

            await check("listed_after_find", listed_after_find)

            async def call_found():
                result = await client.call_tool(state["name"], {"text": "one two three"})
                return (not result.is_error and structured(result).get("words") == 3), f"{result}"

            await check("call_found", call_found)
            tg.cancel_scope.cancel()

        async def facts():
            name = await find(client, "delete a note", "notes.delete_note")
            if name is None:
                return False, "find_tools did not report notes.delete_note"
            tool = next((t for t in (await client.list_tools(cache_mode="refresh")).tools if t.name == name), None)
            if tool is None:
                return False, f"{name} is not listed"
            destructive = tool.annotations is not None and tool.annotations.destructive_hint is True
            return destructive and tool.output_schema is not None, (
                f"annotations={tool.annotations} outputSchema={tool.output_schema}"
            )

        await check("facts", facts)

        primes = {}

        async def progress():
            name = await find(client, "count the prime numbers below n", "math.count_primes")
            primes["name"] = name
            if name is None:
                return False, "find_tools did not report math.count_primes"
            seen = []

            async def on_progress(p: float, total: float | None, message: str | None) -> None:
                seen.append(p)

            result = await client.call_tool(name, {"n": 2_000_000}, progress_callback=on_progress)
            ok = not result.is_error and structured(result).get("prime_count") == 148_933 and len(seen) >= 1
            return ok, f"{len(seen)} progress notifications; {text(result)[:200]}"

        await check("progress", progress)

        async def cancel():
            name = primes.get("name") or "call_tool"
            started = anyio.Event()

            async def on_progress(p: float, total: float | None, message: str | None) -> None:
                started.set()

            outcome: dict = {}

            async def long_call() -> None:
                arguments = {"n": 50_000_000}
                if name == "call_tool":
                    arguments = {"tool_id": "math.count_primes", "arguments": arguments}
                outcome["result"] = await client.call_tool(name, arguments, progress_callback=on_progress)

            async with anyio.create_task_group() as tg:
                tg.start_soon(long_call)
                with anyio.fail_after(20):
                    await started.wait()
                tg.cancel_scope.cancel()
            if "result" in outcome:
                return False, f"the call finished before it was cancelled: {outcome['result']}"
            # The connection still serves after the cancelled call.
            after = await client.call_tool("call_tool", {"tool_id": "math.evaluate", "arguments": {"expression": "6*7"}})
            return structured(after).get("result") == 42, f"after the cancel: {text(after)[:200]}"

        await check("cancel", cancel)

    if args.http:

        async def origin():
            body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "page", "version": "1"}}}
            request = urllib.request.Request(
                args.http,
                data=json.dumps(body).encode(),
                method="POST",
                headers={
                    "Origin": "http://evil.example",
                    "Content-Type": "application/json",
                    "Accept": "application/json, text/event-stream",
                    "MCP-Protocol-Version": "2025-11-25",
                },
            )

            def post() -> int:
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        return response.status
                except urllib.error.HTTPError as e:
                    return e.code

            status = await anyio.to_thread.run_sync(post)
            return status == 403, f"status {status}"

        await check("origin", origin)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["auto", "legacy"], default="auto")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--stdio")
    target.add_argument("--http")
    args = parser.parse_args()
    try:
        anyio.run(run, args)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        sys.exit(1)


if __name__ == "__main__":
    main()
