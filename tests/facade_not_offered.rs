//! A gateway without the extension routes, as the original one: a local server that
//! answers 404 `ROUTE_NOT_FOUND` on every route it does not have, and the recorded real
//! bodies on the routes it has. Not offered is its own error; the client remembers it
//! once a second request confirmed it (one answer may be a proxy's), for a while, and
//! never for the original's own operations; the calls whose facts the real routes hold
//! fall back to them, saying so once per client, and where those cannot tell the answer
//! stays not offered.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{KEY, builder, client};
use connectors::api::{IdentityType, ServerStatus, ServerType, types};
use connectors::{Connectors, Error, RequestOptions};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The response of the recorded exchange `name`.
fn recorded(name: &str) -> Value {
    let fixture = common::recorded_exchanges();
    fixture["exchanges"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["name"] == name))
        .map(|e| e["response"].clone())
        .unwrap_or_else(|| panic!("no recorded exchange {name:?}"))
}

/// A template with the recorded status, headers and `body`.
fn as_recorded(response: &Value, body: &Value) -> ResponseTemplate {
    let status = response["status"].as_u64().expect("a status") as u16;
    let mut template = ResponseTemplate::new(status);
    for (key, value) in response["headers"].as_object().expect("headers") {
        template = template.insert_header(key.as_str(), value.as_str().expect("a header"));
    }
    let content_type = response["headers"]["Content-Type"]
        .as_str()
        .expect("a type");
    template.set_body_raw(serde_json::to_vec(body).expect("JSON"), content_type)
}

/// The original gateway's answer to a route it does not have: the recorded
/// `ROUTE_NOT_FOUND` envelope, naming the route asked for.
struct RouteNotFound;

const ROUTE_NOT_FOUND_REQUEST_ID: &str = "dc2ff33c-8083-4070-9023-040601908f5c";

impl Respond for RouteNotFound {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let response = recorded("404 unknown route");
        let mut body = response["body"].clone();
        body["error"]["message"] = json!(format!(
            "Route {} {} not found",
            request.method,
            request.url.path()
        ));
        as_recorded(&response, &body)
    }
}

/// The original `tools/list`: the recorded envelope around a page of `tools`, with the
/// page's length as `total`, as that gateway reports it.
struct Catalog(Vec<Value>);

impl Respond for Catalog {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let number = |name: &str, default: usize| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(default)
        };
        let (limit, offset) = (number("limit", 100), number("offset", 0));
        let page: Vec<Value> = self.0.iter().skip(offset).take(limit).cloned().collect();
        let response = recorded("tools/list");
        let mut body = response["body"].clone();
        body["data"] = json!({
            "pagination": {"total": page.len(), "limit": limit, "offset": offset},
            "tools": page,
        });
        as_recorded(&response, &body)
    }
}

/// Catalog entries in the real gateway's shape (score 1, tier 1).
fn catalog() -> Vec<Value> {
    let entry = |id: &str, category: &str| {
        let name = id.split_once('.').map_or(id, |(_, n)| n);
        json!({"toolId": id, "name": name, "description": format!("{name} of {id}"), "category": category,
               "score": 1.0, "tokenCost": 120, "tier": 1})
    };
    let mut create = entry("github.createPullRequest", "code");
    create["schema"] = json!({
        "name": "createPullRequest", "description": "Create a pull request",
        "parameters": {"type": "object", "properties": {"repo": {"type": "string", "description": "owner/name"},
                                                        "title": {"type": "string"}},
                       "required": ["repo", "title"]}
    });
    // What its MCP server declared beyond the input schema.
    create["title"] = json!("Create pull request");
    create["annotations"] =
        json!({"readOnlyHint": false, "destructiveHint": false, "openWorldHint": true});
    create["outputSchema"] =
        json!({"type": "object", "properties": {"number": {"type": "integer"}}});
    create["icons"] = json!([{"src": "https://example.com/pr.svg", "mimeType": "image/svg+xml", "sizes": ["any"]}]);
    create["_meta"] = json!({"example/kind": "write"});
    vec![
        create,
        entry("github.listBranches", "code"),
        entry("my-http-mcp.fetch", "code"),
        entry("notion.createPage", "docs"),
    ]
}

/// A gateway with the original's routes (custom servers, the catalog, deployment status)
/// and `ROUTE_NOT_FOUND` for everything else.
async fn original_gateway(tools: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    let custom = recorded("mcp/custom (after add)");
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/custom"))
        .respond_with(as_recorded(&custom, &custom["body"]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(Catalog(tools))
        .mount(&server)
        .await;
    let unknown = recorded("mcp/deployments unknown");
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/deployments/dep-nope"))
        .respond_with(as_recorded(&unknown, &unknown["body"]))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(RouteNotFound)
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

/// An extension route that must be asked `times` times, answering `ROUTE_NOT_FOUND`.
async fn missing(server: &MockServer, route: impl wiremock::Match + 'static, times: u64) {
    Mock::given(method("GET"))
        .and(route)
        .respond_with(RouteNotFound)
        .expect(times)
        .named("an extension route")
        .mount(server)
        .await;
}

/// What `tracing` writes while the guard lives (this thread; the tests run on one).
struct Captured {
    text: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_tracing() -> Captured {
    let text = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(text.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("connectors=info")
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    Captured {
        text,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

impl Captured {
    /// How many lines hold `needle`.
    fn count(&self, needle: &str) -> usize {
        let text = String::from_utf8_lossy(&self.text.lock().unwrap()).into_owned();
        text.lines().filter(|l| l.contains(needle)).count()
    }
}

fn assert_not_offered(error: &Error, operation: &str) {
    match error {
        Error::NotOffered { operation: got, .. } => assert_eq!(got, operation, "{error:?}"),
        other => panic!("expected NotOffered for {operation}, got {other:?}"),
    }
    assert_eq!(error.kind(), "NotOffered");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some("ROUTE_NOT_FOUND"));
    assert_eq!(error.request_id(), Some(ROUTE_NOT_FOUND_REQUEST_ID));
    assert!(!error.is_transient());
    let shown = error.to_string();
    assert!(
        shown.contains("does not offer") && shown.contains(operation),
        "{shown}"
    );
    assert!(!format!("{shown} {error:?}").contains(KEY));
}

#[tokio::test]
async fn a_missing_route_is_not_offered_and_a_missing_resource_is_not_found() {
    let server = original_gateway(catalog()).await;
    let client = client(&server);

    let error = client.health().detailed().await.unwrap_err();
    assert_not_offered(&error, "getDetailedHealth");
    let api = error.api_error().expect("the gateway's answer");
    assert_eq!(api.message, "Route GET /health/detailed not found");

    // A real route's 404 is about the resource.
    let error = client
        .deployments()
        .deployment("dep-nope")
        .status()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    assert_eq!(error.code(), Some("DEPLOYMENT_NOT_FOUND"));
}

/// Every call that nothing else can answer, with the operation it names.
async fn calls_without_a_fallback(client: &Connectors) -> Vec<(&'static str, Error)> {
    fn failed<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
        result.expect_err("not offered")
    }
    let deployment = client.deployments().deployment("dep-1");
    let identities = client.identities();
    let tools = client.tools();
    let first_identity = identities.list().stream().next().await.expect("an item");
    vec![
        ("getDeploymentLogs", failed(deployment.logs().await)),
        ("listDeployments", failed(client.deployments().list().await)),
        ("streamEvents", failed(deployment.events().await.map(drop))),
        (
            "streamEvents",
            failed(client.events().subscribe().await.map(drop)),
        ),
        ("listIdentities", failed(identities.list().await)),
        ("listIdentities", failed(first_identity)),
        ("getIdentity", failed(identities.get("id-1").await)),
        (
            "createIdentity",
            failed(identities.create(IdentityType::Agent, "bot").await),
        ),
        (
            "updateIdentity",
            failed(identities.update("id-1", Default::default()).await),
        ),
        ("deleteIdentity", failed(identities.delete("id-1").await)),
        (
            "invokeToolsBatch",
            failed(
                tools
                    .invoke_batch([("github.createPullRequest", json!({"repo": "o/r"}))])
                    .await,
            ),
        ),
        (
            "invokeToolStream",
            failed(
                tools
                    .invoke_stream("github.createPullRequest", json!({"repo": "o/r"}))
                    .await
                    .map(drop),
            ),
        ),
        (
            "listRelatedTools",
            failed(tools.related("github.createPullRequest").await),
        ),
        (
            "getDetailedHealth",
            failed(client.health().detailed().await),
        ),
        (
            "getServerHealth",
            failed(client.mcp().server("github").health().await),
        ),
    ]
}

#[tokio::test]
async fn calls_without_a_fallback_are_not_offered_and_not_asked_a_third_time() {
    let server = original_gateway(catalog()).await;
    let client = client(&server);

    // Two rounds: one refusal could be a proxy's, the second confirms it.
    for _ in 0..2 {
        for (operation, error) in calls_without_a_fallback(&client).await {
            assert_not_offered(&error, operation);
        }
    }
    let asked = server.received_requests().await.unwrap().len();
    let mut expected: Vec<&str> = calls_without_a_fallback(&client)
        .await
        .into_iter()
        .map(|(operation, error)| {
            // The remembered refusal, request id and all.
            assert_not_offered(&error, operation);
            operation
        })
        .collect();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        asked,
        "the third round sent nothing"
    );
    // Batch and streamed invocations and the identity creation were each asked twice
    // (a route the gateway lacks runs nothing), and not again.
    let posts = server.received_requests().await.unwrap();
    assert_eq!(
        posts.iter().filter(|r| r.method.as_str() == "POST").count(),
        6
    );

    expected.sort();
    expected.dedup();
    assert_eq!(client.not_offered(), expected);
}

#[tokio::test]
async fn servers_are_listed_from_the_custom_servers_and_the_catalog() {
    let server = original_gateway(catalog()).await;
    missing(&server, path("/api/v1/mcp/servers"), 2).await;
    let log = capture_tracing();
    let client = client(&server);

    let page = client.mcp().list().await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["github", "my-http-mcp", "notion"]);
    assert_eq!(page.total, 3);
    let github = &page.items[0];
    assert_eq!(github.type_, ServerType::Platform);
    assert_eq!(github.category.as_deref(), Some("code"));
    assert_eq!(github.tool_count, Some(2));
    assert_eq!(
        github.status.as_str(),
        "unknown",
        "the catalog does not tell"
    );
    let custom = &page.items[1];
    assert_eq!(custom.type_, ServerType::Custom);
    assert_eq!(custom.status, ServerStatus::Running);
    assert_eq!(custom.tool_count, Some(12), "as /mcp/custom reports it");
    assert_eq!(custom.tenant_id.as_deref(), Some(common::TENANT));
    assert!(custom.deployed_at.is_some());
    assert_eq!(page.items[2].category.as_deref(), Some("docs"));

    // The stream, the filters and the window apply to the assembled listing.
    let streamed: Vec<String> = client
        .mcp()
        .list()
        .page_size(2)
        .stream()
        .map(|s| s.unwrap().name)
        .collect()
        .await;
    assert_eq!(streamed, ["github", "my-http-mcp", "notion"]);
    let only = |page: connectors::pagination::Page<types::McpServer>| -> Vec<String> {
        page.items.into_iter().map(|s| s.name).collect()
    };
    let list = || client.mcp().list();
    assert_eq!(
        only(list().kind(ServerType::Custom).await.unwrap()),
        ["my-http-mcp"]
    );
    assert_eq!(only(list().category("docs").await.unwrap()), ["notion"]);
    assert_eq!(
        only(list().status(ServerStatus::Running).await.unwrap()),
        ["my-http-mcp"]
    );
    let first = list().page_size(2).await.unwrap();
    assert_eq!((first.items.len(), first.total), (2, 3));
    assert!(first.has_more());
    assert_eq!(only(list().offset(2).await.unwrap()), ["notion"]);

    assert_eq!(
        log.count("does not offer listServers; answering from"),
        1,
        "one event per client"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_servers_tools_and_info_come_from_the_catalog() {
    let server = original_gateway(catalog()).await;
    missing(&server, path_regex(r"^/api/v1/mcp/servers/[^/]+/tools$"), 2).await;
    missing(&server, path_regex(r"^/api/v1/mcp/servers/[^/]+$"), 2).await;
    let log = capture_tracing();
    let client = client(&server);
    let mcp = client.mcp();

    let tools = mcp.server("github").tools().await.unwrap();
    let ids: Vec<&str> = tools.iter().map(|t| t.tool_id.as_str()).collect();
    assert_eq!(ids, ["github.createPullRequest", "github.listBranches"]);
    assert_eq!(tools[0].name, "createPullRequest");
    assert_eq!(
        tools[0].input_schema["properties"]["repo"]["type"],
        "string"
    );
    assert_eq!(tools[0].input_schema["required"], json!(["repo", "title"]));
    assert!(tools[1].input_schema.is_empty(), "no schema in the catalog");
    // The facts the catalog carries pass on; a tool without them has none.
    let create = serde_json::to_value(&tools[0]).unwrap();
    let entry = &catalog()[0];
    for key in ["title", "annotations", "outputSchema", "icons", "_meta"] {
        assert_eq!(create[key], entry[key], "{key}");
    }
    assert_eq!(tools[0].annotations["destructiveHint"], false);
    assert!(tools[1].annotations.is_empty() && tools[1].title.is_none());
    // Another server: the operation is remembered, not the path.
    let custom = mcp.server("my-http-mcp").tools().await.unwrap();
    assert_eq!(custom[0].tool_id, "my-http-mcp.fetch");
    // The catalog cannot tell which tools a server it does not list has.
    let error = mcp.server("nosuch").tools().await.unwrap_err();
    assert_not_offered(&error, "listServerTools");

    let notion = mcp.server("notion").info().await.unwrap();
    assert_eq!(
        (notion.type_, notion.category.as_deref(), notion.tool_count),
        (ServerType::Platform, Some("docs"), Some(1))
    );
    let deployed = mcp.server("my-http-mcp").info().await.unwrap();
    assert_eq!(
        (deployed.type_, deployed.status),
        (ServerType::Custom, ServerStatus::Running)
    );
    let error = mcp.server("nosuch").info().await.unwrap_err();
    assert_not_offered(&error, "getServer");

    assert_eq!(
        log.count("does not offer listServerTools; answering from"),
        1
    );
    assert_eq!(log.count("does not offer getServer; answering from"), 1);
    server.verify().await;
}

#[tokio::test]
async fn one_tool_comes_from_the_catalog_and_one_not_in_it_is_not_offered() {
    let server = original_gateway(catalog()).await;
    missing(&server, path_regex(r"^/api/v1/tools/[^/]+\.[^/]+$"), 2).await;
    let log = capture_tracing();
    let client = client(&server);

    let tool = client
        .tools()
        .get("github.createPullRequest")
        .await
        .unwrap();
    assert_eq!(tool.category, "code");
    let schema = tool.schema.expect("the catalog's schema");
    assert_eq!(
        schema.parameters["required"],
        serde_json::json!(["repo", "title"])
    );

    // The original invokes tools it does not list: not in the catalog is not "no such
    // tool".
    let error = client.tools().get("github.nope").await.unwrap_err();
    assert_not_offered(&error, "getTool");

    assert_eq!(log.count("does not offer getTool; answering from"), 1);
    server.verify().await;
}

#[tokio::test]
async fn clones_share_what_the_client_learned_and_a_new_client_asks_again() {
    let server = original_gateway(catalog()).await;
    // The first client and its clones confirm it (two requests), the new client asks
    // once more.
    missing(&server, path_regex(r"^/api/v1/tools/[^/]+\.[^/]+$"), 3).await;
    let first = client(&server);
    let clone = first.clone();
    let patient = first.with_options(RequestOptions::new().max_retries(5));
    for handle in [&first, &clone, &patient] {
        let tool = handle.tools().get("notion.createPage").await.unwrap();
        assert_eq!(tool.category, "docs");
    }
    assert_eq!(patient.not_offered(), ["getTool"]);

    let fresh = builder(&server).build().unwrap();
    assert!(fresh.not_offered().is_empty());
    fresh.tools().get("notion.createPage").await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn the_recorded_empty_catalog_still_lists_the_custom_server() {
    // The catalog of the original gateway at the recorded commit is empty.
    let server = original_gateway(Vec::new()).await;
    let client = client(&server);
    let page = client.mcp().list().await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["my-http-mcp"]);
    // A custom server whose tools are not in the catalog: not an empty list, which
    // would say it has none.
    let error = client
        .mcp()
        .server("my-http-mcp")
        .tools()
        .await
        .unwrap_err();
    assert_not_offered(&error, "listServerTools");
    let error = client
        .tools()
        .get("github.createPullRequest")
        .await
        .unwrap_err();
    assert_not_offered(&error, "getTool");
}

#[tokio::test]
async fn a_catalog_server_has_a_category_only_when_its_tools_share_one() {
    let tool = |id: &str, category: &str| {
        json!({"toolId": id, "name": id, "description": "d", "category": category,
               "score": 1.0, "tokenCost": 10, "tier": 1})
    };
    let tools = vec![
        tool("gh.a", "code"),
        tool("gh.b", "code"),
        tool("mixed.a", "code"),
        tool("mixed.b", "docs"),
    ];
    let server = original_gateway(tools).await;
    // Its fallbacks' events go to a subscriber of this thread's: a callsite first met
    // without one could be cached as uninteresting while another test captures.
    let _log = capture_tracing();
    let client = client(&server);
    let gh = client.mcp().server("gh").info().await.unwrap();
    assert_eq!(gh.category.as_deref(), Some("code"));
    assert_eq!(gh.tool_count, Some(2));
    assert_eq!(gh.status.as_str(), "unknown");
    let mixed = client.mcp().server("mixed").info().await.unwrap();
    assert_eq!((mixed.category, mixed.tool_count), (None, Some(2)));
    // A window past the end of the assembled listing is empty; its total is still true.
    let past = client.mcp().list().offset(u64::MAX).await.unwrap();
    assert!(past.items.is_empty(), "{past:?}");
    assert_eq!(past.total, 3, "gh, mixed and the custom server");
}

/// The original gateway's refusal of `GET /health/detailed`, with `request_id`.
fn refusal(request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({
        "success": false,
        "error": {"code": "ROUTE_NOT_FOUND", "message": "Route GET /health/detailed not found"},
        "metadata": {"timestamp": "2026-11-21T16:11:56.459Z", "requestId": request_id}
    }))
}

#[tokio::test]
async fn a_refusal_answered_twice_is_remembered_and_other_errors_teach_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/a.b"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(common::err("TOOL_NOT_FOUND", "no a.b")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/health/detailed"))
        .respond_with(refusal("req-1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // The second refusal arrives after the first was counted.
    Mock::given(method("GET"))
        .and(path("/health/detailed"))
        .respond_with(refusal("req-2").set_delay(std::time::Duration::from_millis(300)))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);

    for _ in 0..2 {
        let error = client.tools().get("a.b").await.unwrap_err();
        assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    }
    assert!(
        client.not_offered().is_empty(),
        "a missing tool is not a missing route"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let health = client.health();
    let (first, second) = futures::join!(health.detailed(), health.detailed());
    let mut ids = [first, second].map(|r| r.unwrap_err().request_id().map(str::to_string));
    ids.sort();
    assert_eq!(ids, [Some("req-1".to_string()), Some("req-2".to_string())]);
    let remembered = client.health().detailed().await.unwrap_err();
    assert_eq!(remembered.kind(), "NotOffered");
    assert_eq!(remembered.request_id(), Some("req-2"), "the latest refusal");
    assert_eq!(client.not_offered(), ["getDetailedHealth"]);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        4,
        "not asked again"
    );
}

/// Answers 404 `ROUTE_NOT_FOUND` to the requests whose number (from 0) `refuses`, and
/// `success` to the others.
struct Sometimes {
    seen: std::sync::atomic::AtomicUsize,
    refuses: fn(usize) -> bool,
    success: Value,
}

impl Respond for Sometimes {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if (self.refuses)(n) {
            RouteNotFound.respond(request)
        } else {
            ResponseTemplate::new(200).set_body_json(common::ok(self.success.clone()))
        }
    }
}

fn sometimes(refuses: fn(usize) -> bool, success: Value) -> Sometimes {
    Sometimes {
        seen: Default::default(),
        refuses,
        success,
    }
}

#[tokio::test]
async fn a_stray_route_not_found_for_a_core_operation_is_an_error_of_that_call_only() {
    // A proxy or a misroute answering the original's own routes must not make the client
    // refuse them for good.
    let server = MockServer::start().await;
    let health = recorded("health")["body"]["data"].clone();
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(sometimes(|n| n < 3, health))
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..3 {
        let error = client.health().check().await.unwrap_err();
        assert_not_offered(&error, "getHealth");
        assert!(client.not_offered().is_empty(), "never remembered");
    }
    client
        .health()
        .check()
        .await
        .expect("sent again, and answered");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn one_refusal_between_successes_is_never_remembered() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/notion.createPage"))
        .respond_with(sometimes(|n| n % 2 == 0, catalog()[3].clone()))
        .mount(&server)
        .await;
    // The fallback's catalog, which cannot tell.
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(Catalog(Vec::new()))
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..3 {
        let error = client.tools().get("notion.createPage").await.unwrap_err();
        assert_not_offered(&error, "getTool");
        // A success forgets the refusal before it: the next one counts as the first.
        let tool = client.tools().get("notion.createPage").await.unwrap();
        assert_eq!(tool.category, "docs");
        assert!(client.not_offered().is_empty());
    }
    let asked = server.received_requests().await.unwrap();
    assert_eq!(
        asked
            .iter()
            .filter(|r| r.url.path() != "/api/v1/tools/list")
            .count(),
        6
    );
}

#[tokio::test]
async fn a_confirmed_refusal_expires_and_one_more_refusal_confirms_it_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health/detailed"))
        .respond_with(RouteNotFound)
        .mount(&server)
        .await;
    let period = std::time::Duration::from_millis(300);
    let client = builder(&server)
        .remember_not_offered_for(period)
        .build()
        .unwrap();
    let asked = || async { server.received_requests().await.unwrap().len() };
    for _ in 0..3 {
        client.health().detailed().await.unwrap_err();
    }
    assert_eq!(asked().await, 2, "confirmed by the second answer");
    assert_eq!(client.not_offered(), ["getDetailedHealth"]);
    tokio::time::sleep(period + std::time::Duration::from_millis(50)).await;
    assert!(client.not_offered().is_empty(), "expired");
    for _ in 0..3 {
        let error = client.health().detailed().await.unwrap_err();
        assert_not_offered(&error, "getDetailedHealth");
    }
    assert_eq!(
        asked().await,
        3,
        "one request after the expiry confirms it again"
    );

    // Zero: asked every time.
    let eager = builder(&server)
        .remember_not_offered_for(std::time::Duration::ZERO)
        .build()
        .unwrap();
    for _ in 0..3 {
        eager.health().detailed().await.unwrap_err();
    }
    assert_eq!(asked().await, 6);
    assert!(eager.not_offered().is_empty());
}

#[tokio::test]
async fn other_tenants_custom_servers_are_left_out_and_counted() {
    // Measured on the original: without a tenant filter, and even with one, a listing can
    // show every tenant's servers.
    let server = MockServer::start().await;
    let mut body = recorded("mcp/custom (after add)")["body"].clone();
    let mine = body["data"]["servers"][0].clone();
    let mut theirs = mine.clone();
    theirs["name"] = json!("their-server");
    theirs["tenantId"] = json!("tenant-b");
    let mut nobodys = mine.clone();
    nobodys["name"] = json!("shared-server");
    nobodys.as_object_mut().unwrap().remove("tenantId");
    body["data"]["servers"] = json!([mine, theirs, nobodys]);
    Mock::given(method("GET"))
        .and(path("/api/v1/mcp/custom"))
        .and(wiremock::matchers::query_param("tenantId", common::TENANT))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/tools/list"))
        .respond_with(Catalog(Vec::new()))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(RouteNotFound)
        .with_priority(10)
        .mount(&server)
        .await;
    let client = client(&server);

    let custom = client.mcp().custom().await.unwrap();
    let names: Vec<&str> = custom.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["my-http-mcp", "shared-server"]);
    assert_eq!(custom.other_tenants, 1);
    // The listing assembled from it shows the caller's servers only.
    let listed = client.mcp().list().await.unwrap();
    let names: Vec<&str> = listed.items.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["my-http-mcp", "shared-server"]);
    let error = client
        .mcp()
        .server("their-server")
        .info()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "NotOffered", "{error:?}");
}
