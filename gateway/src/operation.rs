//! Which operation of `openapi.yaml` a request is for, matched as the router matches it.
//! Its own module, below both the router ([`crate::routes`]) and the quotas
//! ([`crate::rate_limit`], which counts a request in its operation's scope), so that
//! neither needs the other.

use axum::http::Method;
use connectors::operations::{OPERATIONS, Operation};

/// The operation of the spec that a request for `method` `path` (the whole path, as
/// received) is routed to, matched as axum matches: the template that fits the path best
/// (a literal segment before a parameter, from the left), then the method on it. `None`
/// for an unknown path, or a known path with another method. Whatever the profile serves:
/// a route a profile leaves out is still that operation's (for its quota, say).
pub(crate) fn operation_of(method: &Method, path: &str) -> Option<&'static Operation> {
    // A path equal to a template without parameters fits it best of all (every segment a
    // literal match): found without splitting every template, as for most requests.
    if OPERATIONS.iter().any(|op| op.path == path) {
        return OPERATIONS
            .iter()
            .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method.as_str()));
    }
    let best = OPERATIONS
        .iter()
        .filter_map(|op| Some((fit(op.path, path)?, op.path)))
        .max_by_key(|(fit, _)| *fit)?
        .1;
    OPERATIONS
        .iter()
        .find(|op| op.path == best && op.method.eq_ignore_ascii_case(method.as_str()))
}

/// How well `template` fits `path`, or `None` when it does not: a bit per segment, from
/// the most significant one, set where the template has a literal, so that a larger value
/// is the route axum prefers. Without allocating, since every request is matched (paths of
/// more than 64 segments match nothing; the spec's have a handful).
fn fit(template: &str, path: &str) -> Option<u64> {
    let (mut parts, mut segments) = (template.split('/'), path.split('/'));
    let mut literals = 0u64;
    for position in 0..64 {
        match (parts.next(), segments.next()) {
            (None, None) => return Some(literals),
            (Some(part), Some(segment)) if is_parameter(part) => {
                if segment.is_empty() {
                    return None;
                }
            }
            (Some(part), Some(segment)) if part == segment => literals |= 1 << (63 - position),
            _ => return None,
        }
    }
    None
}

/// Whether a segment of a path template is a parameter (`{toolId}`); axum 0.8 writes them
/// as the spec does.
pub(crate) fn is_parameter(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_matched_to_operations_as_axum_routes_them() {
        let of = |method: Method, path: &str| operation_of(&method, path).map(|op| op.id);
        // A literal segment wins over a parameter, whatever the order of the spec.
        assert_eq!(of(Method::GET, "/api/v1/tools/list"), Some("listTools"));
        assert_eq!(of(Method::GET, "/api/v1/tools/math.add"), Some("getTool"));
        assert_eq!(
            of(Method::POST, "/api/v1/tools/invoke/batch"),
            Some("invokeToolsBatch")
        );
        assert_eq!(
            of(Method::GET, "/api/v1/tools/a%2Fb/related"),
            Some("listRelatedTools")
        );
        assert_eq!(
            of(Method::PATCH, "/api/v1/identities/idn-1"),
            Some("updateIdentity")
        );
        assert_eq!(of(Method::GET, "/"), Some("getServiceInfo"));
        // The path decides first: another method on it is no operation (405), even where
        // a parameter route of that method would fit.
        assert_eq!(of(Method::GET, "/api/v1/tools/invoke"), None);
        assert_eq!(of(Method::GET, "/api/v1/tools/list/"), None);
        assert_eq!(of(Method::GET, "/api/v1/tools//related"), None);
        assert_eq!(of(Method::GET, "/api/v1/docs"), None);
        for op in OPERATIONS {
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            let path = op.path.replace('{', "x").replace('}', "");
            assert_eq!(of(method, &path), Some(op.id), "{path}");
        }
    }
}
