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
             What changed (- committed, + generated):\n{}",
            first_difference(&committed, GENERATED)
        );
    }
}

/// The changed lines, `-` committed and `+` generated, each run of them under the number
/// of its first committed line (at most 60 lines in all).
fn first_difference(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    // Common beginning and end first; the longest common subsequence of the rest.
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut lines = Vec::new();
    if a.len().saturating_mul(b.len()) > 40_000_000 {
        lines.push(format!("@@ line {} @@", prefix + 1));
        lines.extend(a.iter().map(|l| format!("-{l}")));
        lines.extend(b.iter().map(|l| format!("+{l}")));
    } else {
        // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
        let width = b.len() + 1;
        let mut lcs = vec![0u32; (a.len() + 1) * width];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i * width + j] = if a[i] == b[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j, mut in_run) = (0, 0, false);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                (i, j, in_run) = (i + 1, j + 1, false);
                continue;
            }
            if !in_run {
                lines.push(format!("@@ line {} @@", prefix + i + 1));
                in_run = true;
            }
            if j < b.len() && (i == a.len() || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j]) {
                lines.push(format!("+{}", b[j]));
                j += 1;
            } else {
                lines.push(format!("-{}", a[i]));
                i += 1;
            }
        }
    }
    let more = lines.len().saturating_sub(60);
    lines.truncate(60);
    if more > 0 {
        lines.push(format!("... ({more} more lines)"));
    }
    lines.join("\n")
}
