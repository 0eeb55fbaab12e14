//! The gateway's top-level modules form no import cycle, and no file of `src/` outgrows
//! the size a reader takes in at once (ARCHITECTURE.md, "The gateway by job").
//!
//! A module is a top-level file or directory of `src/`; it depends on another when its
//! code (outside comments and `#[cfg(test)]` modules) names `crate::other`. A cycle means
//! two jobs that cannot be read, tested or replaced apart, so it fails here with the
//! modules and the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The largest a source file may grow, tests included (ARCHITECTURE.md).
const MAX_LINES: usize = 450;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names `crate::NAME` in `code`, outside comments and test modules.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let production = code.split("#[cfg(test)]").next().unwrap_or(code);
    let mut names = BTreeSet::new();
    for line in production.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for (at, _) in line.match_indices("crate::") {
            let before = line[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = line[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

/// Each top-level module's dependencies, with the files that make each edge.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    source_files(src, &mut files);
    let mut graph = Graph::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src/");
        let first = relative.components().next().expect("a file name");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let code = std::fs::read_to_string(&file).expect("a readable source file");
        let edges = graph.entry(module.clone()).or_default();
        for name in crate_paths(&code) {
            if name != module {
                edges
                    .entry(name)
                    .or_default()
                    .insert(relative.display().to_string());
            }
        }
    }
    graph
}

/// The modules reachable from `start`.
fn reachable(graph: &Graph, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(module) = stack.pop() {
        for next in graph
            .get(&module)
            .into_iter()
            .flat_map(|edges| edges.keys())
        {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn no_two_gateway_modules_import_each_other_directly_or_through_others() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(
        graph.len() > 20,
        "the modules of src/ were found: {graph:?}"
    );
    let mut problems = Vec::new();
    for (module, edges) in &graph {
        for (next, files) in edges {
            if reachable(&graph, next).contains(module) {
                problems.push(format!(
                    "{module} -> {next} ({}), and {next} leads back to {module}",
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "import cycles:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle_and_ignores_comments_and_tests() {
    let code = "use crate::a::X;\n// crate::b in a comment\nfn f() { crate::c::g() }\n\
                #[cfg(test)]\nmod tests { use crate::d; }\n";
    let names: Vec<String> = crate_paths(code).into_iter().collect();
    assert_eq!(names, ["a", "c"]);
    let mut graph = Graph::new();
    graph
        .entry("a".into())
        .or_default()
        .entry("b".into())
        .or_default();
    graph
        .entry("b".into())
        .or_default()
        .entry("a".into())
        .or_default();
    assert!(reachable(&graph, "b").contains("a") && reachable(&graph, "a").contains("a"));
}

#[test]
fn no_gateway_source_file_is_over_the_size_a_reader_takes_in() {
    let mut files = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "split by job (ARCHITECTURE.md): {}",
        long.join(", ")
    );
}
