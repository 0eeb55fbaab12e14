//! The `Idempotency-Key` request header, read strictly: a value the gateway cannot use is
//! refused, never ignored.

use axum::http::HeaderMap;
use connectors::api::limits::{IDEMPOTENCY_KEY_BYTES, IDEMPOTENCY_KEY_MIN_BYTES};

use super::{IDEMPOTENCY_KEY, MAX_KEY_BYTES};
use crate::errors::ApiError;

/// The request's `Idempotency-Key`: `Ok(None)` without one, an error for a value the
/// gateway will not use (it is never ignored, which would run the call unkeyed).
pub(super) fn read_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let invalid = |message: String| ApiError::validation("Idempotency-Key", message);
    let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(invalid(
            "Idempotency-Key must be sent once, not in several headers".into(),
        ));
    }
    // Optional whitespace around a header value is not part of it.
    let bytes = value.as_bytes().trim_ascii();
    if bytes.len() < IDEMPOTENCY_KEY_MIN_BYTES.max(1) {
        return Err(invalid("Idempotency-Key must not be empty".into()));
    }
    if bytes.len() > MAX_KEY_BYTES {
        return Err(invalid(format!(
            "Idempotency-Key must be at most {MAX_KEY_BYTES} bytes"
        )));
    }
    match std::str::from_utf8(bytes) {
        Ok(key) if bytes.iter().all(|b| IDEMPOTENCY_KEY_BYTES.contains(b)) => {
            Ok(Some(key.to_string()))
        }
        _ => Err(invalid(format!(
            "Idempotency-Key must be visible ASCII characters ({:#04X} to {:#04X}) only",
            IDEMPOTENCY_KEY_BYTES.start(),
            IDEMPOTENCY_KEY_BYTES.end()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, StatusCode};

    use super::*;

    #[test]
    fn a_key_the_gateway_cannot_read_is_refused_not_ignored() {
        let headers = |values: &[&[u8]]| {
            let mut headers = HeaderMap::new();
            for value in values {
                let value = HeaderValue::from_bytes(value).expect("a header value");
                headers.append(IDEMPOTENCY_KEY, value);
            }
            headers
        };
        assert_eq!(read_key(&headers(&[])).ok(), Some(None));
        assert_eq!(
            read_key(&headers(&[b" key-1 "])).ok(),
            Some(Some("key-1".to_string()))
        );
        let longest = vec![b'k'; MAX_KEY_BYTES];
        assert!(matches!(read_key(&headers(&[&longest])), Ok(Some(_))));
        let too_long = vec![b'k'; MAX_KEY_BYTES + 1];
        for bad in [
            &b""[..],
            b"   ",
            &too_long,
            "clé".as_bytes(),
            b"two words",
            b"tab\there",
        ] {
            let error = read_key(&headers(&[bad])).expect_err("refused");
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert_eq!(error.code, "VALIDATION_ERROR");
            assert_eq!(error.context["field"], "Idempotency-Key");
        }
        assert!(read_key(&headers(&[b"a", b"b"])).is_err());
    }
}
