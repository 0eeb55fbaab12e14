//! `mcp/add`, custom servers, and the server listing, tools and health routes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use connectors::api::{DeploymentStatus, HealthState, ServerStatus, types};
use serde_json::Value;

use crate::auth::Tenant;
use crate::config::is_server_name;
use crate::deployments::estimated_time;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::{ApiPath, JsonBody, QueryParams};
use crate::paging::{page, paginate};
use crate::registry::{Server, ServerKind};
use crate::schema_check::decode;
use crate::state::AppState;

fn missing(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "MISSING_FIELD", message)
}

pub(crate) async fn add(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<types::AddMcpServerResponse>)> {
    let absent = |field: &str| matches!(body.get(field), None | Some(Value::Null));
    if absent("name") {
        return Err(missing("Server name is required"));
    }
    if absent("source") {
        // The original's wording (its route's own checks).
        return Err(missing("Source configuration is required"));
    }
    if absent("category") {
        return Err(missing("Category is required"));
    }
    if let Some(Value::String(requested)) = body.get("tenantId") {
        tenant.check(Some(requested))?;
    }
    if !state.config.profile.rejects_unknown_sources_with_400()
        && let Some(Value::Object(source)) = body.get("source")
        && let Some(message) = deployer_refusal(source)
    {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "DEPLOYMENT_FAILED",
            message,
        ));
    }
    let request: types::AddMcpServerRequest = decode(Value::Object(body), "AddMcpServerRequest")?;
    let name = request.name.to_string();
    if !is_server_name(&name) {
        return Err(ApiError::validation(
            "name",
            "name must match ^[a-z0-9-]+$ and have at most 64 characters (it becomes the integration of its tool ids)",
        ));
    }
    match &request.source {
        types::McpSource::Docker { port: Some(0), .. }
            if state.config.profile.checks_docker_ports() =>
        {
            return Err(ApiError::validation(
                "source.port",
                "source.port must be between 1 and 65535",
            ));
        }
        types::McpSource::Github {
            auth: Some(auth), ..
        } if auth.token.expose().is_empty() => {
            return Err(ApiError::validation(
                "source.auth.token",
                "source.auth.token must not be empty",
            ));
        }
        _ => {}
    }
    // Looked up as the caller sees names: on the full profile another tenant's server of
    // this name is in another scope, so it neither clashes nor shows.
    let taken = match state.registry.lookup(&tenant.0, &name) {
        None => false,
        Some(_) if state.config.profile.refuses_names_still_deploying() => true,
        // The original knows a custom server once its deployment ran; a platform server
        // keeps its name here (the original has none).
        Some(server) => server.kind == ServerKind::Platform || server.has_run(),
    };
    if taken {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "SERVER_ALREADY_EXISTS",
            format!("MCP server with name '{name}' already exists"),
        ));
    }
    let deployment = state.deployments.create(&name, &tenant.0, &request.source);
    let status = if state.config.profile.adds_as_deploying() {
        DeploymentStatus::Deploying
    } else {
        deployment.status()
    };
    let accepted = types::DeploymentAccepted {
        deployment_id: deployment.id.clone(),
        status,
        estimated_time: Some(estimated_time(&request.source).to_string()),
        message: Some(format!("MCP server '{name}' deployment initiated")),
    };
    tracing::info!(tenant = %tenant.0, server = %name, deployment = %deployment.id, "deployment accepted");
    tokio::spawn(state.deployer().run(deployment, request));
    Ok((StatusCode::ACCEPTED, ok(accepted)))
}

/// What the original's deployer throws for a source it cannot take (its
/// `_validateAddRequest`), which `mcp/add` answers with 500 `DEPLOYMENT_FAILED`: an unknown
/// `type`, or a known one without its required field. `None` for a source it takes.
fn deployer_refusal(source: &serde_json::Map<String, Value>) -> Option<String> {
    // JavaScript's truthiness, which its checks use.
    let present = |field: &str| match source.get(field) {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(_) => true,
    };
    let (required, message) = match source.get("type").and_then(Value::as_str) {
        Some("github") => ("url", "GitHub URL is required"),
        Some("stdio") => ("command", "STDIO command is required"),
        Some("http") => ("url", "HTTP URL is required"),
        Some("docker") => ("image", "Docker image is required"),
        _ => {
            // `${type}` of JavaScript.
            let shown = match source.get("type") {
                None => "undefined".to_string(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Object(_)) => "[object Object]".to_string(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                Some(other) => other.to_string(),
            };
            return Some(format!("Unknown source type: {shown}"));
        }
    };
    (!present(required)).then(|| message.to_string())
}

pub(crate) async fn list_custom(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Json<types::ListCustomServersResponse>> {
    let requested = query.get("tenantId").map(str::to_string);
    let listed = if state.config.profile.isolates_custom_servers() {
        tenant.check(requested.as_deref())?;
        state.registry.visible(&tenant.0)
    } else {
        // Every tenant's servers, or those of the tenant asked for, whoever asks.
        state
            .registry
            .all()
            .into_iter()
            .filter(|s| requested.is_none() || s.tenant == requested)
            .collect()
    };
    let servers: Vec<types::CustomServer> = listed
        .iter()
        .filter(|s| s.kind == ServerKind::Custom)
        .map(|s| {
            let snapshot = s.snapshot();
            types::CustomServer {
                name: s.name.clone(),
                category: Some(s.category.clone()),
                tool_count: Some(snapshot.tools.len() as u64),
                status: snapshot.status,
                source: Some(s.endpoint.describe()),
                deployed_at: Some(s.deployed_at),
                tenant_id: s.tenant.clone(),
            }
        })
        .collect();
    Ok(ok(types::CustomServerList {
        count: Some(servers.len() as u64),
        servers,
        tenant_id: requested,
    }))
}

pub(crate) async fn remove_custom(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<types::RemoveCustomServerResponse>> {
    let isolated = state.config.profile.isolates_custom_servers();
    let deployed = if isolated {
        state.registry.get_visible(&tenant.0, &name)
    } else {
        state.registry.lookup(&tenant.0, &name)
    }
    .filter(|s| s.kind == ServerKind::Custom);
    // Deployments are stopped on behalf of the server's owner, who may be another tenant
    // where custom servers are shared.
    let owner = deployed
        .as_ref()
        .and_then(|s| s.tenant.clone())
        .filter(|_| !isolated)
        .unwrap_or_else(|| tenant.0.clone());
    let unfinished = state.deployments.unfinished(&owner, &name);
    if deployed.is_none() && unfinished.is_empty() {
        return Err(ApiError::not_found(
            "SERVER_NOT_FOUND",
            format!("Custom server '{name}' not found"),
        )
        .with("name", name.as_str()));
    }
    // The other replicas stop it when its record goes: taken out first, so that a store
    // that cannot be reached leaves the server running everywhere rather than here only.
    #[cfg(feature = "redis")]
    if let crate::store::Shared::Redis(redis) = &state.shared {
        crate::server_records::forget(redis, &owner, &name)
            .await
            .map_err(ApiError::store_unavailable)?;
    }
    for deployment in unfinished {
        deployment.stop();
    }
    if let Some(server) = &deployed {
        state.registry.remove(server);
        let mark_stopped = state.config.profile.stops_deployments_of_removed_servers();
        for deployment in state.deployments.list(&owner) {
            if deployment.name == name && deployment.status().is_ready() {
                if mark_stopped {
                    deployment.stop();
                } else {
                    // The server is gone all the same (and its container, if any); only
                    // the deployment record keeps saying `running`.
                    deployment.release();
                }
            }
        }
    }
    tracing::info!(tenant = %tenant.0, server = %name, "custom server removed");
    Ok(ok(types::RemovedServer {
        message: Some(format!("Server '{name}' removed successfully")),
        name,
    }))
}

fn server_not_found(name: &str) -> ApiError {
    ApiError::not_found("SERVER_NOT_FOUND", format!("MCP server '{name}' not found"))
        .with("name", name)
}

fn find(state: &AppState, tenant: &Tenant, name: &str) -> ApiResult<std::sync::Arc<Server>> {
    state
        .registry
        .get_visible(&tenant.0, name)
        .ok_or_else(|| server_not_found(name))
}

pub(crate) async fn list_servers(
    State(state): State<AppState>,
    tenant: Tenant,
    query: QueryParams,
) -> ApiResult<Json<types::ListServersResponse>> {
    let kind = query.one_of("type", &["platform", "custom"])?;
    let status = query.one_of(
        "status",
        &["starting", "running", "unhealthy", "failed", "stopped"],
    )?;
    let category = query.get("category");
    let (limit, offset) = page(&query)?;
    let servers: Vec<types::McpServer> = state
        .registry
        .visible(&tenant.0)
        .iter()
        .map(|s| s.to_wire())
        .filter(|s| kind.as_deref().is_none_or(|k| s.type_.as_str() == k))
        .filter(|s| status.as_deref().is_none_or(|st| s.status.as_str() == st))
        .filter(|s| category.is_none_or(|c| s.category.as_deref() == Some(c)))
        .collect();
    let (servers, pagination) = paginate(servers, limit, offset);
    Ok(ok(types::ServerPage {
        servers,
        pagination,
    }))
}

pub(crate) async fn get_server(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<types::GetServerResponse>> {
    Ok(ok(find(&state, &tenant, &name)?.to_wire()))
}

pub(crate) async fn server_tools(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<types::ListServerToolsResponse>> {
    let server = find(&state, &tenant, &name)?;
    let snapshot = server.snapshot();
    if snapshot.status != ServerStatus::Running && snapshot.tools.is_empty() {
        return Err(ApiError::server_unavailable(
            &name,
            format!("MCP server '{name}' is not running ({})", snapshot.status),
        ));
    }
    let tools = snapshot
        .tools
        .iter()
        .map(|t| types::McpTool {
            tool_id: t.tool_id.clone(),
            name: t.name.clone(),
            description: Some(t.description.clone()),
            input_schema: t.input_schema.clone(),
            output_schema: t.output_schema.clone(),
            annotations: t.annotations.clone(),
            title: t.title.clone(),
            icons: t.icons.clone(),
            meta: t.meta.clone(),
        })
        .collect();
    Ok(ok(types::ServerTools {
        server: name,
        tools,
    }))
}

pub(crate) async fn server_health(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<types::ServerHealthResponse>> {
    let server = find(&state, &tenant, &name)?;
    state.registry.check(&server).await;
    let snapshot = server.snapshot();
    let status = match snapshot.status {
        ServerStatus::Running => HealthState::Healthy,
        ServerStatus::Starting | ServerStatus::Unhealthy => HealthState::Degraded,
        _ => HealthState::Unhealthy,
    };
    Ok(ok(types::ServerHealth {
        error: if status == HealthState::Healthy {
            None
        } else {
            Some(
                snapshot
                    .last_error
                    .unwrap_or_else(|| snapshot.status.to_string()),
            )
        },
        name,
        status,
        latency_ms: snapshot.latency_ms.map(|l| (l * 1000.0).round() / 1000.0),
        last_check: snapshot.last_check,
        restarts: Some(u64::from(snapshot.restarts)),
    }))
}
