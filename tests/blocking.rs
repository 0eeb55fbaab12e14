//! `connectors::blocking` is complete by construction: `Wait` covers everything that
//! awaits to the crate's `Result`, `WaitIter` every stream of it. The first tests check
//! that the facade's whole async surface is of that shape (reading its sources, so that
//! a new call that is not fails here, by name); the others make blocking calls of every
//! area against the reference gateway over real sockets.

#![cfg(feature = "blocking")]

use std::time::Duration;

use connectors::api::IdentityType;
use connectors::blocking::prelude::*;
use connectors::events::GatewayEvent;
use connectors::mcp::Source;
use connectors::tools::InvocationEvent;
use connectors::{Error, blocking};
use connectors_gateway::{Gateway, RunningGateway};
use serde_json::json;

/// The facade's async surface, read from its sources.
mod surface {
    /// One public async item and the type it ends in.
    #[derive(Debug)]
    pub struct Item {
        /// `file: what`, e.g. `tools.rs: pub async fn get`.
        pub name: String,
        /// The output type (a future's) or the returned type (a stream's).
        pub output: String,
    }

    /// `text` without comments; string and character literals are kept as they are.
    pub fn without_comments(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            let rest = &text[i..];
            if rest.starts_with("//") {
                i += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                i += rest.find("*/").map_or(rest.len(), |end| end + 2);
            } else if rest.starts_with("r#\"") {
                let end = rest.find("\"#").map_or(rest.len(), |end| end + 2);
                out.push_str(&rest[..end]);
                i += end;
            } else if rest.starts_with('"') {
                let mut j = 1;
                while j < rest.len() && rest.as_bytes()[j] != b'"' {
                    j += if rest.as_bytes()[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(rest.len());
                out.push_str(&rest[..end]);
                i += end;
            } else if rest.starts_with('\'')
                && (rest.starts_with("'\\") || rest[1..].chars().nth(1) == Some('\''))
            {
                // A character literal (`'"'`, `'\n'`), not a lifetime.
                let end = rest[1..].find('\'').map_or(rest.len(), |at| at + 2);
                let end = if rest.starts_with("'\\'") { 4 } else { end };
                out.push_str(&rest[..end]);
                i += end;
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
        out
    }

    /// The text from `open` (an opening bracket at `start`) to its closing bracket.
    fn balanced(text: &str, start: usize, open: char, close: char) -> Option<usize> {
        let mut depth = 0usize;
        let mut previous = ' ';
        for (at, c) in text[start..].char_indices() {
            // `->` is not a closing angle bracket.
            if c == open {
                depth += 1;
            } else if c == close && !(close == '>' && previous == '-') {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + at);
                }
            }
            previous = c;
        }
        None
    }

    /// The return type of the function whose name ends at `at`: `()` when it has none.
    fn return_type(text: &str, at: usize) -> Option<String> {
        let mut at = at;
        if text[at..].starts_with('<') {
            at = balanced(text, at, '<', '>')? + 1;
        }
        let open = at + text[at..].find('(')?;
        let after = balanced(text, open, '(', ')')? + 1;
        let rest = text[after..].trim_start();
        let Some(rest) = rest.strip_prefix("->") else {
            return Some("()".into());
        };
        let mut depth = 0i32;
        let mut previous = ' ';
        for (end, c) in rest.char_indices() {
            match c {
                '<' | '(' | '[' => depth += 1,
                '>' if previous != '-' => depth -= 1,
                ')' | ']' => depth -= 1,
                '{' | ';' if depth == 0 => return Some(rest[..end].trim().into()),
                'w' if depth == 0
                    && rest[end..].starts_with("where")
                    && previous.is_whitespace() =>
                {
                    return Some(rest[..end].trim().into());
                }
                _ => {}
            }
            previous = c;
        }
        None
    }

    fn identifier(text: &str) -> &str {
        let end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        &text[..end]
    }

    /// Every `pub async fn`, every `IntoFuture` impl and every `pub fn` returning a
    /// stream or a future in `source` (the text of file `file`), with its output.
    pub fn items(file: &str, source: &str) -> Vec<Item> {
        let text = without_comments(source);
        let mut items = Vec::new();
        for (at, _) in text.match_indices("pub async fn ") {
            let name_at = at + "pub async fn ".len();
            let name = identifier(&text[name_at..]);
            let output = return_type(&text, name_at + name.len()).unwrap_or_else(|| "?".into());
            items.push(Item {
                name: format!("{file}: pub async fn {name}"),
                output,
            });
        }
        for (at, _) in text.match_indices("pub fn ") {
            let name_at = at + "pub fn ".len();
            let name = identifier(&text[name_at..]);
            let output = return_type(&text, name_at + name.len()).unwrap_or_else(|| "?".into());
            if ["Stream", "Future"]
                .iter()
                .any(|kind| output.contains(kind))
            {
                items.push(Item {
                    name: format!("{file}: pub fn {name}"),
                    output,
                });
            }
        }
        for (at, _) in text.match_indices("IntoFuture for ") {
            let target_at = at + "IntoFuture for ".len();
            let target = identifier(&text[target_at..]);
            let body = &text[target_at..];
            let next_impl = body.find("\nimpl").unwrap_or(body.len());
            let output = body[..next_impl]
                .find("type Output =")
                .map(|o| {
                    let value = &body[o + "type Output =".len()..];
                    value[..value.find(';').unwrap_or(value.len())]
                        .trim()
                        .to_string()
                })
                .unwrap_or_else(|| "?".into());
            items.push(Item {
                name: format!("{file}: impl IntoFuture for {target}"),
                output,
            });
        }
        items
    }

    /// The facade's aliases of futures and streams, which [`problem`] accepts once their
    /// definitions were checked.
    pub const ALIASES: [&str; 3] = ["BoxFuture", "EventStream", "ItemStream"];

    /// What `pub type {name}<..> = ` stands for in `text`.
    pub fn alias(text: &str, name: &str) -> Option<String> {
        let at = text.find(&format!("pub type {name}<"))?;
        let rest = &text[at..];
        let value = &rest[rest.find(" = ")? + 3..];
        Some(value[..value.find(';')?].trim().to_string())
    }

    fn is_result(ty: &str) -> bool {
        ["Result<", "crate::Result<", "crate::error::Result<"]
            .iter()
            .any(|start| ty.starts_with(start))
    }

    /// Why `Wait`/`WaitIter` would not cover `output` (`None`: they do): it must be the
    /// crate's `Result`, and every future or stream in it must end in one.
    pub fn problem(output: &str) -> Option<String> {
        if !is_result(output) && !ALIASES.iter().any(|alias| output.starts_with(alias)) {
            return Some(format!(
                "`{output}` is not a `Result` (nor a stream of one)"
            ));
        }
        for marker in ["Stream<Item =", "Future<Output ="] {
            for (at, _) in output.match_indices(marker) {
                let inner = output[at + marker.len()..].trim_start();
                if !is_result(inner) {
                    return Some(format!("`{output}`: the {marker} is not a `Result`"));
                }
            }
        }
        // Any other future or stream type would need a look of its own.
        for word in output.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            let foreign = (word.ends_with("Stream") || word.ends_with("Future"))
                && !["Stream", "Future"].contains(&word)
                && !ALIASES.contains(&word);
            if foreign {
                return Some(format!("`{output}`: `{word}` is not one of {ALIASES:?}"));
            }
        }
        None
    }

    /// Whether `source` makes a bare `Result` the crate's.
    pub fn imports_crate_result(source: &str) -> bool {
        let text = without_comments(source);
        text.split(';').any(|statement| {
            let statement = statement.trim();
            (statement.starts_with("use crate::error::") || statement.starts_with("use crate::{"))
                && statement
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == "Result")
        })
    }
}

fn facade_sources() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the facade's sources")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a source file");
            (name, text)
        })
        .collect()
}

#[test]
fn every_public_async_call_of_the_facade_can_be_waited_for() {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (file, source) in facade_sources() {
        let found = surface::items(&file, &source);
        if found.iter().any(|item| item.output.starts_with("Result<"))
            && !surface::imports_crate_result(&source)
        {
            problems.push(format!("{file}: a bare `Result` that is not the crate's"));
        }
        items.extend(found);
    }
    for item in &items {
        if let Some(problem) = surface::problem(&item.output) {
            problems.push(format!("{}: {problem}", item.name));
        }
    }
    // The aliases the check accepts are futures and streams of `Result`s.
    let all: String = facade_sources()
        .iter()
        .map(|(_, source)| surface::without_comments(source))
        .collect();
    for alias in surface::ALIASES {
        let definition = surface::alias(&all, alias);
        let of_results = ["Stream<Item = Result<", "Future<Output = Result<"]
            .iter()
            .any(|shape| definition.as_deref().is_some_and(|d| d.contains(shape)));
        assert!(
            of_results,
            "`pub type {alias}` in the facade: {definition:?}"
        );
    }
    assert!(
        problems.is_empty(),
        "calls that `blocking::Wait`/`WaitIter` would not cover:\n{}",
        problems.join("\n")
    );
    // The scan sees the surface (so that it cannot pass by finding nothing).
    let count = |what: &str| items.iter().filter(|i| i.name.contains(what)).count();
    assert!(count("pub async fn") >= 30, "{items:#?}");
    assert!(count("impl IntoFuture") >= 4, "{items:#?}");
    assert!(count(": pub fn ") >= 1, "{items:#?}");
    for known in [
        "tools.rs: pub async fn get",
        "tools.rs: pub async fn invoke_stream",
        "tools.rs: impl IntoFuture for SelectTools",
        "deployments.rs: pub async fn wait_until_ready",
        "events.rs: pub async fn subscribe",
    ] {
        assert!(
            items.iter().any(|i| i.name == known),
            "{known} not found: {items:#?}"
        );
    }
}

#[test]
fn the_scan_names_what_the_blocking_traits_would_miss() {
    let source = r#"
        use crate::error::{Error, Result};
        /// `pub async fn in_a_comment() -> u8`
        pub async fn fine(&self, f: impl Fn(u8) -> u8) -> Result<Vec<u8>> where Self: Sized { todo!() }
        pub async fn optional<'a, T: Into<String>>(&'a self, t: T) -> Option<u8> { let s = "pub async fn"; None }
        pub async fn nothing(&self) {}
        pub fn raw(self) -> impl Stream<Item = u8> + Send { todo!() }
        pub fn boxed(self) -> BoxStream<'static, Result<u8>> { todo!() }
        pub fn fine_stream(self) -> ItemStream<u8> { todo!() }
        impl<'a> IntoFuture for Plain<'a> {
            type Output = u8;
            type IntoFuture = Pin<Box<dyn Future<Output = u8>>>;
        }
    "#;
    let items = surface::items("x.rs", source);
    let judged: Vec<(String, bool)> = items
        .iter()
        .map(|item| (item.name.clone(), surface::problem(&item.output).is_some()))
        .collect();
    let expected = [
        ("x.rs: pub async fn fine", false),
        ("x.rs: pub async fn optional", true),
        ("x.rs: pub async fn nothing", true),
        ("x.rs: pub fn raw", true),
        ("x.rs: pub fn boxed", true),
        ("x.rs: pub fn fine_stream", false),
        ("x.rs: impl IntoFuture for Plain", true),
    ];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(name, bad)| (name.to_string(), *bad))
        .collect();
    assert_eq!(judged, expected, "{items:#?}");
    assert!(surface::imports_crate_result(source));
    assert!(!surface::imports_crate_result("use std::io::Result;"));
}

/// A reference gateway served by a runtime of the test's own (its worker threads), so
/// that the test's thread is outside any runtime, as a synchronous program is.
fn gateway() -> (
    tokio::runtime::Runtime,
    RunningGateway,
    blocking::Connectors,
) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the gateway");
    let gateway = runtime
        .block_on(Gateway::builder().spawn())
        .expect("the reference gateway");
    let client = blocking::Connectors::build(
        connectors_test_support::gateway::client_builder(&gateway)
            .stream_idle_timeout(Duration::from_secs(20)),
    )
    .expect("a blocking client");
    (runtime, gateway, client)
}

#[test]
fn blocking_calls_reach_a_real_gateway_in_every_area() -> Result<(), Error> {
    let (runtime, gateway, client) = gateway();

    // Health.
    assert!(client.health().check().wait()?.uptime.is_some());
    client.health().ready().wait()?;
    client.health().detailed().wait()?;

    // Tools: builders, plain calls, a listing's stream, a streamed invocation.
    let selection = client
        .tools()
        .select("evaluate an arithmetic expression")
        .max_tools(3)
        .wait()?;
    assert!(!selection.tools.is_empty(), "{selection:?}");
    let page = client.tools().list().page_size(2).wait()?;
    assert_eq!(page.items.len(), 2);
    let all: Vec<_> = client
        .tools()
        .list()
        .page_size(2)
        .stream()
        .wait_iter()
        .collect::<Result<_, _>>()?;
    assert!(all.len() > 2, "every page: {}", all.len());
    assert!(all.iter().any(|tool| tool.tool_id == "math.evaluate"));
    assert_eq!(
        client.tools().get("math.evaluate").wait()?.tool_id,
        "math.evaluate"
    );
    let result = client
        .tools()
        .invoke("math.evaluate", json!({"expression": "2 * (3 + 4)"}))
        .wait()?;
    assert!(
        result.text().contains(r#""result":14"#),
        "{}",
        result.text()
    );
    let events: Vec<_> = client
        .tools()
        .invoke_stream("math.count_primes", json!({"n": 100_000}))
        .wait()?
        .wait_iter()
        .collect::<Result<_, _>>()?;
    match events.last() {
        Some(InvocationEvent::Result(result)) => {
            assert!(result.text().contains("9592"), "{}", result.text());
        }
        other => panic!("the stream ends with the result: {other:?}"),
    }

    // MCP servers.
    let servers = client.mcp().list().wait()?;
    assert!(servers.items.iter().any(|server| server.name == "math"));
    let math = client.mcp().server("math");
    assert_eq!(math.info().wait()?.name, "math");
    assert!(
        math.tools()
            .wait()?
            .iter()
            .any(|tool| tool.name == "evaluate")
    );
    let result = math
        .call("evaluate", json!({"expression": "6 * 7"}))
        .wait()?;
    assert!(
        result.text().contains(r#""result":42"#),
        "{}",
        result.text()
    );

    // Identities: a round trip, and the listing as an iterator.
    let identity = client
        .identities()
        .create(IdentityType::Agent, "blocking-test-agent")
        .wait()?;
    assert_eq!(
        client.identities().get(&identity.id).wait()?.id,
        identity.id
    );
    let listed: Vec<_> = client
        .identities()
        .list()
        .stream()
        .wait_iter()
        .collect::<Result<_, _>>()?;
    assert!(listed.iter().any(|i| i.id == identity.id));
    client.identities().delete(&identity.id).wait()?;

    // Deployments and events: the events of a deployment that fails (a command that does
    // not exist), seen through an iterator opened before it starts.
    let events = client.events().subscribe().wait()?;
    let deployment = client
        .mcp()
        .add(
            "blocking-missing-command",
            Source::stdio("connectors-test-no-such-command", Vec::<String>::new()),
            "tests",
        )
        .wait()?
        .poll_interval(Duration::from_millis(100));
    let ready = deployment.wait_until_ready(Duration::from_secs(60)).wait();
    assert!(matches!(ready, Err(Error::Deployment { .. })), "{ready:?}");
    assert!(deployment.status().wait()?.status.is_terminal());
    let listed = client.deployments().list().wait()?;
    assert!(
        listed
            .items
            .iter()
            .any(|d| d.deployment_id == deployment.id())
    );
    let mut seen = 0;
    for event in events.wait_iter() {
        if let GatewayEvent::Deployment(event) = event?
            && event.deployment_id == deployment.id()
        {
            seen += 1;
            if event.status.is_terminal() {
                break;
            }
        }
    }
    assert!(seen > 0);

    // Several threads at once share the one runtime thread.
    std::thread::scope(|scope| {
        let calls: Vec<_> = (0..4)
            .map(|n| {
                let client = client.clone();
                scope.spawn(move || {
                    let expression = format!("{n} + 1");
                    client
                        .tools()
                        .invoke("math.evaluate", json!({"expression": expression}))
                        .wait()
                })
            })
            .collect();
        for (n, call) in calls.into_iter().enumerate() {
            let result = call.join().expect("a thread").expect("a result");
            let expected = format!(r#""result":{}"#, n + 1);
            assert!(result.text().contains(&expected), "{}", result.text());
        }
    });

    runtime.block_on(gateway.shutdown());
    Ok(())
}

#[test]
fn inside_a_runtime_a_blocking_call_is_a_typed_error_not_a_panic() {
    let (runtime, gateway, client) = gateway();
    let inside_a_task = runtime.block_on(async { client.health().check().wait() });
    let in_spawn_blocking = {
        let client = client.clone();
        runtime
            .block_on(runtime.spawn_blocking(move || client.health().check().wait()))
            .expect("the closure ran")
    };
    for error in [inside_a_task.unwrap_err(), in_spawn_blocking.unwrap_err()] {
        match &error {
            Error::Config { setting, message } => {
                assert_eq!(setting, "blocking");
                assert!(message.contains(".await"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    // An iterator made outside yields the error once, then ends.
    let stream = client.tools().list().stream();
    let items: Vec<_> = runtime.block_on(async { stream.wait_iter().collect() });
    assert!(
        matches!(items[..], [Err(Error::Config { .. })]),
        "{items:?}"
    );
    // Outside again, the same client works.
    assert!(client.health().check().wait().is_ok());
    runtime.block_on(gateway.shutdown());
}
