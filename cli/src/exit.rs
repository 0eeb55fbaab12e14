//! Exit codes, one per kind of failure, so scripts can branch without parsing messages.
//! The README's table lists them; a test below keeps the two equal.
//!
//! A tool invocation ends in one of four ways a script can tell apart: the gateway has no
//! such tool ([`NOT_FOUND`]), the gateway refused to run it (its arguments, missing OAuth
//! credentials: [`TOOL_NOT_RUN`]), it ran and reported an error ([`TOOL_ERROR`]), or it may
//! have run ([`OUTCOME_UNKNOWN`]). Only the last two may have had an effect.

use std::process::ExitCode;

use connectors::Error;

/// A failure of a command: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    /// The exit code (see [`code_of`]).
    pub code: u8,
    /// The SDK's error kind (`NotFound`, ...), or `Usage`/`ToolError` for the CLI's own.
    pub kind: String,
    /// A readable message without secrets.
    pub message: String,
}

/// Success.
pub const OK: u8 = 0;
/// An error not covered below.
pub const OTHER: u8 = 1;
/// Bad command line or bad input (unparsable JSON arguments, invalid values), and 400s.
pub const USAGE: u8 = 2;
/// Invalid configuration (base URL, key, tenant).
pub const CONFIG: u8 = 3;
/// The gateway could not be reached, or timed out.
pub const UNREACHABLE: u8 = 4;
/// The API key was refused, or the resource belongs to another tenant (also when the CLI
/// refuses to remove another tenant's server itself).
pub const AUTH: u8 = 5;
/// No such tool, server, deployment or identity.
pub const NOT_FOUND: u8 = 6;
/// The gateway does not offer the operation (`NotOffered`), and what it does offer cannot
/// tell the answer (its catalog has no tools of the server, say).
pub const NOT_OFFERED: u8 = 7;
/// Rate limited.
pub const RATE_LIMITED: u8 = 8;
/// The tool ran and reported an error (`isError`).
pub const TOOL_ERROR: u8 = 9;
/// The outcome of an invocation or write is unknown: it may have run.
pub const OUTCOME_UNKNOWN: u8 = 10;
/// The deployment failed, or was not ready in time.
pub const DEPLOYMENT: u8 = 11;
/// The gateway failed (5xx), or answered something that does not make sense.
pub const GATEWAY: u8 = 12;
/// The resource exists already.
pub const CONFLICT: u8 = 13;
/// The gateway refused to run the tool, so nothing ran: it refused the arguments (400), or
/// no OAuth credentials are stored for the tool's integration (401
/// `OAUTH_AUTHENTICATION_FAILED`, which the original gateway also answers for a tool it
/// does not have).
pub const TOOL_NOT_RUN: u8 = 14;

/// The codes as `connectors --help` lists them (the README's table says more).
pub const HELP: &str = "\
Exit codes:
   0  success
   1  any other error
   2  bad command line or input
   3  invalid configuration (base URL, key, tenant)
   4  the gateway could not be reached, or timed out
   5  the key was refused, or the resource is another tenant's (mcp remove refuses it)
   6  no such tool, server, deployment, identity or configuration
   7  not offered: the gateway lacks the operation and cannot tell the answer otherwise
   8  rate limited
   9  the tool ran and reported an error (isError)
  10  outcome unknown: it may have run (the message says whether re-sending is safe)
  11  the deployment failed, or was not ready in time
  12  the gateway failed (5xx) or answered nonsense
  13  conflict: the resource exists already
  14  the gateway did not run the tool: arguments refused, or no OAuth credentials stored";

/// The exit code of an SDK error.
pub fn code_of(error: &Error) -> u8 {
    match error {
        Error::BadRequest(_) | Error::InvalidInput { .. } => USAGE,
        Error::Config { .. } => CONFIG,
        Error::Connection { .. } | Error::Timeout { .. } => UNREACHABLE,
        Error::Authentication(_) | Error::PermissionDenied(_) => AUTH,
        Error::NotFound(_) => NOT_FOUND,
        Error::NotOffered { .. } => NOT_OFFERED,
        Error::RateLimited(_) => RATE_LIMITED,
        // Refused before the tool ran (its arguments, no OAuth credentials): nothing ran.
        // A streamed or batched call reports the refusal by its code alone.
        Error::ToolInvocation { source, code, .. }
            if error.needs_oauth_credentials()
                || code.as_deref() == Some("VALIDATION_ERROR")
                || source.as_deref().is_some_and(|s| {
                    matches!(s, Error::BadRequest(_) | Error::Authentication(_))
                }) =>
        {
            TOOL_NOT_RUN
        }
        // The gateway failed calling it (5xx): the gateway's failure, not the tool's.
        Error::ToolInvocation {
            source: Some(source),
            ..
        } => code_of(source),
        // The tool's own error (`isError` through the SDK, a batch's or a stream's item).
        Error::ToolInvocation { .. } => TOOL_ERROR,
        // A tool that cannot be described to a model: what the gateway sent is short.
        Error::SchemaUnavailable { .. } => GATEWAY,
        Error::ToolSelection { source, .. } => code_of(source),
        Error::OutcomeUnknown { .. } => OUTCOME_UNKNOWN,
        Error::StreamEnded { may_have_run, .. } if *may_have_run => OUTCOME_UNKNOWN,
        Error::Deployment { .. } | Error::DeploymentTimeout { .. } => DEPLOYMENT,
        Error::Conflict(_) => CONFLICT,
        Error::Server(_)
        | Error::ServiceUnavailable(_)
        | Error::Decode { .. }
        | Error::UnexpectedResponse { .. }
        | Error::ResponseTooLarge { .. }
        | Error::Paging { .. }
        | Error::StreamEnded { .. }
        | Error::EventTooLarge { .. } => GATEWAY,
        Error::Api(_) => OTHER,
        // `connectors::Error` is `#[non_exhaustive]` and of another crate, so the compiler
        // demands this arm and cannot flag a new kind here: give one its code by hand.
        _ => OTHER,
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            code: code_of(&error),
            kind: error.kind().to_string(),
            message: describe(&error),
        }
    }
}

impl Failure {
    /// Bad input found by the CLI itself.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            kind: "Usage".into(),
            message: message.into(),
        }
    }

    /// A failure the CLI found itself, with its code and kind.
    pub fn new(code: u8, kind: &str, message: impl Into<String>) -> Self {
        Failure {
            code,
            kind: kind.into(),
            message: message.into(),
        }
    }

    /// A tool result with `isError: true`.
    pub fn tool_error(tool_id: &str, text: &str) -> Self {
        Failure {
            code: TOOL_ERROR,
            kind: "ToolError".into(),
            message: format!("tool {tool_id} reported an error: {text}"),
        }
    }

    /// Prints the failure on stderr (a JSON object with `--json`) and gives the exit code.
    pub fn report(&self, json: bool) -> ExitCode {
        if json {
            let doc = serde_json::json!({
                "error": {"kind": self.kind, "message": self.message, "exitCode": self.code}
            });
            eprintln!("{doc}");
        } else {
            eprintln!("error: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

/// The SDK's message with a hint where the kind calls for one. The SDK's `Display` keeps
/// secrets out (keys, arguments), so it can be shown as is.
pub fn describe(error: &Error) -> String {
    match error {
        Error::Connection { .. } | Error::Timeout { .. } => {
            format!("{error}\nhint: is the gateway running? Set --base-url or CONNECTORS_BASE_URL.")
        }
        Error::NotOffered { operation, .. } => format!(
            "not offered: this gateway has no {operation} operation (it answered 404 ROUTE_NOT_FOUND)"
        ),
        // The SDK's message says whether re-sending with the key is safe; the CLI names
        // its flag where it is, and where the gateway has a first outcome to give (one
        // whose answer was not kept, or is in doubt, answers the same 409 again).
        Error::OutcomeUnknown {
            operation,
            idempotency_key: Some(key),
            keys_honoured: Some(true),
            ..
        } if operation == "invokeTool"
            && !matches!(
                error.code(),
                Some("IDEMPOTENCY_RESULT_NOT_RETAINED" | "IDEMPOTENCY_OUTCOME_IN_DOUBT")
            ) =>
        {
            format!(
                "{error}\nhint: run the same `connectors tools invoke` with --idempotency-key {key}: the gateway answers it with the first outcome instead of running the tool again"
            )
        }
        _ if error.needs_oauth_credentials() => needs_oauth_credentials(error),
        // The tool did not run: say so, rather than the SDK's "tool X failed".
        Error::ToolInvocation {
            tool_id,
            source: Some(source),
            ..
        } if matches!(**source, Error::BadRequest(_)) => {
            format!("the gateway did not run {tool_id}: it refused the call: {source}")
        }
        Error::Config {
            setting, message, ..
        } => match flag_of(setting) {
            // A setting the CLI has a flag for: named as a shell user sets it.
            Some((variable, flag)) if setting == variable => {
                format!("invalid configuration: {variable} (or {flag}): {message}")
            }
            Some((_, flag)) => format!("invalid configuration: {flag}: {message}"),
            None => error.to_string(),
        },
        // `connectors::Error` is `#[non_exhaustive]` and of another crate: a wildcard is
        // required, so a new kind gets the SDK's message until a hint is added here.
        _ => error.to_string(),
    }
}

/// A 401 `OAUTH_AUTHENTICATION_FAILED`: nothing ran, and what is missing where.
fn needs_oauth_credentials(error: &Error) -> String {
    let api = error.api_error();
    let tool = match error {
        Error::ToolInvocation { tool_id, .. } => Some(tool_id.as_str()),
        _ => None,
    };
    // The gateway names the integration; else the server part of the tool id is it.
    let integration = api
        .and_then(|api| api.context.get("integration"))
        .and_then(|v| v.as_str())
        .or_else(|| {
            tool.and_then(|t| t.split_once('.'))
                .map(|(server, _)| server)
        })
        .unwrap_or("its integration");
    let answer = api.map_or_else(|| error.to_string(), ToString::to_string);
    let subject = tool.unwrap_or("the tool");
    // The original gateway reads the tokens from its Vault before it calls any tool; none
    // of its routes stores them, and `oauth-config` is the client configuration, which
    // does not stand in for them.
    format!(
        "the gateway did not run {subject}: no OAuth credentials of your tenant are stored for the integration {integration} ({answer})\n\
         hint: the gateway's operator stores them (the original gateway keeps them in its Vault; no API route stores them); \
         `connectors oauth-config set {integration} --config -` sets the integration's OAuth client configuration, which is not the credentials. \
         The original gateway answers so also for a tool it does not have: check the id (and that the integration is the server part of it)."
    )
}

/// The variable and the flag of a setting the SDK names by its variable (a value from the
/// environment) or by its builder method (a value the CLI passed from a flag).
fn flag_of(setting: &str) -> Option<(&'static str, &'static str)> {
    match setting {
        "CONNECTORS_API_KEY" | "api_key" => Some(("CONNECTORS_API_KEY", "--api-key")),
        "CONNECTORS_TENANT_ID" | "tenant_id" => Some(("CONNECTORS_TENANT_ID", "--tenant")),
        "CONNECTORS_BASE_URL" | "base_url" => Some(("CONNECTORS_BASE_URL", "--base-url")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [u8; 15] = [
        OK,
        OTHER,
        USAGE,
        CONFIG,
        UNREACHABLE,
        AUTH,
        NOT_FOUND,
        NOT_OFFERED,
        RATE_LIMITED,
        TOOL_ERROR,
        OUTCOME_UNKNOWN,
        DEPLOYMENT,
        GATEWAY,
        CONFLICT,
        TOOL_NOT_RUN,
    ];

    #[test]
    fn configuration_errors_name_the_variable_and_the_flag() {
        let config = |setting: &str| Error::Config {
            setting: setting.into(),
            message: "what is wrong".into(),
        };
        assert_eq!(
            describe(&config("CONNECTORS_API_KEY")),
            "invalid configuration: CONNECTORS_API_KEY (or --api-key): what is wrong"
        );
        assert_eq!(
            describe(&config("tenant_id")),
            "invalid configuration: --tenant: what is wrong"
        );
        assert_eq!(
            describe(&config("base_url")),
            "invalid configuration: --base-url: what is wrong"
        );
        assert_eq!(
            describe(&config("CONNECTORS_TIMEOUT")),
            "invalid configuration: CONNECTORS_TIMEOUT: what is wrong"
        );
    }

    /// `--help` lists each code once, in order, and no other.
    #[test]
    fn the_help_lists_every_exit_code() {
        let listed: Vec<u8> = HELP
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect();
        assert_eq!(listed, ALL);
    }

    /// The README's table lists each code once, in order, and no other.
    #[test]
    fn the_readme_lists_every_exit_code() {
        let readme = include_str!("../README.md");
        let (_, table) = readme
            .split_once("### Exit codes")
            .expect("the exit code table");
        let listed: Vec<u8> = table
            .lines()
            .skip_while(|l| !l.starts_with("| 0 "))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.split('|').nth(1)?.trim().parse().ok())
            .collect();
        assert_eq!(listed, ALL);
    }
}
