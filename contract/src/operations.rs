//! The operations of `openapi.yaml` in the order the spec lists them, and which of them
//! change something on the gateway.
//!
//! The bundled spec reaches this crate as JSON with sorted keys, so the spec's own order
//! is kept here; a test checks this table against the spec's operations.

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// The `operationId`.
    pub id: &'static str,
    /// Whether calling it can change state on the gateway or behind it (creates, updates,
    /// deletes, and tool invocations, whose tools may have side effects).
    pub writes: bool,
}

const fn read(method: &'static str, path: &'static str, id: &'static str) -> Operation {
    Operation {
        method,
        path,
        id,
        writes: false,
    }
}

const fn write(method: &'static str, path: &'static str, id: &'static str) -> Operation {
    Operation {
        method,
        path,
        id,
        writes: true,
    }
}

const OAUTH_CONFIG: &str = "/api/v1/tenants/{tenantId}/integrations/{integration}/oauth-config";

/// Every operation of `openapi.yaml`, in spec order.
pub const OPERATIONS: [Operation; 35] = [
    read("GET", "/", "getServiceInfo"),
    read("GET", "/health", "getHealth"),
    read("GET", "/health/detailed", "getDetailedHealth"),
    read("GET", "/ready", "getReadiness"),
    read("GET", "/api/v1/metrics", "getMetrics"),
    // A POST, but selection changes nothing.
    read("POST", "/api/v1/tools/select", "selectTools"),
    read("GET", "/api/v1/tools/list", "listTools"),
    write("POST", "/api/v1/tools/invoke", "invokeTool"),
    write("POST", "/api/v1/tools/invoke/batch", "invokeToolsBatch"),
    write("POST", "/api/v1/tools/invoke/stream", "invokeToolStream"),
    read("GET", "/api/v1/tools/{toolId}", "getTool"),
    read("GET", "/api/v1/tools/{toolId}/related", "listRelatedTools"),
    read("GET", "/api/v1/categories", "listCategories"),
    write("POST", "/api/v1/mcp/add", "addMcpServer"),
    read("GET", "/api/v1/mcp/custom", "listCustomServers"),
    write("DELETE", "/api/v1/mcp/custom/{name}", "removeCustomServer"),
    read("GET", "/api/v1/mcp/health", "getMcpHealth"),
    read("GET", "/api/v1/mcp/servers", "listServers"),
    read("GET", "/api/v1/mcp/servers/{name}", "getServer"),
    read("GET", "/api/v1/mcp/servers/{name}/tools", "listServerTools"),
    read(
        "GET",
        "/api/v1/mcp/servers/{name}/health",
        "getServerHealth",
    ),
    read("GET", "/api/v1/mcp/deployments", "listDeployments"),
    read(
        "GET",
        "/api/v1/mcp/deployments/{deploymentId}",
        "getDeployment",
    ),
    read(
        "GET",
        "/api/v1/mcp/deployments/{deploymentId}/logs",
        "getDeploymentLogs",
    ),
    read("GET", "/api/v1/events", "streamEvents"),
    write("POST", OAUTH_CONFIG, "createOauthConfig"),
    read("GET", OAUTH_CONFIG, "getOauthConfig"),
    write("DELETE", OAUTH_CONFIG, "deleteOauthConfig"),
    read("GET", "/api/v1/oauth-config/health", "getOauthConfigHealth"),
    read(
        "GET",
        "/api/v1/tenants/{tenantId}/integrations",
        "listTenantIntegrations",
    ),
    read("GET", "/api/v1/identities", "listIdentities"),
    write("POST", "/api/v1/identities", "createIdentity"),
    read("GET", "/api/v1/identities/{identityId}", "getIdentity"),
    write("PATCH", "/api/v1/identities/{identityId}", "updateIdentity"),
    write(
        "DELETE",
        "/api/v1/identities/{identityId}",
        "deleteIdentity",
    ),
];

/// The operation with this `operationId`.
pub fn operation(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResponseSchemas;

    #[test]
    fn the_table_is_exactly_the_operations_of_the_spec() {
        let schemas = ResponseSchemas::bundled().expect("the bundled spec compiles");
        let mut from_spec: Vec<(String, String, String)> = schemas
            .routes()
            .iter()
            .map(|r| (r.operation_id.clone(), r.method.clone(), r.template.clone()))
            .collect();
        let mut from_table: Vec<(String, String, String)> = OPERATIONS
            .iter()
            .map(|op| (op.id.into(), op.method.into(), op.path.into()))
            .collect();
        from_spec.sort();
        from_table.sort();
        assert_eq!(from_table, from_spec);
    }
}
