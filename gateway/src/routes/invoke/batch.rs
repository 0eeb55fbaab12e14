//! `tools/invoke/batch`: up to 50 invocations run together, answered in order; under a
//! key, each item is keyed `<key>#<index>` and the batch's outcome waits for all of them.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use connectors::api::types;
use serde_json::{Map, Value};

use super::call::{Outcome, Started, joined, run, spawn_keyed, still_running, until};
use super::checks::{check_request, trace_context};
use crate::auth::Tenant;
use crate::envelope::ok;
use crate::errors::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::idempotency::{Keyed, defer};
use crate::schema_check::decode;
use crate::state::AppState;

/// The batch's answer from each invocation's outcome, in order; `record` notes the tools
/// that succeeded together in the relation graph (once per batch, not again for a keyed
/// batch's deferred outcome).
fn batch_result(
    state: &AppState,
    tenant: &Tenant,
    invocations: &[types::InvokeToolRequest],
    outcomes: Vec<Outcome>,
    record: bool,
) -> types::BatchInvokeResult {
    let mut succeeded = 0;
    let mut failed = 0;
    let mut ran_together = Vec::new();
    let results = outcomes
        .into_iter()
        .zip(invocations)
        .enumerate()
        .map(|(index, (outcome, item))| match outcome {
            Ok(result) => {
                succeeded += 1;
                ran_together.push(result.tool_id.clone());
                types::BatchInvokeItem {
                    index: index as u64,
                    tool_id: result.tool_id.clone(),
                    success: true,
                    result: Some(result),
                    error: None,
                }
            }
            Err(failure) => {
                failed += 1;
                types::BatchInvokeItem {
                    index: index as u64,
                    tool_id: item.tool_id.to_string(),
                    success: false,
                    result: None,
                    error: Some(failure.error.detail()),
                }
            }
        })
        .collect();
    if record && ran_together.len() > 1 {
        state.relations.record(&tenant.0, &ran_together);
    }
    types::BatchInvokeResult {
        results,
        succeeded: Some(succeeded),
        failed: Some(failed),
    }
}

pub(crate) async fn batch(
    State(state): State<AppState>,
    tenant: Tenant,
    keyed: Option<Extension<Keyed>>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Response {
    let key = keyed.map(|Extension(Keyed(key))| key);
    match batch_checked(state, tenant, key, headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn batch_checked(
    state: AppState,
    tenant: Tenant,
    keyed: Option<Arc<str>>,
    headers: HeaderMap,
    body: Map<String, Value>,
) -> ApiResult<Response> {
    if let Some(Value::Array(items)) = body.get("invocations") {
        for (i, item) in items.iter().enumerate() {
            if let Value::Object(item) = item {
                check_request(item, &format!("invocations[{i}]."))?;
            }
        }
    }
    let request: types::BatchInvokeRequest = decode(Value::Object(body), "BatchInvokeRequest")?;
    if request.invocations.is_empty() || request.invocations.len() > 50 {
        return Err(ApiError::validation(
            "invocations",
            "invocations must have between 1 and 50 items",
        ));
    }
    for item in &request.invocations {
        tenant.check(Some(item.tenant_id.as_str()))?;
    }
    let trace = trace_context(&headers);
    let call_timeout = state.config.call_timeout();
    let Some(key) = keyed else {
        let outcomes = futures::future::join_all(request.invocations.iter().map(|item| {
            run(
                &state,
                &tenant,
                item,
                trace.as_ref(),
                None,
                call_timeout,
                None,
            )
        }))
        .await;
        let result = batch_result(&state, &tenant, &request.invocations, outcomes, true);
        return Ok(ok::<types::BatchInvokeResponse>(result).into_response());
    };
    let tasks: Vec<_> = request
        .invocations
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = format!("{key}#{i}");
            spawn_keyed(&state, &tenant, item, trace.as_ref(), None, key)
        })
        .collect();
    // One deadline for all: the calls run together, and each is waited for until then.
    let deadline = tokio::time::Instant::now() + call_timeout;
    let mut started = Vec::with_capacity(tasks.len());
    for task in tasks {
        started.push(until(deadline, task).await);
    }
    let now: Vec<Outcome> = started
        .iter()
        .zip(&request.invocations)
        .map(|(started, item)| match started {
            Started::Done(outcome) => outcome.clone(),
            Started::Running(_) => Err(still_running(item, call_timeout).into()),
        })
        .collect();
    let mut response = ok::<types::BatchInvokeResponse>(batch_result(
        &state,
        &tenant,
        &request.invocations,
        now,
        true,
    ))
    .into_response();
    if started.iter().any(|s| matches!(s, Started::Running(_))) {
        // Some calls outlived the call timeout: the batch's outcome is the one in which
        // they too have finished.
        let outcome = defer(&mut response);
        tokio::spawn(crate::envelope::in_request(async move {
            let mut outcomes = Vec::with_capacity(started.len());
            for started in started {
                outcomes.push(match started {
                    Started::Done(outcome) => outcome,
                    Started::Running(task) => joined(task.await),
                });
            }
            if outcomes
                .iter()
                .any(|o| matches!(o, Err(failure) if failure.in_doubt))
            {
                outcome.send(None);
                return;
            }
            let result = batch_result(&state, &tenant, &request.invocations, outcomes, false);
            outcome.send(Some(
                ok::<types::BatchInvokeResponse>(result).into_response(),
            ));
        }));
    }
    Ok(response)
}
