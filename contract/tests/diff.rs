//! `connectors-contract diff OLD NEW` and `lint SPEC`: each kind of change, found in a
//! pair of small specs that differ by it alone; the exit status of `--fail-on`; and the
//! real history of the repository's openapi.yaml.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{runner, temp_dir};
use connectors_contract::diff::{Severity, diff};
use serde_json::{Value, json};

/// A small spec: one tool read, one identity create, a shared envelope.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/tools/{toolId}": {
                "get": {
                    "operationId": "getTool",
                    "x-connectors-retry": "safe",
                    "parameters": [
                        {"name": "toolId", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tool"}}}},
                        "404": {"description": "missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                }
            },
            "/identities": {
                "post": {
                    "operationId": "createIdentity",
                    "x-connectors-retry": "keyed",
                    "parameters": [{"name": "Idempotency-Key", "in": "header",
                                    "schema": {"type": "string", "maxLength": 255, "pattern": "^[\\x21-\\x7E]+$"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "email": {"type": "string"},
                            "kind": {"type": "string", "enum": ["USER", "AGENT"]}
                        }
                    }}}},
                    "responses": {
                        "201": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tool"}}}}
                    }
                }
            }
        },
        "components": {"schemas": {
            "Tool": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": ["active", "retired"]},
                    "size": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "string"}}
                }
            },
            "Error": {"type": "object", "properties": {"code": {"type": "string"}}}
        }}
    })
}

/// `base()` changed by `edit`.
fn changed(edit: impl FnOnce(&mut Value)) -> Value {
    let mut spec = base();
    edit(&mut spec);
    spec
}

/// The single kind of change found, with its severity.
fn only_change(new: &Value) -> (Severity, String, String) {
    let found = diff(&base(), new);
    assert_eq!(found.changes.len(), 1, "{found}");
    let change = &found.changes[0];
    (
        change.severity,
        change.kind.to_string(),
        change.location.clone(),
    )
}

fn tool() -> &'static str {
    "/components/schemas/Tool"
}

#[test]
fn identical_specs_have_no_changes() {
    let found = diff(&base(), &base());
    assert!(found.changes.is_empty(), "{found}");
    assert!(!found.fails(Severity::Warning));
}

#[test]
fn each_breaking_change_is_found() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "operation-removed",
            changed(|s| {
                s["paths"]
                    .as_object_mut()
                    .unwrap()
                    .remove("/tools/{toolId}");
            }),
        ),
        (
            "operation-renamed",
            changed(|s| s["paths"]["/tools/{toolId}"]["get"]["operationId"] = json!("readTool")),
        ),
        (
            "route-changed",
            changed(|s| {
                let paths = s["paths"].as_object_mut().unwrap();
                let item = paths.remove("/tools/{toolId}").unwrap();
                paths.insert("/v2/tools/{toolId}".into(), item);
            }),
        ),
        (
            "required-parameter-added",
            changed(|s| {
                s["paths"]["/tools/{toolId}"]["get"]["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "region", "in": "query", "required": true, "schema": {"type": "string"}}))
            }),
        ),
        (
            "parameter-became-required",
            changed(|s| {
                s["paths"]["/tools/{toolId}"]["get"]["parameters"][1]["required"] = json!(true)
            }),
        ),
        (
            "required-field-added",
            changed(|s| {
                let body = &mut s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]
                    ["schema"];
                body["properties"]["team"] = json!({"type": "string"});
                body["required"] = json!(["name", "team"]);
            }),
        ),
        (
            "field-became-required",
            changed(|s| {
                s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                    ["required"] = json!(["name", "email"])
            }),
        ),
        (
            "field-removed",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]
                    .as_object_mut()
                    .unwrap()
                    .remove("size");
            }),
        ),
        (
            "field-became-optional",
            changed(|s| s.pointer_mut(tool()).unwrap()["required"] = json!(["id"])),
        ),
        (
            "type-changed",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["size"] = json!({"type": "string"})
            }),
        ),
        (
            "type-changed",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["tags"]["items"] =
                    json!({"type": "integer"})
            }),
        ),
        (
            "enum-value-removed",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["status"]["enum"] = json!(["active"])
            }),
        ),
        (
            "enum-value-removed",
            changed(|s| {
                s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                    ["properties"]["kind"]["enum"] = json!(["USER"])
            }),
        ),
        (
            "status-removed",
            changed(|s| {
                s["paths"]["/tools/{toolId}"]["get"]["responses"]
                    .as_object_mut()
                    .unwrap()
                    .remove("404");
            }),
        ),
    ];
    for (kind, new) in cases {
        let (severity, found, location) = only_change(&new);
        assert_eq!(
            (severity, found.as_str()),
            (Severity::Breaking, kind),
            "{location}"
        );
        assert!(diff(&base(), &new).fails(Severity::Breaking));
    }
}

#[test]
fn warnings_and_additions_are_told_apart() {
    let cases: Vec<(Severity, &str, Value)> = vec![
        (
            Severity::Warning,
            "enum-value-added",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["status"]["enum"] =
                    json!(["active", "retired", "frozen"])
            }),
        ),
        (
            Severity::Warning,
            "field-deprecated",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["size"]["deprecated"] = json!(true)
            }),
        ),
        (
            Severity::Warning,
            "operation-deprecated",
            changed(|s| s["paths"]["/tools/{toolId}"]["get"]["deprecated"] = json!(true)),
        ),
        (
            Severity::Addition,
            "enum-value-added",
            changed(|s| {
                s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                    ["properties"]["kind"]["enum"] = json!(["USER", "AGENT", "GROUP"])
            }),
        ),
        (
            Severity::Addition,
            "field-added",
            changed(|s| {
                s.pointer_mut(tool()).unwrap()["properties"]["owner"] = json!({"type": "string"})
            }),
        ),
        (
            Severity::Addition,
            "parameter-added",
            changed(|s| {
                s["paths"]["/tools/{toolId}"]["get"]["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "lang", "in": "query", "schema": {"type": "string"}}))
            }),
        ),
        (
            Severity::Addition,
            "status-added",
            changed(|s| {
                s["paths"]["/tools/{toolId}"]["get"]["responses"]["429"] =
                    json!({"description": "slow down"})
            }),
        ),
        (
            Severity::Addition,
            "operation-added",
            changed(
                |s| s["paths"]["/tools"] = json!({"get": {"operationId": "listTools", "responses": {"200": {"description": "ok"}}}}),
            ),
        ),
    ];
    for (severity, kind, new) in cases {
        let (found_severity, found, location) = only_change(&new);
        assert_eq!(
            (found_severity, found.as_str()),
            (severity, kind),
            "{location}"
        );
        let result = diff(&base(), &new);
        assert!(!result.fails(Severity::Breaking), "{result}");
        assert_eq!(
            result.fails(Severity::Warning),
            severity == Severity::Warning
        );
    }
}

#[test]
fn a_credential_unmarked_breaks_and_one_marked_warns() {
    // The identity request gains a `token` whose schema is a credential.
    let marked = changed(|s| {
        s["components"]["schemas"]["Token"] =
            json!({"type": "string", "x-connectors-secret": true});
        s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["properties"]["token"] = json!({"$ref": "#/components/schemas/Token"});
    });
    let mut unmarked = marked.clone();
    unmarked["components"]["schemas"]["Token"]
        .as_object_mut()
        .unwrap()
        .remove("x-connectors-secret");

    let removed = diff(&marked, &unmarked);
    assert_eq!(removed.changes.len(), 1, "{removed}");
    let change = &removed.changes[0];
    assert_eq!(
        (change.severity, change.kind, change.location.as_str()),
        (
            Severity::Breaking,
            "secret-unmarked",
            "schema Token (request)"
        )
    );
    assert!(removed.fails(Severity::Breaking));

    let added = diff(&unmarked, &marked);
    assert_eq!(added.changes.len(), 1, "{added}");
    let change = &added.changes[0];
    assert_eq!(
        (change.severity, change.kind, change.location.as_str()),
        (Severity::Warning, "secret-marked", "schema Token (request)")
    );
    assert!(!added.fails(Severity::Breaking) && added.fails(Severity::Warning));

    // Swapping the named credential for a plain inline string loses the marker too.
    let inline = changed(|s| {
        s["paths"]["/identities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["properties"]["token"] = json!({"type": "string"});
    });
    let found = diff(&marked, &inline);
    assert!(
        found.changes.iter().any(|c| c.kind == "secret-unmarked"
            && c.severity == Severity::Breaking
            && c.location
                .ends_with("request body `application/json` /token")),
        "{found}"
    );
}

#[test]
fn a_path_parameter_renamed_is_the_same_route() {
    let new = changed(|s| {
        let paths = s["paths"].as_object_mut().unwrap();
        let mut item = paths.remove("/tools/{toolId}").unwrap();
        item["get"]["parameters"][0]["name"] = json!("id");
        paths.insert("/tools/{id}".into(), item);
    });
    let found = diff(&base(), &new);
    assert!(found.changes.is_empty(), "{found}");
}

#[test]
fn a_shared_schema_change_is_reported_once_under_its_name() {
    let new = changed(|s| {
        s.pointer_mut(tool()).unwrap()["properties"]
            .as_object_mut()
            .unwrap()
            .remove("size");
    });
    let found = diff(&base(), &new);
    // Tool is the answer of both operations; one line names it.
    assert_eq!(found.changes.len(), 1, "{found}");
    assert_eq!(found.changes[0].location, "schema Tool (response) /size");
}

fn write(dir: &Path, name: &str, spec: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(spec).unwrap()).unwrap();
    path
}

#[test]
fn fail_on_sets_the_exit_status_and_json_is_the_same_diff() {
    let dir = temp_dir("diff");
    let old = write(&dir, "old.json", &base());
    let warning = write(
        &dir,
        "warning.json",
        &changed(|s| {
            s.pointer_mut(tool()).unwrap()["properties"]["size"]["deprecated"] = json!(true)
        }),
    );
    let breaking = write(
        &dir,
        "breaking.json",
        &changed(|s| s.pointer_mut(tool()).unwrap()["required"] = json!(["id"])),
    );
    let status = |args: &[&Path], extra: &[&str]| {
        let output = runner()
            .arg("diff")
            .args(args)
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    assert_eq!(status(&[&old, &breaking], &[]).0, Some(0));
    let (code, text) = status(&[&old, &breaking], &["--fail-on", "breaking"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("breaking  schema Tool (response) /status: no longer required"),
        "{text}"
    );
    assert!(
        text.ends_with("1 breaking, 0 warning(s), 0 addition(s)\n"),
        "{text}"
    );
    assert_eq!(
        status(&[&old, &warning], &["--fail-on", "breaking"]).0,
        Some(0)
    );
    assert_eq!(
        status(&[&old, &warning], &["--fail-on", "warning"]).0,
        Some(1)
    );
    assert_eq!(
        status(&[&old, &breaking], &["--fail-on", "warning"]).0,
        Some(1)
    );
    assert_eq!(status(&[&old, &old], &["--fail-on", "warning"]).0, Some(0));

    let (code, text) = status(
        &[&old, &breaking],
        &["--format", "json", "--fail-on=breaking"],
    );
    assert_eq!(code, Some(1));
    let parsed: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(parsed["breaking"], 1);
    assert_eq!(parsed["changes"][0]["kind"], "field-became-optional");
    assert_eq!(parsed["changes"][0]["severity"], "breaking");

    let missing = dir.join("nope.yaml");
    assert_eq!(status(&[&old, &missing], &[]).0, Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_reports_every_problem_at_once() {
    let dir = temp_dir("lint");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let output = runner().arg("lint").arg(&good).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.trim_end().ends_with("no problems"), "{text}");

    // Two problems of the preflight, both reported: no retry class, a duplicate id.
    let mut bad = base();
    bad["paths"]["/tools/{toolId}"]["get"]
        .as_object_mut()
        .unwrap()
        .remove("x-connectors-retry");
    bad["paths"]["/identities"]["post"]["operationId"] = json!("getTool");
    let path = write(&dir, "bad.json", &bad);
    let output = runner().arg("lint").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("has no `x-connectors-retry`"), "{text}");
    assert!(text.contains("operationIds must be unique"), "{text}");
    assert!(text.contains("2 problem(s)"), "{text}");
    // The same checks as the build script's: the library says the same.
    let problems = connectors_spec_lint::check(&bad);
    assert_eq!(problems.len(), 2);
    for problem in problems {
        assert!(text.contains(&problem.to_string()), "{problem}");
    }

    std::fs::write(dir.join("broken.yaml"), "openapi: [unclosed").unwrap();
    let output = runner()
        .arg("lint")
        .arg(dir.join("broken.yaml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The versions of openapi.yaml in the repository's history, oldest first (none when
/// the tests run outside a git checkout, e.g. from the packaged crate).
fn history() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let Some(revisions) = git(&["log", "--format=%H", "--", "openapi.yaml"]) else {
        return Vec::new();
    };
    let mut versions: Vec<(String, Value)> = revisions
        .lines()
        .filter_map(|rev| {
            let text = git(&["show", &format!("{rev}:openapi.yaml")])?;
            let spec = connectors_spec_lint::parse(&text).ok()?;
            Some((rev[..12].to_string(), spec))
        })
        .collect();
    versions.reverse();
    versions
}

#[test]
fn the_history_of_openapi_yaml_diffs_cleanly() {
    let versions = history();
    if versions.len() < 2 {
        eprintln!("fewer than two versions of openapi.yaml in git history (a shallow clone?)");
        return;
    }
    let mut changed_pairs = 0;
    for pair in versions.windows(2) {
        let ((old_rev, old), (new_rev, new)) = (&pair[0], &pair[1]);
        assert!(
            diff(old, old).changes.is_empty(),
            "{old_rev} against itself"
        );
        let forward = diff(old, new);
        let backward = diff(new, old);
        // An addition one way is a removal the other: the severities mirror.
        let added = forward
            .of(Severity::Addition)
            .filter(|c| c.kind == "operation-added")
            .count();
        let removed = backward
            .of(Severity::Breaking)
            .filter(|c| c.kind == "operation-removed")
            .count();
        assert_eq!(
            added, removed,
            "{old_rev}..{new_rev}\n{forward}\n--\n{backward}"
        );
        if !forward.changes.is_empty() {
            changed_pairs += 1;
        }
        eprintln!(
            "{old_rev}..{new_rev}: {} breaking, {} warning(s), {} addition(s)",
            forward.breaking, forward.warnings, forward.additions
        );
    }
    assert!(changed_pairs > 0, "the spec changed over its history");
    // The oldest version against the current one: everything added since is additive
    // or listed; the current spec against itself is clean.
    let (_, first) = &versions[0];
    let (_, last) = versions.last().unwrap();
    assert!(diff(last, last).changes.is_empty());
    assert!(!diff(first, last).changes.is_empty());
}
