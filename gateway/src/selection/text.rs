//! Text analysis for selection: how a query and a tool's fields become index terms.
//! Text is split into lower-case words (camelCase, snake_case and letter/digit boundaries
//! split), stop words dropped, and each word stemmed (Snowball English), so that
//! "searching repositories" meets "search_repository". A query's words also bring their
//! synonyms along, at a lower weight.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use serde_json::Value;

use crate::tool::ToolInfo;

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "to", "of", "for", "in", "on", "and", "or", "with", "by", "from", "is",
    "are", "be", "me", "my", "i", "it", "its", "this", "that", "please", "some", "using", "use",
    "into", "as", "at", "can", "you", "your", "want", "need", "do", "how", "what", "which",
    "would", "like", "should", "could", "will", "we", "our", "then", "them", "they", "there",
];

/// Extra terms a query word brings along (with a lower weight).
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "calculate",
        &["evaluate", "calculator", "arithmetic", "compute"],
    ),
    ("compute", &["evaluate", "calculator", "calculate"]),
    ("calc", &["evaluate", "calculator"]),
    ("average", &["mean", "statistic"]),
    ("mean", &["average", "statistic"]),
    ("memo", &["note"]),
    ("remember", &["note", "save", "add"]),
    ("save", &["add", "store"]),
    ("store", &["save", "add"]),
    ("write", &["add", "save"]),
    ("create", &["add", "new"]),
    ("lookup", &["search", "find", "get"]),
    ("grep", &["find", "search"]),
    ("search", &["find"]),
    ("find", &["search"]),
    ("remove", &["delete"]),
    ("erase", &["delete"]),
    ("uppercase", &["upper", "transform"]),
    ("lowercase", &["lower", "transform"]),
    ("capitalize", &["title", "transform"]),
    ("convert", &["transform"]),
    ("encode", &["base64"]),
    ("decode", &["base64"]),
    ("prime", &["count"]),
];

/// Lower-case words of `text`, split at non-alphanumerics, camelCase and letter/digit
/// boundaries, without stop words (not stemmed).
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut out);
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = (c.is_uppercase() && (prev.is_lowercase() || prev.is_ascii_digit()))
                || (c.is_uppercase()
                    && prev.is_uppercase()
                    && next.is_some_and(|n| n.is_lowercase()))
                || (c.is_ascii_digit() != prev.is_ascii_digit() && prev.is_alphanumeric());
            if boundary {
                flush(&mut current, &mut out);
            }
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut out);
    out
}

fn flush(current: &mut String, out: &mut Vec<String>) {
    if current.is_empty() {
        return;
    }
    let word = std::mem::take(current);
    if STOPWORDS.contains(&word.as_str()) {
        return;
    }
    out.push(word);
}

/// The Snowball (Porter 2) English stemmer, built once.
fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// The index terms of `text`: its [`words`], stemmed.
pub(crate) fn terms(text: &str) -> Vec<String> {
    words(text).iter().map(|w| stem(w)).collect()
}

/// A query's terms with their weights: its own terms (1), then their synonyms (0.6).
pub(crate) fn query_terms(query: &str) -> BTreeMap<String, f64> {
    let mut terms: BTreeMap<String, f64> = BTreeMap::new();
    for word in words(query) {
        terms.insert(stem(&word), 1.0);
        if let Some((_, extra)) = SYNONYMS.iter().find(|(w, _)| *w == word) {
            for synonym in extra.iter() {
                terms.entry(stem(synonym)).or_insert(0.6);
            }
        }
    }
    terms
}

/// The fields of a tool that a query is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Name,
    Server,
    Parameter,
    Category,
    Description,
}

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = 5;
    /// Every field, in index order.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Name,
        Field::Server,
        Field::Parameter,
        Field::Category,
        Field::Description,
    ];

    /// How much a match in this field counts.
    pub fn weight(self) -> f64 {
        match self {
            Field::Name => 3.0,
            Field::Server => 2.0,
            Field::Parameter => 1.5,
            Field::Category => 1.5,
            Field::Description => 1.0,
        }
    }

    /// How a reason names it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "the tool name",
            Field::Server => "the server name",
            Field::Parameter => "parameter names",
            Field::Category => "the category",
            Field::Description => "the description",
        }
    }
}

/// A tool's text as index terms, field by field (in [`Field::ALL`] order): its name,
/// server, parameter names (the input schema's property names), category and description.
pub(crate) fn field_terms(tool: &ToolInfo) -> [Vec<String>; Field::COUNT] {
    let parameters: Vec<String> = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| props.keys().flat_map(|k| terms(k)).collect())
        .unwrap_or_default();
    let mut fields: [Vec<String>; Field::COUNT] = Default::default();
    fields[Field::Name as usize] = terms(&tool.name);
    fields[Field::Server as usize] = terms(&tool.server);
    fields[Field::Parameter as usize] = parameters;
    fields[Field::Category as usize] = terms(&tool.category);
    fields[Field::Description as usize] = terms(&tool.description);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_camel_and_snake_case() {
        assert_eq!(
            words("createPullRequest"),
            vec!["create", "pull", "request"]
        );
        assert_eq!(words("add_note"), vec!["add", "note"]);
        assert_eq!(words("HTTPServer v2"), vec!["http", "server", "v", "2"]);
        assert_eq!(words("the notes"), vec!["notes"]);
        assert_eq!(terms("the notes"), vec!["note"]);
        assert_eq!(
            terms("searching repositories"),
            terms("searched repository")
        );
    }

    #[test]
    fn a_query_brings_its_synonyms_at_a_lower_weight() {
        let terms = query_terms("calculate the average");
        assert_eq!(terms.get("calcul"), Some(&1.0));
        assert_eq!(terms.get("averag"), Some(&1.0));
        assert_eq!(terms.get("mean"), Some(&0.6));
        assert!(!terms.contains_key("the"));
    }
}
