//! Profiles: which gateway this one behaves as.
//!
//! [`Profile::Full`] serves every operation of `openapi.yaml` with the reference behaviour.
//! [`Profile::ConnectorsTs`] is a behaviour model of the original TypeScript gateway
//! (`raghavpatnecha/Connectors` at commit 752592b), built from its recorded exchanges
//! (`tests/fixtures/connectors-gateway/recorded.json`) and what was measured live against it.
//! It is the same gateway: the handlers are shared and consult the profile at the few
//! points where the two differ. Each such point is one method below, which says what the
//! original does; the route filter is [`Profile::serves_path`], applied when the router is
//! built.

use std::fmt;
use std::str::FromStr;

use connectors::operations::{OPERATIONS, Operation};
use serde::Deserialize;

use crate::config::ConfigError;

/// The behaviour a gateway models. Chosen with [`GatewayBuilder::profile`], the config
/// file's `"profile"` key or the `--profile` option of the binary.
///
/// [`GatewayBuilder::profile`]: crate::GatewayBuilder::profile
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Profile {
    /// Every operation of `openapi.yaml` (the original gateway's 18 and the 17 extensions),
    /// with the reference behaviour: `Idempotency-Key` replays, `pagination.total` is the
    /// size of the whole listing, unknown tools are 404 `TOOL_NOT_FOUND`, a malformed JSON
    /// body is a JSON 400 `INVALID_JSON`. Named `full`.
    #[default]
    Full,
    /// The original TypeScript gateway as measured: only its 18 routes (every other one is
    /// 404 `ROUTE_NOT_FOUND`), `Idempotency-Key` ignored, `pagination.total` the length of
    /// the page, an unreachable tool 401 `OAUTH_AUTHENTICATION_FAILED`, a malformed JSON body
    /// an HTML 500 page, `mcp/add` answering `deploying`, custom servers shared by all
    /// tenants. Built-in and configured MCP servers still run, so clients can be tested
    /// end to end against it. Named `connectors-ts`.
    ConnectorsTs,
}

/// The operations of the original gateway: those `openapi.yaml` does not mark as
/// extensions (`x-connectors-extension`), from the table generated from the spec.
fn original_operations() -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().filter(|op| !op.extension)
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 2] = [Profile::Full, Profile::ConnectorsTs];

    /// The name in the config file and on the command line: `full`, `connectors-ts`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::ConnectorsTs => "connectors-ts",
        }
    }

    /// Whether the gateway serves operation `method` `path`, the path being a template as
    /// `openapi.yaml` writes it (`/api/v1/mcp/custom/{name}`). An operation it does not
    /// serve answers 404 `ROUTE_NOT_FOUND`, as an unknown route does.
    pub fn serves(self, method: &str, path: &str) -> bool {
        match self {
            Profile::Full => true,
            Profile::ConnectorsTs => original_operations()
                .any(|op| op.method.eq_ignore_ascii_case(method) && op.path == path),
        }
    }

    /// Whether any operation on `path` (a template) is served. The router filters by path:
    /// every path of the API has either only served operations or none, and a method a
    /// served path lacks is answered by [`answers_method_not_allowed`](Self::answers_method_not_allowed).
    pub(crate) fn serves_path(self, path: &str) -> bool {
        match self {
            Profile::Full => true,
            Profile::ConnectorsTs => original_operations().any(|op| op.path == path),
        }
    }

    /// A known path with another method: 405 with `Allow`, or (Express, which has no 405)
    /// the same 404 `ROUTE_NOT_FOUND` as an unknown route.
    pub(crate) fn answers_method_not_allowed(self) -> bool {
        self == Profile::Full
    }

    /// The original's 404 handler is mounted on the app, so its message names the whole
    /// path (`Route GET /api/v1/mcp/servers not found`); the full profile's nested API router
    /// names the path below `/api/v1`.
    pub(crate) fn names_whole_path_in_route_not_found(self) -> bool {
        self == Profile::ConnectorsTs
    }

    /// `Idempotency-Key` replays the first response (full), or is ignored: measured, two
    /// invokes with one key both reach the tool and two adds make two deployments.
    pub(crate) fn honours_idempotency_keys(self) -> bool {
        self == Profile::Full
    }

    /// A body that is not JSON: a JSON 400 `INVALID_JSON` (full), or what the original
    /// answers (recorded): its `express.json()` parser fails before the envelope helpers
    /// exist, so Express answers 500 with its HTML error page, before authentication.
    pub(crate) fn rejects_malformed_json_with_400(self) -> bool {
        self == Profile::Full
    }

    /// An invocation of a tool the gateway cannot reach (unknown tool, or an integration it
    /// has no server for): 404 `TOOL_NOT_FOUND` (full), or 401 `OAUTH_AUTHENTICATION_FAILED`
    /// "Failed to retrieve OAuth credentials" (recorded: the original proxies every call
    /// through its OAuth proxy, which fails first, and it accepts a `toolId` whose server
    /// part differs from `integration`).
    pub(crate) fn reports_unknown_tools(self) -> bool {
        self == Profile::Full
    }

    /// `GET /tools/list` paging: validated `limit`/`offset` and `pagination.total` the size
    /// of the whole listing (full); or the original's (measured and in its source):
    /// `parseInt` of `limit` and `offset` (unreadable values become `NaN`, written as
    /// `null`), `Array.slice(offset, offset + limit)`, `total` the length of the page, and
    /// the `integration` and `search` filters ignored.
    pub(crate) fn pages_like_express(self) -> bool {
        self == Profile::ConnectorsTs
    }

    /// The status `mcp/add` answers with: the deployment's own (`pending`, full), or
    /// `deploying`, which the original always answers (recorded).
    pub(crate) fn adds_as_deploying(self) -> bool {
        self == Profile::ConnectorsTs
    }

    /// Custom servers belong to their tenant (full: another `tenantId` is a 403), or are
    /// shared: measured, `GET /mcp/custom?tenantId=<other>` answers 200 with the other
    /// tenant's servers, without `tenantId` it lists every tenant's, and any tenant can
    /// delete any tenant's server.
    pub(crate) fn isolates_custom_servers(self) -> bool {
        self == Profile::Full
    }

    /// Each `tools/call` names its tenant in the request `_meta` (full), so a server shared
    /// by all tenants, such as the built-in `notes`, keeps their data apart; or the call
    /// carries no tenant, as from the original gateway, whose servers see one caller.
    pub(crate) fn passes_tenant_to_servers(self) -> bool {
        self == Profile::Full
    }

    /// `GET /metrics` counts the asking tenant's requests only (full), or every request of
    /// the process, as the original's in-memory counters do.
    pub(crate) fn scopes_metrics_to_tenant(self) -> bool {
        self == Profile::Full
    }

    /// A missing OAuth configuration: 404 `OAUTH_CONFIG_NOT_FOUND` (full), or what the
    /// original answers (measured): its Vault lookup fails, giving 500
    /// `OAUTH_CONFIG_RETRIEVAL_ERROR` (read) or `OAUTH_CONFIG_DELETION_ERROR` (delete).
    pub(crate) fn reports_missing_oauth_configs(self) -> bool {
        self == Profile::Full
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = ConfigError;

    fn from_str(name: &str) -> Result<Profile, ConfigError> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
                ConfigError::new(format!(
                    "unknown profile '{name}' (expected {})",
                    names.join(" or ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// An operation the spec marks as an extension.
    fn is_extension(operation: &Value) -> bool {
        operation["x-connectors-extension"] == true
    }

    #[test]
    fn connectors_ts_serves_exactly_the_unmarked_operations_of_the_spec() {
        let spec: Value = serde_json::from_str(connectors::api::OPENAPI_JSON).unwrap();
        let mut real = Vec::new();
        let mut extensions = Vec::new();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let op = (method.to_uppercase(), path.clone());
                if is_extension(operation) {
                    extensions.push(op);
                } else {
                    real.push(op);
                }
            }
        }
        assert_eq!(real.len(), 18, "{real:?}");
        for (method, path) in &real {
            assert!(
                Profile::ConnectorsTs.serves(method, path),
                "{method} {path}"
            );
            assert!(Profile::ConnectorsTs.serves_path(path), "{path}");
        }
        for (method, path) in &extensions {
            assert!(
                !Profile::ConnectorsTs.serves(method, path),
                "{method} {path}"
            );
            // The router filters by path: an extension must not share a path with a real one.
            assert!(!Profile::ConnectorsTs.serves_path(path), "{path}");
            assert!(Profile::Full.serves(method, path));
        }
        assert_eq!(real.len() + extensions.len(), 35);
    }

    #[test]
    fn names_round_trip_through_from_str_display_and_serde() {
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse::<Profile>().unwrap(), profile);
            assert_eq!(profile.to_string(), profile.name());
            let json = format!("\"{}\"", profile.name());
            assert_eq!(serde_json::from_str::<Profile>(&json).unwrap(), profile);
        }
        assert_eq!(Profile::default(), Profile::Full);
        let error = "connectors".parse::<Profile>().unwrap_err().to_string();
        assert!(error.contains("full or connectors-ts"), "{error}");
    }
}
