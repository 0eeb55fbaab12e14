#!/usr/bin/env bash
# What depending on `connectors` costs a user's cold build, as a ratio to a crate that
# depends on reqwest (json) + serde + tokio alone with the same TLS choice; and how long a
# one-line edit of openapi.yaml takes to rebuild.
#
#   bash benches/build-cost.sh             # both TLS sets, then the incremental rebuild
#   bash benches/build-cost.sh default     # one part: default | ring | incremental
#   ROUNDS=3 bash benches/build-cost.sh ring
#
# Each cold build is a brand-new binary crate in a temporary directory with an empty
# target directory of its own, built with cargo's default dev profile: the caller's
# CARGO_TARGET_DIR, CARGO_PROFILE_*, CARGO_INCREMENTAL and RUSTFLAGS are not passed on.
# Crates are fetched before the clock starts, so downloads are not timed. The two crates
# of a set take turns ROUNDS times (default 1); each run prints its wall time and its CPU
# time (user + system of every process, from /usr/bin/time), and the ratios are of the
# medians. On a shared machine wall times move with the other work, CPU times much less.
# `cargo build --timings` runs with it; the ten crates that took longest in the last run
# are printed. The incremental rebuild runs three times.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TERM_COLOR=never
rounds=${ROUNDS:-1}

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

# cold DIR: one cold build; prints its wall and CPU seconds and appends them to DIR.times.
cold() {
    (cd "$1" && cargo fetch --quiet)
    rm -rf "$1/target"
    local unset_profile
    unset_profile=$(compgen -e | grep '^CARGO_PROFILE_' | sed 's/^/-u /' | tr '\n' ' ' || true)
    # shellcheck disable=SC2086 # one word per option
    (cd "$1" && env -u CARGO_BUILD_TARGET_DIR -u CARGO_INCREMENTAL -u RUSTFLAGS \
        -u CARGO_ENCODED_RUSTFLAGS $unset_profile CARGO_TARGET_DIR="$1/target" \
        /usr/bin/time -f '%e %U %S' -o "$1.time" cargo build --quiet --timings >/dev/null 2>&1)
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$1.time" >>"$1.times"
    echo "$(basename "$1"): $(tail -1 "$1.times" | awk '{ print $1 " s wall, " $2 " s CPU" }')"
}

# report PLAIN WITH: the medians of both, their ratios, and the ten slowest crates of
# WITH's last run (seconds summed per crate, so a crate built twice counts twice).
report() {
    python3 - "$1" "$2" <<'EOF'
import json, pathlib, re, statistics, sys
plain, with_ = sys.argv[1], sys.argv[2]
def runs(crate):
    text = pathlib.Path(crate + ".times").read_text()
    return [tuple(map(float, line.split())) for line in text.splitlines() if line]
p, w = runs(plain), runs(with_)
median = lambda r, i: statistics.median(x[i] for x in r)
for name, r in ((plain, p), (with_, w)):
    print(f"  {pathlib.Path(name).name}: median {median(r, 0):.1f} s wall, {median(r, 1):.1f} s CPU ({len(r)} runs)")
print(f"  ratio: wall {median(w, 0) / median(p, 0):.2f}, CPU {median(w, 1) / median(p, 1):.2f}")
html = pathlib.Path(with_, "target/cargo-timings/cargo-timing.html").read_text()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
per_crate = {}
for unit in units:
    name = f"{unit['name']} {unit['version']}" + (" (build script)" if "build-script" in unit.get("target", "") else "")
    per_crate[name] = per_crate.get(name, 0) + unit["duration"]
for name, seconds in sorted(per_crate.items(), key=lambda kv: -kv[1])[:10]:
    print(f"    {seconds:6.1f} s  {name}")
EOF
}

# pair PLAIN WITH: the two crates in turn, ROUNDS times, then the report.
pair() {
    for _ in $(seq "$rounds"); do
        cold "$1"
        cold "$2"
    done
    report "$1" "$2"
}

main_connectors='fn main() { let client = connectors::Connectors::builder().base_url("https://127.0.0.1:1").build().expect("client"); println!("{:?}", client.config().base_url()); }'
main_reqwest='fn main() { let client = reqwest::Client::builder().build().expect("client"); println!("{client:?}"); }'

set_default() {
    new_crate "$work/with-connectors" "connectors = { path = \"$repo\" }" "$main_connectors"
    new_crate "$work/plain-reqwest" 'reqwest = { version = "0.13", features = ["json"] }' "$main_reqwest"
    echo "== default features (rustls with aws-lc-rs)"
    pair "$work/plain-reqwest" "$work/with-connectors"
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
    pair "$work/plain-reqwest-ring" "$work/with-connectors-ring"
}

# A one-line edit of openapi.yaml (a summary), then `cargo build -p connectors` in the
# repository's own target directory, warm; three times, each a different edit. The spec
# is restored afterwards.
incremental() {
    cd "$repo"
    cargo build --quiet -p connectors
    cp openapi.yaml "$work/openapi.yaml"
    trap 'cp "$work/openapi.yaml" "$repo/openapi.yaml"; rm -rf "$work"' EXIT
    echo "== incremental rebuild after a one-line edit of openapi.yaml"
    local started ended
    for n in 1 2 3; do
        cp "$work/openapi.yaml" openapi.yaml
        sed -i "0,/^\( *summary: .*\)$/s//\1 (edit $n)/" openapi.yaml
        started=$(date +%s.%N)
        cargo build --quiet -p connectors
        ended=$(date +%s.%N)
        python3 -c "print(f'cargo build -p connectors: {$ended - $started:.1f} s')"
    done
    cp "$work/openapi.yaml" openapi.yaml
    cargo build --quiet -p connectors
}

case "${1:-all}" in
    default) set_default ;;
    ring) set_ring ;;
    incremental) incremental ;;
    all) set_default; set_ring; incremental ;;
    *) echo "usage: $0 [default|ring|incremental|all]" >&2; exit 2 ;;
esac
