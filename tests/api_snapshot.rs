//! The generated API against its committed outline, `api/connectors-api.rs`.
//!
//! build.rs generates `connectors::api` from `openapi.yaml` on every build and writes
//! the outline of its public API (signatures, no bodies, no docs) next to it. This test
//! fails when that outline differs from the committed one, so a spec edit that changes
//! the API also changes `api/connectors-api.rs`, where review sees it. After a
//! deliberate change, refresh the file with
//! `CONNECTORS_BLESS=1 cargo test -p connectors --test api_snapshot` and commit it.

use std::path::Path;

/// What the build generated from the current `openapi.yaml`.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/connectors-api.rs"));

/// The committed outline, relative to the crate's directory.
const SNAPSHOT: &str = "api/connectors-api.rs";

const REFRESH: &str = "CONNECTORS_BLESS=1 cargo test -p connectors --test api_snapshot";

#[test]
fn the_generated_api_matches_its_committed_outline() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("CONNECTORS_BLESS").is_some_and(|v| !v.is_empty() && v != "0") {
        let _ = std::fs::create_dir_all(path.parent().expect("a file in a directory"));
        std::fs::write(&path, GENERATED)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = match std::fs::read_to_string(&path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) => panic!(
            "cannot read {} ({e}): it is the committed outline of the generated API; create it with\n    {REFRESH}",
            path.display()
        ),
    };
    if committed != GENERATED {
        panic!(
            "{SNAPSHOT} is stale: the API that build.rs generates from openapi.yaml differs from it.\n\
             If the change is intended, refresh it and commit it with the spec:\n    {REFRESH}\n\
             The first difference (- committed, + generated):\n{}",
            first_difference(&committed, GENERATED)
        );
    }
}

/// The lines between the common beginning and the common end of the two texts (at most
/// 40 of each), with a line of context before them.
fn first_difference(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = format!("@@ line {} @@\n", prefix + 1);
    if let Some(line) = prefix.checked_sub(1).map(|i| old[i]) {
        out.push_str(&format!(" {line}\n"));
    }
    for (sign, lines) in [
        ('-', &old[prefix..old.len() - suffix]),
        ('+', &new[prefix..new.len() - suffix]),
    ] {
        for line in lines.iter().take(40) {
            out.push_str(&format!("{sign}{line}\n"));
        }
        if lines.len() > 40 {
            out.push_str(&format!("{sign}... ({} more lines)\n", lines.len() - 40));
        }
    }
    out
}
