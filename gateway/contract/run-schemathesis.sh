#!/usr/bin/env bash
# Checks the reference gateway against openapi.yaml with Schemathesis (all checks).
#
# Starts `connectors-gateway` on 127.0.0.1 with gateway/contract/schemathesis.json (a known
# API key, quotas high enough not to trip, only `http` deployment sources so the fuzzer
# cannot start programs, clone repositories or pull images), installs Schemathesis from
# PyPI into a virtual environment, runs it in deterministic generation mode with a bounded number of
# examples, and stops the gateway. Exits non-zero on any failure. One worker: with two, the
# CPython 3.11 `ast` module can fail under Hypothesis ("AST constructor recursion depth
# mismatch"), a runtime error of the tool, not of the gateway.
#
# Environment: SCHEMATHESIS_VERSION (default: the newest 4.x), ST_MAX_EXAMPLES (default 5),
# ST_VENV (default target/schemathesis-venv), GATEWAY_PORT (default 3999).
set -euo pipefail
cd "$(dirname "$0")/../.."

KEY="cgw-contract-0123456789abcdef0123456789abcdef"
PORT="${GATEWAY_PORT:-3999}"
VENV="${ST_VENV:-target/schemathesis-venv}"
case "$VENV" in /*) ;; *) VENV="$(pwd)/$VENV" ;; esac
VERSION="${SCHEMATHESIS_VERSION:->=4,<5}"
MAX_EXAMPLES="${ST_MAX_EXAMPLES:-5}"

cargo build -p connectors-gateway --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/connectors-gateway"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "schemathesis${VERSION}"
fi
"$VENV/bin/schemathesis" --version

LOG="$(mktemp)"
"$BIN" --config gateway/contract/schemathesis.json --bind 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
GATEWAY_PID=$!
trap 'kill "$GATEWAY_PID" 2>/dev/null || true; wait "$GATEWAY_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$GATEWAY_PID" 2>/dev/null; then cat "$LOG"; echo "the gateway exited" >&2; exit 1; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null

# Run from a scratch directory: Schemathesis keeps replay data in ./.schemathesis.
ROOT="$(pwd)"
SCRATCH="$(mktemp -d)"
cd "$SCRATCH"
# The hooks give each request with a valid Idempotency-Key a fresh one (see the module).
export PYTHONPATH="$ROOT/gateway/contract${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=${ST_HOOKS-schemathesis_hooks}
export CONNECTORS_OPENAPI="$ROOT/openapi.yaml"
"$VENV/bin/schemathesis" --no-color run "$ROOT/openapi.yaml" \
  --url "http://127.0.0.1:$PORT" \
  --checks all \
  --header "Authorization: Bearer $KEY" \
  --max-examples "$MAX_EXAMPLES" \
  --generation-deterministic \
  --request-timeout 10 \
  --workers 1 \
  "$@"
