//! Profiles: which gateway this one behaves as.
//!
//! [`Profile::Full`] serves every operation of `openapi.yaml` with the reference behaviour.
//! [`Profile::ConnectorsTs`] is a behaviour model of the original TypeScript gateway
//! (`raghavpatnecha/Connectors` at commit 752592b), built from its recorded exchanges
//! (`tests/fixtures/connectors-gateway/recorded.json`) and what was measured live against it.
//! It is the same gateway: the handlers are shared and consult the profile at the few
//! points where the two differ. Each such point is one method below, which says what the
//! original does; the route filter is [`Profile::serves`], applied to each operation of
//! the generated table when the router is built.

use std::fmt;
use std::str::FromStr;

use connectors::operations::{OPERATIONS, Operation};
use serde::Deserialize;

use crate::config_error::ConfigError;

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
    /// an HTML 500 page, `mcp/add` answering `deploying`, custom servers and deployments
    /// shared by all tenants, an empty tool catalog, and invocations that need stored OAuth
    /// credentials. Built-in and configured MCP servers still run: the config's
    /// `connectorsTs` section ([`ConnectorsTsConfig`]) puts their tools in the catalog and
    /// stores credentials, so clients can be tested end to end against it. Named
    /// `connectors-ts`.
    ///
    /// [`ConnectorsTsConfig`]: crate::ConnectorsTsConfig
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

    /// Whether any operation on `path` (a template) is served: the router's filter for the
    /// one route the spec does not describe (`/api/v1/docs`). Every path of the API has
    /// either only served operations or none, and a method a served path lacks is answered
    /// by [`answers_method_not_allowed`](Self::answers_method_not_allowed).
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

    /// Which servers' tools make up the catalog (`tools/list`, `tools/select`,
    /// `categories`): every server's (full), or only those of the servers named in
    /// `connectorsTs.catalog`, none by default. The original's catalog is empty at 752592b
    /// (recorded and measured: its call that indexes the tools is commented out, so
    /// `tools/list` is empty and selection finds nothing), while its servers still run.
    pub(crate) fn catalogs_every_server(self) -> bool {
        self == Profile::Full
    }

    /// Whether an invocation needs stored OAuth credentials for its tenant and
    /// `integration`. The original sends every call through its OAuth proxy, which first
    /// reads the credentials from Vault: without them the call is 401
    /// `OAUTH_AUTHENTICATION_FAILED` "MCP request failed: Failed to retrieve OAuth
    /// credentials" (recorded), whatever the tool, built-in or deployed through `mcp/add`
    /// (measured). None of its routes stores such credentials (its `oauth-config` routes
    /// store a client configuration, at another Vault path), so the model takes them from
    /// `connectorsTs.oauthCredentials`.
    pub(crate) fn invokes_with_stored_credentials_only(self) -> bool {
        self == Profile::ConnectorsTs
    }

    /// Whether readiness and selection depend on the original's selection (FAISS) indices,
    /// which `connectorsTs.selectionIndices` says are loaded or not. Loaded (the default,
    /// as recorded), `/ready` is 200 and selection answers from the catalog. Not loaded
    /// (measured live): `/ready` is 503 `SERVICE_NOT_READY`, and a selection that has to
    /// search them (no `allowedCategories`, or a batch item without a `category` known
    /// field) is 500 `TOOL_SELECTION_FAILED` "Failed to select tools"; one limited to
    /// categories of no catalogued tool answers 200 with nothing, before any search.
    pub(crate) fn depends_on_selection_indices(self) -> bool {
        self == Profile::ConnectorsTs
    }

    /// `/ready`'s checks name the server registry besides `semanticRouter` and `oauthProxy`
    /// (full), or only those two, as the original's (recorded).
    pub(crate) fn reports_registry_readiness(self) -> bool {
        self == Profile::Full
    }

    /// Another tenant's deployment (`GET /mcp/deployments/{id}`) answers as an unknown id,
    /// 404 `DEPLOYMENT_NOT_FOUND` (full), or 200 with the deployment: measured, the
    /// original looks a deployment up by id alone, so any tenant reads any deployment.
    pub(crate) fn isolates_deployments(self) -> bool {
        self == Profile::Full
    }

    /// `mcp/add` of a name that is taken: 409 `SERVER_ALREADY_EXISTS` as soon as a server
    /// of that name exists, deploying or not (full); or only once a custom server of that
    /// name has run (measured: the original records a custom server when its deployment
    /// reaches `running`, and checks names against those records, of every tenant). A
    /// duplicate while the first still deploys is 202 and both deployments run; the later
    /// to start serves the name, the earlier keeps running unreachable, as in the original.
    pub(crate) fn refuses_names_still_deploying(self) -> bool {
        self == Profile::Full
    }

    /// Removing a custom server (`DELETE /mcp/custom/{name}`) marks its finished
    /// deployments `stopped` (full), or leaves them as they were: measured, the removed
    /// server's deployment stays `running` in the original, whose removal forgets the
    /// server record only.
    pub(crate) fn stops_deployments_of_removed_servers(self) -> bool {
        self == Profile::Full
    }

    /// A Docker source's `port` of 0: 400 `VALIDATION_ERROR` (full), or accepted with 202
    /// (measured: the original checks only that a Docker source names an image).
    pub(crate) fn checks_docker_ports(self) -> bool {
        self == Profile::Full
    }

    /// A source the deployer does not know: 400 `VALIDATION_ERROR` naming the field (full),
    /// or 500 `DEPLOYMENT_FAILED` with the deployer's message, `Unknown source type: <type>`
    /// (measured), or for a known type without its required field `STDIO command is
    /// required`, `HTTP URL is required`, `GitHub URL is required`, `Docker image is
    /// required` (its source): the original's deployer throws, and `mcp/add` answers any
    /// exception but a name conflict with 500.
    pub(crate) fn rejects_unknown_sources_with_400(self) -> bool {
        self == Profile::Full
    }

    /// Validation errors of a batch selection's `queries` (empty, more than 10): message
    /// and `context.field` as meant (full), or swapped, as the original throws them
    /// (measured): message `queries`, field `Queries array cannot be empty` or `Maximum 10
    /// queries allowed in batch mode`.
    pub(crate) fn swaps_batch_validation_fields(self) -> bool {
        self == Profile::ConnectorsTs
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
        // Counted from the generated table, which the gateway's routes come from.
        let original = OPERATIONS.iter().filter(|op| !op.extension).count();
        assert_eq!(real.len(), original, "{real:?}");
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
        assert_eq!(real.len() + extensions.len(), OPERATIONS.len());
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
