//! Request extractors whose rejections are JSON errors: the body as a JSON object
//! ([`JsonBody`]), path parameters ([`ApiPath`], a JSON 404) and query parameters
//! ([`QueryParams`], with their typed reads).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};

/// A request body that is a well-formed JSON object (any content type is read as JSON,
/// like the real gateway). Malformed bodies give 400 `INVALID_JSON`.
pub(crate) struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::new(
                    rejection.status(),
                    "INVALID_BODY",
                    format!("Cannot read the request body: {}", rejection.body_text()),
                )
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                "The request body is empty; a JSON object is required",
            ));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_JSON",
                format!("The request body is not valid JSON: {e}"),
            )
        })?;
        match value {
            Value::Object(map) => Ok(JsonBody(map)),
            other => Err(ApiError::validation(
                "body",
                format!(
                    "The request body must be a JSON object, not {}",
                    json_kind(&other)
                ),
            )),
        }
    }
}

/// A word for the JSON type of `value`.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Path parameters; a path that cannot be decoded (e.g. invalid UTF-8) names no resource,
/// so it is a JSON 404.
pub(crate) struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| ApiPath(path.0))
            .map_err(|rejection| {
                ApiError::not_found(
                    "ROUTE_NOT_FOUND",
                    format!("No resource at this path: {}", rejection.body_text()),
                )
            })
    }
}

/// Query parameters as name/value pairs; parse errors become 400s.
pub(crate) struct QueryParams(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
                .map(|q| q.0)
                .map_err(|e| ApiError::validation("query", format!("Invalid query string: {e}")))?;
        Ok(QueryParams(pairs))
    }
}

impl QueryParams {
    /// The value of `name` (the last one when repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An integer parameter within `min..=max`, or `default` when absent.
    pub fn int(&self, name: &str, min: u64, max: u64, default: u64) -> ApiResult<u64> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => {
                let value: u64 = raw.trim().parse().map_err(|_| {
                    ApiError::validation(name, format!("{name} must be an integer, got '{raw}'"))
                })?;
                if value < min || value > max {
                    return Err(ApiError::validation(
                        name,
                        format!("{name} must be between {min} and {max}"),
                    ));
                }
                Ok(value)
            }
        }
    }

    /// A parameter whose value must be one of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) if allowed.contains(&raw) => Ok(Some(raw.to_string())),
            Some(raw) => Err(ApiError::validation(
                name,
                format!("{name} must be one of {}, got '{raw}'", allowed.join(", ")),
            )),
        }
    }
}
