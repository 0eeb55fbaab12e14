//! W3C Trace Context (<https://www.w3.org/TR/trace-context/>) for the gateway's requests.
//!
//! A [`TraceContext`] given to [`crate::RequestOptions::trace_context`] is sent as the
//! `traceparent` header (and `tracestate` when given) on every request of that handle; the
//! reference gateway logs its trace id and passes both on to the MCP server in the
//! `tools/call` request's `_meta` (SEP-414). Without one, nothing is added to a request
//! unless the `opentelemetry` feature is on (below).
//!
//! ```
//! use connectors::{Connectors, RequestOptions, TraceContext};
//!
//! let trace = TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")?
//!     .with_tracestate("congo=t61rcWkgMzE")?;
//! assert_eq!(trace.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
//! let client = Connectors::builder().build()?;
//! let traced = client.with_options(RequestOptions::new().trace_context(trace));
//! # let _ = traced;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The `opentelemetry` feature
//!
//! With the `opentelemetry` cargo feature, a call of a handle without an explicit trace
//! context takes the OpenTelemetry context of its `tracing` span (the crate's
//! `connectors.request` span when a `tracing_opentelemetry` layer records it, else the
//! caller's current span; see [`TraceContext::from_span`]) and, when its span context is
//! valid, sends it as `traceparent` and its trace state as `tracestate`. An explicit
//! [`crate::RequestOptions::trace_context`] wins. Without the feature none of this is
//! compiled and the `opentelemetry` crates are not in the dependency tree.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

/// The header that carries the W3C trace parent.
pub const TRACEPARENT_HEADER: &str = "traceparent";
/// The header that carries vendor-specific trace state.
pub const TRACESTATE_HEADER: &str = "tracestate";

pub(crate) const TRACEPARENT: HeaderName = HeaderName::from_static(TRACEPARENT_HEADER);
pub(crate) const TRACESTATE: HeaderName = HeaderName::from_static(TRACESTATE_HEADER);

/// The longest `tracestate` accepted: 32 members of the longest key and value the
/// specification allows, with their separators.
const MAX_TRACESTATE: usize = 32 * (256 + 1 + 256) + 31;

/// A checked W3C trace context: a `traceparent` and, optionally, its `tracestate`.
///
/// Kept as header values, so sending it costs a reference count per request.
#[derive(Clone, PartialEq, Eq)]
pub struct TraceContext {
    traceparent: HeaderValue,
    tracestate: Option<HeaderValue>,
}

impl fmt::Debug for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceContext")
            .field("traceparent", &self.traceparent())
            .field("tracestate", &self.tracestate())
            .finish()
    }
}

/// A `traceparent` or `tracestate` value that does not follow the W3C format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTraceContext {
    header: &'static str,
    reason: &'static str,
}

impl fmt::Display for InvalidTraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.header, self.reason)
    }
}

impl std::error::Error for InvalidTraceContext {}

fn invalid(reason: &'static str) -> InvalidTraceContext {
    InvalidTraceContext {
        header: TRACEPARENT_HEADER,
        reason,
    }
}

/// Lowercase hex digits only, and not all zeros when `nonzero`.
fn hex_field(field: &[u8], nonzero: bool) -> bool {
    field
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && (!nonzero || field.iter().any(|&b| b != b'0'))
}

impl TraceContext {
    /// Checks `traceparent`: `version-traceid-parentid-flags`, lowercase hex, 55
    /// characters for version `00` (a later version may append `-` and more fields),
    /// version not `ff`, trace id and parent id not all zeros.
    pub fn parse(traceparent: &str) -> Result<Self, InvalidTraceContext> {
        let b = traceparent.as_bytes();
        if b.len() < 55 {
            return Err(invalid("shorter than 55 characters"));
        }
        if b[2] != b'-' || b[35] != b'-' || b[52] != b'-' {
            return Err(invalid("not version-traceid-parentid-flags"));
        }
        let version = &b[..2];
        if !hex_field(version, false) || version == b"ff" {
            return Err(invalid("bad version"));
        }
        if (version == b"00" && b.len() != 55) || (b.len() > 55 && b[55] != b'-') {
            return Err(invalid("unexpected characters after the flags"));
        }
        if !hex_field(&b[3..35], true) {
            return Err(invalid(
                "the trace id is not 32 lowercase hex digits, not all zero",
            ));
        }
        if !hex_field(&b[36..52], true) {
            return Err(invalid(
                "the parent id is not 16 lowercase hex digits, not all zero",
            ));
        }
        if !hex_field(&b[53..55], false) {
            return Err(invalid("the flags are not 2 lowercase hex digits"));
        }
        if !b.iter().all(|c| c.is_ascii_graphic()) {
            return Err(invalid("not printable ASCII"));
        }
        let traceparent =
            HeaderValue::from_str(traceparent).map_err(|_| invalid("not a valid header value"))?;
        Ok(TraceContext {
            traceparent,
            tracestate: None,
        })
    }

    /// A trace context as a receiver takes it from a caller (headers, or MCP `_meta`), by
    /// the W3C specification's rule: `None` for a missing or malformed `traceparent` (the
    /// receiver starts its own trace), and a malformed `tracestate` dropped.
    pub fn received(traceparent: Option<&str>, tracestate: Option<&str>) -> Option<Self> {
        let trace = TraceContext::parse(traceparent?).ok()?;
        Some(match tracestate {
            Some(state) => trace.clone().with_tracestate(state).unwrap_or(trace),
            None => trace,
        })
    }

    /// Adds a `tracestate` (vendor-specific `key=value` members, comma-separated): checked
    /// to be printable ASCII of at most 16,447 characters; its members are passed on as
    /// given. An empty one is left out.
    pub fn with_tracestate(mut self, tracestate: &str) -> Result<Self, InvalidTraceContext> {
        let bad = |reason| InvalidTraceContext {
            header: TRACESTATE_HEADER,
            reason,
        };
        if tracestate.len() > MAX_TRACESTATE {
            return Err(bad("longer than 32 members can be"));
        }
        if !tracestate
            .bytes()
            .all(|c| c == b' ' || c.is_ascii_graphic())
        {
            return Err(bad("not printable ASCII"));
        }
        let trimmed = tracestate.trim();
        self.tracestate = if trimmed.is_empty() {
            None
        } else {
            Some(HeaderValue::from_str(trimmed).map_err(|_| bad("not a valid header value"))?)
        };
        Ok(self)
    }

    /// The `traceparent` value.
    pub fn traceparent(&self) -> &str {
        // Checked ASCII at construction.
        self.traceparent.to_str().unwrap_or_default()
    }

    /// The `tracestate` value, if any.
    pub fn tracestate(&self) -> Option<&str> {
        self.tracestate
            .as_ref()
            .map(|v| v.to_str().unwrap_or_default())
    }

    /// The trace id: 32 lowercase hex digits.
    pub fn trace_id(&self) -> &str {
        &self.traceparent()[3..35]
    }

    /// The id of the caller's span: 16 lowercase hex digits.
    pub fn parent_id(&self) -> &str {
        &self.traceparent()[36..52]
    }

    /// Whether the caller sampled the trace (flag `01`).
    pub fn sampled(&self) -> bool {
        u8::from_str_radix(&self.traceparent()[53..55], 16).is_ok_and(|flags| flags & 1 == 1)
    }

    /// Adds the headers to a request, keeping a `traceparent` already set on it (the
    /// generated client's per-request header parameter wins).
    pub(crate) fn apply(&self, headers: &mut reqwest::header::HeaderMap) {
        if headers.contains_key(&TRACEPARENT) {
            return;
        }
        headers.insert(TRACEPARENT, self.traceparent.clone());
        if let Some(state) = &self.tracestate {
            headers.insert(TRACESTATE, state.clone());
        }
    }
}

#[cfg(feature = "opentelemetry")]
#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
impl TraceContext {
    /// The OpenTelemetry context of `span` (through
    /// [`tracing_opentelemetry::OpenTelemetrySpanExt::context`]) as a W3C trace context:
    /// `00-{trace id}-{span id}-{flags}` and the span context's trace state. `None` when
    /// its span context is not valid: no `tracing_opentelemetry` layer, or a span it does
    /// not record.
    pub fn from_span(span: &tracing::Span) -> Option<Self> {
        use opentelemetry::trace::TraceContextExt;
        use tracing_opentelemetry::OpenTelemetrySpanExt;

        let cx = span.context();
        let otel = cx.span();
        let context = otel.span_context();
        if !context.is_valid() {
            return None;
        }
        let traceparent = format!(
            "00-{:032x}-{:016x}-{:02x}",
            context.trace_id(),
            context.span_id(),
            context.trace_flags().to_u8()
        );
        let trace = TraceContext::parse(&traceparent).ok()?;
        let state = context.trace_state().header();
        // A trace state that does not pass is left out, not the trace.
        Some(match trace.clone().with_tracestate(&state) {
            Ok(with) => with,
            Err(_) => trace,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_kept_with_its_parts() {
        let trace = TraceContext::parse(GOOD).unwrap();
        assert_eq!(trace.traceparent(), GOOD);
        assert_eq!(trace.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace.parent_id(), "00f067aa0ba902b7");
        assert!(trace.sampled());
        assert_eq!(trace.tracestate(), None);
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes";
        assert!(!TraceContext::parse(later).unwrap().sampled());
    }

    #[test]
    fn malformed_traceparents_are_refused() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        ] {
            assert!(TraceContext::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tracestate_is_checked_and_an_empty_one_dropped() {
        let trace = TraceContext::parse(GOOD).unwrap();
        let with = trace
            .clone()
            .with_tracestate("rojo=00f067aa0ba902b7")
            .unwrap();
        assert_eq!(with.tracestate(), Some("rojo=00f067aa0ba902b7"));
        assert_eq!(
            trace.clone().with_tracestate(" ").unwrap().tracestate(),
            None
        );
        assert!(trace.clone().with_tracestate("a=\nb").is_err());
        assert!(trace.with_tracestate("é=1").is_err());
    }
}
