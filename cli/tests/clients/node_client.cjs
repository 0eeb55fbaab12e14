// The official TypeScript MCP SDK (npm `@modelcontextprotocol/sdk`) against
// `connectors mcp serve` in dynamic mode.
//
//     node node_client.cjs --sdk DIR --stdio CONNECTORS_BINARY
//     node node_client.cjs --sdk DIR --http URL
//
// DIR holds the `node_modules` the SDK was installed into (.ci/run: target/js). Over stdio the
// bridge is started as `CONNECTORS_BINARY mcp serve` with this process's environment.
//
// Prints one JSON line per check, {"check": NAME, "ok": BOOL, "detail": TEXT}, the same
// checks as python_client.py: list, find, notified, listed_after_find, call_found, facts,
// progress, cancel, origin (HTTP only). `--only NAME,..` runs just those (and what they need).
'use strict';

const path = require('node:path');
const { createRequire } = require('node:module');

function parseArgs(argv) {
    const args = {};
    for (let i = 0; i < argv.length; i += 2) {
        args[argv[i].replace(/^--/, '')] = argv[i + 1];
    }
    return args;
}

const args = parseArgs(process.argv.slice(2));
if (!args.sdk || !(args.stdio || args.http)) {
    console.error('usage: node node_client.cjs --sdk DIR (--stdio BINARY | --http URL) [--only CHECKS]');
    process.exit(2);
}
const only = args.only ? new Set(args.only.split(',')) : null;
const sdk = createRequire(path.join(path.resolve(args.sdk), 'package.json'));
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = sdk('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { ToolListChangedNotificationSchema } = sdk('@modelcontextprotocol/sdk/types.js');

function report(check, ok, detail) {
    console.log(JSON.stringify({ check, ok: Boolean(ok), detail: String(detail ?? '').slice(0, 2000) }));
}

async function check(name, body) {
    if (only && !only.has(name)) return;
    let ok;
    let detail;
    try {
        [ok, detail] = await body();
    } catch (e) {
        ok = false;
        detail = `${e && e.stack ? e.stack : e}`;
    }
    report(name, ok, detail);
}

const text = (result) => (result.content || []).map((c) => c.text || '').join(' ');
const structured = (result) => result.structuredContent || {};

async function main() {
    let listChanged;
    const changed = new Promise((resolve) => {
        listChanged = resolve;
    });
    const client = new Client({ name: 'connectors-tests-node', version: '1.0.0' }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => listChanged());
    const transport = args.stdio
        ? new StdioClientTransport({ command: args.stdio, args: ['mcp', 'serve'], env: process.env, stderr: 'inherit' })
        : new StreamableHTTPClientTransport(new URL(args.http));
    await client.connect(transport);
    const version = client.getNegotiatedProtocolVersion ? client.getNegotiatedProtocolVersion() : '';
    const names = async () => (await client.listTools()).tools.map((t) => t.name);

    async function find(query, toolId) {
        const found = await client.callTool({ name: 'find_tools', arguments: { query, max_tools: 3 } });
        const tool = (structured(found).tools || []).find((t) => t.tool_id === toolId);
        return tool ? tool.name : null;
    }

    await check('list', async () => {
        const tools = await names();
        return [tools.includes('find_tools') && tools.includes('call_tool'), `${version}: ${tools}`];
    });

    const state = {};
    await check('find', async () => {
        const result = await client.callTool({
            name: 'find_tools',
            arguments: { query: 'count the words of a text', max_tools: 2 },
        });
        state.find = result;
        const tool = (structured(result).tools || []).find((t) => t.tool_id === 'text.word_count');
        state.name = tool ? tool.name : null;
        return [state.name !== null, text(result)];
    });

    await check('notified', async () => {
        const timeout = new Promise((resolve) => setTimeout(() => resolve(false), 10000));
        const seen = await Promise.race([changed.then(() => true), timeout]);
        return [seen, seen ? 'notifications/tools/list_changed' : 'no tools/list_changed within 10 s'];
    });

    await check('listed_after_find', async () => {
        const said = text(state.find);
        const tools = await names();
        if (said.includes("now in this server's tool list")) {
            return [tools.includes(state.name), `${tools}`];
        }
        return [true, `find_tools does not claim the list: ${said.slice(0, 200)}`];
    });

    await check('call_found', async () => {
        const result = await client.callTool({ name: state.name, arguments: { text: 'one two three' } });
        return [!result.isError && structured(result).words === 3, JSON.stringify(result)];
    });

    await check('facts', async () => {
        const name = await find('delete a note', 'notes.delete_note');
        if (!name) return [false, 'find_tools did not report notes.delete_note'];
        const tool = (await client.listTools()).tools.find((t) => t.name === name);
        if (!tool) return [false, `${name} is not listed`];
        const destructive = tool.annotations && tool.annotations.destructiveHint === true;
        return [
            destructive && tool.outputSchema !== undefined,
            `annotations=${JSON.stringify(tool.annotations)} outputSchema=${JSON.stringify(tool.outputSchema)}`,
        ];
    });

    const primes = {};
    await check('progress', async () => {
        const name = await find('count the prime numbers below n', 'math.count_primes');
        primes.name = name;
        if (!name) return [false, 'find_tools did not report math.count_primes'];
        const seen = [];
        const result = await client.callTool({ name, arguments: { n: 2000000 } }, undefined, {
            onprogress: (p) => seen.push(p),
            timeout: 60000,
        });
        const ok = !result.isError && structured(result).prime_count === 148933 && seen.length >= 1;
        return [ok, `${seen.length} progress notifications; ${text(result).slice(0, 200)}`];
    });

    await check('cancel', async () => {
        const name = primes.name || (await find('count the prime numbers below n', 'math.count_primes'));
        const controller = new AbortController();
        let started;
        const progressed = new Promise((resolve) => {
            started = resolve;
        });
        const call = client
            .callTool({ name, arguments: { n: 50000000 } }, undefined, {
                onprogress: () => started(),
                signal: controller.signal,
                timeout: 60000,
            })
            .then(
                (result) => ({ result }),
                (error) => ({ error }),
            );
        const first = await Promise.race([progressed.then(() => 'progress'), call.then(() => 'ended')]);
        if (first !== 'progress') return [false, `the call ended before any progress: ${JSON.stringify(await call)}`];
        controller.abort('the test cancels it');
        const outcome = await call;
        if (outcome.result) return [false, `the call finished despite the cancel: ${text(outcome.result)}`];
        const after = await client.callTool({
            name: 'call_tool',
            arguments: { tool_id: 'math.evaluate', arguments: { expression: '6*7' } },
        });
        return [structured(after).result === 42, `after the cancel (${outcome.error}): ${text(after).slice(0, 200)}`];
    });

    await client.close();

    if (args.http) {
        await check('origin', async () => {
            const response = await fetch(args.http, {
                method: 'POST',
                headers: {
                    Origin: 'http://evil.example',
                    'Content-Type': 'application/json',
                    Accept: 'application/json, text/event-stream',
                    'MCP-Protocol-Version': '2025-11-25',
                },
                body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'page', version: '1' } } }),
            });
            return [response.status === 403, `status ${response.status}`];
        });
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e && e.stack ? e.stack : e);
        process.exit(1);
    },
);
