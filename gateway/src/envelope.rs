//! The response envelope `{success, data, metadata}` and the per-request context
//! (request id, path) that fills its metadata.

use axum::Json;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use connectors::api::types;
use tracing::Instrument;

/// API version reported in every envelope's metadata.
pub(crate) const API_VERSION: &str = "1.0.0";

/// What every handler of one request may need to know about it.
#[derive(Debug, Clone)]
pub(crate) struct RequestCtx {
    /// `X-Request-Id` of the request, or a generated uuid v4.
    pub request_id: String,
    /// The request path, e.g. `/api/v1/tools/list`.
    pub path: String,
    /// The request method.
    pub method: String,
}

tokio::task_local! {
    static CTX: RequestCtx;
}

/// The context of the request being handled (a fresh one outside any request).
pub(crate) fn current() -> RequestCtx {
    CTX.try_with(Clone::clone).unwrap_or_else(|_| RequestCtx {
        request_id: new_request_id(),
        path: String::new(),
        method: String::new(),
    })
}

/// `future` with the context (and the tracing span) of the request being handled, for a
/// task spawned on its behalf: a task-local does not follow `tokio::spawn`, and without
/// it the task's envelopes would carry a made-up request id and no path.
pub(crate) fn in_request<F: std::future::Future>(
    future: F,
) -> impl std::future::Future<Output = F::Output> {
    CTX.scope(current(), future.instrument(tracing::Span::current()))
}

/// A fresh request id: a uuid v4 whose random bits come from a per-thread generator
/// seeded once from the system's, instead of a `getrandom` system call per request (the
/// uuid crate's default). A request id only has to be unique, not unpredictable.
fn new_request_id() -> String {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(seed());
    }
    fn seed() -> u64 {
        let bytes = *uuid::Uuid::new_v4().as_bytes();
        let (high, low) = bytes.split_at(8);
        let mut seed = [0u8; 8];
        for (i, byte) in seed.iter_mut().enumerate() {
            *byte = high[i] ^ low[i];
        }
        // SplitMix64 below tolerates any seed, zero included.
        u64::from_le_bytes(seed)
    }
    // SplitMix64: two outputs make the 128 random bits.
    let next = || {
        STATE.with(|state| {
            let mut z = state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            state.set(z);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        })
    };
    let bits = (u128::from(next()) << 64) | u128::from(next());
    uuid::Builder::from_random_bytes(bits.to_le_bytes())
        .into_uuid()
        .to_string()
}

/// Middleware: establishes the [`RequestCtx`] for everything that runs for this request.
pub(crate) async fn request_context(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 200)
        .map(str::to_string)
        .unwrap_or_else(new_request_id);
    let ctx = RequestCtx {
        request_id,
        path: request.uri().path().to_string(),
        method: request.method().to_string(),
    };
    let span = tracing::debug_span!("request", method = %ctx.method, path = %ctx.path, request_id = %ctx.request_id);
    let mut response = CTX.scope(ctx, next.run(request).instrument(span)).await;
    // Responses are JSON unless a handler said otherwise; say it like the real gateway.
    if let Some(value) = response.headers().get(axum::http::header::CONTENT_TYPE)
        && value.as_bytes() == b"application/json"
    {
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    response
}

/// Metadata of an envelope: timestamp, request id, API version.
pub(crate) fn metadata() -> types::ResponseMetadata {
    types::ResponseMetadata {
        timestamp: Some(Utc::now()),
        // Only the id: cloning the whole context (three strings) for it showed per call.
        request_id: Some(
            CTX.try_with(|ctx| ctx.request_id.clone())
                .unwrap_or_else(|_| new_request_id()),
        ),
        version: Some(API_VERSION.to_string()),
        path: None,
    }
}

/// Metadata of the auth layer's errors: timestamp and the route path only.
pub(crate) fn auth_metadata() -> types::ResponseMetadata {
    types::ResponseMetadata {
        timestamp: Some(Utc::now()),
        request_id: None,
        version: None,
        path: Some(route_path(&current().path)),
    }
}

/// The path as the real gateway's routers see it: relative to their mount point
/// (`/api/v1/mcp/add` -> `/add`, `/api/v1/tools/invoke` -> `/tools/invoke`).
pub(crate) fn route_path(path: &str) -> String {
    let relative = path
        .strip_prefix("/api/v1/mcp")
        .or_else(|| path.strip_prefix("/api/v1"))
        .unwrap_or(path);
    if relative.is_empty() {
        "/".to_string()
    } else {
        relative.to_string()
    }
}

/// A generated `*Response` envelope type and the payload it carries.
pub(crate) trait Envelope: Sized {
    /// The payload (`data`).
    type Data;
    /// Wraps `data` with `success: true` and the current metadata.
    fn wrap(data: Self::Data) -> Self;
}

/// Implements [`Envelope`] for each generated envelope type. The list is checked against
/// `openapi.yaml` (a unit test: every envelope schema of the spec, `{success, data:
/// {$ref}, metadata}`, is here with its `data` schema, and nothing else is); it cannot be
/// generated, since a trait impl needs the types by name at compile time and the generated
/// client is another crate.
macro_rules! envelopes {
    ($($response:ident => $data:ident),* $(,)?) => {
        $(
            impl Envelope for types::$response {
                type Data = types::$data;
                fn wrap(data: types::$data) -> Self {
                    types::$response { success: true, data, metadata: Some(metadata()) }
                }
            }
        )*
        /// The envelope schemas implemented above, with their `data` schema.
        #[cfg(test)]
        const ENVELOPES: &[(&str, &str)] = &[$((stringify!($response), stringify!($data))),*];
    };
}

envelopes! {
    ServiceInfoResponse => ServiceInfo,
    HealthResponse => Health,
    DetailedHealthResponse => DetailedHealth,
    ReadinessResponse => Readiness,
    MetricsResponse => MetricsPayload,
    SelectToolsResponse => SelectToolsResult,
    ListToolsResponse => ToolPage,
    GetToolResponse => ToolSelection,
    RelatedToolsResponse => RelatedTools,
    ListCategoriesResponse => CategoryList,
    InvokeToolResponse => InvokeToolResult,
    BatchInvokeResponse => BatchInvokeResult,
    AddMcpServerResponse => DeploymentAccepted,
    ListCustomServersResponse => CustomServerList,
    RemoveCustomServerResponse => RemovedServer,
    McpHealthResponse => McpServiceHealth,
    ListServersResponse => ServerPage,
    GetServerResponse => McpServer,
    ListServerToolsResponse => ServerTools,
    ServerHealthResponse => ServerHealth,
    ListDeploymentsResponse => DeploymentPage,
    GetDeploymentResponse => Deployment,
    DeploymentLogsResponse => DeploymentLogs,
    OAuthConfigChangeResponse => OAuthConfigChange,
    GetOAuthConfigResponse => OAuthConfigView,
    OAuthServiceHealthResponse => OAuthServiceHealth,
    ListTenantIntegrationsResponse => TenantIntegrations,
    IdentityResponse => Identity,
    ListIdentitiesResponse => IdentityPage,
    DeleteIdentityResponse => DeletedIdentity,
}

/// A success envelope of type `E` around `data`, as JSON.
pub(crate) fn ok<E: Envelope>(data: E::Data) -> Json<E> {
    Json(E::wrap(data))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;

    /// The schema a `$ref` names (`#/components/schemas/ToolPage` -> `ToolPage`).
    fn referenced(schema: &Value) -> Option<&str> {
        schema["$ref"]
            .as_str()?
            .strip_prefix("#/components/schemas/")
    }

    #[test]
    fn every_envelope_schema_of_the_spec_has_an_envelope_impl() {
        let spec: Value = serde_json::from_str(connectors::api::OPENAPI_JSON).unwrap();
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let in_spec: BTreeSet<(&str, &str)> = schemas
            .iter()
            .filter_map(|(name, schema)| {
                let properties = schema["properties"].as_object()?;
                let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
                (keys == BTreeSet::from(["success", "data", "metadata"]))
                    .then(|| Some((name.as_str(), referenced(&properties["data"])?)))?
            })
            .collect();
        let here: BTreeSet<(&str, &str)> = ENVELOPES.iter().copied().collect();
        assert_eq!(here, in_spec);

        // And every JSON success of an operation is one of them (or a bare body the spec
        // names, such as the health check's).
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(responses) = operation["responses"].as_object() else {
                    continue;
                };
                for (status, response) in responses {
                    let schema = &response["content"]["application/json"]["schema"];
                    let (true, Some(name)) = (status.starts_with('2'), referenced(schema)) else {
                        continue;
                    };
                    assert!(
                        here.iter().any(|(envelope, _)| *envelope == name),
                        "{method} {path} answers {status} with {name}, which has no Envelope impl"
                    );
                }
            }
        }
    }
}
