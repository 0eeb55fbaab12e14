//! The cost of the dense embedder (`src/embedding/`) with the real all-MiniLM-L6-v2, in
//! one run on this machine:
//!
//! ```text
//! bash gateway/eval/fetch-model.sh
//! cargo bench -p connectors-gateway --bench embedding
//! ```
//!
//! For each [`Precision`] (f32, then int8):
//!
//! * load: the time `Embedder::load_with_precision` takes (the first load, from the page
//!   cache after the fetch, and the best of three more) and the resident memory the loaded
//!   model adds; for f32 also what an int8 copy built from it by `Embedder::at_precision`
//!   (the gateway's request network) takes and adds;
//! * query: `embed` of one short request, p50/p90/p99 over 200 runs;
//! * tools: `embed` of 1,000 tool texts (the tools of `eval/servers/` with their parameter
//!   names and descriptions, repeated to 1,000) at batch sizes 16, 32 and 64, wall and CPU
//!   time per 1,000 (one run each);
//!
//! then how close the two precisions' vectors of each tool text are (cosine similarity).
//!
//! The model is read from `CONNECTORS_EMBEDDING_MODEL_DIR` or
//! `target/models/all-minilm-l6-v2`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connectors_gateway::embedding::{Embedder, Precision, cosine};
use connectors_test_support::proc_stats::{cpu_time, rss_kib};

fn main() {
    if let Err(message) = run() {
        eprintln!("embedding bench: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::var_os("CONNECTORS_EMBEDDING_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/models/all-minilm-l6-v2"));
    println!(
        "embedding bench: {} ({} cores, rayon threads {}), load average {}",
        dir.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    let tools = tool_texts(&repo.join("gateway/eval/servers"))?;
    let distinct = tools.len();
    let texts: Vec<&str> = tools
        .iter()
        .cycle()
        .take(1000)
        .map(String::as_str)
        .collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "tools: 1,000 texts ({distinct} distinct tools of eval/servers, repeated), {} characters on average; fastest precision here: {}",
        chars / texts.len(),
        Precision::fastest().name()
    );

    let mut vectors_of = Vec::new();
    for precision in [Precision::F32, Precision::Int8] {
        let name = precision.name();
        // ---- load
        let rss_before = rss_kib();
        let started = Instant::now();
        let embedder = Embedder::load_with_precision(&dir, precision)
            .map_err(|e| format!("{e} (run `bash gateway/eval/fetch-model.sh`)"))?;
        let first_load = started.elapsed();
        let rss_loaded = rss_kib();
        if precision == Precision::F32 {
            // The gateway's request network: an int8 copy sharing this model's tensors.
            let started = Instant::now();
            let copy = embedder
                .at_precision(Precision::Int8)
                .map_err(|e| e.to_string())?;
            println!(
                "int8 copy of the f32 model (Embedder::at_precision): {} ms; resident memory +{} MiB",
                ms(started.elapsed()),
                rss_kib().saturating_sub(rss_loaded) / 1024
            );
            drop(copy);
        }
        let mut reloads = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let again =
                Embedder::load_with_precision(&dir, precision).map_err(|e| e.to_string())?;
            reloads.push(started.elapsed());
            drop(again);
        }
        reloads.sort();
        println!(
            "{name} load: first {} ms, best of 3 more {} ms; resident memory +{} MiB with the model loaded ({} -> {} MiB)",
            ms(first_load),
            ms(reloads[0]),
            (rss_loaded.saturating_sub(rss_before)) / 1024,
            rss_before / 1024,
            rss_loaded / 1024
        );

        // ---- one query
        let query = "show me what's inside the src folder";
        for _ in 0..10 {
            embedder.embed(&[query]).map_err(|e| e.to_string())?;
        }
        let mut times = Vec::with_capacity(200);
        let cpu_started = cpu_time();
        for _ in 0..200 {
            let started = Instant::now();
            embedder.embed(&[query]).map_err(|e| e.to_string())?;
            times.push(started.elapsed());
        }
        let cpu = cpu_time().saturating_sub(cpu_started);
        times.sort();
        println!(
            "{name} query ({query:?}): p50 {} ms, p90 {} ms, p99 {} ms over 200 runs; CPU {} ms per query",
            ms(times[100]),
            ms(times[180]),
            ms(times[198]),
            ms(cpu / 200)
        );

        // ---- 1,000 tool texts; one run per batch size: tens of seconds, long enough to
        // be steady.
        let mut embedder = embedder;
        let mut vectors = Vec::new();
        for batch in [16, 32, 64] {
            embedder = embedder.with_batch_size(batch);
            let cpu_started = cpu_time();
            let started = Instant::now();
            vectors = embedder.embed(&texts).map_err(|e| e.to_string())?;
            let wall = started.elapsed();
            let cpu = cpu_time().saturating_sub(cpu_started);
            assert_eq!(vectors.len(), texts.len());
            println!(
                "{name} tools, batch {batch:>2}: {} s per 1,000, CPU {} s; resident {} MiB",
                secs(wall),
                secs(cpu),
                rss_kib() / 1024
            );
        }
        vectors_of.push(vectors);
    }

    // ---- how far the two precisions' vectors of one text are apart
    let mut similarities: Vec<f32> = vectors_of[0]
        .iter()
        .zip(&vectors_of[1])
        .map(|(a, b)| cosine(a, b))
        .collect();
    similarities.sort_by(f32::total_cmp);
    println!(
        "f32 and int8 vectors of the same tool text: cosine similarity min {:.4}, median {:.4}",
        similarities[0],
        similarities[similarities.len() / 2]
    );
    Ok(())
}

/// "server: tool name in words: description. parameter: description; …" for every tool of
/// the recorded servers, as the dense signal will embed them.
fn tool_texts(servers: &Path) -> Result<Vec<String>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(servers)
        .map_err(|e| format!("{}: {e}", servers.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut texts = Vec::new();
    for file in files {
        let server = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let content =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let list: serde_json::Value =
            serde_json::from_str(&content).map_err(|e| format!("{}: {e}", file.display()))?;
        for tool in list["tools"].as_array().into_iter().flatten() {
            let name = tool["name"]
                .as_str()
                .unwrap_or_default()
                .replace(['_', '-'], " ");
            let mut text = format!(
                "{server}: {name}: {}",
                tool["description"].as_str().unwrap_or_default()
            );
            if let Some(properties) = tool["inputSchema"]["properties"].as_object() {
                for (parameter, schema) in properties {
                    text.push_str(&format!(
                        " {parameter}: {};",
                        schema["description"].as_str().unwrap_or_default()
                    ));
                }
            }
            texts.push(text);
        }
    }
    if texts.is_empty() {
        return Err(format!("no tools in {}", servers.display()));
    }
    Ok(texts)
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}
