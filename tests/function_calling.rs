//! Function calling judged by the providers' published rules, against the reference
//! gateway serving the `names` MCP server (tool names with dots, slashes, spaces, case,
//! non-ASCII and 80 characters): every definition's name matches
//! `^[a-zA-Z0-9_-]{1,64}$`, names are unique, parameters are the tools' input schemas,
//! and a model-style call for each name runs exactly that tool with exactly those
//! arguments, once (counted by the server itself).

use std::collections::HashSet;

use connectors::function_calling::{
    AnthropicSearch, OpenAiSearch, Provider, ToolCalls, ToolDefinition, Toolset, function_name,
    is_valid_function_name, tool_id_of,
};
use connectors::{Connectors, Error};
use connectors_gateway::RunningGateway;
use connectors_test_support::gateway::reference_gateway;
use futures::TryStreamExt;
use serde_json::{Map, Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;

/// The providers' rule for a function name.
fn provider_valid(name: &str) -> bool {
    // Written out rather than through the SDK's own check: the judge is the rule.
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

async fn gateway_with_names() -> (RunningGateway, Connectors) {
    reference_gateway(&["math", "names"]).await
}

/// Arguments that fit a schema of the `names` server.
fn arguments_for(schema: &Value, marker: usize) -> Value {
    let mut arguments = Map::new();
    for required in schema["required"].as_array().into_iter().flatten() {
        let name = required.as_str().unwrap();
        let value = match schema["properties"][name]["type"].as_str() {
            Some("integer") => json!(marker),
            _ => json!(format!("value {marker} of {name}: ü/ .")),
        };
        arguments.insert(name.to_string(), value);
    }
    Value::Object(arguments)
}

/// What the `names` server echoes for a call.
fn echo(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not the server's echo ({e}): {text}"))
}

#[tokio::test]
async fn every_name_is_valid_unique_and_runs_exactly_its_tool_once_per_call() {
    let (gateway, client) = gateway_with_names().await;
    let listed: Vec<_> = client
        .tools()
        .list()
        .server("names")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 9, "the names server's tools");
    let toolset = client.tools().toolset(listed).await.unwrap();
    let declared = client.mcp().server("names").tools().await.unwrap();

    let mut names = HashSet::new();
    for definition in toolset.definitions() {
        assert!(provider_valid(&definition.name), "{definition:?}");
        assert!(
            names.insert(definition.name.clone()),
            "duplicate {}",
            definition.name
        );
        assert_eq!(
            toolset.tool_id(&definition.name),
            Some(definition.tool_id.as_str())
        );
        let mcp = declared
            .iter()
            .find(|t| t.tool_id == definition.tool_id)
            .unwrap();
        assert_eq!(
            definition.parameters,
            Value::Object(mcp.input_schema.clone()),
            "{}",
            definition.tool_id
        );
    }

    // The same calls in each provider's shape; the server counts each tool's calls.
    for (round, provider) in [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::OpenAiResponses,
    ]
    .into_iter()
    .enumerate()
    {
        let mut calls = Vec::new();
        let mut expected = Vec::new();
        for (i, definition) in toolset.definitions().iter().enumerate() {
            let arguments = arguments_for(&definition.parameters, i);
            let id = format!("call_{round}_{i}");
            calls.push(model_call(provider, &id, &definition.name, &arguments));
            expected.push((id, definition.tool_id.clone(), arguments));
        }
        // One call with arguments that are not JSON, one with a name nobody gave.
        let first = &toolset.definitions()[0].name;
        calls.push(match provider {
            Provider::Anthropic => json!({"type": "tool_use", "id": "bad_args", "name": first, "input": "{not json"}),
            Provider::OpenAiResponses => json!({"type": "function_call", "call_id": "bad_args", "name": first, "arguments": "{not json"}),
            _ => json!({"id": "bad_args", "type": "function", "function": {"name": first, "arguments": "{not json"}}),
        });
        calls.push(model_call(provider, "unknown", "names__nope", &json!({})));
        let output = match provider {
            Provider::OpenAi => json!({"role": "assistant", "content": null, "tool_calls": calls}),
            Provider::Anthropic => {
                let mut content = vec![json!({"type": "text", "text": "Calling them all."})];
                content.extend(calls);
                json!({"role": "assistant", "content": content})
            }
            _ => json!({"output": calls}),
        };

        let results = client
            .tools()
            .run_calls(&toolset, &output)
            .concurrency(3)
            .await
            .unwrap();
        let outcomes = results.outcomes();
        assert_eq!(outcomes.len(), expected.len() + 2);
        for (outcome, (id, tool_id, arguments)) in outcomes.iter().zip(&expected) {
            assert_eq!(&outcome.call.id, id);
            assert_eq!(outcome.tool_id.as_deref(), Some(tool_id.as_str()));
            assert!(!outcome.is_error(), "{tool_id}: {}", outcome.content());
            let echo = echo(&outcome.content());
            let tool_name = tool_id.strip_prefix("names.").unwrap();
            assert_eq!(echo["tool"], tool_name, "the call ran another tool");
            assert_eq!(&echo["arguments"], arguments);
            assert_eq!(
                echo["call"],
                round + 1,
                "{tool_id} ran a different number of times"
            );
        }
        let rendered = results.to_provider_json(provider);
        let bad = &outcomes[expected.len()];
        let unknown = &outcomes[expected.len() + 1];
        assert!(bad.is_error() && bad.tool_id.is_some());
        assert!(unknown.is_error() && unknown.tool_id.is_none());
        assert!(unknown.content().contains("names__nope"));
        assert!(matches!(unknown.result, Err(Error::NotFound(_))));
        match provider {
            Provider::OpenAi => {
                let messages = rendered.as_array().unwrap();
                assert_eq!(messages.len(), outcomes.len());
                assert_eq!(messages[0]["role"], "tool");
                assert_eq!(messages[0]["tool_call_id"], "call_0_0");
                for m in &messages[expected.len()..] {
                    assert!(m["content"].as_str().unwrap().starts_with("Error:"), "{m}");
                }
            }
            Provider::Anthropic => {
                assert_eq!(rendered["role"], "user");
                let blocks = rendered["content"].as_array().unwrap();
                assert_eq!(blocks.len(), outcomes.len());
                assert_eq!(blocks[0]["type"], "tool_result");
                assert_eq!(blocks[0]["tool_use_id"], "call_1_0");
                assert!(blocks[0].get("is_error").is_none());
                for b in &blocks[expected.len()..] {
                    assert_eq!(b["is_error"], true, "{b}");
                }
            }
            _ => {
                let items = rendered.as_array().unwrap();
                assert_eq!(items[0]["type"], "function_call_output");
                assert_eq!(items[0]["call_id"], "call_2_0");
            }
        }
    }

    // The bad and unknown calls ran nothing: each tool answers its fourth call now.
    for definition in toolset.definitions() {
        let result = client
            .tools()
            .invoke(
                &definition.tool_id,
                arguments_for(&definition.parameters, 0),
            )
            .await
            .unwrap();
        assert_eq!(echo(&result.text())["call"], 4, "{}", definition.tool_id);
    }
    gateway.shutdown().await;
}

fn model_call(provider: Provider, id: &str, name: &str, arguments: &Value) -> Value {
    match provider {
        Provider::OpenAi => json!({
            "id": id, "type": "function",
            "function": {"name": name, "arguments": arguments.to_string()}
        }),
        Provider::Anthropic => {
            json!({"type": "tool_use", "id": id, "name": name, "input": arguments})
        }
        _ => json!({
            "type": "function_call", "id": format!("fc_{id}"), "call_id": id,
            "name": name, "arguments": arguments.to_string()
        }),
    }
}

#[tokio::test]
async fn a_plain_select_carries_every_schema_and_unknown_tools_are_not_found_everywhere() {
    let (gateway, client) = gateway_with_names().await;
    let selection = client
        .tools()
        .select("evaluate an arithmetic expression")
        .await
        .unwrap();
    assert!(!selection.tools.is_empty());
    let openai = selection.openai_tools().unwrap();
    let evaluate = openai
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["function"]["name"] == "math__evaluate")
        .expect("math.evaluate selected");
    assert_eq!(
        evaluate["function"]["parameters"]["required"],
        json!(["expression"])
    );
    assert!(evaluate["function"]["parameters"]["properties"]["expression"].is_object());

    // Without schemas, no definition is made rather than one without parameters.
    let bare = client
        .tools()
        .select("evaluate an arithmetic expression")
        .include_schemas(false)
        .await
        .unwrap();
    assert!(matches!(
        bare.toolset(),
        Err(Error::SchemaUnavailable { .. })
    ));

    // "No such tool" is one kind through every call that names a tool.
    let invoked = client.tools().invoke("math.nope", json!({})).await;
    assert!(matches!(invoked, Err(Error::NotFound(_))), "{invoked:?}");
    let got = client.tools().get("math.nope").await;
    assert!(matches!(got, Err(Error::NotFound(_))), "{got:?}");
    let batch = client
        .tools()
        .invoke_batch([
            ("math.nope", json!({})),
            ("math.evaluate", json!({"expression": "1+1"})),
        ])
        .await
        .unwrap();
    assert!(
        matches!(batch[0], Err(Error::NotFound(_))),
        "{:?}",
        batch[0]
    );
    assert!(batch[1].is_ok());

    // A tool's own failure becomes an Err in one call.
    let failed = client
        .tools()
        .invoke("math.evaluate", json!({"expression": "1/0"}))
        .await
        .unwrap();
    assert!(failed.is_error());
    assert!(matches!(
        failed.into_result(),
        Err(Error::ToolInvocation { .. })
    ));
    gateway.shutdown().await;
}

#[test]
fn one_mapping_is_valid_reversible_and_collision_free() {
    let ids = [
        "srv.get.user",
        "srv.get_user",
        "srv.Get-User",
        "srv.files/read",
        "srv.files.read",
        "srv.get user",
        "srv.données.lire",
        "srv.UPPER",
        "srv.a__b",
        "srv._x",
        "search",
        "Srv.tool",
        "srv.get_user___abcdefgh",
        &format!("srv.{}", "long_name_".repeat(30)),
        &format!("srv.{}x", "long_name_".repeat(30)),
    ];
    let toolset = Toolset::new(ids.iter().map(|id| ToolDefinition::new(*id, "", json!({}))));
    let mut seen = HashSet::new();
    for id in ids {
        let name = function_name(id);
        assert!(provider_valid(&name), "{id} -> {name}");
        assert!(is_valid_function_name(&name));
        assert!(seen.insert(name.clone()), "{id} collides as {name}");
        assert_eq!(toolset.tool_id(&name), Some(id));
        // A name that reverses alone reverses to its own id, never to another.
        if let Some(back) = tool_id_of(&name) {
            assert_eq!(back, id);
        }
    }
    assert_eq!(function_name("math.evaluate"), "math__evaluate");
    assert_eq!(
        tool_id_of("math__evaluate").as_deref(),
        Some("math.evaluate")
    );
    assert_eq!(tool_id_of("find_tools"), None);
    // Stable across releases: names reach models' conversation histories.
    assert_eq!(
        function_name("srv.files/read"),
        function_name("srv.files/read")
    );
    assert!(function_name("srv.files/read").starts_with("srv_files_read___"));
}

#[test]
fn calls_are_read_from_every_provider_shape() {
    let chat_response = json!({"choices": [{"message": {"role": "assistant", "content": null,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "a__b", "arguments": ""}}]}}]});
    let calls = ToolCalls::parse(&chat_response).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls.calls()[0].arguments, Ok(Map::new()));

    let responses = json!({"output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "id": "fc_1", "call_id": "call_9", "name": "a__b", "arguments": "{\"x\":1}"}
    ]});
    let calls = ToolCalls::parse(&responses).unwrap();
    assert_eq!(calls.calls()[0].id, "call_9");
    assert_eq!(calls.calls()[0].provider, Provider::OpenAiResponses);
    assert_eq!(calls.calls()[0].arguments.as_ref().unwrap()["x"], 1);

    let blocks = json!([{"type": "text", "text": "hm"}, {"type": "tool_use", "id": "toolu_1", "name": "a__b", "input": {"y": [1]}}]);
    let calls = ToolCalls::parse(&blocks).unwrap();
    assert_eq!(calls.calls()[0].provider, Provider::Anthropic);

    // Arguments that are JSON but not an object are refused for that call only, and the
    // message quotes nothing of them.
    let odd = json!([{"id": "c", "type": "function", "function": {"name": "a__b", "arguments": "[\"sk-secret-value\"]"}}]);
    let calls = ToolCalls::parse(&odd).unwrap();
    let problem = calls.calls()[0].arguments.as_ref().unwrap_err();
    assert!(!problem.contains("sk-secret"), "{problem}");

    // A final answer has no calls; a value of no known shape is an error.
    assert!(
        ToolCalls::parse(&json!({"role": "assistant", "content": "done"}))
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        ToolCalls::parse(&json!(42)),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        ToolCalls::parse(&json!([{"name": "x"}])),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn deferred_definitions_follow_the_providers_shapes() {
    let toolset = Toolset::new([
        ToolDefinition::new(
            "notes.add_note",
            "Save a note",
            json!({"properties": {"title": {"type": "string"}}}),
        ),
        ToolDefinition::new(
            "notes.get_note",
            "Read a note",
            json!({"properties": {"id": {"type": "string"}}}),
        ),
        ToolDefinition::new(
            "math.evaluate",
            "Evaluate",
            json!({"properties": {"expression": {"type": "string"}}}),
        ),
    ]);

    let anthropic = toolset.anthropic_deferred_tools(&AnthropicSearch::Regex, &["math.evaluate"]);
    let tools = anthropic.as_array().unwrap();
    assert_eq!(
        tools[0],
        json!({"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"})
    );
    assert_eq!(tools[1]["defer_loading"], true);
    assert_eq!(
        tools[1]["input_schema"]["properties"]["title"]["type"],
        "string"
    );
    assert!(tools[3].get("defer_loading").is_none(), "always loaded");
    let client_search = toolset.anthropic_deferred_tools(
        &AnthropicSearch::Client {
            name: "search_tools".into(),
        },
        &[],
    );
    assert_eq!(client_search[0]["name"], "search_tools");
    assert!(
        client_search[0].get("defer_loading").is_none(),
        "the search tool is never deferred"
    );
    let result = toolset.anthropic_search_result("toolu_s", ["notes.get_note", "not.in_set"]);
    assert_eq!(
        result,
        json!({"type": "tool_result", "tool_use_id": "toolu_s",
               "content": [{"type": "tool_reference", "tool_name": "notes__get_note"}]})
    );

    let openai = toolset.openai_deferred_tools(&OpenAiSearch::Client);
    let tools = openai.as_array().unwrap();
    assert_eq!(tools[0]["type"], "tool_search");
    assert_eq!(tools[0]["execution"], "client");
    assert_eq!(
        tools.len(),
        3,
        "the search tool and one namespace per server"
    );
    assert_eq!(tools[1]["type"], "namespace");
    assert_eq!(tools[1]["name"], "notes");
    assert_eq!(tools[1]["tools"].as_array().unwrap().len(), 2);
    assert_eq!(tools[1]["tools"][0]["type"], "function");
    assert_eq!(tools[1]["tools"][0]["defer_loading"], true);
    assert!(
        tools[1].get("defer_loading").is_none(),
        "deferral is on the functions"
    );
    let output = toolset.openai_search_output("call_ts", ["math.evaluate"]);
    assert_eq!(output["type"], "tool_search_output");
    assert_eq!(output["tools"][0]["name"], "math__evaluate");

    // VS Code's cap of 128 with 100 built-ins leaves room for 28; here all 3 fit.
    assert_eq!(
        toolset
            .fit_to_cap(connectors::function_calling::VS_CODE_MAX_TOOLS, 100)
            .len(),
        3
    );
    assert_eq!(toolset.fit_to_cap(128, 126).len(), 2);
}

#[tokio::test]
async fn select_accepts_the_batch_answer_and_ids_without_a_server_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/tools/select"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::ok(json!({
            "results": [{"index": 1, "use_case": "search", "main_tool_slugs": ["search", "web.fetch"],
                         "related_tool_slugs": ["web.fetch", "web.head"]}],
            "tool_schemas": {
                "search": {"tool_slug": "search", "description": "Search the web", "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}},
                "web.fetch": {"input_schema": {"type": "object", "properties": {"url": {"type": "string"}}}},
                "web.head": {"input_schema": {"type": "object", "properties": {"url": {"type": "string"}}}}
            }
        }))))
        .expect(1)
        .mount(&server)
        .await;
    let selection = common::client(&server)
        .tools()
        .select("search")
        .await
        .unwrap();
    assert_eq!(selection.tool_ids(), ["search", "web.fetch", "web.head"]);
    assert_eq!(selection.tools[2].tier, 2);
    let toolset = selection.toolset().unwrap();
    let search = &toolset.definitions()[0];
    assert!(provider_valid(&search.name), "{}", search.name);
    assert_eq!(search.parameters["required"], json!(["q"]));
    assert_eq!(search.description, "Search the web");
    assert_eq!(toolset.tool_id(&search.name), Some("search"));
}

#[tokio::test]
async fn a_missing_key_is_reported_before_any_request_naming_the_variable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::ok(json!({"status": "healthy"}))),
        )
        .mount(&server)
        .await;
    let client = Connectors::builder()
        .with_env_vars([("CONNECTORS_BASE_URL", server.uri())])
        .build()
        .unwrap();
    let error = client.tools().select("anything").await.unwrap_err();
    match &error {
        Error::Config { setting, message } => {
            assert_eq!(setting, "CONNECTORS_API_KEY");
            assert!(message.contains("CONNECTORS_API_KEY"), "{message}");
        }
        other => panic!("expected Config, got {other:?}"),
    }
    assert!(!error.to_string().contains("ConnectorsBuilder"), "{error}");
    // Open routes still work without a key.
    client.health().check().await.unwrap();

    let keyed = Connectors::builder()
        .base_url(server.uri())
        .api_key("k".repeat(40))
        .build()
        .unwrap();
    let error = keyed
        .tools()
        .invoke("math.evaluate", json!({}))
        .await
        .unwrap_err();
    match &error {
        Error::Config { setting, message } => {
            assert_eq!(setting, "CONNECTORS_TENANT_ID");
            assert!(!message.contains("ConnectorsBuilder"), "{message}");
        }
        other => panic!("expected Config, got {other:?}"),
    }
}

#[tokio::test]
async fn on_the_original_gateway_a_model_reads_that_credentials_are_missing_and_a_tool_with_them_runs()
 {
    // The original gateway invokes every tool through its OAuth proxy: without stored
    // credentials for the integration the answer is 401 OAUTH_AUTHENTICATION_FAILED, which
    // a model must read as "cannot be called", not as a tool's failure worth retrying.
    let gateway = connectors_gateway::Gateway::builder()
        .profile(connectors_gateway::Profile::ConnectorsTs)
        .catalog(["math", "text"])
        .spawn()
        .await
        .expect("the compat gateway");
    let tenant = gateway.tenant_id().to_string();
    let stored = connectors_gateway::Gateway::builder()
        .profile(connectors_gateway::Profile::ConnectorsTs)
        .catalog(["math", "text"])
        .oauth_credentials(tenant.as_str(), "math")
        .spawn()
        .await
        .expect("the compat gateway with credentials");
    for (gateway, math_runs) in [(&gateway, false), (&stored, true)] {
        let client = connectors_test_support::gateway::client_of(gateway);
        let listed: Vec<_> = client.tools().list().stream().try_collect().await.unwrap();
        let toolset = client.tools().toolset(listed).await.unwrap();
        let evaluate = toolset
            .definitions()
            .iter()
            .find(|d| d.tool_id == "math.evaluate")
            .expect("math.evaluate in the seeded catalog")
            .name
            .clone();
        let output = json!({"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": evaluate, "arguments": "{\"expression\": \"6*7\"}"}}
        ]});
        let results = client.tools().run_calls(&toolset, &output).await.unwrap();
        let outcome = &results.outcomes()[0];
        if math_runs {
            assert!(!outcome.is_error(), "{}", outcome.content());
            assert!(outcome.content().contains("42"), "{}", outcome.content());
        } else {
            assert!(outcome.is_error());
            let error = outcome.result.as_ref().unwrap_err();
            assert!(error.needs_oauth_credentials(), "{error:?}");
            assert!(
                outcome.content().contains("no OAuth credentials"),
                "{}",
                outcome.content()
            );
        }
    }
    gateway.shutdown().await;
    stored.shutdown().await;
}
