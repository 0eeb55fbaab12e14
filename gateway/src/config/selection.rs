//! How selection ranks: by words alone, or with the meaning of a request too when the
//! gateway is given a sentence model (`embeddingModel`, `--embedding-model`,
//! `CONNECTORS_GATEWAY_EMBEDDING_MODEL`).

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// Environment variable naming the sentence model's directory (as `embeddingModel`).
pub const EMBEDDING_MODEL_ENV: &str = "CONNECTORS_GATEWAY_EMBEDDING_MODEL";

/// Which signals rank `tools/select` (the config file's `ranking`). Without a model the
/// only one is `lexical`; with one, `fused` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SelectionRanking {
    /// Words of the request in the tools' names, descriptions and parameters (BM25F with
    /// stemming and synonyms).
    Lexical,
    /// The similarity of the request's embedding and the tools' alone (for comparison;
    /// needs a model).
    Dense,
    /// Both, fused (needs a model).
    Fused,
}

impl SelectionRanking {
    /// Every ranking, in the order `--help` lists them.
    pub const ALL: [SelectionRanking; 3] = [
        SelectionRanking::Lexical,
        SelectionRanking::Dense,
        SelectionRanking::Fused,
    ];

    /// Its name in the config file.
    pub fn name(self) -> &'static str {
        match self {
            SelectionRanking::Lexical => "lexical",
            SelectionRanking::Dense => "dense",
            SelectionRanking::Fused => "fused",
        }
    }

    /// Whether it needs a sentence model.
    pub fn needs_model(self) -> bool {
        self != SelectionRanking::Lexical
    }
}

impl fmt::Display for SelectionRanking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SelectionRanking {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        SelectionRanking::ALL
            .into_iter()
            .find(|r| r.name() == text)
            .ok_or_else(|| format!("ranking must be lexical, dense or fused, not `{text}`"))
    }
}
