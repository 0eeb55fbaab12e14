//! `connectors mcp serve` says what is wrong instead of starting silently broken:
//!
//! * [`check_gateway`] tries the gateway and the key at start (health, then one cheap
//!   authenticated call): an unreachable gateway, a refused key or a missing setting is
//!   one line on stderr ([`GatewayStatus::report`]), a note in the server's instructions
//!   ([`GatewayStatus::instructions_note`]) and a sentence in each tool call's error result
//!   while it lasts ([`GatewayStatus::call_error`], kept current by [`GatewayWatch`]).
//! * Static mode serves the tools it finds: [`warn_missing`] names the others, and
//!   [`warn_empty_selection`] says when `--select` selected nothing.
//!
//! A tool's own error result is scrubbed by the SDK (`ToolResult::scrubbed`).

use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use connectors::{Connectors, Error, RequestOptions};

use crate::exit::describe;

/// How long the start-up check may take in all (one retry).
const CHECK_DEADLINE: Duration = Duration::from_secs(10);

/// What is wrong with the gateway or the settings, most fundamental first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayProblem {
    /// No connection (refused, timed out, no such host).
    Unreachable {
        /// The SDK's message (no secrets).
        detail: String,
    },
    /// The gateway refused the API key (401) or the tenant (403).
    KeyRefused {
        /// The SDK's message.
        detail: String,
    },
    /// A setting is missing or invalid (`CONNECTORS_API_KEY`, `CONNECTORS_TENANT_ID`):
    /// the SDK's [`Error::Config`], which names it.
    Setting {
        /// The variable (or the flag's builder setting) as the SDK names it.
        setting: String,
        /// The message, naming the variable and the flag.
        detail: String,
    },
    /// The gateway answers, but not as a working one (a 5xx, a 503 not ready).
    Failing {
        /// The SDK's message.
        detail: String,
    },
}

/// The outcome of [`check_gateway`], kept current by [`GatewayWatch`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayStatus {
    base_url: String,
    problem: Option<GatewayProblem>,
}

impl GatewayStatus {
    /// Nothing wrong (as far as known) with the gateway at `base_url`.
    pub fn ok(base_url: impl Into<String>) -> GatewayStatus {
        GatewayStatus {
            base_url: base_url.into(),
            problem: None,
        }
    }

    /// The status an error of a call reveals: `None` for errors that say nothing about
    /// the gateway or the key (a tool's own error, an unknown tool, a bad argument).
    pub fn from_error(base_url: impl Into<String>, error: &Error) -> Option<GatewayStatus> {
        let problem = match error {
            Error::Connection { .. } | Error::Timeout { .. } => GatewayProblem::Unreachable {
                detail: error.to_string(),
            },
            Error::Authentication(_) | Error::PermissionDenied(_) => GatewayProblem::KeyRefused {
                detail: error.to_string(),
            },
            Error::Config { setting, .. } => GatewayProblem::Setting {
                setting: setting.clone(),
                detail: describe(error),
            },
            Error::Server(_) | Error::ServiceUnavailable(_) => GatewayProblem::Failing {
                detail: error.to_string(),
            },
            // A call that was sent and then timed out reached the gateway: the call was
            // slow (a long tool), which says nothing of the gateway being down.
            Error::OutcomeUnknown { source, .. } if matches!(**source, Error::Timeout { .. }) => {
                return None;
            }
            Error::ToolSelection { source, .. } | Error::OutcomeUnknown { source, .. } => {
                return GatewayStatus::from_error(base_url, source);
            }
            // `connectors::Error` is `#[non_exhaustive]` and of another crate, so a
            // wildcard is required: a new kind says nothing of the gateway until added.
            _ => return None,
        };
        Some(GatewayStatus {
            base_url: base_url.into(),
            problem: Some(problem),
        })
    }

    /// The problem, if any (the tests read it).
    #[cfg(test)]
    pub fn problem(&self) -> Option<&GatewayProblem> {
        self.problem.as_ref()
    }

    /// Whether nothing is known to be wrong (the tests ask).
    #[cfg(test)]
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }

    /// The one line for stderr (without the `connectors: ` prefix), if anything is wrong.
    pub fn summary(&self) -> Option<String> {
        let url = &self.base_url;
        Some(match self.problem.as_ref()? {
            GatewayProblem::Unreachable { detail } => format!(
                "warning: the gateway at {url} is unreachable ({detail}); serving anyway, but no tool can be listed or called until it answers (check --base-url or CONNECTORS_BASE_URL)"
            ),
            GatewayProblem::KeyRefused { detail } => format!(
                "warning: the gateway at {url} refused the API key ({detail}); serving anyway, but no tool can be listed or called until CONNECTORS_API_KEY (or --api-key) and CONNECTORS_TENANT_ID (or --tenant) are right"
            ),
            GatewayProblem::Setting { detail, .. } => {
                format!("warning: {detail}; serving anyway, but tool calls fail until it is set")
            }
            GatewayProblem::Failing { detail } => format!(
                "warning: the gateway at {url} is not working ({detail}); serving anyway, tool calls may fail"
            ),
        })
    }

    /// Says [`GatewayStatus::summary`] on stderr; nothing when all is well.
    pub fn report(&self) {
        if let Some(line) = self.summary() {
            eprintln!("connectors: {line}");
        }
    }

    /// A sentence for the MCP server's instructions, if anything is wrong: what the
    /// model should tell the user. No URL, key or SDK detail: the host may show it
    /// anywhere.
    pub fn instructions_note(&self) -> Option<String> {
        let what = self.host_text()?;
        Some(format!(
            "Note: when this server started, {what} Until that is fixed, its tools cannot be listed or called; tell the user, who can see the details on the server's stderr (the host's MCP log)."
        ))
    }

    /// A sentence for a tool call's error result while the problem lasts.
    pub fn call_error(&self) -> Option<String> {
        let what = self.host_text()?;
        Some(format!(
            "The Connectors bridge's check of its gateway: {what} Tell the user; the server's stderr (the host's MCP log) has the details."
        ))
    }

    /// What is wrong, in words for the host.
    fn host_text(&self) -> Option<String> {
        Some(match self.problem.as_ref()? {
            GatewayProblem::Unreachable { .. } => {
                "the Connectors gateway could not be reached (is it running, and is CONNECTORS_BASE_URL right?).".to_string()
            }
            GatewayProblem::KeyRefused { .. } => {
                "the Connectors gateway refused the API key (check CONNECTORS_API_KEY and CONNECTORS_TENANT_ID in the host's configuration of this server).".to_string()
            }
            GatewayProblem::Setting { setting, .. } => {
                let variable = match setting.as_str() {
                    "api_key" => "CONNECTORS_API_KEY",
                    "tenant_id" => "CONNECTORS_TENANT_ID",
                    "base_url" => "CONNECTORS_BASE_URL",
                    other => other,
                };
                format!(
                    "the setting {variable} was missing or invalid (set it in the host's configuration of this server)."
                )
            }
            GatewayProblem::Failing { .. } => {
                "the Connectors gateway answered with a failure (it may still be starting).".to_string()
            }
        })
    }
}

/// Checks the gateway and the settings: the gateway's health (unauthenticated), then one
/// cheap authenticated call (the tool categories), with one retry and at most 10 seconds
/// in all. A gateway without the categories route counts as good (the key is then
/// checked by the first real call); a missing tenant id is reported too, as tool calls
/// need it.
pub async fn check_gateway(client: &Connectors) -> GatewayStatus {
    let base_url = client.config().base_url().to_string();
    let quick = client.with_options(
        RequestOptions::new()
            .max_retries(1)
            .deadline(CHECK_DEADLINE),
    );
    let health = quick.health().check().await;
    if let Err(e @ (Error::Connection { .. } | Error::Timeout { .. })) = &health {
        return GatewayStatus::from_error(&base_url, e)
            .unwrap_or_else(|| GatewayStatus::ok(&base_url));
    }
    match quick.tools().categories().await {
        Ok(_) | Err(Error::NotOffered { .. }) => {}
        Err(e) => {
            return GatewayStatus::from_error(&base_url, &e).unwrap_or(GatewayStatus {
                problem: Some(GatewayProblem::Failing {
                    detail: e.to_string(),
                }),
                base_url,
            });
        }
    }
    if let Err(e) = &health
        && let Some(status) = GatewayStatus::from_error(&base_url, e)
    {
        return status;
    }
    if client.config().tenant_id().is_none() {
        let missing = Error::Config {
            setting: connectors::config::ENV_TENANT_ID.to_string(),
            message: "invoking tools needs the tenant id of the API key, and none is set (the reference gateway prints it at start)".to_string(),
        };
        return GatewayStatus::from_error(&base_url, &missing).unwrap_or_default();
    }
    GatewayStatus::ok(base_url)
}

/// The gateway's status while the bridge serves: set at start, updated by the calls.
/// Cheap to clone (one shared status).
#[derive(Debug, Clone, Default)]
pub struct GatewayWatch(Arc<RwLock<GatewayStatus>>);

impl GatewayWatch {
    /// A watch starting at `status` (the bridge uses the process-wide [`gateway_watch`]).
    #[cfg(test)]
    pub fn new(status: GatewayStatus) -> GatewayWatch {
        GatewayWatch(Arc::new(RwLock::new(status)))
    }

    /// The status now.
    pub fn status(&self) -> GatewayStatus {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the status.
    pub fn set(&self, status: GatewayStatus) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = status;
    }

    /// Learns from a call's outcome: [`GatewayWatch::observe_ok`] or
    /// [`GatewayWatch::observe_error`].
    pub fn observe<T>(&self, outcome: &Result<T, Error>) {
        match outcome {
            Ok(_) => self.observe_ok(),
            Err(e) => self.observe_error(e),
        }
    }

    /// A call got through: a problem of the gateway or the key is gone (the gateway
    /// answered an authenticated call), not a missing setting (the settings do not change
    /// while the bridge runs, and a selection succeeds without the tenant id that
    /// invocations need). Says on stderr when a problem clears.
    pub fn observe_ok(&self) {
        let mut status = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if status
            .problem
            .as_ref()
            .is_some_and(|p| !matches!(p, GatewayProblem::Setting { .. }))
        {
            status.problem = None;
            eprintln!("connectors: the gateway answers again; the problem reported before is gone");
        }
    }

    /// A call failed: an error that reveals a problem of the gateway, the key or a
    /// setting ([`reveals_problem`]) becomes the status, said on stderr when it is new;
    /// other errors (a tool's failure, an unknown tool, a bad argument) change nothing.
    pub fn observe_error(&self, error: &Error) {
        let mut status = self.0.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = GatewayStatus::from_error(status.base_url.clone(), error)
            && found.problem != status.problem
        {
            found.report();
            *status = found;
        }
    }

    /// [`GatewayStatus::call_error`] of the status now.
    pub fn call_error(&self) -> Option<String> {
        self.status().call_error()
    }

    /// [`GatewayStatus::instructions_note`] of the status now.
    pub fn instructions_note(&self) -> Option<String> {
        self.status().instructions_note()
    }
}

/// Whether `error` reveals a problem of the gateway, the key or a setting (rather than
/// of the call: a tool's failure, an unknown tool, a bad argument). Static mode serves an
/// empty list on such an error at start, instead of exiting.
pub fn reveals_problem(error: &Error) -> bool {
    GatewayStatus::from_error("", error).is_some()
}

/// The process's watch: `mcp serve` sets it at start (main.rs), the bridge reads and
/// updates it.
pub fn gateway_watch() -> &'static GatewayWatch {
    static WATCH: OnceLock<GatewayWatch> = OnceLock::new();
    WATCH.get_or_init(GatewayWatch::default)
}

/// Says on stderr that static mode serves without these tool ids (the gateway does not
/// know them); nothing when `ids` is empty.
pub fn warn_missing(ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    eprintln!(
        "connectors: warning: the gateway has no tool {}; serving the others (`connectors tools list` lists the ids)",
        ids.join(", ")
    );
}

/// The ids of `requested` that are not among `found` (in the order requested, once each).
pub fn missing_ids<'a>(
    requested: &[String],
    found: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let found: std::collections::HashSet<&str> = found.into_iter().collect();
    let mut missing: Vec<String> = Vec::new();
    for id in requested {
        if !found.contains(id.as_str()) && !missing.contains(id) {
            missing.push(id.clone());
        }
    }
    missing
}

/// Says on stderr that `--select QUERY` selected no tool, so the host sees an empty list.
pub fn warn_empty_selection(query: &str) {
    eprintln!(
        "connectors: warning: --select {query:?} selected no tools, so the host sees none; try the query with `connectors tools select`, or name the tools with --tools"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    use connectors_gateway::Gateway;
    use serde_json::json;

    fn client(url: &str, key: Option<&str>, tenant: Option<&str>) -> Connectors {
        let mut builder = Connectors::builder().base_url(url).max_retries(0);
        if let Some(key) = key {
            builder = builder.api_key(key.to_string());
        }
        if let Some(tenant) = tenant {
            builder = builder.tenant_id(tenant);
        }
        builder.build().unwrap()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_start_up_check_names_each_problem() {
        let gw = Gateway::builder().spawn().await.unwrap();
        let url = gw.url().to_string();
        let good = check_gateway(&client(&url, Some(gw.api_key()), Some(gw.tenant_id()))).await;
        assert!(good.is_ok(), "{good:?}");
        assert_eq!(good.summary(), None);
        assert_eq!(good.instructions_note(), None);
        assert_eq!(good.call_error(), None);

        let wrong_key = "wrong-key-0123456789abcdef0123456789abcdef";
        let refused = check_gateway(&client(&url, Some(wrong_key), Some(gw.tenant_id()))).await;
        assert!(
            matches!(refused.problem(), Some(GatewayProblem::KeyRefused { .. })),
            "{refused:?}"
        );
        let line = refused.summary().unwrap();
        assert!(
            line.contains("refused the API key") && line.contains(&url),
            "{line}"
        );
        for text in [
            line,
            refused.instructions_note().unwrap(),
            refused.call_error().unwrap(),
        ] {
            assert!(!text.contains(wrong_key), "{text}");
        }
        assert!(
            refused
                .instructions_note()
                .unwrap()
                .contains("CONNECTORS_API_KEY")
        );

        let no_key = check_gateway(&client(&url, None, Some(gw.tenant_id()))).await;
        match no_key.problem() {
            Some(GatewayProblem::Setting { setting, detail }) => {
                assert_eq!(setting, "CONNECTORS_API_KEY");
                assert!(
                    detail.contains("CONNECTORS_API_KEY (or --api-key)"),
                    "{detail}"
                );
            }
            other => panic!("{other:?}"),
        }
        let no_tenant = check_gateway(&client(&url, Some(gw.api_key()), None)).await;
        match no_tenant.problem() {
            Some(GatewayProblem::Setting { setting, detail }) => {
                assert_eq!(setting, "CONNECTORS_TENANT_ID");
                assert!(detail.contains("--tenant"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        gw.shutdown().await;

        // A port nobody listens on.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let down = check_gateway(&client(
            &format!("http://{closed}"),
            Some(wrong_key),
            Some("t"),
        ))
        .await;
        assert!(
            matches!(down.problem(), Some(GatewayProblem::Unreachable { .. })),
            "{down:?}"
        );
        assert!(down.summary().unwrap().contains("unreachable"));
        assert!(down.call_error().unwrap().contains("could not be reached"));
    }

    #[test]
    fn the_watch_follows_the_calls() {
        let watch = GatewayWatch::new(GatewayStatus::ok("http://gw"));
        let missing: Result<(), Error> = Err(Error::Config {
            setting: "CONNECTORS_TENANT_ID".into(),
            message: "none is set".into(),
        });
        watch.observe(&missing);
        assert!(watch.call_error().unwrap().contains("CONNECTORS_TENANT_ID"));
        assert!(watch.instructions_note().is_some());
        // A missing setting stays missing, whatever succeeds meanwhile.
        watch.observe(&Ok::<(), Error>(()));
        assert!(watch.call_error().is_some());
        watch.observe(&unreachable_error());
        assert!(watch.call_error().unwrap().contains("could not be reached"));
        // An error about the call itself changes nothing.
        let invalid: Result<(), Error> = Err(Error::InvalidInput {
            field: "x".into(),
            message: "y".into(),
        });
        watch.observe(&invalid);
        assert!(watch.call_error().is_some());
        watch.observe(&Ok::<(), Error>(()));
        assert_eq!(watch.call_error(), None);
    }

    /// A real connection error: a port nobody listens on.
    fn unreachable_error() -> Result<(), Error> {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let client = client(&format!("http://{closed}"), None, None);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(client.health().check()).map(|_| ())
    }

    #[test]
    fn missing_ids_keep_the_order_asked() {
        let asked: Vec<String> = ["a.x", "b.y", "a.x", "c.z"].map(String::from).to_vec();
        assert_eq!(missing_ids(&asked, ["b.y"]), ["a.x", "c.z"]);
        assert!(missing_ids(&asked, ["a.x", "b.y", "c.z"]).is_empty());
    }

    /// A tool error that quotes the arguments, through the real SDK and gateway: the math
    /// server's error repeats the expression it was given.
    #[tokio::test(flavor = "multi_thread")]
    async fn tool_errors_lose_the_argument_values() {
        let gw = Gateway::builder().spawn().await.unwrap();
        let client = client(gw.url(), Some(gw.api_key()), Some(gw.tenant_id()));
        let secret = "1/0 + 424242";
        let result = client
            .tools()
            .invoke("math.evaluate", json!({"expression": secret}))
            .await
            .unwrap();
        assert!(result.is_error(), "{result:?}");
        assert!(
            result.result.to_string().contains(secret),
            "the tool quotes it: {result:?}"
        );
        let scrubbed = result.scrubbed();
        let text = scrubbed.result.to_string();
        assert!(!text.contains(secret), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        assert_eq!(scrubbed.result["isError"], true);
        assert_eq!(scrubbed.result["content"][0]["type"], "text");

        // A success is the caller's data: left as it is.
        let ok = client
            .tools()
            .invoke("text.word_count", json!({"text": "four words right here"}))
            .await
            .unwrap();
        assert_eq!(ok.scrubbed(), ok);
        gw.shutdown().await;
    }
}
