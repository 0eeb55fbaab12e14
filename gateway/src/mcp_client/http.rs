//! Streamable HTTP sessions: an MCP endpoint reached over HTTP, with the configured
//! headers on every request.

use std::collections::HashMap;
use std::sync::Arc;

use connectors::api::SecretStringMap;
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

use super::{ConnectError, Opening, Session, with_timeout};

/// A session to the streamable HTTP endpoint `url`.
pub(super) async fn connect(
    opening: Opening<'_>,
    url: &str,
    headers: &SecretStringMap,
) -> Result<Arc<Session>, ConnectError> {
    let mut custom = HashMap::new();
    for (name, value) in headers.iter() {
        let name = axum::http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| ConnectError(format!("invalid header name '{name}'")))?;
        let value = axum::http::HeaderValue::from_str(value.expose())
            .map_err(|_| ConnectError(format!("invalid value for header '{name}'")))?;
        custom.insert(name, value);
    }
    let config = StreamableHttpClientTransportConfig::with_uri(url).custom_headers(custom);
    let transport = StreamableHttpClientTransport::from_config(config);
    let running = with_timeout(opening.timeout, opening.handler.clone().serve(transport)).await?;
    Ok(opening.assemble(running, None))
}
