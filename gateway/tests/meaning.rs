//! Selection by meaning, with the real sentence model (`bash gateway/eval/fetch-model.sh`):
//! a gateway given the model finds a tool a request shares no word with, says so in the
//! reason, caches the tools' vectors on disk and in Redis, and refuses a model it cannot
//! load at start-up, naming the file.
//!
//! Without the model these tests fail saying so, unless CONNECTORS_SKIP_EMBEDDING_MODEL=1.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::redis::RedisServer;
use common::{Gw, builder, start_with};
use connectors_gateway::{Gateway, SelectionRanking, StoreLocation};
use connectors_test_support::gateway::gateway_command;
use connectors_test_support::selection_eval::model_dir;
use serde_json::json;

/// The model directory, or `None` (the test returns) when it is missing and
/// CONNECTORS_SKIP_EMBEDDING_MODEL=1.
fn model() -> Option<PathBuf> {
    let dir = model_dir();
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    if std::env::var("CONNECTORS_SKIP_EMBEDDING_MODEL").as_deref() == Ok("1") {
        return None;
    }
    panic!(
        "the sentence model is not in {}: run `bash gateway/eval/fetch-model.sh`, point \
         CONNECTORS_EMBEDDING_MODEL_DIR at a copy, or set CONNECTORS_SKIP_EMBEDDING_MODEL=1",
        dir.display()
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cgw-meaning-{name}-{}-{}",
        std::process::id(),
        uuid_like()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn uuid_like() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

/// The tools of the answer to `query`, best first: (id, score, reason).
async fn select(gw: &Gw, query: &str) -> Vec<(String, f64, String)> {
    let reply = gw
        .post(
            "/api/v1/tools/select",
            json!({"query": query, "options": {"maxTools": 5, "includeRelated": false}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut tools = Vec::new();
    for tier in ["tier1", "tier2", "tier3"] {
        for tool in reply.data()["tools"][tier].as_array().into_iter().flatten() {
            tools.push((
                tool["toolId"].as_str().unwrap_or("").to_string(),
                tool["score"].as_f64().unwrap_or(0.0),
                tool["reason"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    tools.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    tools
}

/// A request that shares no word with the tool that does it.
const PARAPHRASE: &str = "turn this sentence into capital letters";
/// The tool that does it (`transform`, "upper (UPPERCASE)").
const MEANT: &str = "text.transform";

#[tokio::test]
async fn a_gateway_with_the_model_finds_a_tool_by_meaning_and_says_so() {
    let Some(model) = model() else { return };
    let work = temp_dir("finds");
    let fused = start_with(builder().embedding_model(&model).work_dir(&work)).await;
    // It serves before its tools are embedded: every tool listed and selectable (by words
    // until their vectors are attached).
    let tools = fused.get("/api/v1/tools/list?limit=1").await.body["data"]["pagination"]["total"]
        .as_u64()
        .unwrap_or(0) as usize;
    assert!(tools > 0);
    let early = fused
        .post(
            "/api/v1/tools/select",
            json!({"query": PARAPHRASE, "options": {"maxTools": 3}}),
        )
        .await;
    assert_eq!(early.status, 200, "{}", early.body);
    fused.running.embedded().await;
    let found = select(&fused, PARAPHRASE).await;
    assert_eq!(found[0].0, MEANT, "{found:?}");
    assert!(
        found[0].2.contains("found by meaning (similarity 0."),
        "{found:?}"
    );
    assert!(found.iter().all(|(_, s, _)| (0.0..=1.0).contains(s)));
    // The same request in a batch, ranked the same.
    let batch = fused
        .post(
            "/api/v1/tools/select",
            json!({"queries": [{"use_case": PARAPHRASE}], "options": {"maxTools": 1}}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.body);
    assert_eq!(
        batch.data()["results"][0]["main_tool_slugs"],
        json!([MEANT])
    );
    // Without the model (words only) the gateway does not find it first (nor at all).
    let lexical = start_with(builder()).await;
    let by_words = select(&lexical, PARAPHRASE).await;
    assert!(
        by_words.first().is_none_or(|t| t.0 != MEANT),
        "{by_words:?}"
    );
    // The same request asked twice gives the same answer (its vector is remembered).
    assert_eq!(select(&fused, PARAPHRASE).await, found);
    // Every tool's vector is in the cache directory.
    assert_eq!(vector_files(&work.join("embeddings")).len(), tools);
    fused.running.shutdown().await;
    lexical.running.shutdown().await;
    let _ = std::fs::remove_dir_all(&work);
}

#[tokio::test]
async fn the_dense_ranking_alone_ranks_by_meaning_only() {
    let Some(model) = model() else { return };
    let work = temp_dir("dense");
    let dense = start_with(
        builder()
            .embedding_model(&model)
            .work_dir(&work)
            .ranking(SelectionRanking::Dense),
    )
    .await;
    dense.running.embedded().await;
    let found = select(&dense, PARAPHRASE).await;
    assert_eq!(found[0].0, MEANT, "{found:?}");
    assert!(
        found
            .iter()
            .all(|(_, _, r)| r.starts_with("found by meaning")),
        "{found:?}"
    );
    dense.running.shutdown().await;
    let _ = std::fs::remove_dir_all(&work);
}

#[tokio::test]
async fn replicas_share_the_tools_vectors_through_redis() {
    let Some(model) = model() else { return };
    let redis = RedisServer::start();
    let store = StoreLocation::parse(&redis.url()).expect("redis url");
    let (first_dir, second_dir) = (temp_dir("first"), temp_dir("second"));
    let first = start_with(
        builder()
            .embedding_model(&model)
            .work_dir(&first_dir)
            .store(store.clone()),
    )
    .await;
    first.running.embedded().await;
    let tools = vector_files(&first_dir.join("embeddings")).len();
    assert!(tools > 0);
    // Every vector is in Redis too. Each is replaced there by a marker, so that what the
    // second replica keeps shows where it came from.
    let keys = redis_cli(&redis, &["--scan", "--pattern", "cgw:embedding:*"], None);
    let keys: Vec<&str> = keys.lines().filter(|k| !k.is_empty()).collect();
    assert_eq!(keys.len(), tools);
    let marker: Vec<u8> = (0..384)
        .flat_map(|i| if i == 0 { 1.0f32 } else { 0.0 }.to_le_bytes())
        .collect();
    for key in &keys {
        redis_cli(&redis, &["-x", "SET", key], Some(&marker));
    }
    // A second replica with an empty cache directory of its own: every vector comes from
    // Redis (and is kept on its disk too), none is computed again.
    let second = start_with(
        builder()
            .embedding_model(&model)
            .work_dir(&second_dir)
            .store(store),
    )
    .await;
    second.running.embedded().await;
    let kept = vector_files(&second_dir.join("embeddings"));
    assert_eq!(kept.len(), tools);
    assert!(kept.iter().all(|bytes| *bytes == marker));
    first.running.shutdown().await;
    second.running.shutdown().await;
    for dir in [first_dir, second_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test]
async fn a_model_that_cannot_be_loaded_stops_the_start_naming_the_file() {
    let Some(model) = model() else { return };
    // A directory without the tokenizer.
    let broken = temp_dir("broken");
    for file in [
        "config.json",
        "model.safetensors",
        "sentence_bert_config.json",
    ] {
        std::fs::copy(model.join(file), broken.join(file)).expect("copy");
    }
    let error = Gateway::builder()
        .embedding_model(&broken)
        .spawn()
        .await
        .expect_err("a model without its tokenizer");
    let text = error.to_string();
    assert!(
        text.contains("embeddingModel")
            && text.contains(&broken.join("tokenizer.json").display().to_string()),
        "{text}"
    );
    // A directory that does not exist.
    let missing = broken.join("nowhere");
    let error = Gateway::builder()
        .embedding_model(&missing)
        .spawn()
        .await
        .expect_err("no such directory");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
    // A ranking that needs a model, without one.
    let error = Gateway::builder()
        .ranking(SelectionRanking::Fused)
        .spawn()
        .await
        .expect_err("fused without a model");
    assert!(
        error.to_string().contains("needs a sentence model"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&broken);
}

/// `redis-cli` against `redis` with `args` (and `stdin`): what it printed.
fn redis_cli(redis: &RedisServer, args: &[&str], stdin: Option<&[u8]>) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("redis-cli")
        .args(["-u", &redis.url()])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("redis-cli runs (Debian's redis-tools, with redis-server)");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.unwrap_or_default()).expect("stdin");
    }
    let output = child.wait_with_output().expect("redis-cli output");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// The contents of every cached vector file under `dir`.
fn vector_files(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                vector_files(&path)
            } else if path.extension().is_some_and(|x| x == "f32") {
                vec![std::fs::read(&path).expect("read a vector file")]
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// Runs the binary with `args` and `env` until it exits (it must, within 60 s): its exit
/// status and what it wrote to stderr.
async fn run_binary(args: &[&str], env: &[(&str, &Path)]) -> (bool, String) {
    let mut command = gateway_command(
        env!("CARGO_BIN_EXE_connectors-gateway"),
        args.iter().copied(),
    );
    command.env_remove("CONNECTORS_GATEWAY_EMBEDDING_MODEL");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().expect("the gateway binary starts");
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the gateway exits")
        .expect("its output");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[tokio::test]
async fn the_binary_reads_the_model_from_its_flag_and_its_environment() {
    let missing = std::env::temp_dir().join(format!("cgw-no-model-{}", uuid_like()));
    let shown = missing.display().to_string();
    let (ok, stderr) = run_binary(&["--port", "0", "--embedding-model", &shown], &[]).await;
    assert!(!ok && stderr.contains(&shown), "{stderr}");
    let (ok, stderr) = run_binary(
        &["--port", "0"],
        &[("CONNECTORS_GATEWAY_EMBEDDING_MODEL", &missing)],
    )
    .await;
    assert!(!ok && stderr.contains(&shown), "{stderr}");
    let (ok, stderr) = run_binary(&["--port", "0", "--ranking", "dense"], &[]).await;
    assert!(!ok && stderr.contains("needs a sentence model"), "{stderr}");
}

#[test]
fn a_config_file_names_the_model_and_the_ranking() {
    let dir = temp_dir("config");
    let file = dir.join("gateway.json");
    std::fs::write(
        &file,
        json!({"embeddingModel": "/models/minilm", "ranking": "dense"}).to_string(),
    )
    .expect("write");
    let config = connectors_gateway::Config::from_file(&file).expect("a valid config");
    assert_eq!(
        config.embedding_model.as_deref(),
        Some(Path::new("/models/minilm"))
    );
    assert_eq!(config.selection_ranking(), SelectionRanking::Dense);
    std::fs::write(&file, json!({"ranking": "semantic"}).to_string()).expect("write");
    let error = connectors_gateway::Config::from_file(&file).expect_err("an unknown ranking");
    assert!(error.to_string().contains("ranking"), "{error}");
    std::fs::write(&file, json!({"ranking": "fused"}).to_string()).expect("write");
    let error = connectors_gateway::Config::from_file(&file).expect_err("fused without a model");
    assert!(
        error.to_string().contains("needs a sentence model"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
