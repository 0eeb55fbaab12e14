//! The commands other than `mcp serve`: each one facade call (or a few), then a table or a
//! JSON document.

use std::collections::BTreeSet;
use std::time::Duration;

use connectors::api::IdentityType;
use connectors::api::prelude::*;
use connectors::api::types;
use connectors::deployments::Deployment;
use connectors::events::GatewayEvent;
use connectors::function_calling::{Provider, ToolCalls, ToolDefinition, Toolset};
use connectors::mcp::Source;
use connectors::tools::{InvocationEvent, ToolResult};
use connectors::{Connectors, Error};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

use crate::args::{
    AddServer, DeploymentsCommand, IdentitiesCommand, McpCommand, OauthCommand, SelectFilters,
    ToolsCommand, read_json_arg,
};
use crate::exit::Failure;
use crate::output::{Table, opt, print_json, print_text, spinner};

/// What a command gives back: nothing to add, or a failure to report.
pub type Outcome = Result<(), Failure>;

/// `connectors health`
pub async fn health(client: &Connectors, detailed: bool, json: bool) -> Outcome {
    if detailed {
        let health = client.health().detailed().await?;
        if json {
            print_json(&health);
            return Ok(());
        }
        print_text(&format!(
            "status {}  version {}\n",
            health.status,
            opt(health.version.as_deref())
        ));
        let mut table = Table::new(&["CHECK", "STATUS", "LATENCY_MS", "MESSAGE"]);
        for check in &health.checks {
            table.row(vec![
                check.name.clone(),
                check.status.to_string(),
                opt(check.latency_ms.map(|l| format!("{l:.1}"))),
                opt(check.message.as_deref()),
            ]);
        }
        table.print();
        return Ok(());
    }
    let health = client.health().check().await?;
    // The service's name and version; a gateway without the route still has a status.
    let info = match client.health().info().await {
        Ok(info) => Some(info),
        Err(Error::NotOffered { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    if json {
        print_json(&json!({"health": health, "info": info}));
        return Ok(());
    }
    let mut table = Table::new(&["GATEWAY", "STATUS", "VERSION", "UPTIME_S"]);
    table.row(vec![
        client.config().base_url().to_string(),
        health.status.clone(),
        opt(info.as_ref().map(|i| format!("{} {}", i.name, i.version))),
        opt(health.uptime.map(|u| format!("{u:.0}"))),
    ]);
    table.print();
    Ok(())
}

/// `connectors tools ...`
pub async fn tools(client: &Connectors, command: ToolsCommand, json: bool) -> Outcome {
    match command {
        ToolsCommand::Select {
            query,
            filters,
            format: Some(provider),
        } => {
            let selection = select_request(client, &query, &filters).send().await?;
            print_json(&selection.toolset()?.tools_for(provider));
            Ok(())
        }
        ToolsCommand::Select { query, filters, .. } => select(client, &query, &filters, json).await,
        ToolsCommand::Run {
            format,
            query,
            tools,
            server,
            filters,
        } => {
            let given = match (query, server) {
                (Some(query), _) => Given::Selection(query, filters),
                (None, _) if filters != SelectFilters::default() => {
                    return Err(Failure::usage(
                        "--max-tools, --category, --exclude-server and --token-budget apply to --query",
                    ));
                }
                (None, None) if !tools.is_empty() => Given::Tools(tools),
                (None, server) => Given::Listing(server),
            };
            run_calls(client, format, given).await
        }
        ToolsCommand::List {
            category,
            server,
            search,
            page_size,
            offset,
            all,
            format,
        } => {
            // A model needs the whole set: --format reads every page unless a page is asked for.
            let all = all || (format.is_some() && page_size.is_none() && offset.is_none());
            let mut request = client.tools().list();
            if let Some(category) = category {
                request = request.category(category);
            }
            if let Some(server) = server {
                request = request.server(server);
            }
            if let Some(search) = search {
                request = request.search(search);
            }
            if let Some(size) = page_size {
                request = request.page_size(size);
            }
            let (items, page) = if all {
                let items: Vec<types::ToolSelection> = request.stream().try_collect().await?;
                (items, None)
            } else {
                if let Some(offset) = offset {
                    request = request.offset(offset);
                }
                let page = request.send().await?;
                let meta = (page.total, page.limit, page.offset);
                (page.items, Some(meta))
            };
            if let Some(provider) = format {
                let toolset = client.tools().toolset(items).await?;
                print_json(&toolset.tools_for(provider));
                return Ok(());
            }
            if json {
                let mut doc = json!({"items": items});
                if let Some((total, limit, offset)) = page {
                    doc["total"] = total.into();
                    doc["limit"] = limit.into();
                    doc["offset"] = offset.into();
                }
                print_json(&doc);
                return Ok(());
            }
            tool_table(&items, false).print();
            if let Some((total, _, offset)) = page {
                print_text(&format!(
                    "{} tool(s) from offset {offset}; the gateway reports {total} (--all for every page)\n",
                    items.len()
                ));
            }
            Ok(())
        }
        ToolsCommand::Categories => {
            let categories = client.tools().categories().await?;
            if json {
                print_json(&json!({"items": categories}));
                return Ok(());
            }
            let mut table = Table::new(&["CATEGORY", "TOOLS", "DESCRIPTION"]);
            for c in &categories {
                table.row(vec![
                    c.name.clone(),
                    opt(c.tool_count),
                    opt(c.description.as_deref()),
                ]);
            }
            table.print();
            Ok(())
        }
        ToolsCommand::Related { id } => {
            let related = client.tools().related(&id).await?;
            if json {
                print_json(&json!({"items": related}));
                return Ok(());
            }
            let mut table = Table::new(&["TOOL", "RELATION", "WEIGHT", "REASON"]);
            for r in &related {
                table.row(vec![
                    r.tool_id.clone(),
                    r.relation.to_string(),
                    format!("{:.2}", r.weight),
                    opt(r.reason.as_deref()),
                ]);
            }
            table.print();
            Ok(())
        }
        ToolsCommand::Batch { calls } => batch(client, &calls, json).await,
        ToolsCommand::Get { id } => {
            let tool = client
                .tools()
                .get(&id)
                .await
                .map_err(|e| cannot_tell(e, &unknown_tool(&id)))?;
            if json {
                print_json(&tool);
                return Ok(());
            }
            let mut table = Table::new(&["FIELD", "VALUE"]);
            table.row(vec!["id".into(), tool.tool_id.clone()]);
            table.row(vec!["name".into(), tool.name.clone()]);
            table.row(vec!["category".into(), tool.category.clone()]);
            table.row(vec!["tokens".into(), tool.token_cost.to_string()]);
            table.row(vec!["description".into(), tool.description.clone()]);
            table.print();
            if let Some(parameters) = tool.schema.as_ref().map(|s| &s.parameters) {
                let text = serde_json::to_string_pretty(parameters).unwrap_or_default();
                print_text(&format!("parameters:\n{text}\n"));
            }
            Ok(())
        }
        ToolsCommand::Invoke {
            id,
            args,
            stream,
            idempotency_key,
        } => {
            let params =
                read_json_arg(&args).map_err(|e| Failure::usage(format!("--args: {e}")))?;
            if !params.is_object() {
                return Err(Failure::usage(
                    "--args: the arguments must be a JSON object",
                ));
            }
            let result = if stream {
                invoke_streamed(client, &id, params, json).await?
            } else {
                let mut call = client.tools().invoke(id.clone(), params);
                if let Some(key) = idempotency_key {
                    call = call.idempotency_key(key);
                }
                call.await?
            };
            if json {
                print_json(
                    &json!({"toolId": result.tool_id, "result": result.result, "latencyMs": result.latency_ms}),
                );
            } else {
                print_text(&format!("{}\n", result.text()));
            }
            if result.is_error() {
                return Err(Failure::tool_error(&id, &result.text()));
            }
            Ok(())
        }
    }
}

/// `tools batch`: one line (or one JSON item) per call, in order; exit 9 when one failed.
async fn batch(client: &Connectors, calls: &str, json: bool) -> Outcome {
    let calls = read_json_arg(calls).map_err(|e| Failure::usage(format!("--calls: {e}")))?;
    let Value::Array(items) = calls else {
        return Err(Failure::usage(
            "--calls: a JSON array of {\"toolId\", \"args\"} objects",
        ));
    };
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let tool_id = item
            .get("toolId")
            .and_then(Value::as_str)
            .map(str::to_string);
        let args = item.get("args").cloned().unwrap_or_else(|| json!({}));
        match tool_id {
            Some(tool_id) if args.is_object() => parsed.push((tool_id, args)),
            _ => {
                return Err(Failure::usage(format!(
                    "--calls: item {i} needs a \"toolId\" string and an \"args\" object"
                )));
            }
        }
    }
    let ids: Vec<String> = parsed.iter().map(|(id, _)| id.clone()).collect();
    let results = client.tools().invoke_batch(parsed).await?;
    let mut failed = 0;
    let mut docs = Vec::new();
    let mut table = Table::new(&["TOOL", "OK", "RESULT"]);
    for (id, result) in ids.iter().zip(results) {
        match result {
            Ok(done) => {
                failed += usize::from(done.is_error());
                table.row(vec![
                    id.clone(),
                    (!done.is_error()).to_string(),
                    done.text(),
                ]);
                docs.push(json!({"toolId": done.tool_id, "ok": !done.is_error(), "result": done.result, "latencyMs": done.latency_ms}));
            }
            Err(e) => {
                failed += 1;
                table.row(vec![id.clone(), "false".into(), e.to_string()]);
                docs.push(json!({"toolId": id, "ok": false, "error": {"kind": e.kind(), "message": e.to_string()}}));
            }
        }
    }
    if json {
        print_json(&json!({"items": docs}));
    } else {
        table.print();
    }
    if failed > 0 {
        return Err(Failure {
            code: crate::exit::TOOL_ERROR,
            kind: "ToolError".into(),
            message: format!("{failed} of {} call(s) failed", ids.len()),
        });
    }
    Ok(())
}

/// The set of tools a model was given, rebuilt for `tools run` (see [`run_calls`]).
enum Given {
    /// `tools select QUERY --format`, with its filters.
    Selection(String, SelectFilters),
    /// `tools list [--server NAME] --format`: one server's tools, or the whole catalog.
    Listing(Option<String>),
    /// Exactly these tool ids, in order.
    Tools(Vec<String>),
}

/// `tools run`: the model's calls on stdin, run against the set the model was given, and
/// the result messages on stdout. Exit 0 when the calls ran, whatever their results (an
/// error result is for the model to read); a usage error when stdin holds no calls.
async fn run_calls(client: &Connectors, provider: Provider, given: Given) -> Outcome {
    let output = read_stdin_json()?;
    // The calls are read before anything is asked of the gateway: bad input costs nothing.
    let calls = ToolCalls::parse(&output).map_err(|e| match e {
        Error::InvalidInput { message, .. } => Failure::usage(format!("stdin: {message}")),
        other => Failure::from(other),
    })?;
    let Some(first) = calls.calls().first() else {
        return Err(Failure::usage(
            "stdin: the model made no tool calls (a message without calls is its final answer)",
        ));
    };
    if first.provider != provider {
        return Err(Failure::usage(format!(
            "stdin holds {} calls, but --format is {}; give the --format the model's tools were printed in",
            first.provider.name(),
            provider.name()
        )));
    }
    let toolset = match given {
        Given::Selection(query, filters) => {
            let selection = select_request(client, &query, &filters).send().await?;
            names_of(&selection.tools)
        }
        Given::Listing(server) => {
            let mut listing = client.tools().list();
            if let Some(server) = server {
                listing = listing.server(server);
            }
            let listed: Vec<types::ToolSelection> = listing.stream().try_collect().await?;
            names_of(&listed)
        }
        Given::Tools(ids) => {
            let mut tools = Vec::with_capacity(ids.len());
            for id in ids {
                let tool = client.tools().get(&id).await;
                tools.push(tool.map_err(|e| cannot_tell(e, &unknown_tool(&id)))?);
            }
            names_of(&tools)
        }
    };
    let results = client.tools().run_calls(&toolset, &output).await?;
    print_json(&results.to_provider_json(provider));
    let failed = results.outcomes().iter().filter(|o| o.is_error()).count();
    if failed > 0 {
        // For a person at the terminal; the model reads the results themselves.
        eprintln!(
            "{failed} of {} call(s) gave an error result (the results say why)",
            results.outcomes().len()
        );
    }
    Ok(())
}

/// The set of function names of these tools, as `--format` printed them: the names come
/// from the tool ids and their order alone, so the schemas are not needed (nor fetched).
fn names_of(tools: &[types::ToolSelection]) -> Toolset {
    tools
        .iter()
        .map(|tool| ToolDefinition::new(&tool.tool_id, "", json!({})))
        .collect()
}

/// Stdin as one JSON document, for `tools run`.
fn read_stdin_json() -> Result<Value, Failure> {
    use std::io::{IsTerminal, Read};
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::usage(
            "tools run reads the model's output on stdin: pipe it in (connectors tools run --format openai < reply.json)",
        ));
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Failure::usage(format!("could not read stdin: {e}")))?;
    if text.trim().is_empty() {
        return Err(Failure::usage(
            "stdin is empty: pipe in the model's output (its tool calls or its message)",
        ));
    }
    // serde_json's message names line and column, never the text (it may hold secrets).
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("stdin: not valid JSON: {e}")))
}

async fn select(client: &Connectors, query: &str, filters: &SelectFilters, json: bool) -> Outcome {
    let selection = select_request(client, query, filters).send().await?;
    if json {
        print_json(&json!({
            "query": selection.query,
            "tools": selection.tools,
            "totalTools": selection.total_tools,
            "tokenUsage": selection.token_usage,
            "tokenBudget": selection.token_budget,
            "latencyMs": selection.latency_ms,
        }));
        return Ok(());
    }
    tool_table(&selection.tools, true).print();
    print_text(&format!(
        "{} tool(s), {} tokens of {}, from {} considered\n",
        selection.tools.len(),
        opt(selection.token_usage),
        opt(selection.token_budget),
        opt(selection.total_tools)
    ));
    Ok(())
}

/// A selection request with the command line's filters (also used by `mcp serve`).
pub fn select_request<'a>(
    client: &'a Connectors,
    query: &str,
    filters: &SelectFilters,
) -> connectors::tools::SelectTools<'a> {
    let mut request = client.tools().select(query);
    if let Some(max) = filters.max_tools {
        request = request.max_tools(max);
    }
    if !filters.category.is_empty() {
        request = request.categories(filters.category.clone());
    }
    if !filters.exclude_server.is_empty() {
        request = request.exclude_servers(filters.exclude_server.clone());
    }
    if let Some(budget) = filters.token_budget {
        request = request.token_budget(budget);
    }
    request
}

fn tool_table(tools: &[types::ToolSelection], scored: bool) -> Table {
    let mut table = if scored {
        Table::new(&["TOOL", "SCORE", "TIER", "TOKENS", "CATEGORY", "REASON"])
    } else {
        Table::new(&["TOOL", "CATEGORY", "TOKENS", "DESCRIPTION"])
    };
    for tool in tools {
        table.row(if scored {
            vec![
                tool.tool_id.clone(),
                format!("{:.2}", tool.score),
                tool.tier.to_string(),
                tool.token_cost.to_string(),
                tool.category.clone(),
                opt(tool.reason.as_deref()),
            ]
        } else {
            vec![
                tool.tool_id.clone(),
                tool.category.clone(),
                tool.token_cost.to_string(),
                first_line(&tool.description),
            ]
        });
    }
    table
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 72 {
        format!("{}...", line.chars().take(69).collect::<String>())
    } else {
        line.to_string()
    }
}

/// A streamed invocation with a progress bar; a gateway without the streaming route is
/// answered by a plain invocation (nothing ran: the SDK says NotOffered before sending).
async fn invoke_streamed(
    client: &Connectors,
    id: &str,
    params: Value,
    json: bool,
) -> Result<ToolResult, Failure> {
    let mut events = match client.tools().invoke_stream(id, params.clone()).await {
        Ok(events) => events,
        Err(Error::NotOffered { .. }) => return Ok(client.tools().invoke(id, params).await?),
        Err(e) => return Err(e.into()),
    };
    let bar = spinner(format!("invoking {id}"), json);
    while let Some(event) = events.next().await {
        match event {
            Ok(InvocationEvent::Progress(p)) => bar.set_message(match (p.total, &p.message) {
                (_, Some(message)) => message.clone(),
                (Some(total), None) => format!("{} of {total}", p.progress),
                (None, None) => format!("{}", p.progress),
            }),
            Ok(InvocationEvent::Log(line)) => bar.println(format!("log: {}", line.message)),
            Ok(InvocationEvent::Result(result)) => {
                bar.finish_and_clear();
                return Ok(result);
            }
            Ok(_) => {}
            Err(e) => {
                bar.finish_and_clear();
                return Err(e.into());
            }
        }
    }
    bar.finish_and_clear();
    Err(Failure::from(Error::StreamEnded {
        operation: "invokeToolStream".into(),
        tool_id: Some(id.to_string()),
        events_received: 0,
        may_have_run: true,
        source: None,
    }))
}

/// `connectors mcp ...` (except `serve`)
pub async fn mcp(client: &Connectors, command: McpCommand, json: bool) -> Outcome {
    match command {
        McpCommand::List => {
            let listed: Vec<types::McpServer> = client.mcp().list().stream().try_collect().await?;
            let tenant = client.config().tenant_id();
            // A server of another tenant is never shown as the caller's, whichever listing
            // showed it.
            let (servers, shown_anyway): (Vec<_>, Vec<_>) = listed
                .into_iter()
                .partition(|s| of_tenant(s.tenant_id.as_deref(), tenant));
            let everyones = every_tenants_custom_servers(client).await;
            let mut others: BTreeSet<&str> = shown_anyway.iter().map(|s| s.name.as_str()).collect();
            others.extend(
                everyones
                    .iter()
                    .flatten()
                    .filter(|s| !of_tenant(s.tenant_id.as_deref(), tenant))
                    .map(|s| s.name.as_str()),
            );
            if !others.is_empty() {
                eprintln!(
                    "{} server(s) of other tenants not shown (this gateway shows every tenant's custom servers)",
                    others.len()
                );
            } else if tenant.is_none() {
                let tenants = tenants_of(everyones.iter().flatten());
                if tenants > 1 {
                    eprintln!(
                        "the custom servers listed belong to {tenants} tenants; set --tenant (or CONNECTORS_TENANT_ID) to see only yours"
                    );
                }
            }
            if json {
                print_json(&json!({"items": servers, "otherTenants": others.len()}));
                return Ok(());
            }
            let mut table = Table::new(&["SERVER", "TYPE", "STATUS", "TOOLS", "CATEGORY"]);
            for s in &servers {
                table.row(vec![
                    s.name.clone(),
                    s.type_.to_string(),
                    s.status.to_string(),
                    opt(s.tool_count),
                    opt(s.category.as_deref()),
                ]);
            }
            table.print();
            Ok(())
        }
        McpCommand::Info { name } => {
            let server = client.mcp().server(&name);
            let info = server.info().await.map_err(|e| {
                cannot_tell(
                    e,
                    &format!(
                        "neither its custom servers nor its catalog show {name}: cannot tell whether it has this server"
                    ),
                )
            })?;
            // A gateway without the health route still has the server's facts.
            let health = match server.health().await {
                Ok(health) => Some(health),
                Err(Error::NotOffered { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            if json {
                print_json(&json!({"server": info, "health": health}));
                return Ok(());
            }
            let mut table = Table::new(&["FIELD", "VALUE"]);
            table.row(vec!["name".into(), info.name.clone()]);
            table.row(vec!["type".into(), info.type_.to_string()]);
            table.row(vec!["status".into(), info.status.to_string()]);
            table.row(vec!["tools".into(), opt(info.tool_count)]);
            table.row(vec!["category".into(), opt(info.category.as_deref())]);
            table.row(vec!["transport".into(), opt(info.transport.as_deref())]);
            table.row(vec![
                "health".into(),
                opt(health.as_ref().map(|h| h.status.to_string())),
            ]);
            table.row(vec![
                "latency_ms".into(),
                opt(health
                    .as_ref()
                    .and_then(|h| h.latency_ms)
                    .map(|l| format!("{l:.1}"))),
            ]);
            table.print();
            Ok(())
        }
        McpCommand::Health => {
            let health = client.mcp().health().await?;
            if json {
                print_json(&health);
            } else {
                let mut table = Table::new(&["SERVICE", "STATUS"]);
                table.row(vec![opt(health.service.as_deref()), health.status.clone()]);
                table.print();
            }
            Ok(())
        }
        McpCommand::Tools { name } => {
            // Never an empty table for "cannot tell": a deployed server's tools are not in
            // the original gateway's catalog, which is all it has to answer from.
            let tools = client.mcp().server(&name).tools().await.map_err(|e| {
                cannot_tell(
                    e,
                    &format!("its catalog has no tools of {name}: cannot tell which tools it has"),
                )
            })?;
            if json {
                print_json(&json!({"items": tools}));
                return Ok(());
            }
            let mut table = Table::new(&["TOOL", "PARAMETERS", "DESCRIPTION"]);
            for t in &tools {
                let params = t
                    .input_schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect::<Vec<_>>().join(","))
                    .unwrap_or_default();
                table.row(vec![
                    t.tool_id.clone(),
                    if params.is_empty() {
                        "-".into()
                    } else {
                        params
                    },
                    first_line(t.description.as_deref().unwrap_or("")),
                ]);
            }
            table.print();
            Ok(())
        }
        McpCommand::Add(add) => add_server(client, add, json).await,
        McpCommand::Remove { name } => {
            refuse_other_tenants_server(client, &name).await?;
            let removed = client.mcp().remove(&name).await?;
            if json {
                print_json(&removed);
            } else {
                print_text(&format!("removed {}\n", removed.name));
            }
            Ok(())
        }
        McpCommand::Serve(_) => unreachable!("`mcp serve` is dispatched by main"),
    }
}

/// Whether a server of `owner` (`None`: it names no tenant) is the caller's, whose tenant
/// is `caller` (`None`: not configured, so every server counts as the caller's).
fn of_tenant(owner: Option<&str>, caller: Option<&str>) -> bool {
    match (owner, caller) {
        (Some(owner), Some(caller)) => owner == caller,
        _ => true,
    }
}

/// The number of tenants that own these servers.
fn tenants_of<'s>(servers: impl Iterator<Item = &'s types::CustomServer>) -> usize {
    servers
        .filter_map(|s| s.tenant_id.as_deref())
        .collect::<BTreeSet<_>>()
        .len()
}

/// The custom servers the gateway shows to anyone who asks without a tenant id: the
/// original gateway shows every tenant's (and lets any tenant remove them), a gateway that
/// keeps tenants apart only the caller's. The facade asks with the caller's tenant and
/// keeps only its servers, so this asks through the generated client. `None` when it did
/// not answer: what it would show is then unknown, and the gateway decides alone.
async fn every_tenants_custom_servers(client: &Connectors) -> Option<Vec<types::CustomServer>> {
    let listed = client.api().list_custom_servers().send().await;
    listed.ok().map(|r| r.into_inner().data.servers)
}

/// `mcp remove NAME` of a server the gateway lists as another tenant's is refused before
/// anything is sent: the original gateway removes any tenant's server for anyone who asks.
/// Without a configured tenant, the CLI cannot tell whose a server is; it refuses where the
/// gateway shows servers of several tenants and NAME has an owner.
async fn refuse_other_tenants_server(client: &Connectors, name: &str) -> Outcome {
    let Some(listed) = every_tenants_custom_servers(client).await else {
        return Ok(());
    };
    let Some(owner) = listed
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.tenant_id.as_deref())
    else {
        return Ok(());
    };
    match client.config().tenant_id() {
        Some(tenant) if tenant != owner => Err(Failure::new(
            crate::exit::AUTH,
            "OtherTenant",
            format!(
                "refused: the gateway lists {name} as a server of another tenant, not of {tenant}; \
                 this gateway would remove it for anyone who asks, so the CLI does not ask it to"
            ),
        )),
        None if tenants_of(listed.iter()) > 1 => Err(Failure::new(
            crate::exit::CONFIG,
            "Config",
            format!(
                "refused: the gateway lists custom servers of several tenants and the CLI does not know yours, \
                 so it cannot tell whether {name} is yours; set --tenant (or CONNECTORS_TENANT_ID)"
            ),
        )),
        _ => Ok(()),
    }
}

/// What the gateway's other routes could not tell about tool `id`.
fn unknown_tool(id: &str) -> String {
    format!(
        "its catalog has no tool {id}: cannot tell whether it has it (`connectors tools invoke {id}` may still run it)"
    )
}

/// An SDK error, where [`Error::NotOffered`] means that the gateway lacks the operation and
/// the routes it has cannot tell the answer: said plainly, with the not-offered exit code,
/// never as an empty success or a made-up "not found".
fn cannot_tell(error: Error, why: &str) -> Failure {
    match &error {
        Error::NotOffered { operation, .. } => Failure::new(
            crate::exit::NOT_OFFERED,
            error.kind(),
            format!("this gateway does not offer {operation} and {why}"),
        ),
        _ => error.into(),
    }
}

async fn add_server(client: &Connectors, add: AddServer, json: bool) -> Outcome {
    let source = if let Some((command, args)) = add.stdio.split_first() {
        Source::stdio(command.clone(), args.to_vec())
    } else if let Some(url) = add.http {
        Source::http(url)
    } else if let Some(url) = add.github {
        Source::github(url)
    } else if let Some(image) = add.docker {
        Source::docker(image)
    } else {
        return Err(Failure::usage(
            "one of --stdio, --http, --github or --docker is needed",
        ));
    };
    let source = with_pairs(source, &add.env, "--env", Source::env)?;
    let source = with_pairs(source, &add.header, "--header", Source::header)?;
    let mut request = client.mcp().add(add.name.clone(), source, add.category);
    if let Some(description) = add.description {
        request = request.description(description);
    }
    let deployment = request.await?;
    if !add.wait {
        let accepted = deployment.accepted_as();
        if json {
            print_json(
                &json!({"deploymentId": deployment.id(), "name": add.name, "accepted": accepted}),
            );
        } else {
            print_text(&format!(
                "deployment {} of {} accepted (status {}); follow it with: connectors deployments wait {}\n",
                deployment.id(),
                add.name,
                opt(accepted.map(|a| a.status.to_string())),
                deployment.id()
            ));
        }
        return Ok(());
    }
    wait(&deployment, add.timeout, json).await
}

/// Applies `KEY=VALUE` pairs; a malformed one is named by its key only (values may be secret).
fn with_pairs(
    mut source: Source,
    pairs: &[String],
    flag: &str,
    apply: fn(Source, String, String) -> Source,
) -> Result<Source, Failure> {
    for pair in pairs {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                source = apply(source, key.to_string(), value.to_string());
            }
            _ => return Err(Failure::usage(format!("{flag} takes KEY=VALUE"))),
        }
    }
    Ok(source)
}

/// Waits for a deployment with a spinner that shows its status.
async fn wait(deployment: &Deployment, timeout: u64, json: bool) -> Outcome {
    let bar = spinner(format!("deployment {}: waiting", deployment.id()), json);
    // The spinner shows the status as the SDK polls; the SDK's wait decides the outcome.
    let watch = {
        let deployment = deployment.clone();
        let bar = bar.clone();
        tokio::spawn(async move {
            loop {
                if let Ok(status) = deployment.status().await {
                    bar.set_message(format!("deployment {}: {}", deployment.id(), status.status));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    };
    let result = deployment
        .wait_until_ready(Duration::from_secs(timeout))
        .await;
    watch.abort();
    bar.finish_and_clear();
    let status = result?;
    if json {
        print_json(&status);
    } else {
        deployment_table(std::slice::from_ref(&status)).print();
    }
    Ok(())
}

fn deployment_table(deployments: &[types::Deployment]) -> Table {
    let mut table = Table::new(&["DEPLOYMENT", "NAME", "STATUS", "TOOLS", "ERROR"]);
    for d in deployments {
        table.row(vec![
            d.deployment_id.clone(),
            opt(d.name.as_deref()),
            d.status.to_string(),
            opt(d.tools_discovered),
            opt(d.error.as_deref()),
        ]);
    }
    table
}

/// `connectors deployments ...`
pub async fn deployments(client: &Connectors, command: DeploymentsCommand, json: bool) -> Outcome {
    match command {
        DeploymentsCommand::List { limit } => {
            let mut listing = client.deployments().list();
            if let Some(limit) = limit {
                listing = listing.page_size(limit);
            }
            let page = listing.await?;
            if json {
                print_json(
                    &json!({"items": page.items, "total": page.total, "limit": page.limit, "offset": page.offset}),
                );
            } else {
                deployment_table(&page.items).print();
            }
            Ok(())
        }
        DeploymentsCommand::Status { id } => {
            let status = client.deployments().get(id).await?;
            if json {
                print_json(&status);
            } else {
                deployment_table(std::slice::from_ref(&status)).print();
            }
            Ok(())
        }
        DeploymentsCommand::Logs { id, tail } => {
            let deployment = client.deployments().deployment(id);
            let lines = match tail {
                Some(tail) => deployment.logs_tail(tail).await?,
                None => deployment.logs().await?,
            };
            if json {
                print_json(&json!({"items": lines}));
                return Ok(());
            }
            let mut text = String::new();
            for line in &lines {
                text.push_str(&format!(
                    "{} {:<6} {}\n",
                    line.timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                    opt(line.stream.as_ref()),
                    line.message
                ));
            }
            print_text(&text);
            Ok(())
        }
        DeploymentsCommand::Wait { id, timeout } => {
            wait(&client.deployments().deployment(id), timeout, json).await
        }
    }
}

/// `connectors events`: one line (or one JSON object) per event until interrupted.
pub async fn events(client: &Connectors, deployment: Option<String>, json: bool) -> Outcome {
    let mut events = match &deployment {
        Some(id) => client.events().deployment(id).await?,
        None => client.events().subscribe().await?,
    };
    while let Some(event) = events.next().await {
        let (doc, line) = match event? {
            GatewayEvent::Deployment(d) => (
                json!({"type": "deployment", "event": d}),
                format!(
                    "deployment {} {} {}",
                    d.deployment_id,
                    d.status,
                    d.message.as_deref().unwrap_or("")
                ),
            ),
            GatewayEvent::Server(s) => (
                json!({"type": "server", "event": s}),
                format!(
                    "server {} {} {}",
                    s.name,
                    s.status,
                    s.message.as_deref().unwrap_or("")
                ),
            ),
            GatewayEvent::Other(other) => (
                json!({"type": other.event, "data": other.data}),
                format!("{} {}", other.event, other.data),
            ),
            _ => continue,
        };
        // One JSON document per line (JSON Lines), so a script can read events as they come.
        print_text(&format!(
            "{}\n",
            if json {
                doc.to_string()
            } else {
                line.trim_end().to_string()
            }
        ));
    }
    Ok(())
}

/// `connectors identities ...`
pub async fn identities(client: &Connectors, command: IdentitiesCommand, json: bool) -> Outcome {
    let ids = client.identities();
    let shown: Vec<types::Identity> = match command {
        IdentitiesCommand::List { kind } => {
            let kind = kind.map(|k| IdentityType::from(k.to_uppercase().as_str()));
            let mut listing = ids.list();
            if let Some(kind) = kind {
                listing = listing.kind(kind);
            }
            let all: Vec<types::Identity> = listing.stream().try_collect().await?;
            if json {
                print_json(&json!({"items": all}));
                return Ok(());
            }
            all
        }
        IdentitiesCommand::Get { id } => vec![ids.get(&id).await?],
        IdentitiesCommand::Create { kind, name } => {
            let kind = IdentityType::from(kind.to_uppercase().as_str());
            vec![ids.create(kind, &name).await?]
        }
        IdentitiesCommand::Update { id, changes } => {
            let changes =
                read_json_arg(&changes).map_err(|e| Failure::usage(format!("--changes: {e}")))?;
            let changes: types::UpdateIdentityRequest = serde_json::from_value(changes)
                .map_err(|e| Failure::usage(format!("--changes: {e}")))?;
            vec![ids.update(&id, changes).await?]
        }
        IdentitiesCommand::Delete { id } => {
            let deleted = ids.delete(&id).await?;
            if json {
                print_json(&deleted);
            } else {
                print_text(&format!("deleted {}\n", deleted.id));
            }
            return Ok(());
        }
    };
    if json {
        // One identity (get, create, update) is the object itself.
        match shown.as_slice() {
            [one] => print_json(one),
            many => print_json(&json!({"items": many})),
        }
        return Ok(());
    }
    let mut table = Table::new(&["ID", "TYPE", "NAME", "EMAIL", "MEMBERS"]);
    for i in &shown {
        table.row(vec![
            i.id.clone(),
            i.type_.to_string(),
            i.name.clone(),
            opt(i.email.as_deref()),
            i.members.len().to_string(),
        ]);
    }
    table.print();
    Ok(())
}

/// `connectors oauth-config ...`
pub async fn oauth(client: &Connectors, command: OauthCommand, json: bool) -> Outcome {
    let tenants = client.tenants();
    match command {
        OauthCommand::List => {
            let integrations = tenants.integrations().await?;
            if json {
                print_json(&integrations);
                return Ok(());
            }
            let mut table = Table::new(&["INTEGRATION", "TENANT"]);
            for name in &integrations.integrations {
                table.row(vec![name.clone(), integrations.tenant_id.clone()]);
            }
            table.print();
            Ok(())
        }
        OauthCommand::Get { integration } => {
            let view = tenants.oauth_config(integration).get().await?;
            if json {
                print_json(&view);
                return Ok(());
            }
            let c = &view.config;
            let mut table = Table::new(&["FIELD", "VALUE"]);
            table.row(vec!["integration".into(), view.integration.clone()]);
            table.row(vec!["clientId".into(), opt(c.client_id.as_deref())]);
            table.row(vec!["authEndpoint".into(), opt(c.auth_endpoint.as_deref())]);
            table.row(vec![
                "tokenEndpoint".into(),
                opt(c.token_endpoint.as_deref()),
            ]);
            table.row(vec!["redirectUri".into(), opt(c.redirect_uri.as_deref())]);
            table.row(vec!["scopes".into(), c.scopes.join(" ")]);
            table.print();
            Ok(())
        }
        OauthCommand::Set {
            integration,
            config,
        } => {
            let config =
                read_json_arg(&config).map_err(|e| Failure::usage(format!("--config: {e}")))?;
            // serde's message names the field, never a value (the secret stays out).
            let config: types::OAuthConfigRequest = serde_json::from_value(config)
                .map_err(|e| Failure::usage(format!("--config: {}", without_values(&e))))?;
            let changed = tenants.oauth_config(integration).set(config).await?;
            change_output(&changed, "set", json);
            Ok(())
        }
        OauthCommand::Delete { integration } => {
            let changed = tenants.oauth_config(integration).delete().await?;
            change_output(&changed, "deleted", json);
            Ok(())
        }
    }
}

fn change_output(changed: &types::OAuthConfigChange, verb: &str, json: bool) {
    if json {
        print_json(changed);
    } else {
        print_text(&format!(
            "{verb} the OAuth configuration of {} for tenant {}\n",
            changed.integration, changed.tenant_id
        ));
    }
}

/// serde's error with any quoted value cut out: a rejected client secret must not be shown.
fn without_values(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find('"') {
        Some(start) => format!("{} (value not shown)", text[..start].trim_end()),
        None => text,
    }
}
