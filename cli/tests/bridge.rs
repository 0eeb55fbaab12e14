//! `connectors mcp serve` driven by rmcp's client, over the child process's stdio and over
//! streamable HTTP, in front of the reference gateway in-process on 127.0.0.1.

mod common;

use std::process::Stdio;

use common::{async_command, gateway, notes_over_http};
use connectors_gateway::RunningGateway;
use connectors_test_support::mcp::{
    Client, Notifications, Seen, call, connect_http, list_changed, spawn_child, text, tool_names,
};
use rmcp::transport::ConfigureCommandExt;
use serde_json::json;

#[derive(Debug, Clone, Copy)]
enum Transport {
    Stdio,
    Http,
}

const BOTH: [Transport; 2] = [Transport::Stdio, Transport::Http];

/// A connected MCP client; the HTTP server process dies with it.
struct Session {
    client: Client,
    seen: Notifications,
    /// The MCP endpoint, over HTTP.
    url: Option<String>,
    _server: Option<tokio::process::Child>,
}

impl Session {
    /// `find_tools` for `query` in dynamic mode, once the bridge has announced the tools
    /// it added.
    async fn find(&mut self, query: &str, max_tools: u32) -> rmcp::model::CallToolResult {
        let found = call(
            &self.client,
            "find_tools",
            json!({"query": query, "max_tools": max_tools}),
        )
        .await;
        list_changed(&mut self.seen).await;
        found
    }
}

/// `connectors mcp serve ARGS` against `gw`.
fn serve_command(gw: &RunningGateway, args: &[&str]) -> tokio::process::Command {
    async_command(gw, &[&["mcp", "serve"], args].concat())
}

async fn connect(gw: &RunningGateway, transport: Transport, args: &[&str]) -> Session {
    match transport {
        Transport::Stdio => {
            let command = serve_command(gw, args).configure(|c| {
                c.stderr(Stdio::inherit());
            });
            let (client, seen) = spawn_child(command).await;
            Session {
                client,
                seen,
                url: None,
                _server: None,
            }
        }
        Transport::Http => {
            let (server, url) = common::serve_http(gw, args, |_| {}).await;
            let (client, seen) = connect_http(&url).await;
            Session {
                client,
                seen,
                url: Some(url),
                _server: Some(server),
            }
        }
    }
}

/// Runs `check` against a bridge started with `args` in front of `gw`, once over each
/// transport, and closes each session after its check.
async fn on_each_transport(
    gw: &RunningGateway,
    args: &[&str],
    mut check: impl AsyncFnMut(Transport, &mut Session),
) {
    for transport in BOTH {
        let mut session = connect(gw, transport, args).await;
        check(transport, &mut session).await;
        session
            .client
            .cancel()
            .await
            .expect("close the MCP session");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn static_tools_are_exposed_with_schemas_and_called() {
    let gw = gateway().await;
    on_each_transport(
        &gw,
        &["--tools", "math.evaluate,text.word_count"],
        async |transport, s| {
            let info = s.client.peer_info().expect("server info");
            assert_eq!(
                info.server_info.as_ref().map(|i| i.name.as_str()),
                Some("connectors")
            );
            assert_eq!(
                tool_names(&s.client).await,
                ["math__evaluate", "text__word_count"],
                "{transport:?}"
            );
            let tools = s.client.list_all_tools().await.unwrap();
            let evaluate = tools.iter().find(|t| t.name == "math__evaluate").unwrap();
            assert_eq!(evaluate.title.as_deref(), Some("math.evaluate"));
            assert_eq!(evaluate.input_schema["type"], "object");
            assert_eq!(evaluate.input_schema["required"], json!(["expression"]));
            assert!(evaluate.input_schema["properties"]["expression"].is_object());

            let result = call(
                &s.client,
                "math__evaluate",
                json!({"expression": "2*(3+4)"}),
            )
            .await;
            assert_ne!(result.is_error, Some(true), "{result:?}");
            assert_eq!(result.structured_content.as_ref().unwrap()["result"], 14.0);

            // The tool's own error, the gateway's refusal and an unknown name: isError results.
            let result = call(&s.client, "math__evaluate", json!({"expression": "7/0"})).await;
            assert_eq!(result.is_error, Some(true));
            assert!(
                text(&result).contains("division by zero"),
                "{}",
                text(&result)
            );
            let result = call(&s.client, "math__evaluate", json!({"expression": 5})).await;
            assert_eq!(result.is_error, Some(true), "{transport:?}: {result:?}");
            let result = call(&s.client, "nope", json!({})).await;
            assert_eq!(result.is_error, Some(true));
            assert!(
                text(&result).contains("unknown tool \"nope\""),
                "{}",
                text(&result)
            );
            assert!(!text(&result).contains(gw.api_key()));
        },
    )
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn static_selection_and_a_wrong_tool_id() {
    let gw = gateway().await;
    on_each_transport(
        &gw,
        &[
            "--select",
            "evaluate an arithmetic expression",
            "--max-tools",
            "1",
        ],
        async |transport, s| {
            assert_eq!(
                tool_names(&s.client).await,
                ["math__evaluate"],
                "{transport:?}"
            );
        },
    )
    .await;
    // A tool id the gateway does not know no longer stops the server: it serves what it
    // finds and says what it did not (bridge_safety.rs checks the warning and the list).
    // A cap that leaves no room beside the meta-tools is refused.
    let out = serve_command(&gw, &["--max-tools", "2"])
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 3"));
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamic_mode_finds_tools_and_announces_them() {
    let gw = gateway().await;
    on_each_transport(&gw, &[], async |transport, s| {
        assert_eq!(tool_names(&s.client).await, ["call_tool", "find_tools"]);

        let found = call(
            &s.client,
            "find_tools",
            json!({"query": "count the words of a text", "max_tools": 2}),
        )
        .await;
        assert_ne!(found.is_error, Some(true), "{found:?}");
        assert!(text(&found).contains("text.word_count"), "{}", text(&found));
        let listed = found.structured_content.as_ref().unwrap()["tools"]
            .as_array()
            .unwrap()
            .clone();
        assert!(!listed.is_empty() && listed.len() <= 2);
        list_changed(&mut s.seen).await;
        let names = tool_names(&s.client).await;
        assert!(
            names.contains(&"text__word_count".to_string()),
            "{transport:?}: {names:?}"
        );

        let counted = call(
            &s.client,
            "text__word_count",
            json!({"text": "one two three"}),
        )
        .await;
        assert_ne!(counted.is_error, Some(true), "{counted:?}");
        assert_eq!(
            counted.structured_content.as_ref().unwrap()["words"],
            3,
            "{counted:?}"
        );

        // call_tool reaches any tool by id, found or not.
        let result = call(
            &s.client,
            "call_tool",
            json!({"tool_id": "math.evaluate", "arguments": {"expression": "6*7"}}),
        )
        .await;
        assert_eq!(
            result.structured_content.as_ref().unwrap()["result"],
            42.0,
            "{result:?}"
        );
        let result = call(&s.client, "call_tool", json!({"tool_id": "nope.missing"})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(text(&result).contains("not found"), "{}", text(&result));
        let result = call(
            &s.client,
            "call_tool",
            json!({"tool_id": "math.evaluate", "arguments": "6*7"}),
        )
        .await;
        assert_eq!(result.is_error, Some(true));
        let result = call(&s.client, "find_tools", json!({"max_tools": 2})).await;
        assert_eq!(result.is_error, Some(true));
        assert!(text(&result).contains("query"), "{}", text(&result));
        let result = call(
            &s.client,
            "find_tools",
            json!({"query": "x", "max_tools": 0}),
        )
        .await;
        assert_eq!(
            result.is_error,
            Some(true),
            "the gateway's refusal: {result:?}"
        );
    })
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn max_tools_drops_the_least_recently_used() {
    let gw = gateway().await;
    // Four in all: the two meta-tools and two found ones.
    on_each_transport(&gw, &["--max-tools", "4"], async |transport, s| {
        for query in [
            "evaluate an arithmetic expression",
            "count the words of a text",
        ] {
            s.find(query, 1).await;
        }
        assert_eq!(
            tool_names(&s.client).await,
            [
                "call_tool",
                "find_tools",
                "math__evaluate",
                "text__word_count"
            ]
        );
        // Using evaluate makes word_count the least recently used.
        call(&s.client, "math__evaluate", json!({"expression": "1+1"})).await;
        s.find("encode text as base64", 1).await;
        assert_eq!(
            tool_names(&s.client).await,
            [
                "call_tool",
                "find_tools",
                "math__evaluate",
                "text__base64_encode"
            ],
            "{transport:?}"
        );
        // A name the bridge reported stays callable after it left the list.
        let counted = call(&s.client, "text__word_count", json!({"text": "a b"})).await;
        assert_eq!(
            counted
                .structured_content
                .as_ref()
                .map(|c| c["words"].clone()),
            Some(json!(2)),
            "{transport:?}: {counted:?}"
        );
    })
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn found_tools_are_the_servers_for_every_client() {
    let gw = gateway().await;
    // Two sessions of one HTTP server: what one finds, the other lists, calls and hears of.
    let mut first = connect(&gw, Transport::Http, &[]).await;
    let url = first.url.clone().unwrap();
    let (second, mut second_seen) = connect_http(&url).await;
    first.find("count the words of a text", 1).await;
    list_changed(&mut second_seen).await;
    assert_eq!(
        tool_names(&second).await,
        ["call_tool", "find_tools", "text__word_count"]
    );
    let counted = call(&second, "text__word_count", json!({"text": "one two"})).await;
    assert_eq!(counted.structured_content.unwrap()["words"], 2);
    // The list's cache hints and its order: the meta-tools, then by name.
    first.find("evaluate an arithmetic expression", 1).await;
    let listed = second.list_tools(None).await.unwrap();
    assert_eq!(
        (listed.ttl_ms, listed.cache_scope),
        (Some(0), Some(rmcp::model::CacheScope::Private))
    );
    let names: Vec<&str> = listed.tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "find_tools",
            "call_tool",
            "math__evaluate",
            "text__word_count"
        ]
    );
    second.cancel().await.unwrap();
    first.client.cancel().await.unwrap();
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_of_a_streamed_invocation_is_forwarded() {
    let gw = gateway().await;
    on_each_transport(
        &gw,
        &["--tools", "math.count_primes"],
        async |transport, s| {
            // rmcp's client sends a progress token with each call.
            let result = call(&s.client, "math__count_primes", json!({"n": 2_000_000})).await;
            assert_eq!(
                result.structured_content.as_ref().unwrap()["prime_count"],
                148_933,
                "{result:?}"
            );
            let mut progress = 0;
            while let Ok(seen) = s.seen.try_recv() {
                if let Seen::Progress(p) = seen {
                    assert_eq!(p.total, Some(2_000_000.0));
                    progress += 1;
                }
            }
            assert!(
                progress >= 5,
                "{transport:?}: {progress} progress notifications"
            );
        },
    )
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn removed_servers_drop_out_after_the_gateway_event() {
    let gw = gateway().await;
    let notes = notes_over_http().await;
    let client = connectors_test_support::gateway::client_of(&gw);
    for (i, transport) in BOTH.into_iter().enumerate() {
        let name = format!("ev-notes-{i}");
        let source = connectors::mcp::Source::http(notes.url());
        let deployment = client
            .mcp()
            .add(name.clone(), source, "notes")
            .await
            .unwrap();
        deployment
            .wait_until_ready(std::time::Duration::from_secs(30))
            .await
            .unwrap();
        let tools = format!("math.evaluate,{name}.add_note");
        let mut s = connect(&gw, transport, &["--tools", &tools]).await;
        let expected = format!("ev-notes-{i}__add_note");
        assert_eq!(
            tool_names(&s.client).await,
            [expected.as_str(), "math__evaluate"]
        );
        // Give the bridge a moment to subscribe before the event it must see.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        client.mcp().remove(&name).await.unwrap();
        list_changed(&mut s.seen).await;
        assert_eq!(
            tool_names(&s.client).await,
            ["math__evaluate"],
            "{transport:?}"
        );
        s.client.cancel().await.unwrap();
    }
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_that_goes_away_gives_an_error_result() {
    let gw = gateway().await;
    let s = connect(
        &gw,
        Transport::Stdio,
        &["--tools", "math.evaluate", "--no-events"],
    )
    .await;
    gw.shutdown().await;
    let result = call(&s.client, "math__evaluate", json!({"expression": "1+1"})).await;
    assert_eq!(result.is_error, Some(true));
    let message = text(&result);
    assert!(message.contains("gateway"), "{message}");
    s.client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_without_streams_or_events_still_serves() {
    // The original gateway's routes only: no streamed invocation, no event stream.
    let gw = connectors_gateway::Gateway::builder()
        .profile(connectors_gateway::Profile::ConnectorsTs)
        .catalog(["text", "math", "notes"])
        .oauth_credentials(connectors_gateway::DEV_TENANT, "math")
        .spawn()
        .await
        .unwrap();
    on_each_transport(&gw, &[], async |transport, s| {
        let found = s.find("evaluate an arithmetic expression", 1).await;
        assert_ne!(found.is_error, Some(true), "{found:?}");
        // The host's progress token asks for a stream the gateway lacks: a plain call answers.
        let result = call(
            &s.client,
            "math__evaluate",
            json!({"expression": "2*(3+4)"}),
        )
        .await;
        assert_ne!(result.is_error, Some(true), "{transport:?}: {result:?}");
        assert!(text(&result).contains("14"), "{}", text(&result));
    })
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tool_facts_reach_the_host_as_the_server_declared_them() {
    let gw = gateway().await;
    on_each_transport(
        &gw,
        &["--tools", "notes.delete_note"],
        async |transport, s| {
            let tools = s.client.list_all_tools().await.unwrap();
            let delete = tools
                .iter()
                .find(|t| t.name == "notes__delete_note")
                .unwrap();
            assert_eq!(
                delete.title.as_deref(),
                Some("Delete note"),
                "{transport:?}"
            );
            let annotations = delete.annotations.as_ref().expect("annotations");
            assert_eq!(annotations.destructive_hint, Some(true), "{delete:?}");
            let output = delete.output_schema.as_ref().expect("an output schema");
            assert_eq!(output["type"], "object", "{output:?}");
            assert!(
                delete.icons.as_ref().is_some_and(|i| !i.is_empty()),
                "{delete:?}"
            );
            assert!(
                delete.meta.as_ref().is_some_and(|m| !m.0.is_empty()),
                "{delete:?}"
            );
        },
    )
    .await;
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hosts_trace_context_reaches_the_mcp_server() {
    let config = connectors_gateway::Config {
        builtins: vec!["names".into()],
        ..connectors_gateway::Config::default()
    };
    let gw = connectors_gateway::Gateway::builder()
        .config(config)
        .spawn()
        .await
        .expect("reference gateway");
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    on_each_transport(&gw, &["--tools", "names.UPPER"], async |transport, s| {
        let names = tool_names(&s.client).await;
        let [upper] = names.as_slice() else {
            panic!("{transport:?}: {names:?}");
        };
        // SEP-414: the trace context in the request's `_meta`; rmcp's client adds its
        // progress token, so this takes the bridge's streamed path.
        let mut params = rmcp::model::CallToolRequestParams::new(upper.clone())
            .with_arguments(json!({"count": 2}).as_object().unwrap().clone());
        rmcp::model::RequestParamsMeta::set_traceparent(&mut params, traceparent);
        rmcp::model::RequestParamsMeta::set_tracestate(&mut params, "rojo=00f067aa0ba902b7");
        let result = s.client.call_tool(params).await.expect("tools/call");
        assert_ne!(result.is_error, Some(true), "{transport:?}: {result:?}");
        // The `names` server echoes the `_meta` the gateway sent it.
        let echo = result.structured_content.expect("the names echo");
        assert_eq!(echo["tool"], "UPPER", "{echo}");
        assert_eq!(
            echo["meta"]["traceparent"], traceparent,
            "{transport:?}: {echo}"
        );
        assert_eq!(
            echo["meta"]["tracestate"], "rojo=00f067aa0ba902b7",
            "{echo}"
        );

        // A malformed traceparent is not passed on; the call still runs.
        let mut params = rmcp::model::CallToolRequestParams::new(upper.clone())
            .with_arguments(json!({"count": 3}).as_object().unwrap().clone());
        rmcp::model::RequestParamsMeta::set_traceparent(&mut params, "00-nonsense");
        let result = s.client.call_tool(params).await.expect("tools/call");
        let echo = result.structured_content.expect("the names echo");
        assert_eq!(echo["arguments"]["count"], 3, "{echo}");
        assert_eq!(echo["meta"].get("traceparent"), None, "{echo}");

        // Without one, none.
        let result = call(&s.client, upper, json!({"count": 4})).await;
        let echo = result.structured_content.expect("the names echo");
        assert_eq!(echo["meta"].get("traceparent"), None, "{echo}");
    })
    .await;
    gw.shutdown().await;
}
