//! What the store keeps per key: the key as scoped ([`Key`]) and its final outcome
//! ([`Kept`]), as the in-memory and the Redis records both hold them.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{MAX_RESPONSE_BYTES, REPLAYED};
use crate::errors::{ApiError, IDEMPOTENCY_OUTCOME_IN_DOUBT, IDEMPOTENCY_RESULT_NOT_RETAINED};

/// Bodies up to this size are stored in an exact-size copy (see [`exact`]).
pub(super) const EXACT_COPY_BYTES: usize = 64 * 1024;

/// A key as scoped: per tenant and operation, in one exact-size allocation (a million
/// stored keys are a million of these, so three `String`s each would be three allocations
/// and their slack).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct Key(Box<str>);

impl Key {
    /// The tenant goes first with its length, so no tenant, operation and key can spell
    /// another's: the operation (a method and a path) and the header value hold no line
    /// break, and the length says where the tenant ends.
    pub(super) fn new(tenant: &str, operation: &str, key: &str) -> Key {
        Key(format!("{}:{tenant}{operation}\n{key}", tenant.len()).into_boxed_str())
    }

    /// The scoped key's bytes (the Redis record's name).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub(super) fn size(&self) -> usize {
        self.0.len()
    }
}

/// A key's final outcome, as kept for its duplicates.
#[derive(Debug)]
pub(super) enum Kept {
    /// The answer, replayed as it was.
    Response {
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: Bytes,
    },
    /// The operation ran, but its answer was too large to keep (or dropped for memory).
    NotRetained,
    /// The operation began, and the gateway cannot know how it ended.
    InDoubt,
}

impl Kept {
    /// A response kept whole when it fits in [`MAX_RESPONSE_BYTES`], else only the fact
    /// that it exists.
    pub(super) fn response(
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: &Bytes,
    ) -> Kept {
        if body.len() > MAX_RESPONSE_BYTES {
            return Kept::NotRetained;
        }
        Kept::Response {
            status,
            content_type,
            body: exact(body),
        }
    }

    pub(super) fn body_len(&self) -> usize {
        match self {
            Kept::Response { body, .. } => body.len(),
            Kept::NotRetained | Kept::InDoubt => 0,
        }
    }

    pub(super) fn replay(&self) -> Response {
        match self {
            Kept::Response {
                status,
                content_type,
                body,
            } => {
                let mut response = Response::new(Body::from(body.clone()));
                *response.status_mut() = *status;
                if let Some(content_type) = content_type {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_TYPE, content_type.clone());
                }
                response
                    .headers_mut()
                    .insert(REPLAYED, HeaderValue::from_static("true"));
                response
            }
            // Not a replay of the answer (there is none to give), so no replay header; the
            // codes say that the operation ran, or may have.
            Kept::NotRetained => ApiError::new(
                StatusCode::CONFLICT,
                IDEMPOTENCY_RESULT_NOT_RETAINED,
                "The operation already ran for this Idempotency-Key, but its answer was too \
                 large to keep; it will not run again for this key",
            )
            .into_response(),
            Kept::InDoubt => ApiError::new(
                StatusCode::CONFLICT,
                IDEMPOTENCY_OUTCOME_IN_DOUBT,
                "The operation began for this Idempotency-Key but the gateway cannot tell \
                 how it ended (it did not finish in time); it will not run again for this key",
            )
            .into_response(),
        }
    }
}

/// A stored copy of a small body in an allocation of its own size. A handler's body often
/// sits in a buffer grown by doubling (serde_json writing into `BytesMut`), and keeping
/// that buffer would keep its slack too, uncounted by [`MAX_STORED_BYTES`]: at a million
/// stored keys, hundreds of megabytes. A large body is kept as it is; copying it would
/// cost more than its slack.
pub(super) fn exact(body: &Bytes) -> Bytes {
    if body.len() <= EXACT_COPY_BYTES {
        Bytes::copy_from_slice(body)
    } else {
        body.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_other_tenants_operations_or_values_differ() {
        let k = |t: &str, o: &str, v: &str| Key::new(t, o, v);
        assert_eq!(k("t", "POST /a", "1"), k("t", "POST /a", "1"));
        // The same characters split differently between tenant, operation and key.
        assert_ne!(k("tP", "OST /a", "1"), k("t", "POST /a", "1"));
        assert_ne!(k("1:t", "POST /a", "1"), k("1", ":tPOST /a", "1"));
        assert_ne!(k("t", "POST /a", "1"), k("u", "POST /a", "1"));
        assert_ne!(k("t", "POST /a", "1"), k("t", "POST /b", "1"));
        assert_ne!(k("t", "POST /a", "1"), k("t", "DELETE /a", "1"));
    }

    #[test]
    fn a_small_body_is_stored_in_a_copy_a_large_one_as_it_is() {
        let small = Bytes::from(vec![b'x'; 100]);
        assert_eq!(exact(&small), small);
        assert_ne!(exact(&small).as_ptr(), small.as_ptr());
        let large = Bytes::from(vec![b'x'; EXACT_COPY_BYTES + 1]);
        assert_eq!(exact(&large).as_ptr(), large.as_ptr());
    }

    #[test]
    fn an_answer_over_the_cap_is_remembered_but_not_kept() {
        let fits = Bytes::from(vec![b'x'; MAX_RESPONSE_BYTES]);
        assert_eq!(
            Kept::response(StatusCode::OK, None, &fits).body_len(),
            MAX_RESPONSE_BYTES
        );
        let over = Bytes::from(vec![b'x'; MAX_RESPONSE_BYTES + 1]);
        assert!(matches!(
            Kept::response(StatusCode::OK, None, &over),
            Kept::NotRetained
        ));
        assert_eq!(Kept::NotRetained.replay().status(), StatusCode::CONFLICT);
        assert_eq!(Kept::InDoubt.replay().status(), StatusCode::CONFLICT);
    }
}
