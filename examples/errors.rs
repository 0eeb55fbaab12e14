//! Every kind of error a user of the client meets, each one caused for real, and how to
//! tell them apart: one `match` on `connectors::Error`, with the status, the gateway's
//! code and the request id (`Error::status`, `Error::code`, `Error::request_id`) where
//! there is a response behind it.
//!
//! ```text
//! cargo run --example errors
//! ```
//!
//! Each case prints one line: `ok` (or `MISMATCH`), the kind, what was done, the error's
//! message, its status, code and request id, and what the variant carries beyond that.
//! The exit status is non-zero if any case produced another kind than expected.
//!
//! With no configuration it starts the reference gateway in this process. Against another
//! gateway (`CONNECTORS_BASE_URL`, ...) the cases that deploy something or need tiny quotas
//! are skipped (the original gateway accepts a Docker server on port 0, and deploying a
//! command that does not exist crashes it), and so are the `math` cases where the gateway
//! does not run `math.evaluate` for this client. Nothing is left deployed.

mod support;

use std::process::ExitCode;
use std::time::Duration;

use connectors::mcp::Source;
use connectors::typed::TypedTool;
use connectors::{Connectors, Error, RequestOptions};
use connectors_gateway::{Config as GatewayConfig, Gateway, RateLimitConfig};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{BoxError, Guard, Offer, heading};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `math.evaluate` with a typed input and output.
struct Evaluate;

#[derive(Serialize, JsonSchema)]
struct EvaluateInput {
    /// An arithmetic expression.
    expression: String,
}

#[derive(Deserialize)]
struct Evaluated {
    #[allow(dead_code)]
    result: f64,
}

impl TypedTool for Evaluate {
    const TOOL_ID: &'static str = "math.evaluate";
    const DESCRIPTION: &'static str = "Evaluate an arithmetic expression";
    type Input = EvaluateInput;
    type Output = Evaluated;
}

#[tokio::main]
async fn main() -> ExitCode {
    support::exit(run().await)
}

async fn run() -> Result<(), BoxError> {
    let (client, guard) = support::connect().await?;
    heading("What the gateway offers");
    let offer = support::discover(&client).await?;
    let mut cases = Cases::default();
    let outcome = all_cases(&client, &guard, &offer, &mut cases).await;
    guard.shutdown().await;
    outcome?;
    println!(
        "\n{} cases as expected, {} skipped, {} mismatched",
        cases.ok,
        cases.skipped,
        cases.mismatched.len()
    );
    if !cases.mismatched.is_empty() {
        return Err(format!("unexpected outcomes: {}", cases.mismatched.join("; ")).into());
    }
    Ok(())
}

async fn all_cases(
    client: &Connectors,
    guard: &Guard,
    offer: &Offer,
    cases: &mut Cases,
) -> Result<(), BoxError> {
    heading("Before anything is sent");

    // A setting that does not parse fails `build()`, naming the setting.
    let built = Connectors::builder()
        .with_env_vars([("CONNECTORS_TIMEOUT", "soon")])
        .build();
    cases.check("Config", "CONNECTORS_TIMEOUT=soon", built, |e| match e {
        Error::Config { setting, .. } => Some(format!("setting: {setting}")),
        _ => None,
    });

    // A call that needs the API key, on a client without one, names the variable to set
    // instead of sending a request the gateway would refuse with a bare 401.
    let keyless = Connectors::builder()
        .base_url(client.config().base_url())
        .build()?;
    let selected = keyless.tools().select("add two numbers").await;
    cases.check(
        "Config",
        "a selection without an API key",
        selected,
        |e| match e {
            Error::Config { setting, .. } => Some(format!("setting: {setting}")),
            _ => None,
        },
    );

    // Arguments are checked before a request goes out.
    let selected = client.tools().select("   ").await;
    cases.check(
        "InvalidInput",
        "select with an empty query",
        selected,
        field,
    );
    let invoked = client
        .tools()
        .invoke("evaluate", json!({"expression": "1+1"}))
        .await;
    cases.check("InvalidInput", "tool id without a server", invoked, field);

    heading("Refused by the gateway");

    // The same gateway, a key it does not know.
    let stranger = Connectors::builder()
        .base_url(client.config().base_url())
        .api_key("cgw-not-a-key-of-this-gateway-0123456789abcdef")
        .build()?;
    let listed = stranger.tools().list().await;
    cases.check("Authentication", "a wrong API key", listed, |_| {
        Some("check CONNECTORS_API_KEY".into())
    });

    // The right key, but a tenant id that is not the key's.
    let other_tenant = Connectors::builder()
        .base_url(client.config().base_url())
        .tenant_id("someone-else")
        .with_env_vars(key_of(guard))
        .build()?;
    let invoked = other_tenant
        .tools()
        .invoke("text.word_count", json!({"text": "a b c"}))
        .await;
    cases.check("PermissionDenied", "another tenant's id", invoked, context);

    let got = client
        .deployments()
        .get("dep-connectors-example-none")
        .await;
    cases.check("NotFound", "an unknown deployment", got, context);

    // A tool of an integration the gateway does not know: 404 from a gateway that says
    // so; the original gateway asks its OAuth proxy first, which has no credentials for
    // it (a 401 about the tool: `ToolInvocation`, `needs_oauth_credentials()`).
    let invoked = client
        .tools()
        .invoke("connectors-example-nowhere.echo", json!({}))
        .await;
    cases.check(
        "NotFound|ToolInvocation",
        "a tool of an unknown integration",
        invoked,
        |e| {
            Some(format!(
                "needs OAuth credentials: {}",
                e.needs_oauth_credentials()
            ))
        },
    );

    // Port 0 for a Docker server: the client leaves this check to the gateway. Only
    // in-process: the original gateway accepts it and deploys.
    if guard.embedded().is_some() {
        let name = "errors-port-zero";
        let docker = Source::docker("mcp/example").port(0);
        let added = client.mcp().add(name, docker, "examples").await;
        if added.is_ok() {
            // Accepted: the example must not leave it deployed.
            remove_if_there(client, name).await?;
        }
        if added.is_ok() && !support::everything_offered() {
            cases.skip(
                "BadRequest",
                "this gateway accepts a Docker server on port 0",
            );
        } else {
            cases.check("BadRequest", "a Docker server on port 0", added, |e| {
                e.api_error()
                    .and_then(|api| api.field())
                    .map(|f| format!("field: {f}"))
            });
        }
    } else {
        cases.skip(
            "BadRequest",
            "deploys on a gateway that accepts port 0; in-process only",
        );
    }

    // A route of the spec that this gateway may not have (the original gateway has none
    // of the identity routes); the facade has nothing to fall back on for it.
    match client.identities().list().await {
        Ok(_) => cases.skip("NotOffered", "this gateway offers the identity routes"),
        listed => cases.check("NotOffered", "the identity listing", listed, |e| match e {
            Error::NotOffered { operation, .. } => Some(format!("operation: {operation}")),
            _ => None,
        }),
    }

    // Server names are unique: take one that exists. Only in-process: where the name is
    // free after all, this deploys.
    let taken = match guard.embedded() {
        Some(_) => client.mcp().list().await?.items.into_iter().next(),
        None => None,
    };
    match taken {
        Some(server) => {
            let source = Source::stdio("true", Vec::<String>::new());
            let added = client.mcp().add(&server.name, source, "examples").await;
            if added.is_ok() {
                // Not a conflict after all: the example must not leave it deployed.
                client.mcp().remove(&server.name).await?;
            }
            let what = format!("adding a second server {:?}", server.name);
            cases.check("Conflict", &what, added, context);
        }
        None if guard.embedded().is_some() => {
            cases.skip("Conflict", "the gateway lists no server to collide with")
        }
        None => cases.skip(
            "Conflict",
            "deploys where the name is free; in-process only",
        ),
    }

    if guard.embedded().is_some() {
        let limited = rate_limited(cases).await;
        limited?;
    } else {
        cases.skip(
            "RateLimited",
            "needs a gateway with tiny quotas; this example starts one only in-process",
        );
    }

    heading("Calls that did not get an answer");

    // A server that accepts connections and never answers: a read that times out.
    let silent = silent_server().await?;
    let waiting = Connectors::builder()
        .base_url(format!("http://{silent}"))
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()?;
    let checked = waiting.health().check().await;
    cases.check(
        "Timeout",
        "a 200 ms timeout on a server that never answers",
        checked,
        |e| match e {
            Error::Timeout {
                attempts,
                deadline_exceeded,
                ..
            } => Some(format!(
                "attempts: {attempts}, deadline exceeded: {deadline_exceeded}, transient: {}",
                e.is_transient()
            )),
            _ => None,
        },
    );

    let has_math = offer
        .runs(client, "math.evaluate", json!({"expression": "1+1"}))
        .await?;
    if has_math {
        // A tool call that outlives its timeout may still run on the gateway: the client
        // does not say "timeout" (which invites a retry with a new key) but hands out the
        // key to re-send with.
        let impatient = client.with_options(
            RequestOptions::new()
                .timeout(Duration::from_millis(20))
                .max_retries(0),
        );
        let counted = impatient
            .tools()
            .invoke("math.count_primes", json!({"n": 50_000_000}))
            .await;
        cases.check(
            "OutcomeUnknown",
            "a 20 ms timeout on a long prime count",
            counted,
            |e| match e {
                Error::OutcomeUnknown {
                    idempotency_key,
                    keys_honoured,
                    attempts,
                    ..
                } => Some(format!(
                    "attempts: {attempts}, key {}, keys honoured: {}, transient: {}",
                    idempotency_key.as_deref().unwrap_or("?"),
                    keys_honoured.map_or("unknown".into(), |k| k.to_string()),
                    e.is_transient()
                )),
                _ => None,
            },
        );
    } else {
        cases.skip(
            "OutcomeUnknown",
            "the gateway does not run math.evaluate for us",
        );
    }

    // A port nobody listens on (bound, then released).
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        listener.local_addr()?
    };
    let nowhere = Connectors::builder()
        .base_url(format!("http://{closed}"))
        .max_retries(1)
        .build()?;
    let checked = nowhere.health().check().await;
    cases.check("Connection", "a closed local port", checked, |e| match e {
        Error::Connection { attempts, .. } => Some(format!(
            "attempts: {attempts}, transient: {}",
            e.is_transient()
        )),
        _ => None,
    });

    heading("Tools and deployments that fail");

    if has_math {
        let typed = client
            .tools()
            .call::<Evaluate>(&EvaluateInput {
                expression: "2*(3+".into(),
            })
            .await;
        cases.check(
            "ToolInvocation",
            "math.evaluate of \"2*(3+\"",
            typed,
            |e| match e {
                Error::ToolInvocation { tool_id, .. } => Some(format!("tool: {tool_id}")),
                _ => None,
            },
        );
    } else {
        cases.skip(
            "ToolInvocation",
            "the gateway does not run math.evaluate for us",
        );
    }

    // Only in-process: the original gateway crashes on a command that does not exist.
    if guard.embedded().is_some() {
        missing_command(client, cases).await?;
    } else {
        cases.skip(
            "Deployment",
            "deploys a missing command, which crashes the original gateway; in-process only",
        );
    }

    heading("Something that is not the gateway");

    // A web server that answers with HTML pages.
    let web = html_server().await?;
    // With a key: without one, the SDK would refuse the authenticated call before sending.
    let confused = Connectors::builder()
        .base_url(format!("http://{web}"))
        .api_key("example-key-for-a-server-that-is-not-the-gateway")
        .build()?;
    let checked = confused.health().check().await;
    cases.check("Decode", "a 200 HTML page for /health", checked, excerpt);
    let listed = confused.tools().list().await;
    cases.check(
        "UnexpectedResponse",
        "a 404 HTML page for the tool list",
        listed,
        excerpt,
    );
    Ok(())
}

/// Deploys a command that does not exist and waits for the deployment to fail; removes
/// whatever is left of it.
async fn missing_command(client: &Connectors, cases: &mut Cases) -> Result<(), BoxError> {
    let name = "missing-command";
    // A failed earlier run against the same gateway may have left the server behind.
    remove_if_there(client, name).await?;
    let source = Source::stdio("connectors-example-no-such-command", Vec::<String>::new());
    let deployment = client
        .mcp()
        .add(name, source, "examples")
        .await?
        .poll_interval(Duration::from_millis(200));
    let ready = deployment.wait_until_ready(Duration::from_secs(60)).await;
    // A failed deployment may or may not leave a server entry behind.
    remove_if_there(client, name).await?;
    cases.check(
        "Deployment",
        "deploying a command that does not exist",
        ready,
        |e| match e {
            Error::Deployment { last_logs, .. } => Some(format!(
                "last log line: {}",
                last_logs.last().map_or("(none)", String::as_str)
            )),
            _ => None,
        },
    );
    Ok(())
}

/// A second in-process gateway whose tenant may list tools once an hour.
async fn rate_limited(cases: &mut Cases) -> Result<(), BoxError> {
    let gateway = Gateway::builder()
        .config(GatewayConfig {
            builtins: Vec::new(),
            ..GatewayConfig::default()
        })
        .rate_limits(RateLimitConfig {
            window_seconds: 3600,
            list: 1,
            ..RateLimitConfig::default()
        })
        .spawn()
        .await?;
    let client = Connectors::builder()
        .base_url(gateway.url())
        .api_key(gateway.api_key())
        .tenant_id(gateway.tenant_id())
        .build()?;
    let first = client.tools().list().await;
    // The client sleeps through short waits; one longer than its `max_retry_after`
    // (60 s by default) comes back at once.
    let second = client.tools().list().await;
    gateway.shutdown().await;
    first?;
    cases.check(
        "RateLimited",
        "a second tool list within the hour",
        second,
        |e| match e {
            Error::RateLimited(api) => Some(format!(
                "retry after: {:?}, quota: {}",
                api.retry_after.unwrap_or_default(),
                api.limits
                    .as_ref()
                    .and_then(|l| l.scope.as_deref())
                    .unwrap_or("?")
            )),
            _ => None,
        },
    );
    Ok(())
}

/// Removes the custom server `name` if there is one.
async fn remove_if_there(client: &Connectors, name: &str) -> Result<(), Error> {
    match client.mcp().remove(name).await {
        Ok(_) | Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The configured key, handed to another client without printing it.
fn key_of(guard: &Guard) -> Vec<(String, String)> {
    match guard.embedded() {
        Some(gateway) => vec![(
            connectors::config::ENV_API_KEY.to_string(),
            gateway.api_key().to_string(),
        )],
        None => support::env_value(connectors::config::ENV_API_KEY)
            .map(|key| vec![(connectors::config::ENV_API_KEY.to_string(), key)])
            .unwrap_or_default(),
    }
}

/// Serves a small HTML page: 200 for `/health`, 404 for everything else.
/// A local server that accepts connections, reads the request and never answers.
async fn silent_server() -> std::io::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut sink = vec![0; 8192];
                while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    Ok(address)
}

async fn html_server() -> std::io::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0; 8192];
                let read = socket.read(&mut request).await.unwrap_or(0);
                let (status, body) = if request[..read].starts_with(b"GET /health ") {
                    (
                        "200 OK",
                        "<!doctype html><html><body>Welcome!</body></html>",
                    )
                } else {
                    (
                        "404 Not Found",
                        "<!doctype html><html><body>Not Found</body></html>",
                    )
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Ok(address)
}

/// Detail of `InvalidInput`: the argument at fault.
fn field(error: &Error) -> Option<String> {
    match error {
        Error::InvalidInput { field, .. } => Some(format!("field: {field}")),
        _ => None,
    }
}

/// Detail of API errors: what the gateway's `error.context` says.
fn context(error: &Error) -> Option<String> {
    let api = error.api_error()?;
    (!api.context.is_empty())
        .then(|| format!("context: {}", serde_json::Value::from(api.context.clone())))
}

/// Detail of responses that make no sense: their content type.
fn excerpt(error: &Error) -> Option<String> {
    match error {
        Error::Decode { content_type, .. } | Error::UnexpectedResponse { content_type, .. } => {
            Some(format!(
                "content type: {}",
                content_type.as_deref().unwrap_or("none")
            ))
        }
        _ => None,
    }
}

/// The outcomes so far.
#[derive(Default)]
struct Cases {
    ok: usize,
    skipped: usize,
    mismatched: Vec<String>,
}

impl Cases {
    /// Prints one line about `outcome`, which should be an error of kind `expected`;
    /// `detail` picks out what that kind carries.
    fn check<T>(
        &mut self,
        expected: &str,
        what: &str,
        outcome: Result<T, Error>,
        detail: impl Fn(&Error) -> Option<String>,
    ) {
        let error = match outcome {
            Ok(_) => {
                println!("MISMATCH {expected:<18} {what}: it succeeded");
                self.mismatched
                    .push(format!("{what}: succeeded, expected {expected}"));
                return;
            }
            Err(error) => error,
        };
        let got = error.kind();
        let mut line = format!("{what}: {error}");
        let mut ids = Vec::new();
        if let Some(status) = error.status() {
            ids.push(format!("status {}", status.as_u16()));
        }
        if let Some(code) = error.code() {
            ids.push(format!("code {code}"));
        }
        if let Some(id) = error.request_id() {
            ids.push(format!("request {id}"));
        }
        if !ids.is_empty() {
            line.push_str(&format!(" | {}", ids.join(", ")));
        }
        if let Some(detail) = detail(&error) {
            line.push_str(&format!(" | {detail}"));
        }
        // `expected` may name alternatives, `A|B`: gateways differ in how they refuse.
        if expected.split('|').any(|kind| kind == got) {
            self.ok += 1;
            println!("ok  {got:<18} {line}");
        } else {
            println!("MISMATCH {got:<18} (expected {expected}) {line}");
            self.mismatched
                .push(format!("{what}: {got}, expected {expected}"));
        }
    }

    fn skip(&mut self, expected: &str, why: &str) {
        self.skipped += 1;
        println!("--  {expected:<18} skipped: {why}");
    }
}
