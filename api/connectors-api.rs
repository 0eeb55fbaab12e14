// The public API of `connectors::api` as build.rs generates it from openapi.yaml:
// signatures without bodies, docs or private items, sorted by name within each module.
// Not compiled. The hand-written re-exports of src/api.rs (open enums, secrets,
// `Transport`) are not listed.
//
// Do not edit: tests/api_snapshot.rs fails when this file differs from what the build
// generates; `CONNECTORS_BLESS=1 cargo test -p connectors --test api_snapshot`
// rewrites it. Review its diff as the API change of a spec edit.

pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
/// (private fields)
#[derive(Clone, Debug)]
pub struct Client {}
impl Client {
    pub fn new(baseurl: &str, inner: crate::transport::Transport) -> Self;
    pub fn new_with_client(
        baseurl: &str,
        client: reqwest::Client,
        inner: crate::transport::Transport,
    ) -> Self;
}
impl ClientDeploymentsExt for Client {}
impl ClientEventsExt for Client {}
impl ClientHealthExt for Client {}
impl ClientIdentitiesExt for Client {}
impl ClientInfo<crate::transport::Transport> for Client {}
impl ClientMcpExt for Client {}
impl ClientTenantsExt for Client {}
impl ClientToolsExt for Client {}
pub trait ClientDeploymentsExt {
    fn get_deployment(&self) -> builder::GetDeployment<'_>;
    fn get_deployment_logs(&self) -> builder::GetDeploymentLogs<'_>;
    fn list_deployments(&self) -> builder::ListDeployments<'_>;
}
pub trait ClientEventsExt {
    fn stream_events(&self) -> builder::StreamEvents<'_>;
}
pub trait ClientHealthExt {
    fn get_detailed_health(&self) -> builder::GetDetailedHealth<'_>;
    fn get_health(&self) -> builder::GetHealth<'_>;
    fn get_metrics(&self) -> builder::GetMetrics<'_>;
    fn get_readiness(&self) -> builder::GetReadiness<'_>;
    fn get_service_info(&self) -> builder::GetServiceInfo<'_>;
}
pub trait ClientIdentitiesExt {
    fn create_identity(&self) -> builder::CreateIdentity<'_>;
    fn delete_identity(&self) -> builder::DeleteIdentity<'_>;
    fn get_identity(&self) -> builder::GetIdentity<'_>;
    fn list_identities(&self) -> builder::ListIdentities<'_>;
    fn update_identity(&self) -> builder::UpdateIdentity<'_>;
}
pub trait ClientMcpExt {
    fn add_mcp_server(&self) -> builder::AddMcpServer<'_>;
    fn get_mcp_health(&self) -> builder::GetMcpHealth<'_>;
    fn get_server(&self) -> builder::GetServer<'_>;
    fn get_server_health(&self) -> builder::GetServerHealth<'_>;
    fn list_custom_servers(&self) -> builder::ListCustomServers<'_>;
    fn list_server_tools(&self) -> builder::ListServerTools<'_>;
    fn list_servers(&self) -> builder::ListServers<'_>;
    fn remove_custom_server(&self) -> builder::RemoveCustomServer<'_>;
}
pub trait ClientTenantsExt {
    fn create_oauth_config(&self) -> builder::CreateOauthConfig<'_>;
    fn delete_oauth_config(&self) -> builder::DeleteOauthConfig<'_>;
    fn get_oauth_config(&self) -> builder::GetOauthConfig<'_>;
    fn get_oauth_config_health(&self) -> builder::GetOauthConfigHealth<'_>;
    fn list_tenant_integrations(&self) -> builder::ListTenantIntegrations<'_>;
}
pub trait ClientToolsExt {
    fn get_tool(&self) -> builder::GetTool<'_>;
    fn invoke_tool(&self) -> builder::InvokeTool<'_>;
    fn invoke_tool_stream(&self) -> builder::InvokeToolStream<'_>;
    fn invoke_tools_batch(&self) -> builder::InvokeToolsBatch<'_>;
    fn list_categories(&self) -> builder::ListCategories<'_>;
    fn list_related_tools(&self) -> builder::ListRelatedTools<'_>;
    fn list_tools(&self) -> builder::ListTools<'_>;
    fn select_tools(&self) -> builder::SelectTools<'_>;
}
pub mod builder {
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct AddMcpServer<'a> {}
    impl<'a> AddMcpServer<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::AddMcpServerRequest>,
            <V as std::convert::TryInto<
                types::AddMcpServerRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::AddMcpServerRequest,
            ) -> types::builder::AddMcpServerRequest;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::AddMcpServerResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct CreateIdentity<'a> {}
    impl<'a> CreateIdentity<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::CreateIdentityRequest>,
            <V as std::convert::TryInto<
                types::CreateIdentityRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::CreateIdentityRequest,
            ) -> types::builder::CreateIdentityRequest;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::IdentityResponse>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct CreateOauthConfig<'a> {}
    impl<'a> CreateOauthConfig<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tenant_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::CreateOauthConfigTenantId>;
        pub fn integration<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::CreateOauthConfigIntegration>;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::OAuthConfigRequest>,
            <V as std::convert::TryInto<
                types::OAuthConfigRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::OAuthConfigRequest,
            ) -> types::builder::OAuthConfigRequest;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::OAuthConfigChangeResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct DeleteIdentity<'a> {}
    impl<'a> DeleteIdentity<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn identity_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::DeleteIdentityResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct DeleteOauthConfig<'a> {}
    impl<'a> DeleteOauthConfig<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tenant_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::DeleteOauthConfigTenantId>;
        pub fn integration<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::DeleteOauthConfigIntegration>;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::OAuthConfigChangeResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetDeployment<'a> {}
    impl<'a> GetDeployment<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn deployment_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::GetDeploymentResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetDeploymentLogs<'a> {}
    impl<'a> GetDeploymentLogs<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn deployment_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn since<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::DeploymentLogsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetDetailedHealth<'a> {}
    impl<'a> GetDetailedHealth<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::DetailedHealthResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetHealth<'a> {}
    impl<'a> GetHealth<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::HealthResponse>, Error<()>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetIdentity<'a> {}
    impl<'a> GetIdentity<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn identity_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::IdentityResponse>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetMcpHealth<'a> {}
    impl<'a> GetMcpHealth<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::McpHealthResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetMetrics<'a> {}
    impl<'a> GetMetrics<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::MetricsResponse>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetOauthConfig<'a> {}
    impl<'a> GetOauthConfig<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tenant_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::GetOauthConfigTenantId>;
        pub fn integration<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::GetOauthConfigIntegration>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::GetOAuthConfigResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetOauthConfigHealth<'a> {}
    impl<'a> GetOauthConfigHealth<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::OAuthServiceHealthResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetReadiness<'a> {}
    impl<'a> GetReadiness<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ReadinessResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetServer<'a> {}
    impl<'a> GetServer<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn name<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::GetServerResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetServerHealth<'a> {}
    impl<'a> GetServerHealth<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn name<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ServerHealthResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetServiceInfo<'a> {}
    impl<'a> GetServiceInfo<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ServiceInfoResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct GetTool<'a> {}
    impl<'a> GetTool<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tool_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::GetToolResponse>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct InvokeTool<'a> {}
    impl<'a> InvokeTool<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn traceparent<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn tracestate<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::InvokeToolRequest>,
            <V as std::convert::TryInto<
                types::InvokeToolRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::InvokeToolRequest,
            ) -> types::builder::InvokeToolRequest;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::InvokeToolResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct InvokeToolStream<'a> {}
    impl<'a> InvokeToolStream<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn traceparent<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn tracestate<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::InvokeToolRequest>,
            <V as std::convert::TryInto<
                types::InvokeToolRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::InvokeToolRequest,
            ) -> types::builder::InvokeToolRequest;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<ByteStream>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct InvokeToolsBatch<'a> {}
    impl<'a> InvokeToolsBatch<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn traceparent<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn tracestate<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::BatchInvokeRequest>,
            <V as std::convert::TryInto<
                types::BatchInvokeRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::BatchInvokeRequest,
            ) -> types::builder::BatchInvokeRequest;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::BatchInvokeResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListCategories<'a> {}
    impl<'a> ListCategories<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListCategoriesResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListCustomServers<'a> {}
    impl<'a> ListCustomServers<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tenant_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListCustomServersResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListDeployments<'a> {}
    impl<'a> ListDeployments<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn offset<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<u64>;
        pub fn status<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<crate::open_enum::DeploymentStatus>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListDeploymentsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListIdentities<'a> {}
    impl<'a> ListIdentities<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn offset<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<u64>;
        pub fn type_<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<crate::open_enum::IdentityType>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListIdentitiesResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListRelatedTools<'a> {}
    impl<'a> ListRelatedTools<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tool_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn relation<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<crate::open_enum::RelationType>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::RelatedToolsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListServerTools<'a> {}
    impl<'a> ListServerTools<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn name<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListServerToolsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListServers<'a> {}
    impl<'a> ListServers<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn category<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn offset<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<u64>;
        pub fn status<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<crate::open_enum::ServerStatus>;
        pub fn type_<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<crate::open_enum::ServerType>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListServersResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListTenantIntegrations<'a> {}
    impl<'a> ListTenantIntegrations<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn tenant_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::ListTenantIntegrationsTenantId>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListTenantIntegrationsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct ListTools<'a> {}
    impl<'a> ListTools<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn category<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn integration<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn limit<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<i64>;
        pub fn offset<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<u64>;
        pub fn search<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ListToolsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct RemoveCustomServer<'a> {}
    impl<'a> RemoveCustomServer<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn name<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::RemoveCustomServerResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct SelectTools<'a> {}
    impl<'a> SelectTools<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::SelectToolsRequest>;
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::SelectToolsResponse>,
            Error<types::ErrorResponse>,
        >;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct StreamEvents<'a> {}
    impl<'a> StreamEvents<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn deployment_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<ByteStream>, Error<types::ErrorResponse>>;
    }
    /// (private fields)
    #[derive(Debug, Clone)]
    pub struct UpdateIdentity<'a> {}
    impl<'a> UpdateIdentity<'a> {
        pub fn new(client: &'a super::Client) -> Self;
        pub fn identity_id<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn idempotency_key<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>;
        pub fn body<V>(self, value: V) -> Self
        where
            V: std::convert::TryInto<types::UpdateIdentityRequest>,
            <V as std::convert::TryInto<
                types::UpdateIdentityRequest,
            >>::Error: std::fmt::Display;
        pub fn body_map<F>(self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::UpdateIdentityRequest,
            ) -> types::builder::UpdateIdentityRequest;
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::IdentityResponse>, Error<types::ErrorResponse>>;
    }
}
pub mod limits {
    pub const BATCH_MAX: usize = 50;
    pub const BATCH_MIN: usize = 1;
    pub const CATEGORIES_MAX: usize = 20;
    pub const IDEMPOTENCY_KEY_BYTES: ::std::ops::RangeInclusive<u8> = 0x21..=0x7E;
    pub const IDEMPOTENCY_KEY_MAX_BYTES: usize = 255;
    pub const IDEMPOTENCY_KEY_MIN_BYTES: usize = 1;
    pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[\\x21-\\x7E]+$";
    pub const MAX_TOOLS_MAX: i64 = 100;
    pub const MAX_TOOLS_MIN: i64 = 1;
    pub const OAUTH_CLIENT_SECRET_MIN_LENGTH: usize = 16;
    pub const PAGE_SIZE_MAX: u64 = 1000;
    pub const PAGE_SIZE_MIN: u64 = 1;
    pub const TOKEN_BUDGET_MAX: i64 = 100000;
    pub const TOKEN_BUDGET_MIN: i64 = 100;
}
pub mod prelude {
    pub use super::Client;
    pub use super::ClientDeploymentsExt;
    pub use super::ClientEventsExt;
    pub use super::ClientHealthExt;
    pub use super::ClientIdentitiesExt;
    pub use super::ClientMcpExt;
    pub use super::ClientTenantsExt;
    pub use super::ClientToolsExt;
}
pub mod types {
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct AddMcpServerRequest {
        pub category: AddMcpServerRequestCategory,
        pub description: ::std::option::Option<::std::string::String>,
        pub name: AddMcpServerRequestName,
        pub source: McpSource,
        pub tenant_id: ::std::option::Option<::std::string::String>,
    }
    impl AddMcpServerRequest {
        pub fn builder() -> builder::AddMcpServerRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct AddMcpServerRequestCategory(_);
    impl<'de> ::serde::Deserialize<'de> for AddMcpServerRequestCategory {}
    impl ::std::convert::TryFrom<&str> for AddMcpServerRequestCategory {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for AddMcpServerRequestCategory {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for AddMcpServerRequestCategory {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for AddMcpServerRequestCategory {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct AddMcpServerRequestName(_);
    impl<'de> ::serde::Deserialize<'de> for AddMcpServerRequestName {}
    impl ::std::convert::TryFrom<&str> for AddMcpServerRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for AddMcpServerRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for AddMcpServerRequestName {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for AddMcpServerRequestName {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct AddMcpServerResponse {
        pub data: DeploymentAccepted,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl AddMcpServerResponse {
        pub fn builder() -> builder::AddMcpServerResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchInvokeItem {
        pub error: ::std::option::Option<ErrorDetail>,
        pub index: u64,
        pub result: ::std::option::Option<InvokeToolResult>,
        pub success: bool,
        pub tool_id: ::std::string::String,
    }
    impl BatchInvokeItem {
        pub fn builder() -> builder::BatchInvokeItem;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchInvokeRequest {
        pub invocations: ::std::vec::Vec<InvokeToolRequest>,
    }
    impl BatchInvokeRequest {
        pub fn builder() -> builder::BatchInvokeRequest;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchInvokeResponse {
        pub data: BatchInvokeResult,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl BatchInvokeResponse {
        pub fn builder() -> builder::BatchInvokeResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchInvokeResult {
        pub failed: ::std::option::Option<u64>,
        pub results: ::std::vec::Vec<BatchInvokeItem>,
        pub succeeded: ::std::option::Option<u64>,
    }
    impl BatchInvokeResult {
        pub fn builder() -> builder::BatchInvokeResult;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchQuery {
        pub known_fields: ::std::option::Option<BatchQueryKnownFields>,
        pub use_case: BatchQueryUseCase,
    }
    impl BatchQuery {
        pub fn builder() -> builder::BatchQuery;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct BatchQueryKnownFields(_);
    impl<'de> ::serde::Deserialize<'de> for BatchQueryKnownFields {}
    impl ::std::convert::TryFrom<&str> for BatchQueryKnownFields {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for BatchQueryKnownFields {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for BatchQueryKnownFields {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for BatchQueryKnownFields {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct BatchQueryUseCase(_);
    impl<'de> ::serde::Deserialize<'de> for BatchQueryUseCase {}
    impl ::std::convert::TryFrom<&str> for BatchQueryUseCase {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for BatchQueryUseCase {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for BatchQueryUseCase {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for BatchQueryUseCase {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchSelectRequest {
        pub options: ::std::option::Option<SelectOptions>,
        pub queries: ::std::vec::Vec<BatchQuery>,
    }
    impl BatchSelectRequest {
        pub fn builder() -> builder::BatchSelectRequest;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchSelectionItem {
        pub cached_plan_id: ::std::option::Option<::std::string::String>,
        pub guidance: ::std::option::Option<Guidance>,
        pub index: i64,
        pub main_tool_slugs: ::std::vec::Vec<::std::string::String>,
        pub related_tool_slugs: ::std::vec::Vec<::std::string::String>,
        pub toolkits: ::std::vec::Vec<::std::string::String>,
        pub use_case: ::std::string::String,
    }
    impl BatchSelectionItem {
        pub fn builder() -> builder::BatchSelectionItem;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct BatchSelectionResult {
        pub next_steps_guidance: ::std::vec::Vec<::std::string::String>,
        pub results: ::std::vec::Vec<BatchSelectionItem>,
        pub session: ::std::option::Option<SessionInfo>,
        pub time_info: ::std::option::Option<TimeInfo>,
        pub tool_schemas: ::std::collections::HashMap<
            ::std::string::String,
            FullToolSchema,
        >,
        pub toolkit_connection_statuses: ::std::vec::Vec<ToolkitConnectionStatus>,
    }
    impl BatchSelectionResult {
        pub fn builder() -> builder::BatchSelectionResult;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Category {
        pub description: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
        pub tool_count: ::std::option::Option<u64>,
    }
    impl Category {
        pub fn builder() -> builder::Category;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct CategoryList {
        pub categories: ::std::vec::Vec<Category>,
    }
    impl CategoryList {
        pub fn builder() -> builder::CategoryList;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct CreateIdentityRequest {
        pub description: ::std::option::Option<::std::string::String>,
        pub email: ::std::option::Option<::std::string::String>,
        pub members: ::std::vec::Vec<::std::string::String>,
        pub metadata: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub name: CreateIdentityRequestName,
        pub type_: crate::open_enum::IdentityType,
    }
    impl CreateIdentityRequest {
        pub fn builder() -> builder::CreateIdentityRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct CreateIdentityRequestName(_);
    impl<'de> ::serde::Deserialize<'de> for CreateIdentityRequestName {}
    impl ::std::convert::TryFrom<&str> for CreateIdentityRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for CreateIdentityRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for CreateIdentityRequestName {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for CreateIdentityRequestName {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct CreateOauthConfigIntegration(_);
    impl<'de> ::serde::Deserialize<'de> for CreateOauthConfigIntegration {}
    impl ::std::convert::TryFrom<&str> for CreateOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for CreateOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for CreateOauthConfigIntegration {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for CreateOauthConfigIntegration {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct CreateOauthConfigTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for CreateOauthConfigTenantId {}
    impl ::std::convert::TryFrom<&str> for CreateOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for CreateOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for CreateOauthConfigTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for CreateOauthConfigTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct CustomServer {
        pub category: ::std::option::Option<::std::string::String>,
        pub deployed_at: ::std::option::Option<
            ::chrono::DateTime<::chrono::offset::Utc>,
        >,
        pub name: ::std::string::String,
        pub source: ::std::option::Option<::std::string::String>,
        pub status: crate::open_enum::ServerStatus,
        pub tenant_id: ::std::option::Option<::std::string::String>,
        pub tool_count: ::std::option::Option<u64>,
    }
    impl CustomServer {
        pub fn builder() -> builder::CustomServer;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct CustomServerList {
        pub count: ::std::option::Option<u64>,
        pub servers: ::std::vec::Vec<CustomServer>,
        pub tenant_id: ::std::option::Option<::std::string::String>,
    }
    impl CustomServerList {
        pub fn builder() -> builder::CustomServerList;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeleteIdentityResponse {
        pub data: DeletedIdentity,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl DeleteIdentityResponse {
        pub fn builder() -> builder::DeleteIdentityResponse;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct DeleteOauthConfigIntegration(_);
    impl<'de> ::serde::Deserialize<'de> for DeleteOauthConfigIntegration {}
    impl ::std::convert::TryFrom<&str> for DeleteOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for DeleteOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for DeleteOauthConfigIntegration {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for DeleteOauthConfigIntegration {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct DeleteOauthConfigTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for DeleteOauthConfigTenantId {}
    impl ::std::convert::TryFrom<&str> for DeleteOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for DeleteOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for DeleteOauthConfigTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for DeleteOauthConfigTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeletedIdentity {
        pub id: ::std::string::String,
        pub message: ::std::option::Option<::std::string::String>,
    }
    impl DeletedIdentity {
        pub fn builder() -> builder::DeletedIdentity;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DependencyCheck {
        pub kind: ::std::option::Option<::std::string::String>,
        pub last_check: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub latency_ms: ::std::option::Option<f64>,
        pub message: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
        pub status: crate::open_enum::HealthState,
    }
    impl DependencyCheck {
        pub fn builder() -> builder::DependencyCheck;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Deployment {
        pub created_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub deployment_id: ::std::string::String,
        pub endpoint: ::std::option::Option<::std::string::String>,
        pub error: ::std::option::Option<::std::string::String>,
        pub estimated_time: ::std::option::Option<::std::string::String>,
        pub name: ::std::option::Option<::std::string::String>,
        pub progress: ::std::option::Option<DeploymentProgress>,
        pub status: crate::open_enum::DeploymentStatus,
        pub tools_discovered: ::std::option::Option<u64>,
        pub updated_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
    }
    impl Deployment {
        pub fn builder() -> builder::Deployment;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeploymentAccepted {
        pub deployment_id: ::std::string::String,
        pub estimated_time: ::std::option::Option<::std::string::String>,
        pub message: ::std::option::Option<::std::string::String>,
        pub status: crate::open_enum::DeploymentStatus,
    }
    impl DeploymentAccepted {
        pub fn builder() -> builder::DeploymentAccepted;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeploymentEvent {
        pub deployment_id: ::std::string::String,
        pub message: ::std::option::Option<::std::string::String>,
        pub name: ::std::option::Option<::std::string::String>,
        pub status: crate::open_enum::DeploymentStatus,
        pub step: ::std::option::Option<::std::string::String>,
        pub timestamp: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
    }
    impl DeploymentEvent {
        pub fn builder() -> builder::DeploymentEvent;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeploymentLogs {
        pub deployment_id: ::std::string::String,
        pub logs: ::std::vec::Vec<LogLine>,
    }
    impl DeploymentLogs {
        pub fn builder() -> builder::DeploymentLogs;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeploymentLogsResponse {
        pub data: DeploymentLogs,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl DeploymentLogsResponse {
        pub fn builder() -> builder::DeploymentLogsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DeploymentPage {
        pub deployments: ::std::vec::Vec<Deployment>,
        pub pagination: Pagination,
    }
    impl DeploymentPage {
        pub fn builder() -> builder::DeploymentPage;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct DeploymentProgress {
        pub build: ::std::option::Option<crate::open_enum::StepStatus>,
        pub clone: ::std::option::Option<crate::open_enum::StepStatus>,
        pub deploy: ::std::option::Option<crate::open_enum::StepStatus>,
        pub discovery: ::std::option::Option<crate::open_enum::StepStatus>,
        pub embeddings: ::std::option::Option<crate::open_enum::StepStatus>,
    }
    impl DeploymentProgress {
        pub fn builder() -> builder::DeploymentProgress;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DetailedHealth {
        pub checks: ::std::vec::Vec<DependencyCheck>,
        pub status: crate::open_enum::HealthState,
        pub uptime: ::std::option::Option<f64>,
        pub version: ::std::option::Option<::std::string::String>,
    }
    impl DetailedHealth {
        pub fn builder() -> builder::DetailedHealth;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct DetailedHealthResponse {
        pub data: DetailedHealth,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl DetailedHealthResponse {
        pub fn builder() -> builder::DetailedHealthResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ErrorDetail {
        pub code: ::std::string::String,
        pub context: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub message: ::std::string::String,
        pub type_: ::std::option::Option<::std::string::String>,
    }
    impl ErrorDetail {
        pub fn builder() -> builder::ErrorDetail;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ErrorEnvelope {
        pub error: ErrorDetail,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ErrorEnvelope {
        pub fn builder() -> builder::ErrorEnvelope;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub enum ErrorResponse {
        ErrorEnvelope(ErrorEnvelope),
        PlainError(PlainError),
    }
    impl ::std::convert::From<ErrorEnvelope> for ErrorResponse {}
    impl ::std::convert::From<PlainError> for ErrorResponse {}
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct FieldError {
        pub field: ::std::string::String,
        pub message: ::std::string::String,
    }
    impl FieldError {
        pub fn builder() -> builder::FieldError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct FullToolSchema {
        pub description: ::std::option::Option<::std::string::String>,
        pub input_schema: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub tool_slug: ::std::option::Option<::std::string::String>,
        pub toolkit: ::std::option::Option<::std::string::String>,
    }
    impl FullToolSchema {
        pub fn builder() -> builder::FullToolSchema;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct GetDeploymentResponse {
        pub data: Deployment,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl GetDeploymentResponse {
        pub fn builder() -> builder::GetDeploymentResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct GetOAuthConfigResponse {
        pub data: OAuthConfigView,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl GetOAuthConfigResponse {
        pub fn builder() -> builder::GetOAuthConfigResponse;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct GetOauthConfigIntegration(_);
    impl<'de> ::serde::Deserialize<'de> for GetOauthConfigIntegration {}
    impl ::std::convert::TryFrom<&str> for GetOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for GetOauthConfigIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for GetOauthConfigIntegration {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for GetOauthConfigIntegration {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct GetOauthConfigTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for GetOauthConfigTenantId {}
    impl ::std::convert::TryFrom<&str> for GetOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for GetOauthConfigTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for GetOauthConfigTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for GetOauthConfigTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct GetServerResponse {
        pub data: McpServer,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl GetServerResponse {
        pub fn builder() -> builder::GetServerResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct GetToolResponse {
        pub data: ToolSelection,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl GetToolResponse {
        pub fn builder() -> builder::GetToolResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct GithubAuth {
        pub token: crate::secret::SecretString,
        pub type_: GithubAuthType,
    }
    impl GithubAuth {
        pub fn builder() -> builder::GithubAuth;
    }
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    pub enum GithubAuthType {
        Token,
    }
    impl ::std::convert::TryFrom<&str> for GithubAuthType {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for GithubAuthType {
        type Error = self::error::ConversionError;
    }
    impl ::std::fmt::Display for GithubAuthType {}
    impl ::std::str::FromStr for GithubAuthType {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct Guidance {
        pub cached_plan_id: ::std::option::Option<::std::string::String>,
        pub difficulty: ::std::option::Option<::std::string::String>,
        pub guidance: ::std::option::Option<::std::string::String>,
        pub main_tool_slugs: ::std::vec::Vec<::std::string::String>,
        pub pitfalls: ::std::vec::Vec<::std::string::String>,
        pub related_tool_slugs: ::std::vec::Vec<::std::string::String>,
        pub toolkits: ::std::vec::Vec<::std::string::String>,
        pub validated_plan: ::std::vec::Vec<::std::string::String>,
    }
    impl Guidance {
        pub fn builder() -> builder::Guidance;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Health {
        pub memory: ::std::option::Option<MemoryUsage>,
        pub status: ::std::string::String,
        pub uptime: ::std::option::Option<f64>,
    }
    impl Health {
        pub fn builder() -> builder::Health;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct HealthResponse {
        pub data: Health,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl HealthResponse {
        pub fn builder() -> builder::HealthResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Icon {
        pub mime_type: ::std::option::Option<::std::string::String>,
        pub sizes: ::std::vec::Vec<::std::string::String>,
        pub src: ::std::string::String,
        pub theme: ::std::option::Option<::std::string::String>,
    }
    impl Icon {
        pub fn builder() -> builder::Icon;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Identity {
        pub created_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub description: ::std::option::Option<::std::string::String>,
        pub email: ::std::option::Option<::std::string::String>,
        pub id: ::std::string::String,
        pub members: ::std::vec::Vec<::std::string::String>,
        pub metadata: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub name: ::std::string::String,
        pub tenant_id: ::std::option::Option<::std::string::String>,
        pub type_: crate::open_enum::IdentityType,
        pub updated_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
    }
    impl Identity {
        pub fn builder() -> builder::Identity;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct IdentityPage {
        pub identities: ::std::vec::Vec<Identity>,
        pub pagination: Pagination,
    }
    impl IdentityPage {
        pub fn builder() -> builder::IdentityPage;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct IdentityResponse {
        pub data: Identity,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl IdentityResponse {
        pub fn builder() -> builder::IdentityResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct InvocationLogEvent {
        pub level: ::std::option::Option<::std::string::String>,
        pub message: ::std::string::String,
    }
    impl InvocationLogEvent {
        pub fn builder() -> builder::InvocationLogEvent;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct InvocationPerformance {
        pub latency_ms: ::std::option::Option<f64>,
    }
    impl InvocationPerformance {
        pub fn builder() -> builder::InvocationPerformance;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct InvocationProgressEvent {
        pub message: ::std::option::Option<::std::string::String>,
        pub progress: f64,
        pub total: ::std::option::Option<f64>,
    }
    impl InvocationProgressEvent {
        pub fn builder() -> builder::InvocationProgressEvent;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct InvokeToolRequest {
        pub integration: InvokeToolRequestIntegration,
        pub parameters: ::std::option::Option<crate::secret::ToolArguments>,
        pub tenant_id: InvokeToolRequestTenantId,
        pub tool_id: InvokeToolRequestToolId,
    }
    impl InvokeToolRequest {
        pub fn builder() -> builder::InvokeToolRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct InvokeToolRequestIntegration(_);
    impl<'de> ::serde::Deserialize<'de> for InvokeToolRequestIntegration {}
    impl ::std::convert::TryFrom<&str> for InvokeToolRequestIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for InvokeToolRequestIntegration {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for InvokeToolRequestIntegration {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for InvokeToolRequestIntegration {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct InvokeToolRequestTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for InvokeToolRequestTenantId {}
    impl ::std::convert::TryFrom<&str> for InvokeToolRequestTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for InvokeToolRequestTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for InvokeToolRequestTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for InvokeToolRequestTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct InvokeToolRequestToolId(_);
    impl<'de> ::serde::Deserialize<'de> for InvokeToolRequestToolId {}
    impl ::std::convert::TryFrom<&str> for InvokeToolRequestToolId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for InvokeToolRequestToolId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for InvokeToolRequestToolId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for InvokeToolRequestToolId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct InvokeToolResponse {
        pub data: InvokeToolResult,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl InvokeToolResponse {
        pub fn builder() -> builder::InvokeToolResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct InvokeToolResult {
        pub performance: ::std::option::Option<InvocationPerformance>,
        pub result: ::serde_json::Value,
        pub tool_id: ::std::string::String,
    }
    impl InvokeToolResult {
        pub fn builder() -> builder::InvokeToolResult;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct LatencyPercentiles {
        pub p50: ::std::option::Option<f64>,
        pub p95: ::std::option::Option<f64>,
        pub p99: ::std::option::Option<f64>,
    }
    impl LatencyPercentiles {
        pub fn builder() -> builder::LatencyPercentiles;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListCategoriesResponse {
        pub data: CategoryList,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListCategoriesResponse {
        pub fn builder() -> builder::ListCategoriesResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListCustomServersResponse {
        pub data: CustomServerList,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListCustomServersResponse {
        pub fn builder() -> builder::ListCustomServersResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListDeploymentsResponse {
        pub data: DeploymentPage,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListDeploymentsResponse {
        pub fn builder() -> builder::ListDeploymentsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListIdentitiesResponse {
        pub data: IdentityPage,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListIdentitiesResponse {
        pub fn builder() -> builder::ListIdentitiesResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListServerToolsResponse {
        pub data: ServerTools,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListServerToolsResponse {
        pub fn builder() -> builder::ListServerToolsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListServersResponse {
        pub data: ServerPage,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListServersResponse {
        pub fn builder() -> builder::ListServersResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListTenantIntegrationsResponse {
        pub data: TenantIntegrations,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListTenantIntegrationsResponse {
        pub fn builder() -> builder::ListTenantIntegrationsResponse;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct ListTenantIntegrationsTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for ListTenantIntegrationsTenantId {}
    impl ::std::convert::TryFrom<&str> for ListTenantIntegrationsTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for ListTenantIntegrationsTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for ListTenantIntegrationsTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for ListTenantIntegrationsTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ListToolsResponse {
        pub data: ToolPage,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ListToolsResponse {
        pub fn builder() -> builder::ListToolsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct LogLine {
        pub message: ::std::string::String,
        pub stream: ::std::option::Option<crate::open_enum::LogStream>,
        pub timestamp: ::chrono::DateTime<::chrono::offset::Utc>,
    }
    impl LogLine {
        pub fn builder() -> builder::LogLine;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct McpHealthResponse {
        pub data: McpServiceHealth,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl McpHealthResponse {
        pub fn builder() -> builder::McpHealthResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct McpServer {
        pub category: ::std::option::Option<::std::string::String>,
        pub deployed_at: ::std::option::Option<
            ::chrono::DateTime<::chrono::offset::Utc>,
        >,
        pub description: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
        pub status: crate::open_enum::ServerStatus,
        pub tenant_id: ::std::option::Option<::std::string::String>,
        pub tool_count: ::std::option::Option<u64>,
        pub transport: ::std::option::Option<::std::string::String>,
        pub type_: crate::open_enum::ServerType,
    }
    impl McpServer {
        pub fn builder() -> builder::McpServer;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct McpServiceHealth {
        pub service: ::std::option::Option<::std::string::String>,
        pub status: ::std::string::String,
        pub tracker: ::std::option::Option<::std::string::String>,
    }
    impl McpServiceHealth {
        pub fn builder() -> builder::McpServiceHealth;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub enum McpSource {
        Github {
            auth: ::std::option::Option<GithubAuth>,
            branch: ::std::option::Option<::std::string::String>,
            url: McpSourceUrl,
        },
        Stdio {
            args: ::std::vec::Vec<::std::string::String>,
            command: McpSourceCommand,
            env: ::std::option::Option<crate::secret::SecretStringMap>,
        },
        Http {
            headers: ::std::option::Option<crate::secret::SecretStringMap>,
            url: McpSourceUrl,
        },
        Docker {
            env: ::std::option::Option<crate::secret::SecretStringMap>,
            image: McpSourceImage,
            port: ::std::option::Option<u16>,
        },
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct McpSourceCommand(_);
    impl<'de> ::serde::Deserialize<'de> for McpSourceCommand {}
    impl ::std::convert::TryFrom<&str> for McpSourceCommand {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for McpSourceCommand {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for McpSourceCommand {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for McpSourceCommand {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct McpSourceImage(_);
    impl<'de> ::serde::Deserialize<'de> for McpSourceImage {}
    impl ::std::convert::TryFrom<&str> for McpSourceImage {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for McpSourceImage {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for McpSourceImage {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for McpSourceImage {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct McpSourceUrl(_);
    impl<'de> ::serde::Deserialize<'de> for McpSourceUrl {}
    impl ::std::convert::TryFrom<&str> for McpSourceUrl {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for McpSourceUrl {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for McpSourceUrl {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for McpSourceUrl {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct McpTool {
        pub annotations: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub description: ::std::option::Option<::std::string::String>,
        pub icons: ::std::vec::Vec<Icon>,
        pub input_schema: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub meta: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub name: ::std::string::String,
        pub output_schema: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub title: ::std::option::Option<::std::string::String>,
        pub tool_id: ::std::string::String,
    }
    impl McpTool {
        pub fn builder() -> builder::McpTool;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct MemoryUsage {
        pub array_buffers: ::std::option::Option<u64>,
        pub external: ::std::option::Option<u64>,
        pub heap_total: ::std::option::Option<u64>,
        pub heap_used: ::std::option::Option<u64>,
        pub rss: ::std::option::Option<u64>,
    }
    impl MemoryUsage {
        pub fn builder() -> builder::MemoryUsage;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct Metrics {
        pub latency: ::std::option::Option<LatencyPercentiles>,
        pub requests: ::std::option::Option<RequestCounters>,
        pub token_usage: ::std::option::Option<TokenUsageCounters>,
    }
    impl Metrics {
        pub fn builder() -> builder::Metrics;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct MetricsPayload {
        pub metrics: Metrics,
    }
    impl MetricsPayload {
        pub fn builder() -> builder::MetricsPayload;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct MetricsResponse {
        pub data: MetricsPayload,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl MetricsResponse {
        pub fn builder() -> builder::MetricsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthConfigChange {
        pub integration: ::std::string::String,
        pub message: ::std::option::Option<::std::string::String>,
        pub tenant_id: ::std::string::String,
    }
    impl OAuthConfigChange {
        pub fn builder() -> builder::OAuthConfigChange;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthConfigChangeResponse {
        pub data: OAuthConfigChange,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl OAuthConfigChangeResponse {
        pub fn builder() -> builder::OAuthConfigChangeResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct OAuthConfigMetadata {
        pub created_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub created_by: ::std::option::Option<::std::string::String>,
        pub last_used_at: ::std::option::Option<
            ::chrono::DateTime<::chrono::offset::Utc>,
        >,
        pub status: ::std::option::Option<::std::string::String>,
        pub updated_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
    }
    impl OAuthConfigMetadata {
        pub fn builder() -> builder::OAuthConfigMetadata;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct OAuthConfigPublic {
        pub additional_params: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub auth_endpoint: ::std::option::Option<::std::string::String>,
        pub client_id: ::std::option::Option<::std::string::String>,
        pub integration: ::std::option::Option<::std::string::String>,
        pub metadata: ::std::option::Option<OAuthConfigMetadata>,
        pub redirect_uri: ::std::option::Option<::std::string::String>,
        pub scopes: ::std::vec::Vec<::std::string::String>,
        pub tenant_id: ::std::option::Option<::std::string::String>,
        pub token_endpoint: ::std::option::Option<::std::string::String>,
    }
    impl OAuthConfigPublic {
        pub fn builder() -> builder::OAuthConfigPublic;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthConfigRequest {
        pub additional_params: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub auth_endpoint: OAuthConfigRequestAuthEndpoint,
        pub client_id: OAuthConfigRequestClientId,
        pub client_secret: crate::secret::SecretString,
        pub redirect_uri: OAuthConfigRequestRedirectUri,
        pub scopes: ::std::vec::Vec<OAuthConfigRequestScopesItem>,
        pub token_endpoint: OAuthConfigRequestTokenEndpoint,
    }
    impl OAuthConfigRequest {
        pub fn builder() -> builder::OAuthConfigRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct OAuthConfigRequestAuthEndpoint(_);
    impl<'de> ::serde::Deserialize<'de> for OAuthConfigRequestAuthEndpoint {}
    impl ::std::convert::TryFrom<&str> for OAuthConfigRequestAuthEndpoint {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for OAuthConfigRequestAuthEndpoint {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for OAuthConfigRequestAuthEndpoint {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for OAuthConfigRequestAuthEndpoint {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct OAuthConfigRequestClientId(_);
    impl<'de> ::serde::Deserialize<'de> for OAuthConfigRequestClientId {}
    impl ::std::convert::TryFrom<&str> for OAuthConfigRequestClientId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for OAuthConfigRequestClientId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for OAuthConfigRequestClientId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for OAuthConfigRequestClientId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct OAuthConfigRequestRedirectUri(_);
    impl<'de> ::serde::Deserialize<'de> for OAuthConfigRequestRedirectUri {}
    impl ::std::convert::TryFrom<&str> for OAuthConfigRequestRedirectUri {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for OAuthConfigRequestRedirectUri {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for OAuthConfigRequestRedirectUri {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for OAuthConfigRequestRedirectUri {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct OAuthConfigRequestScopesItem(_);
    impl<'de> ::serde::Deserialize<'de> for OAuthConfigRequestScopesItem {}
    impl ::std::convert::TryFrom<&str> for OAuthConfigRequestScopesItem {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for OAuthConfigRequestScopesItem {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for OAuthConfigRequestScopesItem {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for OAuthConfigRequestScopesItem {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct OAuthConfigRequestTokenEndpoint(_);
    impl<'de> ::serde::Deserialize<'de> for OAuthConfigRequestTokenEndpoint {}
    impl ::std::convert::TryFrom<&str> for OAuthConfigRequestTokenEndpoint {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for OAuthConfigRequestTokenEndpoint {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for OAuthConfigRequestTokenEndpoint {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for OAuthConfigRequestTokenEndpoint {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthConfigView {
        pub config: OAuthConfigPublic,
        pub integration: ::std::string::String,
        pub tenant_id: ::std::string::String,
    }
    impl OAuthConfigView {
        pub fn builder() -> builder::OAuthConfigView;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthServiceHealth {
        pub service: ::std::option::Option<::std::string::String>,
        pub status: ::std::string::String,
        pub vault: ::std::option::Option<::std::string::String>,
    }
    impl OAuthServiceHealth {
        pub fn builder() -> builder::OAuthServiceHealth;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct OAuthServiceHealthResponse {
        pub data: OAuthServiceHealth,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl OAuthServiceHealthResponse {
        pub fn builder() -> builder::OAuthServiceHealthResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Pagination {
        pub limit: u64,
        pub offset: u64,
        pub total: u64,
    }
    impl Pagination {
        pub fn builder() -> builder::Pagination;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct PlainError {
        pub error: ::std::string::String,
        pub errors: ::std::vec::Vec<FieldError>,
        pub limits: ::std::option::Option<RateLimitInfo>,
        pub message: ::std::option::Option<::std::string::String>,
        pub retry_after: ::std::option::Option<u64>,
        pub success: ::std::option::Option<bool>,
    }
    impl PlainError {
        pub fn builder() -> builder::PlainError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct RateLimitInfo {
        pub limit: ::std::option::Option<u64>,
        pub remaining: ::std::option::Option<u64>,
        pub reset_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub scope: ::std::option::Option<::std::string::String>,
        pub window: ::std::option::Option<::std::string::String>,
    }
    impl RateLimitInfo {
        pub fn builder() -> builder::RateLimitInfo;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct Readiness {
        pub checks: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub status: ::std::string::String,
    }
    impl Readiness {
        pub fn builder() -> builder::Readiness;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ReadinessResponse {
        pub data: Readiness,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ReadinessResponse {
        pub fn builder() -> builder::ReadinessResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct RelatedTool {
        pub reason: ::std::option::Option<::std::string::String>,
        pub relation: crate::open_enum::RelationType,
        pub tool_id: ::std::string::String,
        pub weight: f64,
    }
    impl RelatedTool {
        pub fn builder() -> builder::RelatedTool;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct RelatedTools {
        pub related: ::std::vec::Vec<RelatedTool>,
        pub tool_id: ::std::string::String,
    }
    impl RelatedTools {
        pub fn builder() -> builder::RelatedTools;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct RelatedToolsResponse {
        pub data: RelatedTools,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl RelatedToolsResponse {
        pub fn builder() -> builder::RelatedToolsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct RemoveCustomServerResponse {
        pub data: RemovedServer,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl RemoveCustomServerResponse {
        pub fn builder() -> builder::RemoveCustomServerResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct RemovedServer {
        pub message: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
    }
    impl RemovedServer {
        pub fn builder() -> builder::RemovedServer;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct RequestCounters {
        pub failed: ::std::option::Option<u64>,
        pub success: ::std::option::Option<u64>,
        pub total: ::std::option::Option<u64>,
    }
    impl RequestCounters {
        pub fn builder() -> builder::RequestCounters;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ResponseMetadata {
        pub path: ::std::option::Option<::std::string::String>,
        pub request_id: ::std::option::Option<::std::string::String>,
        pub timestamp: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub version: ::std::option::Option<::std::string::String>,
    }
    impl ResponseMetadata {
        pub fn builder() -> builder::ResponseMetadata;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct SelectOptions {
        pub allowed_categories: ::std::vec::Vec<SelectOptionsAllowedCategoriesItem>,
        pub exclude_servers: ::std::vec::Vec<::std::string::String>,
        pub include_connection_status: ::std::option::Option<bool>,
        pub include_guidance: ::std::option::Option<bool>,
        pub include_related: ::std::option::Option<bool>,
        pub include_schemas: ::std::option::Option<bool>,
        pub max_tools: ::std::option::Option<i64>,
        pub tenant_id: ::std::option::Option<SelectOptionsTenantId>,
        pub token_budget: ::std::option::Option<i64>,
    }
    impl SelectOptions {
        pub fn builder() -> builder::SelectOptions;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct SelectOptionsAllowedCategoriesItem(_);
    impl<'de> ::serde::Deserialize<'de> for SelectOptionsAllowedCategoriesItem {}
    impl ::std::convert::TryFrom<&str> for SelectOptionsAllowedCategoriesItem {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for SelectOptionsAllowedCategoriesItem {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for SelectOptionsAllowedCategoriesItem {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for SelectOptionsAllowedCategoriesItem {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct SelectOptionsTenantId(_);
    impl<'de> ::serde::Deserialize<'de> for SelectOptionsTenantId {}
    impl ::std::convert::TryFrom<&str> for SelectOptionsTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for SelectOptionsTenantId {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for SelectOptionsTenantId {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for SelectOptionsTenantId {
        type Err = self::error::ConversionError;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct SelectSession {
        pub generate_id: ::std::option::Option<bool>,
        pub id: ::std::option::Option<::std::string::String>,
    }
    impl SelectSession {
        pub fn builder() -> builder::SelectSession;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub enum SelectToolsRequest {
        SingleSelectRequest(SingleSelectRequest),
        BatchSelectRequest(BatchSelectRequest),
    }
    impl ::std::convert::From<BatchSelectRequest> for SelectToolsRequest {}
    impl ::std::convert::From<SingleSelectRequest> for SelectToolsRequest {}
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct SelectToolsResponse {
        pub data: SelectToolsResult,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl SelectToolsResponse {
        pub fn builder() -> builder::SelectToolsResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub enum SelectToolsResult {
        ToolSelectionResult(ToolSelectionResult),
        BatchSelectionResult(BatchSelectionResult),
    }
    impl ::std::convert::From<BatchSelectionResult> for SelectToolsResult {}
    impl ::std::convert::From<ToolSelectionResult> for SelectToolsResult {}
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct SelectionPerformance {
        pub latency_ms: ::std::option::Option<f64>,
        pub token_budget: ::std::option::Option<u64>,
        pub token_usage: ::std::option::Option<u64>,
        pub total_tools: ::std::option::Option<u64>,
    }
    impl SelectionPerformance {
        pub fn builder() -> builder::SelectionPerformance;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServerHealth {
        pub error: ::std::option::Option<::std::string::String>,
        pub last_check: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub latency_ms: ::std::option::Option<f64>,
        pub name: ::std::string::String,
        pub restarts: ::std::option::Option<u64>,
        pub status: crate::open_enum::HealthState,
    }
    impl ServerHealth {
        pub fn builder() -> builder::ServerHealth;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServerHealthResponse {
        pub data: ServerHealth,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ServerHealthResponse {
        pub fn builder() -> builder::ServerHealthResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServerPage {
        pub pagination: Pagination,
        pub servers: ::std::vec::Vec<McpServer>,
    }
    impl ServerPage {
        pub fn builder() -> builder::ServerPage;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ServerSentEvent {
        pub data: ::std::option::Option<::std::string::String>,
        pub event: ::std::option::Option<::std::string::String>,
        pub id: ::std::option::Option<::std::string::String>,
        pub retry: ::std::option::Option<u64>,
    }
    impl ServerSentEvent {
        pub fn builder() -> builder::ServerSentEvent;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServerStatusEvent {
        pub message: ::std::option::Option<::std::string::String>,
        pub name: ::std::string::String,
        pub previous: ::std::option::Option<crate::open_enum::ServerStatus>,
        pub status: crate::open_enum::ServerStatus,
        pub timestamp: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
    }
    impl ServerStatusEvent {
        pub fn builder() -> builder::ServerStatusEvent;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServerTools {
        pub server: ::std::string::String,
        pub tools: ::std::vec::Vec<McpTool>,
    }
    impl ServerTools {
        pub fn builder() -> builder::ServerTools;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServiceInfo {
        pub capabilities: ::std::option::Option<ServiceInfoCapabilities>,
        pub endpoints: ::std::option::Option<ServiceInfoEndpoints>,
        pub name: ::std::string::String,
        pub status: ::std::string::String,
        pub version: ::std::string::String,
    }
    impl ServiceInfo {
        pub fn builder() -> builder::ServiceInfo;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ServiceInfoCapabilities {
        pub idempotency_keys: ::std::option::Option<bool>,
    }
    impl ServiceInfoCapabilities {
        pub fn builder() -> builder::ServiceInfoCapabilities;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ServiceInfoEndpoints {
        pub api: ::std::option::Option<::std::string::String>,
        pub docs: ::std::option::Option<::std::string::String>,
        pub health: ::std::option::Option<::std::string::String>,
        pub ready: ::std::option::Option<::std::string::String>,
    }
    impl ServiceInfoEndpoints {
        pub fn builder() -> builder::ServiceInfoEndpoints;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ServiceInfoResponse {
        pub data: ServiceInfo,
        pub metadata: ::std::option::Option<ResponseMetadata>,
        pub success: bool,
    }
    impl ServiceInfoResponse {
        pub fn builder() -> builder::ServiceInfoResponse;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct SessionInfo {
        pub generated: ::std::option::Option<bool>,
        pub id: ::std::string::String,
        pub instructions: ::std::option::Option<::std::string::String>,
    }
    impl SessionInfo {
        pub fn builder() -> builder::SessionInfo;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct SingleSelectRequest {
        pub options: ::std::option::Option<SelectOptions>,
        pub query: SingleSelectRequestQuery,
        pub session: ::std::option::Option<SelectSession>,
    }
    impl SingleSelectRequest {
        pub fn builder() -> builder::SingleSelectRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct SingleSelectRequestQuery(_);
    impl<'de> ::serde::Deserialize<'de> for SingleSelectRequestQuery {}
    impl ::std::convert::TryFrom<&str> for SingleSelectRequestQuery {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for SingleSelectRequestQuery {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for SingleSelectRequestQuery {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for SingleSelectRequestQuery {
        type Err = self::error::ConversionError;
    }
    impl ::std::convert::From<AddMcpServerRequestCategory> for ::std::string::String {}
    impl ::std::convert::From<AddMcpServerRequestName> for ::std::string::String {}
    impl ::std::convert::From<BatchQueryKnownFields> for ::std::string::String {}
    impl ::std::convert::From<BatchQueryUseCase> for ::std::string::String {}
    impl ::std::convert::From<CreateIdentityRequestName> for ::std::string::String {}
    impl ::std::convert::From<CreateOauthConfigIntegration> for ::std::string::String {}
    impl ::std::convert::From<CreateOauthConfigTenantId> for ::std::string::String {}
    impl ::std::convert::From<DeleteOauthConfigIntegration> for ::std::string::String {}
    impl ::std::convert::From<DeleteOauthConfigTenantId> for ::std::string::String {}
    impl ::std::convert::From<GetOauthConfigIntegration> for ::std::string::String {}
    impl ::std::convert::From<GetOauthConfigTenantId> for ::std::string::String {}
    impl ::std::convert::From<InvokeToolRequestIntegration> for ::std::string::String {}
    impl ::std::convert::From<InvokeToolRequestTenantId> for ::std::string::String {}
    impl ::std::convert::From<InvokeToolRequestToolId> for ::std::string::String {}
    impl ::std::convert::From<ListTenantIntegrationsTenantId> for ::std::string::String {}
    impl ::std::convert::From<McpSourceCommand> for ::std::string::String {}
    impl ::std::convert::From<McpSourceImage> for ::std::string::String {}
    impl ::std::convert::From<McpSourceUrl> for ::std::string::String {}
    impl ::std::convert::From<OAuthConfigRequestAuthEndpoint> for ::std::string::String {}
    impl ::std::convert::From<OAuthConfigRequestClientId> for ::std::string::String {}
    impl ::std::convert::From<OAuthConfigRequestRedirectUri> for ::std::string::String {}
    impl ::std::convert::From<OAuthConfigRequestScopesItem> for ::std::string::String {}
    impl ::std::convert::From<OAuthConfigRequestTokenEndpoint>
    for ::std::string::String {}
    impl ::std::convert::From<SelectOptionsAllowedCategoriesItem>
    for ::std::string::String {}
    impl ::std::convert::From<SelectOptionsTenantId> for ::std::string::String {}
    impl ::std::convert::From<SingleSelectRequestQuery> for ::std::string::String {}
    impl ::std::convert::From<UpdateIdentityRequestName> for ::std::string::String {}
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct TenantIntegrations {
        pub count: ::std::option::Option<u64>,
        pub integrations: ::std::vec::Vec<::std::string::String>,
        pub tenant_id: ::std::string::String,
    }
    impl TenantIntegrations {
        pub fn builder() -> builder::TenantIntegrations;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct TimeInfo {
        pub current_time: ::std::option::Option<
            ::chrono::DateTime<::chrono::offset::Utc>,
        >,
        pub current_time_epoch_in_seconds: ::std::option::Option<i64>,
        pub message: ::std::option::Option<::std::string::String>,
    }
    impl TimeInfo {
        pub fn builder() -> builder::TimeInfo;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct TokenUsageCounters {
        pub average: ::std::option::Option<f64>,
        pub reduction: ::std::option::Option<f64>,
        pub total: ::std::option::Option<f64>,
    }
    impl TokenUsageCounters {
        pub fn builder() -> builder::TokenUsageCounters;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ToolAnnotations {
        pub destructive_hint: ::std::option::Option<bool>,
        pub idempotent_hint: ::std::option::Option<bool>,
        pub open_world_hint: ::std::option::Option<bool>,
        pub read_only_hint: ::std::option::Option<bool>,
        pub title: ::std::option::Option<::std::string::String>,
    }
    impl ToolAnnotations {
        pub fn builder() -> builder::ToolAnnotations;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolExample {
        pub description: ::std::string::String,
        pub input: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub output: ::std::option::Option<::serde_json::Value>,
    }
    impl ToolExample {
        pub fn builder() -> builder::ToolExample;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolPage {
        pub pagination: Pagination,
        pub tools: ::std::vec::Vec<ToolSelection>,
    }
    impl ToolPage {
        pub fn builder() -> builder::ToolPage;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ToolRateLimit {
        pub period: ::std::option::Option<::std::string::String>,
        pub requests: ::std::option::Option<u64>,
        pub scope: ::std::option::Option<::std::string::String>,
    }
    impl ToolRateLimit {
        pub fn builder() -> builder::ToolRateLimit;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolSchema {
        pub description: ::std::option::Option<::std::string::String>,
        pub examples: ::std::vec::Vec<ToolExample>,
        pub name: ::std::string::String,
        pub parameters: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub rate_limit: ::std::option::Option<ToolRateLimit>,
        pub requires_auth: ::std::option::Option<bool>,
    }
    impl ToolSchema {
        pub fn builder() -> builder::ToolSchema;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolSelection {
        pub annotations: ::std::option::Option<ToolAnnotations>,
        pub category: ::std::string::String,
        pub description: ::std::string::String,
        pub icons: ::std::vec::Vec<Icon>,
        pub load_url: ::std::option::Option<::std::string::String>,
        pub meta: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub name: ::std::string::String,
        pub output_schema: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        pub reason: ::std::option::Option<::std::string::String>,
        pub related_tools: ::std::vec::Vec<RelatedTool>,
        pub schema: ::std::option::Option<ToolSchema>,
        pub score: f64,
        pub tier: i64,
        pub title: ::std::option::Option<::std::string::String>,
        pub token_cost: u64,
        pub tool_id: ::std::string::String,
    }
    impl ToolSelection {
        pub fn builder() -> builder::ToolSelection;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolSelectionResult {
        pub guidance: ::std::option::Option<Guidance>,
        pub performance: ::std::option::Option<SelectionPerformance>,
        pub query: ::std::string::String,
        pub session: ::std::option::Option<SessionInfo>,
        pub time_info: ::std::option::Option<TimeInfo>,
        pub tool_schemas: ::std::collections::HashMap<
            ::std::string::String,
            FullToolSchema,
        >,
        pub toolkit_connection_statuses: ::std::vec::Vec<ToolkitConnectionStatus>,
        pub tools: ToolTiers,
    }
    impl ToolSelectionResult {
        pub fn builder() -> builder::ToolSelectionResult;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ToolTiers {
        pub tier1: ::std::vec::Vec<ToolSelection>,
        pub tier2: ::std::vec::Vec<ToolSelection>,
        pub tier3: ::std::vec::Vec<ToolSelection>,
    }
    impl ToolTiers {
        pub fn builder() -> builder::ToolTiers;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct ToolkitConnectionStatus {
        pub active_connection: ::std::option::Option<bool>,
        pub connection_details: ::serde_json::Map<
            ::std::string::String,
            ::serde_json::Value,
        >,
        pub description: ::std::option::Option<::std::string::String>,
        pub message: ::std::option::Option<::std::string::String>,
        pub toolkit: ::std::option::Option<::std::string::String>,
    }
    impl ToolkitConnectionStatus {
        pub fn builder() -> builder::ToolkitConnectionStatus;
    }
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
    pub struct UpdateIdentityRequest {
        pub description: ::std::option::Option<::std::string::String>,
        pub email: ::std::option::Option<::std::string::String>,
        pub members: ::std::vec::Vec<::std::string::String>,
        pub metadata: ::std::collections::HashMap<
            ::std::string::String,
            ::std::string::String,
        >,
        pub name: ::std::option::Option<UpdateIdentityRequestName>,
    }
    impl UpdateIdentityRequest {
        pub fn builder() -> builder::UpdateIdentityRequest;
    }
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct UpdateIdentityRequestName(_);
    impl<'de> ::serde::Deserialize<'de> for UpdateIdentityRequestName {}
    impl ::std::convert::TryFrom<&str> for UpdateIdentityRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::convert::TryFrom<::std::string::String> for UpdateIdentityRequestName {
        type Error = self::error::ConversionError;
    }
    impl ::std::ops::Deref for UpdateIdentityRequestName {
        type Target = ::std::string::String;
    }
    impl ::std::str::FromStr for UpdateIdentityRequestName {
        type Err = self::error::ConversionError;
    }
    pub mod builder {
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct AddMcpServerRequest {}
        impl AddMcpServerRequest {
            pub fn category<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::AddMcpServerRequestCategory>,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::AddMcpServerRequestName>,
                T::Error: ::std::fmt::Display;
            pub fn source<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::McpSource>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::AddMcpServerRequest> for AddMcpServerRequest {}
        impl ::std::convert::TryFrom<AddMcpServerRequest>
        for super::AddMcpServerRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for AddMcpServerRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct AddMcpServerResponse {}
        impl AddMcpServerResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::DeploymentAccepted>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::AddMcpServerResponse> for AddMcpServerResponse {}
        impl ::std::convert::TryFrom<AddMcpServerResponse>
        for super::AddMcpServerResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for AddMcpServerResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchInvokeItem {}
        impl BatchInvokeItem {
            pub fn error<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::ErrorDetail>>,
                T::Error: ::std::fmt::Display;
            pub fn index<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display;
            pub fn result<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::InvokeToolResult>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchInvokeItem> for BatchInvokeItem {}
        impl ::std::convert::TryFrom<BatchInvokeItem> for super::BatchInvokeItem {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchInvokeItem {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchInvokeRequest {}
        impl BatchInvokeRequest {
            pub fn invocations<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::InvokeToolRequest>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchInvokeRequest> for BatchInvokeRequest {}
        impl ::std::convert::TryFrom<BatchInvokeRequest> for super::BatchInvokeRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchInvokeRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchInvokeResponse {}
        impl BatchInvokeResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::BatchInvokeResult>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchInvokeResponse> for BatchInvokeResponse {}
        impl ::std::convert::TryFrom<BatchInvokeResponse>
        for super::BatchInvokeResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchInvokeResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchInvokeResult {}
        impl BatchInvokeResult {
            pub fn failed<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn results<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::BatchInvokeItem>>,
                T::Error: ::std::fmt::Display;
            pub fn succeeded<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchInvokeResult> for BatchInvokeResult {}
        impl ::std::convert::TryFrom<BatchInvokeResult> for super::BatchInvokeResult {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchInvokeResult {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchQuery {}
        impl BatchQuery {
            pub fn known_fields<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::BatchQueryKnownFields>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn use_case<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::BatchQueryUseCase>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchQuery> for BatchQuery {}
        impl ::std::convert::TryFrom<BatchQuery> for super::BatchQuery {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchQuery {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchSelectRequest {}
        impl BatchSelectRequest {
            pub fn options<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::SelectOptions>>,
                T::Error: ::std::fmt::Display;
            pub fn queries<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::BatchQuery>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchSelectRequest> for BatchSelectRequest {}
        impl ::std::convert::TryFrom<BatchSelectRequest> for super::BatchSelectRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchSelectRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchSelectionItem {}
        impl BatchSelectionItem {
            pub fn cached_plan_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn guidance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::Guidance>>,
                T::Error: ::std::fmt::Display;
            pub fn index<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<i64>,
                T::Error: ::std::fmt::Display;
            pub fn main_tool_slugs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn related_tool_slugs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn toolkits<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn use_case<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchSelectionItem> for BatchSelectionItem {}
        impl ::std::convert::TryFrom<BatchSelectionItem> for super::BatchSelectionItem {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchSelectionItem {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct BatchSelectionResult {}
        impl BatchSelectionResult {
            pub fn next_steps_guidance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn results<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::BatchSelectionItem>>,
                T::Error: ::std::fmt::Display;
            pub fn session<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::SessionInfo>>,
                T::Error: ::std::fmt::Display;
            pub fn time_info<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::TimeInfo>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_schemas<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        super::FullToolSchema,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn toolkit_connection_statuses<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::ToolkitConnectionStatus>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::BatchSelectionResult> for BatchSelectionResult {}
        impl ::std::convert::TryFrom<BatchSelectionResult>
        for super::BatchSelectionResult {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for BatchSelectionResult {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Category {}
        impl Category {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn tool_count<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Category> for Category {}
        impl ::std::convert::TryFrom<Category> for super::Category {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Category {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct CategoryList {}
        impl CategoryList {
            pub fn categories<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::Category>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::CategoryList> for CategoryList {}
        impl ::std::convert::TryFrom<CategoryList> for super::CategoryList {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for CategoryList {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct CreateIdentityRequest {}
        impl CreateIdentityRequest {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn email<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn members<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::CreateIdentityRequestName>,
                T::Error: ::std::fmt::Display;
            pub fn type_<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::IdentityType>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::CreateIdentityRequest>
        for CreateIdentityRequest {}
        impl ::std::convert::TryFrom<CreateIdentityRequest>
        for super::CreateIdentityRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for CreateIdentityRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct CustomServer {}
        impl CustomServer {
            pub fn category<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn deployed_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn source<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::ServerStatus>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_count<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::CustomServer> for CustomServer {}
        impl ::std::convert::TryFrom<CustomServer> for super::CustomServer {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for CustomServer {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct CustomServerList {}
        impl CustomServerList {
            pub fn count<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn servers<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::CustomServer>>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::CustomServerList> for CustomServerList {}
        impl ::std::convert::TryFrom<CustomServerList> for super::CustomServerList {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for CustomServerList {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeleteIdentityResponse {}
        impl DeleteIdentityResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::DeletedIdentity>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeleteIdentityResponse>
        for DeleteIdentityResponse {}
        impl ::std::convert::TryFrom<DeleteIdentityResponse>
        for super::DeleteIdentityResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeleteIdentityResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeletedIdentity {}
        impl DeletedIdentity {
            pub fn id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeletedIdentity> for DeletedIdentity {}
        impl ::std::convert::TryFrom<DeletedIdentity> for super::DeletedIdentity {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeletedIdentity {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DependencyCheck {}
        impl DependencyCheck {
            pub fn kind<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn last_check<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn latency_ms<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::HealthState>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DependencyCheck> for DependencyCheck {}
        impl ::std::convert::TryFrom<DependencyCheck> for super::DependencyCheck {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DependencyCheck {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Deployment {}
        impl Deployment {
            pub fn created_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn deployment_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn endpoint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn error<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn estimated_time<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn progress<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::DeploymentProgress>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::DeploymentStatus>,
                T::Error: ::std::fmt::Display;
            pub fn tools_discovered<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn updated_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Deployment> for Deployment {}
        impl ::std::convert::TryFrom<Deployment> for super::Deployment {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Deployment {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentAccepted {}
        impl DeploymentAccepted {
            pub fn deployment_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn estimated_time<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::DeploymentStatus>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentAccepted> for DeploymentAccepted {}
        impl ::std::convert::TryFrom<DeploymentAccepted> for super::DeploymentAccepted {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentAccepted {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentEvent {}
        impl DeploymentEvent {
            pub fn deployment_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::DeploymentStatus>,
                T::Error: ::std::fmt::Display;
            pub fn step<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn timestamp<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentEvent> for DeploymentEvent {}
        impl ::std::convert::TryFrom<DeploymentEvent> for super::DeploymentEvent {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentEvent {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentLogs {}
        impl DeploymentLogs {
            pub fn deployment_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn logs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::LogLine>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentLogs> for DeploymentLogs {}
        impl ::std::convert::TryFrom<DeploymentLogs> for super::DeploymentLogs {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentLogs {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentLogsResponse {}
        impl DeploymentLogsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::DeploymentLogs>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentLogsResponse>
        for DeploymentLogsResponse {}
        impl ::std::convert::TryFrom<DeploymentLogsResponse>
        for super::DeploymentLogsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentLogsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentPage {}
        impl DeploymentPage {
            pub fn deployments<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::Deployment>>,
                T::Error: ::std::fmt::Display;
            pub fn pagination<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Pagination>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentPage> for DeploymentPage {}
        impl ::std::convert::TryFrom<DeploymentPage> for super::DeploymentPage {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentPage {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DeploymentProgress {}
        impl DeploymentProgress {
            pub fn build<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::StepStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn clone<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::StepStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn deploy<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::StepStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn discovery<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::StepStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn embeddings<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::StepStatus>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DeploymentProgress> for DeploymentProgress {}
        impl ::std::convert::TryFrom<DeploymentProgress> for super::DeploymentProgress {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DeploymentProgress {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DetailedHealth {}
        impl DetailedHealth {
            pub fn checks<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::DependencyCheck>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::HealthState>,
                T::Error: ::std::fmt::Display;
            pub fn uptime<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn version<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DetailedHealth> for DetailedHealth {}
        impl ::std::convert::TryFrom<DetailedHealth> for super::DetailedHealth {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DetailedHealth {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct DetailedHealthResponse {}
        impl DetailedHealthResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::DetailedHealth>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::DetailedHealthResponse>
        for DetailedHealthResponse {}
        impl ::std::convert::TryFrom<DetailedHealthResponse>
        for super::DetailedHealthResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for DetailedHealthResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ErrorDetail {}
        impl ErrorDetail {
            pub fn code<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn context<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn type_<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ErrorDetail> for ErrorDetail {}
        impl ::std::convert::TryFrom<ErrorDetail> for super::ErrorDetail {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ErrorDetail {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ErrorEnvelope {}
        impl ErrorEnvelope {
            pub fn error<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ErrorDetail>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ErrorEnvelope> for ErrorEnvelope {}
        impl ::std::convert::TryFrom<ErrorEnvelope> for super::ErrorEnvelope {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ErrorEnvelope {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct FieldError {}
        impl FieldError {
            pub fn field<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::FieldError> for FieldError {}
        impl ::std::convert::TryFrom<FieldError> for super::FieldError {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for FieldError {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct FullToolSchema {}
        impl FullToolSchema {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn input_schema<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn tool_slug<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn toolkit<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::FullToolSchema> for FullToolSchema {}
        impl ::std::convert::TryFrom<FullToolSchema> for super::FullToolSchema {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for FullToolSchema {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct GetDeploymentResponse {}
        impl GetDeploymentResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Deployment>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::GetDeploymentResponse>
        for GetDeploymentResponse {}
        impl ::std::convert::TryFrom<GetDeploymentResponse>
        for super::GetDeploymentResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for GetDeploymentResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct GetOAuthConfigResponse {}
        impl GetOAuthConfigResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigView>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::GetOAuthConfigResponse>
        for GetOAuthConfigResponse {}
        impl ::std::convert::TryFrom<GetOAuthConfigResponse>
        for super::GetOAuthConfigResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for GetOAuthConfigResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct GetServerResponse {}
        impl GetServerResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::McpServer>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::GetServerResponse> for GetServerResponse {}
        impl ::std::convert::TryFrom<GetServerResponse> for super::GetServerResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for GetServerResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct GetToolResponse {}
        impl GetToolResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ToolSelection>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::GetToolResponse> for GetToolResponse {}
        impl ::std::convert::TryFrom<GetToolResponse> for super::GetToolResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for GetToolResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct GithubAuth {}
        impl GithubAuth {
            pub fn token<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::secret::SecretString>,
                T::Error: ::std::fmt::Display;
            pub fn type_<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::GithubAuthType>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::GithubAuth> for GithubAuth {}
        impl ::std::convert::TryFrom<GithubAuth> for super::GithubAuth {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for GithubAuth {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Guidance {}
        impl Guidance {
            pub fn cached_plan_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn difficulty<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn guidance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn main_tool_slugs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn pitfalls<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn related_tool_slugs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn toolkits<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn validated_plan<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Guidance> for Guidance {}
        impl ::std::convert::TryFrom<Guidance> for super::Guidance {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Guidance {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Health {}
        impl Health {
            pub fn memory<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::MemoryUsage>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn uptime<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Health> for Health {}
        impl ::std::convert::TryFrom<Health> for super::Health {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Health {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct HealthResponse {}
        impl HealthResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Health>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::HealthResponse> for HealthResponse {}
        impl ::std::convert::TryFrom<HealthResponse> for super::HealthResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for HealthResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Icon {}
        impl Icon {
            pub fn mime_type<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn sizes<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn src<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn theme<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Icon> for Icon {}
        impl ::std::convert::TryFrom<Icon> for super::Icon {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Icon {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Identity {}
        impl Identity {
            pub fn created_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn email<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn members<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn type_<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::IdentityType>,
                T::Error: ::std::fmt::Display;
            pub fn updated_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Identity> for Identity {}
        impl ::std::convert::TryFrom<Identity> for super::Identity {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Identity {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct IdentityPage {}
        impl IdentityPage {
            pub fn identities<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::Identity>>,
                T::Error: ::std::fmt::Display;
            pub fn pagination<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Pagination>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::IdentityPage> for IdentityPage {}
        impl ::std::convert::TryFrom<IdentityPage> for super::IdentityPage {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for IdentityPage {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct IdentityResponse {}
        impl IdentityResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Identity>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::IdentityResponse> for IdentityResponse {}
        impl ::std::convert::TryFrom<IdentityResponse> for super::IdentityResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for IdentityResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvocationLogEvent {}
        impl InvocationLogEvent {
            pub fn level<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvocationLogEvent> for InvocationLogEvent {}
        impl ::std::convert::TryFrom<InvocationLogEvent> for super::InvocationLogEvent {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvocationLogEvent {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvocationPerformance {}
        impl InvocationPerformance {
            pub fn latency_ms<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvocationPerformance>
        for InvocationPerformance {}
        impl ::std::convert::TryFrom<InvocationPerformance>
        for super::InvocationPerformance {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvocationPerformance {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvocationProgressEvent {}
        impl InvocationProgressEvent {
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn progress<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f64>,
                T::Error: ::std::fmt::Display;
            pub fn total<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvocationProgressEvent>
        for InvocationProgressEvent {}
        impl ::std::convert::TryFrom<InvocationProgressEvent>
        for super::InvocationProgressEvent {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvocationProgressEvent {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvokeToolRequest {}
        impl InvokeToolRequest {
            pub fn integration<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::InvokeToolRequestIntegration>,
                T::Error: ::std::fmt::Display;
            pub fn parameters<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::secret::ToolArguments>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::InvokeToolRequestTenantId>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::InvokeToolRequestToolId>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvokeToolRequest> for InvokeToolRequest {}
        impl ::std::convert::TryFrom<InvokeToolRequest> for super::InvokeToolRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvokeToolRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvokeToolResponse {}
        impl InvokeToolResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::InvokeToolResult>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvokeToolResponse> for InvokeToolResponse {}
        impl ::std::convert::TryFrom<InvokeToolResponse> for super::InvokeToolResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvokeToolResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct InvokeToolResult {}
        impl InvokeToolResult {
            pub fn performance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::InvocationPerformance>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn result<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::serde_json::Value>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::InvokeToolResult> for InvokeToolResult {}
        impl ::std::convert::TryFrom<InvokeToolResult> for super::InvokeToolResult {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for InvokeToolResult {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct LatencyPercentiles {}
        impl LatencyPercentiles {
            pub fn p50<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn p95<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn p99<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::LatencyPercentiles> for LatencyPercentiles {}
        impl ::std::convert::TryFrom<LatencyPercentiles> for super::LatencyPercentiles {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for LatencyPercentiles {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListCategoriesResponse {}
        impl ListCategoriesResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::CategoryList>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListCategoriesResponse>
        for ListCategoriesResponse {}
        impl ::std::convert::TryFrom<ListCategoriesResponse>
        for super::ListCategoriesResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListCategoriesResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListCustomServersResponse {}
        impl ListCustomServersResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::CustomServerList>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListCustomServersResponse>
        for ListCustomServersResponse {}
        impl ::std::convert::TryFrom<ListCustomServersResponse>
        for super::ListCustomServersResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListCustomServersResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListDeploymentsResponse {}
        impl ListDeploymentsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::DeploymentPage>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListDeploymentsResponse>
        for ListDeploymentsResponse {}
        impl ::std::convert::TryFrom<ListDeploymentsResponse>
        for super::ListDeploymentsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListDeploymentsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListIdentitiesResponse {}
        impl ListIdentitiesResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::IdentityPage>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListIdentitiesResponse>
        for ListIdentitiesResponse {}
        impl ::std::convert::TryFrom<ListIdentitiesResponse>
        for super::ListIdentitiesResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListIdentitiesResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListServerToolsResponse {}
        impl ListServerToolsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ServerTools>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListServerToolsResponse>
        for ListServerToolsResponse {}
        impl ::std::convert::TryFrom<ListServerToolsResponse>
        for super::ListServerToolsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListServerToolsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListServersResponse {}
        impl ListServersResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ServerPage>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListServersResponse> for ListServersResponse {}
        impl ::std::convert::TryFrom<ListServersResponse>
        for super::ListServersResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListServersResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListTenantIntegrationsResponse {}
        impl ListTenantIntegrationsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TenantIntegrations>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListTenantIntegrationsResponse>
        for ListTenantIntegrationsResponse {}
        impl ::std::convert::TryFrom<ListTenantIntegrationsResponse>
        for super::ListTenantIntegrationsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListTenantIntegrationsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ListToolsResponse {}
        impl ListToolsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ToolPage>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ListToolsResponse> for ListToolsResponse {}
        impl ::std::convert::TryFrom<ListToolsResponse> for super::ListToolsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ListToolsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct LogLine {}
        impl LogLine {
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn stream<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::LogStream>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn timestamp<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::LogLine> for LogLine {}
        impl ::std::convert::TryFrom<LogLine> for super::LogLine {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for LogLine {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct McpHealthResponse {}
        impl McpHealthResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::McpServiceHealth>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::McpHealthResponse> for McpHealthResponse {}
        impl ::std::convert::TryFrom<McpHealthResponse> for super::McpHealthResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for McpHealthResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct McpServer {}
        impl McpServer {
            pub fn category<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn deployed_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::ServerStatus>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_count<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn transport<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn type_<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::ServerType>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::McpServer> for McpServer {}
        impl ::std::convert::TryFrom<McpServer> for super::McpServer {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for McpServer {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct McpServiceHealth {}
        impl McpServiceHealth {
            pub fn service<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn tracker<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::McpServiceHealth> for McpServiceHealth {}
        impl ::std::convert::TryFrom<McpServiceHealth> for super::McpServiceHealth {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for McpServiceHealth {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct McpTool {}
        impl McpTool {
            pub fn annotations<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn icons<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::Icon>>,
                T::Error: ::std::fmt::Display;
            pub fn input_schema<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn meta<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn output_schema<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn title<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::McpTool> for McpTool {}
        impl ::std::convert::TryFrom<McpTool> for super::McpTool {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for McpTool {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct MemoryUsage {}
        impl MemoryUsage {
            pub fn array_buffers<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn external<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn heap_total<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn heap_used<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn rss<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::MemoryUsage> for MemoryUsage {}
        impl ::std::convert::TryFrom<MemoryUsage> for super::MemoryUsage {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for MemoryUsage {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Metrics {}
        impl Metrics {
            pub fn latency<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::LatencyPercentiles>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn requests<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::RequestCounters>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn token_usage<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::TokenUsageCounters>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Metrics> for Metrics {}
        impl ::std::convert::TryFrom<Metrics> for super::Metrics {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Metrics {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct MetricsPayload {}
        impl MetricsPayload {
            pub fn metrics<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Metrics>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::MetricsPayload> for MetricsPayload {}
        impl ::std::convert::TryFrom<MetricsPayload> for super::MetricsPayload {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for MetricsPayload {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct MetricsResponse {}
        impl MetricsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::MetricsPayload>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::MetricsResponse> for MetricsResponse {}
        impl ::std::convert::TryFrom<MetricsResponse> for super::MetricsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for MetricsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigChange {}
        impl OAuthConfigChange {
            pub fn integration<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigChange> for OAuthConfigChange {}
        impl ::std::convert::TryFrom<OAuthConfigChange> for super::OAuthConfigChange {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigChange {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigChangeResponse {}
        impl OAuthConfigChangeResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigChange>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigChangeResponse>
        for OAuthConfigChangeResponse {}
        impl ::std::convert::TryFrom<OAuthConfigChangeResponse>
        for super::OAuthConfigChangeResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigChangeResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigMetadata {}
        impl OAuthConfigMetadata {
            pub fn created_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn created_by<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn last_used_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn updated_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigMetadata> for OAuthConfigMetadata {}
        impl ::std::convert::TryFrom<OAuthConfigMetadata>
        for super::OAuthConfigMetadata {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigMetadata {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigPublic {}
        impl OAuthConfigPublic {
            pub fn additional_params<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn auth_endpoint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn client_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn integration<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::OAuthConfigMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn redirect_uri<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn scopes<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn token_endpoint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigPublic> for OAuthConfigPublic {}
        impl ::std::convert::TryFrom<OAuthConfigPublic> for super::OAuthConfigPublic {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigPublic {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigRequest {}
        impl OAuthConfigRequest {
            pub fn additional_params<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn auth_endpoint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigRequestAuthEndpoint>,
                T::Error: ::std::fmt::Display;
            pub fn client_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigRequestClientId>,
                T::Error: ::std::fmt::Display;
            pub fn client_secret<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::secret::SecretString>,
                T::Error: ::std::fmt::Display;
            pub fn redirect_uri<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigRequestRedirectUri>,
                T::Error: ::std::fmt::Display;
            pub fn scopes<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::OAuthConfigRequestScopesItem>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn token_endpoint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigRequestTokenEndpoint>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigRequest> for OAuthConfigRequest {}
        impl ::std::convert::TryFrom<OAuthConfigRequest> for super::OAuthConfigRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthConfigView {}
        impl OAuthConfigView {
            pub fn config<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthConfigPublic>,
                T::Error: ::std::fmt::Display;
            pub fn integration<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthConfigView> for OAuthConfigView {}
        impl ::std::convert::TryFrom<OAuthConfigView> for super::OAuthConfigView {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthConfigView {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthServiceHealth {}
        impl OAuthServiceHealth {
            pub fn service<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn vault<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthServiceHealth> for OAuthServiceHealth {}
        impl ::std::convert::TryFrom<OAuthServiceHealth> for super::OAuthServiceHealth {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthServiceHealth {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct OAuthServiceHealthResponse {}
        impl OAuthServiceHealthResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::OAuthServiceHealth>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::OAuthServiceHealthResponse>
        for OAuthServiceHealthResponse {}
        impl ::std::convert::TryFrom<OAuthServiceHealthResponse>
        for super::OAuthServiceHealthResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for OAuthServiceHealthResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Pagination {}
        impl Pagination {
            pub fn limit<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display;
            pub fn offset<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display;
            pub fn total<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Pagination> for Pagination {}
        impl ::std::convert::TryFrom<Pagination> for super::Pagination {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Pagination {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct PlainError {}
        impl PlainError {
            pub fn error<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn errors<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::FieldError>>,
                T::Error: ::std::fmt::Display;
            pub fn limits<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::RateLimitInfo>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn retry_after<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::PlainError> for PlainError {}
        impl ::std::convert::TryFrom<PlainError> for super::PlainError {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for PlainError {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RateLimitInfo {}
        impl RateLimitInfo {
            pub fn limit<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn remaining<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn reset_at<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn scope<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn window<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RateLimitInfo> for RateLimitInfo {}
        impl ::std::convert::TryFrom<RateLimitInfo> for super::RateLimitInfo {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RateLimitInfo {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct Readiness {}
        impl Readiness {
            pub fn checks<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::Readiness> for Readiness {}
        impl ::std::convert::TryFrom<Readiness> for super::Readiness {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for Readiness {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ReadinessResponse {}
        impl ReadinessResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Readiness>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ReadinessResponse> for ReadinessResponse {}
        impl ::std::convert::TryFrom<ReadinessResponse> for super::ReadinessResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ReadinessResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RelatedTool {}
        impl RelatedTool {
            pub fn reason<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn relation<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::RelationType>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn weight<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f64>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RelatedTool> for RelatedTool {}
        impl ::std::convert::TryFrom<RelatedTool> for super::RelatedTool {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RelatedTool {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RelatedTools {}
        impl RelatedTools {
            pub fn related<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::RelatedTool>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RelatedTools> for RelatedTools {}
        impl ::std::convert::TryFrom<RelatedTools> for super::RelatedTools {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RelatedTools {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RelatedToolsResponse {}
        impl RelatedToolsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::RelatedTools>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RelatedToolsResponse> for RelatedToolsResponse {}
        impl ::std::convert::TryFrom<RelatedToolsResponse>
        for super::RelatedToolsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RelatedToolsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RemoveCustomServerResponse {}
        impl RemoveCustomServerResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::RemovedServer>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RemoveCustomServerResponse>
        for RemoveCustomServerResponse {}
        impl ::std::convert::TryFrom<RemoveCustomServerResponse>
        for super::RemoveCustomServerResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RemoveCustomServerResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RemovedServer {}
        impl RemovedServer {
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RemovedServer> for RemovedServer {}
        impl ::std::convert::TryFrom<RemovedServer> for super::RemovedServer {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RemovedServer {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct RequestCounters {}
        impl RequestCounters {
            pub fn failed<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn total<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::RequestCounters> for RequestCounters {}
        impl ::std::convert::TryFrom<RequestCounters> for super::RequestCounters {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for RequestCounters {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ResponseMetadata {}
        impl ResponseMetadata {
            pub fn path<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn request_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn timestamp<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn version<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ResponseMetadata> for ResponseMetadata {}
        impl ::std::convert::TryFrom<ResponseMetadata> for super::ResponseMetadata {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ResponseMetadata {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SelectOptions {}
        impl SelectOptions {
            pub fn allowed_categories<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::SelectOptionsAllowedCategoriesItem>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn exclude_servers<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn include_connection_status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn include_guidance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn include_related<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn include_schemas<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn max_tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<i64>>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::SelectOptionsTenantId>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn token_budget<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<i64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SelectOptions> for SelectOptions {}
        impl ::std::convert::TryFrom<SelectOptions> for super::SelectOptions {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SelectOptions {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SelectSession {}
        impl SelectSession {
            pub fn generate_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SelectSession> for SelectSession {}
        impl ::std::convert::TryFrom<SelectSession> for super::SelectSession {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SelectSession {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SelectToolsResponse {}
        impl SelectToolsResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::SelectToolsResult>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SelectToolsResponse> for SelectToolsResponse {}
        impl ::std::convert::TryFrom<SelectToolsResponse>
        for super::SelectToolsResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SelectToolsResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SelectionPerformance {}
        impl SelectionPerformance {
            pub fn latency_ms<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn token_budget<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn token_usage<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn total_tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SelectionPerformance> for SelectionPerformance {}
        impl ::std::convert::TryFrom<SelectionPerformance>
        for super::SelectionPerformance {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SelectionPerformance {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerHealth {}
        impl ServerHealth {
            pub fn error<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn last_check<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn latency_ms<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn restarts<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::HealthState>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerHealth> for ServerHealth {}
        impl ::std::convert::TryFrom<ServerHealth> for super::ServerHealth {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerHealth {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerHealthResponse {}
        impl ServerHealthResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ServerHealth>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerHealthResponse> for ServerHealthResponse {}
        impl ::std::convert::TryFrom<ServerHealthResponse>
        for super::ServerHealthResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerHealthResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerPage {}
        impl ServerPage {
            pub fn pagination<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Pagination>,
                T::Error: ::std::fmt::Display;
            pub fn servers<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::McpServer>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerPage> for ServerPage {}
        impl ::std::convert::TryFrom<ServerPage> for super::ServerPage {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerPage {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerSentEvent {}
        impl ServerSentEvent {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn event<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn retry<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerSentEvent> for ServerSentEvent {}
        impl ::std::convert::TryFrom<ServerSentEvent> for super::ServerSentEvent {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerSentEvent {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerStatusEvent {}
        impl ServerStatusEvent {
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn previous<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<crate::open_enum::ServerStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::open_enum::ServerStatus>,
                T::Error: ::std::fmt::Display;
            pub fn timestamp<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerStatusEvent> for ServerStatusEvent {}
        impl ::std::convert::TryFrom<ServerStatusEvent> for super::ServerStatusEvent {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerStatusEvent {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServerTools {}
        impl ServerTools {
            pub fn server<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::McpTool>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServerTools> for ServerTools {}
        impl ::std::convert::TryFrom<ServerTools> for super::ServerTools {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServerTools {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServiceInfo {}
        impl ServiceInfo {
            pub fn capabilities<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ServiceInfoCapabilities>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn endpoints<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ServiceInfoEndpoints>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn status<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn version<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServiceInfo> for ServiceInfo {}
        impl ::std::convert::TryFrom<ServiceInfo> for super::ServiceInfo {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServiceInfo {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServiceInfoCapabilities {}
        impl ServiceInfoCapabilities {
            pub fn idempotency_keys<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServiceInfoCapabilities>
        for ServiceInfoCapabilities {}
        impl ::std::convert::TryFrom<ServiceInfoCapabilities>
        for super::ServiceInfoCapabilities {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServiceInfoCapabilities {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServiceInfoEndpoints {}
        impl ServiceInfoEndpoints {
            pub fn api<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn docs<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn health<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn ready<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServiceInfoEndpoints> for ServiceInfoEndpoints {}
        impl ::std::convert::TryFrom<ServiceInfoEndpoints>
        for super::ServiceInfoEndpoints {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServiceInfoEndpoints {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ServiceInfoResponse {}
        impl ServiceInfoResponse {
            pub fn data<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ServiceInfo>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ResponseMetadata>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn success<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ServiceInfoResponse> for ServiceInfoResponse {}
        impl ::std::convert::TryFrom<ServiceInfoResponse>
        for super::ServiceInfoResponse {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ServiceInfoResponse {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SessionInfo {}
        impl SessionInfo {
            pub fn generated<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn instructions<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SessionInfo> for SessionInfo {}
        impl ::std::convert::TryFrom<SessionInfo> for super::SessionInfo {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SessionInfo {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct SingleSelectRequest {}
        impl SingleSelectRequest {
            pub fn options<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::SelectOptions>>,
                T::Error: ::std::fmt::Display;
            pub fn query<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::SingleSelectRequestQuery>,
                T::Error: ::std::fmt::Display;
            pub fn session<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::SelectSession>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::SingleSelectRequest> for SingleSelectRequest {}
        impl ::std::convert::TryFrom<SingleSelectRequest>
        for super::SingleSelectRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for SingleSelectRequest {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct TenantIntegrations {}
        impl TenantIntegrations {
            pub fn count<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn integrations<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn tenant_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::TenantIntegrations> for TenantIntegrations {}
        impl ::std::convert::TryFrom<TenantIntegrations> for super::TenantIntegrations {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for TenantIntegrations {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct TimeInfo {}
        impl TimeInfo {
            pub fn current_time<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn current_time_epoch_in_seconds<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<i64>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::TimeInfo> for TimeInfo {}
        impl ::std::convert::TryFrom<TimeInfo> for super::TimeInfo {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for TimeInfo {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct TokenUsageCounters {}
        impl TokenUsageCounters {
            pub fn average<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn reduction<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
            pub fn total<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<f64>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::TokenUsageCounters> for TokenUsageCounters {}
        impl ::std::convert::TryFrom<TokenUsageCounters> for super::TokenUsageCounters {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for TokenUsageCounters {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolAnnotations {}
        impl ToolAnnotations {
            pub fn destructive_hint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn idempotent_hint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn open_world_hint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn read_only_hint<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn title<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolAnnotations> for ToolAnnotations {}
        impl ::std::convert::TryFrom<ToolAnnotations> for super::ToolAnnotations {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolAnnotations {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolExample {}
        impl ToolExample {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn input<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn output<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::serde_json::Value>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolExample> for ToolExample {}
        impl ::std::convert::TryFrom<ToolExample> for super::ToolExample {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolExample {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolPage {}
        impl ToolPage {
            pub fn pagination<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Pagination>,
                T::Error: ::std::fmt::Display;
            pub fn tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ToolSelection>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolPage> for ToolPage {}
        impl ::std::convert::TryFrom<ToolPage> for super::ToolPage {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolPage {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolRateLimit {}
        impl ToolRateLimit {
            pub fn period<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn requests<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display;
            pub fn scope<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolRateLimit> for ToolRateLimit {}
        impl ::std::convert::TryFrom<ToolRateLimit> for super::ToolRateLimit {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolRateLimit {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolSchema {}
        impl ToolSchema {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn examples<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ToolExample>>,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn parameters<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn rate_limit<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::ToolRateLimit>>,
                T::Error: ::std::fmt::Display;
            pub fn requires_auth<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolSchema> for ToolSchema {}
        impl ::std::convert::TryFrom<ToolSchema> for super::ToolSchema {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolSchema {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolSelection {}
        impl ToolSelection {
            pub fn annotations<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::ToolAnnotations>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn category<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn icons<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::Icon>>,
                T::Error: ::std::fmt::Display;
            pub fn load_url<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn meta<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn output_schema<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn reason<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn related_tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::RelatedTool>>,
                T::Error: ::std::fmt::Display;
            pub fn schema<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::ToolSchema>>,
                T::Error: ::std::fmt::Display;
            pub fn score<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f64>,
                T::Error: ::std::fmt::Display;
            pub fn tier<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<i64>,
                T::Error: ::std::fmt::Display;
            pub fn title<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn token_cost<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display;
            pub fn tool_id<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolSelection> for ToolSelection {}
        impl ::std::convert::TryFrom<ToolSelection> for super::ToolSelection {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolSelection {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolSelectionResult {}
        impl ToolSelectionResult {
            pub fn guidance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::Guidance>>,
                T::Error: ::std::fmt::Display;
            pub fn performance<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::SelectionPerformance>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn query<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display;
            pub fn session<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::SessionInfo>>,
                T::Error: ::std::fmt::Display;
            pub fn time_info<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::TimeInfo>>,
                T::Error: ::std::fmt::Display;
            pub fn tool_schemas<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        super::FullToolSchema,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn toolkit_connection_statuses<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::ToolkitConnectionStatus>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn tools<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ToolTiers>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolSelectionResult> for ToolSelectionResult {}
        impl ::std::convert::TryFrom<ToolSelectionResult>
        for super::ToolSelectionResult {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolSelectionResult {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolTiers {}
        impl ToolTiers {
            pub fn tier1<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ToolSelection>>,
                T::Error: ::std::fmt::Display;
            pub fn tier2<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ToolSelection>>,
                T::Error: ::std::fmt::Display;
            pub fn tier3<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ToolSelection>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolTiers> for ToolTiers {}
        impl ::std::convert::TryFrom<ToolTiers> for super::ToolTiers {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolTiers {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct ToolkitConnectionStatus {}
        impl ToolkitConnectionStatus {
            pub fn active_connection<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display;
            pub fn connection_details<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display;
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn message<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn toolkit<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::ToolkitConnectionStatus>
        for ToolkitConnectionStatus {}
        impl ::std::convert::TryFrom<ToolkitConnectionStatus>
        for super::ToolkitConnectionStatus {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for ToolkitConnectionStatus {}
        /// (private fields)
        #[derive(Clone, Debug)]
        pub struct UpdateIdentityRequest {}
        impl UpdateIdentityRequest {
            pub fn description<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn email<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn members<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display;
            pub fn metadata<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::collections::HashMap<
                        ::std::string::String,
                        ::std::string::String,
                    >,
                >,
                T::Error: ::std::fmt::Display;
            pub fn name<T>(self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::UpdateIdentityRequestName>,
                >,
                T::Error: ::std::fmt::Display;
        }
        impl ::std::convert::From<super::UpdateIdentityRequest>
        for UpdateIdentityRequest {}
        impl ::std::convert::TryFrom<UpdateIdentityRequest>
        for super::UpdateIdentityRequest {
            type Error = super::error::ConversionError;
        }
        impl ::std::default::Default for UpdateIdentityRequest {}
    }
    pub mod error {
        pub struct ConversionError(_);
        impl ::std::error::Error for ConversionError {}
        impl ::std::fmt::Debug for ConversionError {}
        impl ::std::fmt::Display for ConversionError {}
        impl From<&'static str> for ConversionError {}
        impl From<String> for ConversionError {}
    }
}
