//! Selection quality on `gateway/eval/`: real MCP servers' recorded tool lists, served by
//! real MCP servers over stdio, behind a reference gateway, asked the labelled requests
//! over HTTP; recall@1, recall@5 and MRR of the answers. Shared by the gateway's quality
//! bench and its floor test (`gateway/tests/selection_quality.rs`).
//!
//! The catalog servers are the calling program itself started again as a child with
//! [`SERVE_CATALOG`]: a program using [`gateway_with`] calls [`serve_catalog_if_asked`]
//! first thing in `main` (benches and `harness = false` tests have one).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use connectors_gateway::{
    Config, Gateway, GatewayBuilder, RateLimitConfig, RunningGateway, SelectionRanking,
    ServerConfig,
};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig as ServerInfo, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Value, json};

/// Errors of the evaluation (test code: reported, not matched on).
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The argument that makes the program an MCP server of recorded tools:
/// `--serve-catalog FILE [COUNT [VARIANTS]]`.
pub const SERVE_CATALOG: &str = "--serve-catalog";

/// The repository's evaluation data: `gateway/eval/`.
pub fn eval_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../gateway/eval")
}

/// The sentence model's directory: `CONNECTORS_EMBEDDING_MODEL_DIR`, else where
/// `gateway/eval/fetch-model.sh` unpacks it (`target/models/all-minilm-l6-v2`).
pub fn model_dir() -> PathBuf {
    std::env::var_os("CONNECTORS_EMBEDDING_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/models/all-minilm-l6-v2")
        })
}

/// The tool definitions recorded in `file` (`{"package", "version", "tools": [...]}`).
pub fn recorded_tools(file: &Path) -> Result<Vec<Tool>, Error> {
    let record: Value = serde_json::from_slice(&std::fs::read(file)?)?;
    let tools = record.get("tools").cloned().unwrap_or(Value::Null);
    Ok(serde_json::from_value(tools)?)
}

/// Every recorded server of `eval_dir()/servers`: its short name and file, by name.
pub fn recorded_servers() -> Result<Vec<(String, PathBuf)>, Error> {
    let mut servers = Vec::new();
    for entry in std::fs::read_dir(eval_dir().join("servers"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            servers.push((stem.to_string(), path));
        }
    }
    servers.sort();
    Ok(servers)
}

/// An MCP server that lists `tools` and answers every call with the tool's name.
#[derive(Clone)]
pub struct Catalog {
    tools: Arc<Vec<Tool>>,
}

impl Catalog {
    /// A server of `tools`.
    pub fn new(tools: Vec<Tool>) -> Catalog {
        Catalog {
            tools: Arc::new(tools),
        }
    }
}

impl ServerHandler for Catalog {
    fn get_info(&self) -> ServerInfo {
        ServerInfo::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        Ok(CallToolResult::success(vec![ContentBlock::text(request.name.to_string())]).into())
    }
}

/// If this program was started with [`SERVE_CATALOG`], serves that catalog over stdio
/// until stdin closes and returns `true`; else returns `false` at once.
pub fn serve_catalog_if_asked() -> Result<bool, Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1) {
        Some(flag) if flag == SERVE_CATALOG => {
            serve_catalog(&args[2..])?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// `FILE [COUNT [VARIANTS]]`: an MCP server over stdio listing the first COUNT tools of
/// FILE, each in VARIANTS copies (copy v > 0 named `<name>_v<v>`).
fn serve_catalog(args: &[String]) -> Result<(), Error> {
    let file = args
        .first()
        .ok_or("--serve-catalog FILE [COUNT [VARIANTS]]")?;
    let count: usize = args
        .get(1)
        .map(|c| c.parse())
        .transpose()?
        .unwrap_or(usize::MAX);
    let variants: usize = args.get(2).map(|c| c.parse()).transpose()?.unwrap_or(1);
    let recorded = recorded_tools(Path::new(file))?;
    let tools: Vec<Tool> = (0..variants.max(1))
        .flat_map(|v| {
            recorded.iter().map(move |t| {
                let mut t = t.clone();
                if v > 0 {
                    t.name = format!("{}_v{v}", t.name).into();
                }
                t
            })
        })
        .take(count)
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let running = Catalog::new(tools)
            .serve((tokio::io::stdin(), tokio::io::stdout()))
            .await?;
        running.waiting().await?;
        Ok(())
    })
}

/// One catalog server: its name in the gateway, the file it serves, how many of the
/// file's tools, and how many copies of each.
pub struct CatalogServer {
    /// The server's name (the first part of its tools' ids).
    pub name: String,
    /// The recorded `tools/list` answer.
    pub file: PathBuf,
    /// How many tools it lists (all with `usize::MAX`).
    pub count: usize,
    /// Copies of each tool.
    pub variants: usize,
}

/// Every recorded server, whole.
pub fn recorded_catalog() -> Result<Vec<CatalogServer>, Error> {
    Ok(recorded_servers()?
        .into_iter()
        .map(|(name, file)| CatalogServer {
            name,
            file,
            count: usize::MAX,
            variants: 1,
        })
        .collect())
}

/// A gateway (no built-in servers, no quotas, set up further by `configure`) whose
/// platform servers are `servers`, each this program started again with
/// [`SERVE_CATALOG`].
pub async fn gateway_with(
    servers: &[CatalogServer],
    configure: impl FnOnce(GatewayBuilder) -> GatewayBuilder,
) -> Result<RunningGateway, Error> {
    let exe = std::env::current_exe()?;
    let exe = exe.to_string_lossy().to_string();
    let mut config = Config::default();
    config.builtins.clear();
    let mut builder = Gateway::builder()
        .config(config)
        .rate_limits(RateLimitConfig::unlimited());
    for server in servers {
        let args = [
            SERVE_CATALOG.to_string(),
            server.file.to_string_lossy().to_string(),
            server.count.to_string(),
            server.variants.to_string(),
        ];
        builder =
            builder.platform_server(server.name.clone(), ServerConfig::stdio(exe.clone(), args));
    }
    Ok(configure(builder).spawn().await?)
}

/// [`gateway_with`] ranking by `ranking`; a ranking that needs the model gets the one in
/// `model` and caches its vectors under `work`. It returns once the gateway serves: wait
/// for [`RunningGateway::embedded`] before measuring what meaning adds.
pub async fn ranked_gateway(
    servers: &[CatalogServer],
    ranking: SelectionRanking,
    model: &Path,
    work: &Path,
) -> Result<RunningGateway, Error> {
    let (model, work) = (model.to_path_buf(), work.to_path_buf());
    gateway_with(servers, move |builder| {
        let builder = builder.ranking(ranking);
        if ranking.needs_model() {
            builder.embedding_model(model).work_dir(work)
        } else {
            builder
        }
    })
    .await
}

/// A labelled request: what a user asked and the tools that would do it.
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The request.
    pub request: String,
    /// The ids of every tool that does what it asks.
    pub tools: Vec<String>,
}

/// The requests of `eval_dir()/<name>` (`requests.json`, the development set, or
/// `heldout.json`).
pub fn labelled(name: &str) -> Result<Vec<Labelled>, Error> {
    let all: Value = serde_json::from_slice(&std::fs::read(eval_dir().join(name))?)?;
    let mut out = Vec::new();
    for item in all.as_array().ok_or("a JSON array of requests")? {
        let request = item
            .get("request")
            .and_then(Value::as_str)
            .ok_or("a request without text")?;
        let tools = item
            .get("tools")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.push(Labelled {
            request: request.to_string(),
            tools,
        });
    }
    Ok(out)
}

/// Recall and MRR of one ranking on one set of requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// How many requests.
    pub requests: usize,
    /// Share with a labelled tool first.
    pub recall_at_1: f64,
    /// Share with a labelled tool in the first five.
    pub recall_at_5: f64,
    /// Mean of 1/rank of the first labelled tool (0 when none of the 20 returned is).
    pub mrr: f64,
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "recall@1 {:.3}   recall@5 {:.3}   MRR {:.3}",
            self.recall_at_1, self.recall_at_5, self.mrr
        )
    }
}

/// The tool ids of `gateway`'s answer to `query` (up to 20, budget 100,000 tokens, no
/// related tools), best first.
pub async fn ranked(
    client: &reqwest::Client,
    gateway: &RunningGateway,
    query: &str,
) -> Result<Vec<String>, Error> {
    let body = json!({"query": query, "options": {"maxTools": 20, "tokenBudget": 100000, "includeRelated": false}});
    let response = client
        .post(format!("{}/api/v1/tools/select", gateway.url()))
        .bearer_auth(gateway.api_key())
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let value: Value = response.json().await?;
    if !status.is_success() {
        return Err(format!("tools/select: {status}: {value}").into());
    }
    let mut ranked: Vec<(f64, String)> = Vec::new();
    for tier in ["tier1", "tier2", "tier3"] {
        for tool in value
            .pointer(&format!("/data/tools/{tier}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = tool.get("toolId").and_then(Value::as_str).unwrap_or("");
            let score = tool.get("score").and_then(Value::as_f64).unwrap_or(0.0);
            ranked.push((score, id.to_string()));
        }
    }
    // Tiers group the list; within the answer the order is by score, then id.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(ranked.into_iter().map(|(_, id)| id).collect())
}

/// The scores of `gateway`'s answers to `requests`, and each request's rank of its first
/// labelled tool (`None` when none was returned).
pub async fn measure(
    client: &reqwest::Client,
    gateway: &RunningGateway,
    requests: &[Labelled],
) -> Result<(Scores, Vec<Option<usize>>), Error> {
    let mut ranks = Vec::with_capacity(requests.len());
    for labelled in requests {
        let answer = ranked(client, gateway, &labelled.request).await?;
        ranks.push(
            answer
                .iter()
                .position(|id| labelled.tools.contains(id))
                .map(|p| p + 1),
        );
    }
    let n = ranks.len().max(1) as f64;
    let share = |hit: &dyn Fn(usize) -> bool| {
        ranks.iter().flatten().filter(|r| hit(**r)).count() as f64 / n
    };
    let scores = Scores {
        requests: ranks.len(),
        recall_at_1: share(&|r| r == 1),
        recall_at_5: share(&|r| r <= 5),
        mrr: ranks.iter().flatten().map(|r| 1.0 / *r as f64).sum::<f64>() / n,
    };
    Ok((scores, ranks))
}
