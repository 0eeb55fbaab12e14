#!/usr/bin/env bash
# What depending on `connectors` costs a user's cold build, as a ratio to a crate that
# depends on reqwest (json) + serde + tokio alone with the same TLS choice; and how long a
# one-line edit of openapi.yaml takes to rebuild.
#
#   bash benches/build-cost.sh            # both TLS sets, then the incremental rebuild
#   bash benches/build-cost.sh default    # one set: default | ring | incremental
#
# Each cold build is a brand-new binary crate in a temporary directory with an empty
# target directory; crates are fetched before the clock starts, so downloads are not
# timed. `cargo build --timings` runs with it; the ten crates that took longest are printed.
# Run it on a quiet machine: the figures are wall-clock seconds.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never

# new_crate DIR DEPENDENCIES MAIN
new_crate() {
    mkdir -p "$1/src"
    cat >"$1/Cargo.toml" <<EOF
[package]
name = "$(basename "$1")"
version = "0.1.0"
edition = "2024"

[workspace]

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
EOF
    printf '%s\n' "$3" >"$1/src/main.rs"
}

# cold DIR: prints the wall time of a cold build in seconds and the 10 slowest crates.
cold() {
    (cd "$1" && cargo fetch --quiet)
    local started ended
    started=$(date +%s.%N)
    (cd "$1" && cargo build --quiet --timings >/dev/null 2>&1)
    ended=$(date +%s.%N)
    python3 - "$1" "$started" "$ended" <<'EOF'
import json, pathlib, re, sys
crate, started, ended = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print(f"{pathlib.Path(crate).name}: {ended - started:.1f} s")
html = pathlib.Path(crate, "target/cargo-timings/cargo-timing.html").read_text()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
per_crate = {}
for unit in units:
    name = f"{unit['name']} {unit['version']}" + (" (build script)" if unit.get("target", "").strip() == "build-script-build" or "build-script" in unit.get("target", "") else "")
    per_crate[name] = per_crate.get(name, 0) + unit["duration"]
for name, seconds in sorted(per_crate.items(), key=lambda kv: -kv[1])[:10]:
    print(f"    {seconds:6.1f} s  {name}")
EOF
}

main_connectors='fn main() { let client = connectors::Connectors::builder().base_url("https://127.0.0.1:1").build().expect("client"); println!("{:?}", client.config().base_url()); }'
main_reqwest='fn main() { let client = reqwest::Client::builder().build().expect("client"); println!("{client:?}"); }'

set_default() {
    new_crate "$work/with-connectors" "connectors = { path = \"$repo\" }" "$main_connectors"
    new_crate "$work/plain-reqwest" 'reqwest = { version = "0.13", features = ["json"] }' "$main_reqwest"
    echo "== default features (rustls with aws-lc-rs)"
    cold "$work/plain-reqwest"
    cold "$work/with-connectors"
}

set_ring() {
    new_crate "$work/with-connectors-ring" \
        "connectors = { path = \"$repo\", default-features = false, features = [\"rustls-ring\", \"http2\"] }" \
        "$main_connectors"
    new_crate "$work/plain-reqwest-ring" \
        'reqwest = { version = "0.13", default-features = false, features = ["json", "rustls-no-provider", "http2"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }' \
        'fn main() { let _ = rustls::crypto::ring::default_provider().install_default(); let client = reqwest::Client::builder().build().expect("client"); println!("{client:?}"); }'
    echo "== rustls with ring (no aws-lc)"
    cold "$work/plain-reqwest-ring"
    cold "$work/with-connectors-ring"
}

# A one-line edit of openapi.yaml (a description), then `cargo build -p connectors` in the
# repository's own target directory, warm; the edit is undone afterwards.
incremental() {
    cd "$repo"
    cargo build --quiet -p connectors
    cp openapi.yaml "$work/openapi.yaml"
    trap 'cp "$work/openapi.yaml" "$repo/openapi.yaml"; rm -rf "$work"' EXIT
    sed -i '0,/^\( *summary: .*\)$/s//\1 (edited)/' openapi.yaml
    local started ended
    started=$(date +%s.%N)
    cargo build --quiet -p connectors
    ended=$(date +%s.%N)
    cp "$work/openapi.yaml" openapi.yaml
    echo "== incremental rebuild after a one-line edit of openapi.yaml"
    python3 -c "print(f'cargo build -p connectors: {$ended - $started:.1f} s')"
    cargo build --quiet -p connectors
}

case "${1:-all}" in
    default) set_default ;;
    ring) set_ring ;;
    incremental) incremental ;;
    all) set_default; set_ring; incremental ;;
    *) echo "usage: $0 [default|ring|incremental|all]" >&2; exit 2 ;;
esac
