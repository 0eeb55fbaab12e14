#!/usr/bin/env bash
# Installs the official MCP clients the bridge is judged by (cli/tests/official_clients.rs):
# the Python SDK into target/py (a virtualenv) and the TypeScript SDK into target/js, both
# ignored by git. Idempotent: a present client of the pinned version is kept.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY_MCP=2.3.0
JS_SDK=1.32.2
if ! target/py/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '$PY_MCP')" 2>/dev/null; then
    python3 -m venv target/py
    target/py/bin/pip install --quiet "mcp==$PY_MCP"
fi
if ! grep -qs "\"version\": \"$JS_SDK\"" target/js/node_modules/@modelcontextprotocol/sdk/package.json; then
    mkdir -p target/js
    (cd target/js && npm install --no-save --silent "@modelcontextprotocol/sdk@$JS_SDK")
fi
echo "official MCP clients: python mcp $PY_MCP (target/py), @modelcontextprotocol/sdk $JS_SDK (target/js)"
