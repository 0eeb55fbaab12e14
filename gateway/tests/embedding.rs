//! The dense embedder (`src/embedding/`, the `embeddings` feature).
//!
//! The load errors run on a tiny BERT this file writes (a few hundred parameters, a
//! hand-made WordPiece vocabulary), so they need nothing fetched. Everything else runs
//! the real all-MiniLM-L6-v2 that `bash gateway/eval/fetch-model.sh` (which `.ci/run`
//! calls) unpacks into `target/models/all-minilm-l6-v2/`, or the directory
//! `CONNECTORS_EMBEDDING_MODEL_DIR` names. Without it those tests fail with a message that
//! says so, unless CONNECTORS_SKIP_EMBEDDING_MODEL=1 (a silent skip cannot fail).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use connectors_gateway::embedding::{Embedder, LoadError, Precision, cosine, dot};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The real model at f32 (the reference), loaded once for all the tests of this binary;
/// `None` (skip) only when it is missing and CONNECTORS_SKIP_EMBEDDING_MODEL=1.
fn model() -> Option<&'static Embedder> {
    static MODEL: OnceLock<Embedder> = OnceLock::new();
    load_once(&MODEL, Precision::F32)
}

/// The real model at int8, as the gateway runs it on a CPU with VNNI.
fn int8_model() -> Option<&'static Embedder> {
    static MODEL: OnceLock<Embedder> = OnceLock::new();
    load_once(&MODEL, Precision::Int8)
}

fn load_once(cell: &'static OnceLock<Embedder>, precision: Precision) -> Option<&'static Embedder> {
    let dir = std::env::var_os("CONNECTORS_EMBEDDING_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/models/all-minilm-l6-v2"));
    if !dir.join("model.safetensors").exists() {
        let message = format!(
            "the embedding model all-MiniLM-L6-v2 is not in {}: run `bash gateway/eval/fetch-model.sh` \
             (needs python3 with pip; unpacks it into target/models/all-minilm-l6-v2), point \
             CONNECTORS_EMBEDDING_MODEL_DIR at a copy, or set CONNECTORS_SKIP_EMBEDDING_MODEL=1 to \
             skip these tests",
            dir.display()
        );
        if std::env::var("CONNECTORS_SKIP_EMBEDDING_MODEL").as_deref() == Ok("1") {
            eprintln!("skipped: {message}");
            return None;
        }
        panic!("{message}");
    }
    Some(cell.get_or_init(|| {
        Embedder::load_with_precision(&dir, precision)
            .unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()))
    }))
}

fn norm(vector: &[f32]) -> f32 {
    dot(vector, vector).sqrt()
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn vectors_have_384_unit_components() {
    let Some(model) = model() else { return };
    assert_eq!(model.dimensions(), 384);
    let long = "the quick brown fox jumps over the lazy dog ".repeat(100);
    let texts = ["add 17 and 25", "", "Café déjà vu — 東京", long.as_str()];
    let vectors = model.embed(&texts).expect("embed");
    assert_eq!(vectors.len(), texts.len());
    for (text, vector) in texts.iter().zip(&vectors) {
        assert_eq!(vector.len(), 384, "{text:?}");
        assert!(
            (norm(vector) - 1.0).abs() < 1e-5,
            "{text:?}: norm {}",
            norm(vector)
        );
        assert!(vector.iter().all(|x| x.is_finite()), "{text:?}");
    }
    assert!(model.embed(&[]).expect("no texts").is_empty());
}

/// sentence-transformers' own output for its model card's first example, as published
/// with its token ids (101 2023 2003 2019 2742 6251 102), e.g. in Spark NLP's
/// documentation (0.0676569, 0.063…) and in another port's test against
/// SentenceTransformers (the five values below).
#[test]
fn matches_sentence_transformers_reference() {
    let Some(model) = model() else { return };
    let vector = &model
        .embed(&["This is an example sentence"])
        .expect("embed")[0];
    let reference = [
        0.06765693f32,
        0.06349593,
        0.04871314,
        0.07930495,
        0.03744806,
    ];
    let difference = max_difference(&vector[..5], &reference);
    assert!(
        difference < 1e-5,
        "first components {:?}, {difference} off",
        &vector[..5]
    );
}

#[test]
fn the_same_text_gives_the_same_vector() {
    let Some(model) = model() else { return };
    let texts = ["list files in a folder", "add 17 and 25"];
    let first = model.embed(&texts).expect("embed");
    let second = model.embed(&texts).expect("embed");
    assert_eq!(first, second);
}

#[test]
fn a_batch_gives_the_vectors_of_one_by_one() {
    let Some(model) = model() else { return };
    let texts: Vec<String> = tool_texts()
        .into_iter()
        .map(|(_, text)| text)
        .take(40)
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    // Small batches: several of them, each padded to its longest text.
    let batched = model.embed(&texts).expect("batch");
    for (text, vector) in texts.iter().zip(&batched) {
        let alone = &model.embed(&[text]).expect("one")[0];
        let difference = max_difference(vector, alone);
        assert!(difference < 1e-5, "{text:?}: {difference} off");
    }
}

/// The int8 network computes what the f32 one does within the error of its quantized
/// weights: every vector within cosine 0.99 of the reference (about 0.998 measured), each
/// text's vector the same in a batch and alone, and unit length.
#[test]
fn int8_vectors_are_close_to_f32() {
    let (Some(reference), Some(int8)) = (model(), int8_model()) else {
        return;
    };
    assert_eq!(int8.precision(), Precision::Int8);
    assert_eq!(reference.precision(), Precision::F32);
    let mut texts: Vec<String> = tool_texts()
        .into_iter()
        .map(|(_, text)| text)
        .take(40)
        .collect();
    texts.extend(["add 17 and 25", "show me what's inside the src folder", ""].map(String::from));
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let exact = reference.embed(&texts).expect("f32");
    let close = int8.embed(&texts).expect("int8");
    // The int8 copy built from the f32 embedder's tensors is the one loaded from the files.
    let copy = reference.at_precision(Precision::Int8).expect("int8 copy");
    assert_eq!(copy.precision(), Precision::Int8);
    assert_eq!(copy.embed(&texts).expect("copy"), close);
    let back = copy
        .at_precision(Precision::F32)
        .expect("back")
        .embed(&texts[..3])
        .expect("f32 again");
    for (a, b) in back.iter().zip(&exact) {
        assert!(max_difference(a, b) < 1e-5);
    }
    for ((text, a), b) in texts.iter().zip(&exact).zip(&close) {
        let similarity = cosine(a, b);
        assert!(similarity > 0.99, "{text:?}: cosine {similarity}");
        assert!((norm(b) - 1.0).abs() < 1e-5, "{text:?}");
        // One text at a time (the default at int8): its vector is the one it has alone.
        let alone = &int8.embed(&[text]).expect("one")[0];
        assert_eq!(b, alone, "{text:?}");
    }
}

/// The paraphrases of issue 27 rank their tools first with the request embedded at int8
/// as at f32. The tools are embedded at f32 both times, as the gateway embeds them on every
/// CPU (its cached vectors are the f32 ones): the int8 network only ever embeds requests.
/// (Ranked all at int8, "forget everything you stored about the old vendor" puts
/// `delete_relations` before `delete_entities`, 0.2224 against 0.2198, where f32 has them
/// 0.2213 and 0.2233; the gateway's way keeps the f32 order, by a thin 0.2201 against
/// 0.2198: this request sits on an edge at any precision.)
#[test]
fn int8_ranks_as_f32_does() {
    let (Some(reference), Some(int8)) = (model(), int8_model()) else {
        return;
    };
    let tools = tool_texts();
    for query in [
        "add 17 and 25",
        "show me what's inside the src folder",
        "forget everything you stored about the old vendor",
        "commit my staged changes",
    ] {
        let exact = ranking_by(reference, reference, query, &tools);
        let close = ranking_by(reference, int8, query, &tools);
        assert_eq!(exact[0], close[0], "{query:?}");
        let shared = close[..5]
            .iter()
            .filter(|id| exact[..5].contains(id))
            .count();
        assert!(shared >= 4, "{query:?}: top 5 {close:?} against {exact:?}");
    }
}

/// Truncation happens at sentence-transformers' 256 word pieces, not at the 128 of
/// `tokenizer.json` nor the 512 positions of `config.json`.
#[test]
fn texts_are_truncated_at_256_word_pieces() {
    let Some(model) = model() else { return };
    assert_eq!(model.max_tokens(), 256);
    // "alpha" is one word piece: 200 + 2 fit, 300 and 400 are cut to the same 254.
    let words = |n: usize| vec!["alpha"; n].join(" ") + " omega";
    let texts = [words(200), words(300), words(400)];
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = model.embed(&texts).expect("embed");
    assert!(
        max_difference(&vectors[1], &vectors[2]) < 1e-6,
        "past 256 differs"
    );
    assert!(
        max_difference(&vectors[0], &vectors[1]) > 1e-4,
        "under 256 is cut"
    );
}

#[test]
fn a_shorter_truncation_is_kept_within_the_models_own() {
    let Some(model) = model() else { return };
    let dir = std::env::var_os("CONNECTORS_EMBEDDING_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/models/all-minilm-l6-v2"));
    let short = Embedder::load_with_precision(&dir, Precision::F32)
        .expect("load")
        .with_max_tokens(16);
    assert_eq!(short.max_tokens(), 16);
    let words = |n: usize| vec!["alpha"; n].join(" ") + " omega";
    // 14 word pieces and [CLS], [SEP] fit; 20 and 30 are cut to the same 14.
    let texts = [words(13), words(20), words(30)];
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = short.embed(&texts).expect("embed");
    assert!(max_difference(&vectors[1], &vectors[2]) < 1e-6);
    assert!(max_difference(&vectors[0], &vectors[1]) > 1e-4);
    // Under 16 the vectors are the full model's.
    let full = model.embed(&["alpha omega"]).expect("embed");
    let cut = short.embed(&["alpha omega"]).expect("embed");
    assert!(max_difference(&full[0], &cut[0]) < 1e-5);
    // Bounds: at least 3 (room for one word piece), at most the model's 256.
    let loaded = || Embedder::load_with_precision(&dir, Precision::F32).expect("load");
    assert_eq!(loaded().with_max_tokens(0).max_tokens(), 3);
    assert_eq!(loaded().with_max_tokens(10_000).max_tokens(), 256);
}

/// The tools of the selection evaluation set (`gateway/eval/servers/`, real servers'
/// `tools/list`): `(server.tool, "server: tool name in words: description")`.
fn tool_texts() -> Vec<(String, String)> {
    let mut tools = Vec::new();
    for server in ["filesystem", "everything", "memory", "github", "git"] {
        let path = repo().join(format!("gateway/eval/servers/{server}.json"));
        let text = std::fs::read_to_string(&path).expect("eval server file");
        let list: serde_json::Value = serde_json::from_str(&text).expect("eval server JSON");
        for tool in list["tools"].as_array().expect("tools") {
            let name = tool["name"].as_str().expect("name");
            let words = name.replace(['_', '-'], " ");
            let description = tool["description"].as_str().unwrap_or_default();
            tools.push((
                format!("{server}.{name}"),
                format!("{server}: {words}: {description}"),
            ));
        }
    }
    tools
}

/// The ids of `tools` by decreasing similarity to `query`.
fn ranking(model: &Embedder, query: &str, tools: &[(String, String)]) -> Vec<String> {
    ranking_by(model, model, query, tools)
}

/// [`ranking`] with the tools embedded by `tools_model` and the query by `query_model`.
fn ranking_by(
    tools_model: &Embedder,
    query_model: &Embedder,
    query: &str,
    tools: &[(String, String)],
) -> Vec<String> {
    let texts: Vec<&str> = tools.iter().map(|(_, text)| text.as_str()).collect();
    let vectors = tools_model.embed(&texts).expect("tools");
    let query = &query_model.embed(&[query]).expect("query")[0];
    let mut scored: Vec<(f32, &String)> = tools
        .iter()
        .zip(&vectors)
        .map(|((id, _), vector)| (cosine(query, vector), id))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().map(|(_, id)| id.clone()).collect()
}

/// The paraphrases the lexical ranking misses (issue 27) are found by meaning.
#[test]
fn paraphrases_find_their_tools() {
    let Some(model) = model() else { return };
    let vectors = model
        .embed(&[
            "add 17 and 25",
            "get sum: adds two numbers",
            "list_directory: list files in a folder",
        ])
        .expect("embed");
    assert!(cosine(&vectors[0], &vectors[1]) > cosine(&vectors[0], &vectors[2]));

    let all = tool_texts();
    let five: Vec<(String, String)> = all
        .iter()
        .filter(|(id, _)| {
            [
                "filesystem.list_directory",
                "everything.get-sum",
                "memory.delete_entities",
                "github.search_repositories",
                "git.git_commit",
            ]
            .contains(&id.as_str())
        })
        .cloned()
        .collect();
    assert_eq!(five.len(), 5);
    for (query, tool) in [
        (
            "show me what's inside the src folder",
            "filesystem.list_directory",
        ),
        ("add 17 and 25", "everything.get-sum"),
        (
            "forget everything you stored about the old vendor",
            "memory.delete_entities",
        ),
        (
            "find repos about rust web frameworks",
            "github.search_repositories",
        ),
        ("save my staged changes with a message", "git.git_commit"),
    ] {
        let ranked = ranking(model, query, &five);
        assert_eq!(ranked[0], tool, "{query:?} ranked {ranked:?}");
    }

    // Among all 74 tools of the five servers the model alone ranks them high, not always
    // first (measured: list_directory 6th, after git_show and get_file_contents): the
    // dense signal is fused with the lexical one, not used alone.
    for (query, tool) in [
        (
            "show me what's inside the src folder",
            "filesystem.list_directory",
        ),
        ("add 17 and 25", "everything.get-sum"),
    ] {
        let ranked = ranking(model, query, &all);
        let position = ranked.iter().position(|id| id == tool);
        assert!(
            position.is_some_and(|p| p < 10),
            "{query:?}: {tool} at {position:?} of {}, first {:?}",
            all.len(),
            &ranked[..10]
        );
    }
}

// ---- load errors, on a tiny model written here ----

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("cgw-embedding-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const HIDDEN: usize = 8;
const INTERMEDIATE: usize = 16;
const VOCAB: usize = 10;
const POSITIONS: usize = 16;

fn tiny_config() -> String {
    serde_json::json!({
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": VOCAB, "hidden_size": HIDDEN, "num_hidden_layers": 1,
        "num_attention_heads": 2, "intermediate_size": INTERMEDIATE, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": POSITIONS, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": 0
    })
    .to_string()
}

fn tiny_tokenizer() -> String {
    let special =
        |token: &str, id: u32| serde_json::json!({"id": token, "ids": [id], "tokens": [token]});
    serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                       "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {"[CLS]": special("[CLS]", 2), "[SEP]": special("[SEP]", 3)}},
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100,
                  "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "add": 4, "two": 5,
                            "number": 6, "##s": 7, "list": 8, "files": 9}}
    })
    .to_string()
}

/// The weights of a one-layer BERT with the tiny config's shapes, deterministic values.
fn tiny_weights() -> HashMap<String, Tensor> {
    let mut seed = 0.0f32;
    let mut tensor = |shape: &[usize]| {
        let n = shape.iter().product();
        let values: Vec<f32> = (0..n)
            .map(|_| {
                seed += 1.0;
                (seed * 0.37).sin() * 0.1
            })
            .collect();
        Tensor::from_vec(values, shape, &Device::Cpu).expect("tensor")
    };
    let mut weights = HashMap::new();
    let mut put = |name: &str, shape: &[usize]| {
        weights.insert(name.to_string(), tensor(shape));
    };
    put("embeddings.word_embeddings.weight", &[VOCAB, HIDDEN]);
    put(
        "embeddings.position_embeddings.weight",
        &[POSITIONS, HIDDEN],
    );
    put("embeddings.token_type_embeddings.weight", &[2, HIDDEN]);
    let layer = "encoder.layer.0";
    for (name, rows, columns) in [
        ("attention.self.query", HIDDEN, HIDDEN),
        ("attention.self.key", HIDDEN, HIDDEN),
        ("attention.self.value", HIDDEN, HIDDEN),
        ("attention.output.dense", HIDDEN, HIDDEN),
        ("intermediate.dense", INTERMEDIATE, HIDDEN),
        ("output.dense", HIDDEN, INTERMEDIATE),
    ] {
        put(&format!("{layer}.{name}.weight"), &[rows, columns]);
        put(&format!("{layer}.{name}.bias"), &[rows]);
    }
    for norm in [
        "embeddings.LayerNorm",
        &format!("{layer}.attention.output.LayerNorm"),
        &format!("{layer}.output.LayerNorm"),
    ] {
        put(&format!("{norm}.weight"), &[HIDDEN]);
        put(&format!("{norm}.bias"), &[HIDDEN]);
    }
    weights
}

/// Writes the tiny model's three files into `dir`.
fn write_tiny_model(dir: &Path) {
    std::fs::write(dir.join("config.json"), tiny_config()).expect("config");
    std::fs::write(dir.join("tokenizer.json"), tiny_tokenizer()).expect("tokenizer");
    candle_core::safetensors::save(&tiny_weights(), dir.join("model.safetensors"))
        .expect("weights");
}

/// The load error of `dir`, with its message checked to name `file`.
fn load_error(dir: &Path, file: &str) -> LoadError {
    let error = Embedder::load(dir).expect_err("the load fails");
    let message = error.to_string();
    assert!(message.contains(file), "{message:?} does not name {file}");
    error
}

#[test]
fn the_tiny_model_loads_and_embeds() {
    let scratch = Scratch::new("tiny");
    write_tiny_model(&scratch.0);
    // Its sizes (8 and 16) are not whole blocks of the int8 kernels: padded.
    for precision in [Precision::F32, Precision::Int8] {
        let embedder = Embedder::load_with_precision(&scratch.0, precision)
            .expect("tiny model")
            .with_batch_size(2);
        assert_eq!(embedder.dimensions(), HIDDEN);
        // No sentence_bert_config.json: truncation at config.json's positions.
        assert_eq!(embedder.max_tokens(), POSITIONS);
        let texts = [
            "add two numbers",
            "list files",
            "add",
            "numbers numbers numbers numbers",
        ];
        let vectors = embedder.embed(&texts).expect("embed");
        for (text, vector) in texts.iter().zip(&vectors) {
            assert!((norm(vector) - 1.0).abs() < 1e-5, "{precision:?} {text:?}");
            let alone = &embedder.embed(&[text]).expect("one")[0];
            assert!(
                max_difference(vector, alone) < 1e-5,
                "{precision:?} {text:?}"
            );
        }
    }
}

#[test]
fn a_missing_directory_is_named() {
    let dir = std::env::temp_dir().join(format!("cgw-embedding-{}-nowhere", std::process::id()));
    let error = load_error(&dir, &dir.display().to_string());
    assert!(
        matches!(error, LoadError::MissingDirectory { .. }),
        "{error:?}"
    );
}

#[test]
fn each_missing_file_is_named() {
    for file in ["config.json", "tokenizer.json", "model.safetensors"] {
        let scratch = Scratch::new(&format!("missing-{file}"));
        write_tiny_model(&scratch.0);
        std::fs::remove_file(scratch.0.join(file)).expect("remove");
        let error = load_error(&scratch.0, file);
        assert!(matches!(error, LoadError::MissingFile { .. }), "{error:?}");
    }
}

#[test]
fn a_malformed_config_is_named() {
    for (name, content) in [
        ("syntax", "{\"hidden_size\": 8,"),
        ("fields", "{\"hidden_size\": 8}"),
        (
            "heads",
            &tiny_config().replace("\"num_attention_heads\":2", "\"num_attention_heads\":3"),
        ),
    ] {
        let scratch = Scratch::new(&format!("config-{name}"));
        write_tiny_model(&scratch.0);
        std::fs::write(scratch.0.join("config.json"), content).expect("config");
        let error = load_error(&scratch.0, "config.json");
        assert!(
            matches!(error, LoadError::Invalid { .. }),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn a_malformed_sentence_config_is_named() {
    let scratch = Scratch::new("sentence-config");
    write_tiny_model(&scratch.0);
    std::fs::write(
        scratch.0.join("sentence_bert_config.json"),
        "{\"max_seq_length\": \"long\"}",
    )
    .expect("sentence config");
    load_error(&scratch.0, "sentence_bert_config.json");
}

#[test]
fn a_malformed_tokenizer_is_named() {
    for (name, content) in [
        ("syntax", "{\"model\": {\"type\": \"WordPiece\""),
        ("shape", "{\"version\": \"1.0\", \"model\": 7}"),
        // More tokens than the model has embeddings for.
        (
            "vocabulary",
            &tiny_tokenizer().replace("\"files\":9", "\"files\":9,\"extra\":10"),
        ),
    ] {
        let scratch = Scratch::new(&format!("tokenizer-{name}"));
        write_tiny_model(&scratch.0);
        std::fs::write(scratch.0.join("tokenizer.json"), content).expect("tokenizer");
        let error = load_error(&scratch.0, "tokenizer.json");
        assert!(
            matches!(error, LoadError::Invalid { .. }),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn truncated_or_foreign_weights_are_named() {
    let scratch = Scratch::new("weights-truncated");
    write_tiny_model(&scratch.0);
    let path = scratch.0.join("model.safetensors");
    let bytes = std::fs::read(&path).expect("weights");
    for length in [bytes.len() - 1, bytes.len() / 2, 12, 3, 0] {
        std::fs::write(&path, &bytes[..length]).expect("truncate");
        let error = load_error(&scratch.0, "model.safetensors");
        assert!(
            matches!(error, LoadError::Invalid { .. }),
            "{length} bytes: {error:?}"
        );
    }

    // Well-formed, but not this model: a tensor missing, then one of another shape.
    let mut weights = tiny_weights();
    weights.remove("encoder.layer.0.output.dense.weight");
    candle_core::safetensors::save(&weights, &path).expect("weights");
    load_error(&scratch.0, "model.safetensors");
    let mut weights = tiny_weights();
    weights.insert(
        "embeddings.word_embeddings.weight".into(),
        Tensor::zeros((VOCAB, HIDDEN + 1), candle_core::DType::F32, &Device::Cpu).expect("tensor"),
    );
    candle_core::safetensors::save(&weights, &path).expect("weights");
    load_error(&scratch.0, "model.safetensors");
}
