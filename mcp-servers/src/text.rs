//! The `text` server: word counts, line search, case/format transforms and base64.

use std::collections::HashMap;

use base64::{
    Engine as _, alphabet,
    engine::{GeneralPurpose, general_purpose::PAD_INDIFFERENT},
};
use rmcp::{
    Json, ServerHandler,
    handler::server::{router::tool::ToolRouter, wrapper::Parameters},
    tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest text (in bytes) the text tools accept.
pub const MAX_TEXT_LEN: usize = 10 * 1024 * 1024;

const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, PAD_INDIFFERENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, PAD_INDIFFERENT);

/// Input of the `word_count` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WordCountInput {
    /// The text to analyse.
    pub text: String,
    /// How many of the most frequent words to return (default 5, at most 100).
    #[serde(default)]
    pub top: Option<usize>,
}

/// A word and how often it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WordFrequency {
    /// The word, lower-cased.
    pub word: String,
    /// Number of occurrences.
    pub count: usize,
}

/// Output of the `word_count` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WordCountOutput {
    /// Number of words (whitespace-separated tokens containing a letter or digit).
    pub words: usize,
    /// Number of distinct words, case-insensitively.
    pub unique_words: usize,
    /// Number of lines.
    pub lines: usize,
    /// Number of characters (Unicode scalar values), including whitespace.
    pub characters: usize,
    /// Number of non-whitespace characters.
    pub characters_without_whitespace: usize,
    /// The most frequent words, most frequent first (ties in alphabetical order).
    pub most_frequent: Vec<WordFrequency>,
}

/// How `find` interprets its pattern.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindMode {
    /// The pattern is a literal substring.
    #[default]
    Substring,
    /// The pattern may contain `*` (any run of characters) and `?` (one character);
    /// it matches anywhere within a line.
    Wildcard,
}

/// Input of the `find` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FindInput {
    /// The text to search, line by line.
    pub text: String,
    /// What to look for: a substring, or with mode "wildcard" a pattern using * and ?.
    pub pattern: String,
    /// "substring" (default) or "wildcard".
    #[serde(default)]
    pub mode: Option<FindMode>,
    /// Match case exactly (default false: case-insensitive).
    #[serde(default)]
    pub case_sensitive: Option<bool>,
    /// Maximum number of matching lines to return (default 100, at most 10,000).
    #[serde(default)]
    pub max_results: Option<usize>,
}

/// A matching line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LineMatch {
    /// 1-based line number.
    pub line_number: usize,
    /// The whole line.
    pub line: String,
}

/// Output of the `find` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindOutput {
    /// Number of matching lines in the whole text.
    pub total_matches: usize,
    /// The first matching lines (at most `max_results`).
    pub matches: Vec<LineMatch>,
    /// True when `matches` was cut short by `max_results`.
    pub truncated: bool,
}

/// A text transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// UPPER CASE.
    Upper,
    /// lower case.
    Lower,
    /// Title Case (first letter of every word upper-cased, the rest lower-cased).
    Title,
    /// snake_case identifier.
    #[serde(alias = "snake-case")]
    SnakeCase,
    /// kebab-case identifier.
    #[serde(alias = "kebab-case")]
    KebabCase,
    /// camelCase identifier.
    #[serde(alias = "camel-case")]
    CamelCase,
    /// URL slug: lower-case ASCII letters and digits separated by hyphens.
    Slugify,
    /// The characters in reverse order.
    Reverse,
}

/// Input of the `transform` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TransformInput {
    /// The text to transform.
    pub text: String,
    /// One of: upper, lower, title, snake_case, kebab_case, camel_case, slugify, reverse.
    pub operation: Transform,
}

/// Output of the `transform` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TransformOutput {
    /// The operation applied.
    pub operation: Transform,
    /// The transformed text.
    pub result: String,
}

/// Input of the `base64_encode` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Base64EncodeInput {
    /// The text to encode (its UTF-8 bytes are encoded).
    pub text: String,
    /// Use the URL-safe alphabet (- and _ instead of + and /). Default false.
    #[serde(default)]
    pub url_safe: Option<bool>,
}

/// Output of the `base64_encode` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Base64EncodeOutput {
    /// The padded base64 encoding.
    pub base64: String,
}

/// Input of the `base64_decode` tool.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Base64DecodeInput {
    /// Base64 data (padding optional; whitespace and line breaks are ignored).
    pub base64: String,
    /// The data uses the URL-safe alphabet (- and _). Default false.
    #[serde(default)]
    pub url_safe: Option<bool>,
}

/// Output of the `base64_decode` tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Base64DecodeOutput {
    /// The decoded text.
    pub text: String,
    /// Number of decoded bytes.
    pub bytes: usize,
}

/// Counts words, lines and characters of `text` and lists its `top` most frequent words.
pub fn word_count(text: &str, top: usize) -> WordCountOutput {
    let mut frequencies: HashMap<String, usize> = HashMap::new();
    let mut words = 0;
    for token in text.split_whitespace() {
        let word = token.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            continue;
        }
        words += 1;
        *frequencies.entry(word.to_lowercase()).or_default() += 1;
    }
    let unique_words = frequencies.len();
    let mut most_frequent: Vec<WordFrequency> = frequencies
        .into_iter()
        .map(|(word, count)| WordFrequency { word, count })
        .collect();
    most_frequent.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.word.cmp(&b.word)));
    most_frequent.truncate(top);
    WordCountOutput {
        words,
        unique_words,
        lines: text.lines().count(),
        characters: text.chars().count(),
        characters_without_whitespace: text.chars().filter(|c| !c.is_whitespace()).count(),
        most_frequent,
    }
}

/// Finds the lines of `text` matching `pattern`; returns all matches with 1-based line numbers.
pub fn find_lines(
    text: &str,
    pattern: &str,
    mode: FindMode,
    case_sensitive: bool,
) -> Vec<LineMatch> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let pattern = fold(pattern);
    let pattern_chars: Vec<char> = pattern.chars().collect();
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = fold(line);
            match mode {
                FindMode::Substring => line.contains(&pattern),
                FindMode::Wildcard => {
                    let line: Vec<char> = line.chars().collect();
                    wildcard_contains(&line, &pattern_chars)
                }
            }
        })
        .map(|(i, line)| LineMatch {
            line_number: i + 1,
            line: line.to_string(),
        })
        .collect()
}

/// True if `pattern` (with `*` and `?` wildcards) matches some substring of `text`.
///
/// Greedy matching with single-star backtracking: O(len(text) * len(pattern)) worst case.
fn wildcard_contains(text: &[char], pattern: &[char]) -> bool {
    // Matching "anywhere" is the same as matching the whole line with `*` around the pattern.
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = Some((0, 0)); // implicit leading '*'
    loop {
        if p == pattern.len() {
            return true; // implicit trailing '*'
        }
        if pattern[p] == '*' {
            star = Some((p + 1, t));
            p += 1;
            continue;
        }
        if t < text.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
            continue;
        }
        match star {
            Some((star_p, star_t)) if star_t < text.len() => {
                star = Some((star_p, star_t + 1));
                p = star_p;
                t = star_t + 1;
            }
            _ => return false,
        }
    }
}

/// Splits text into words for identifier-style transforms: runs of letters/digits, also
/// breaking at case changes (`fooBar` -> `foo`, `Bar`; `HTTPServer` -> `HTTP`, `Server`).
fn identifier_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_is_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// ASCII replacement for common accented Latin letters (used by slugify).
fn fold_to_ascii(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' => "u",
        'ý' | 'ÿ' => "y",
        'ś' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ł' => "l",
        'ř' => "r",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        _ => return None,
    })
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// Applies a [`Transform`] to `text`.
pub fn transform(text: &str, operation: Transform) -> String {
    match operation {
        Transform::Upper => text.to_uppercase(),
        Transform::Lower => text.to_lowercase(),
        Transform::Title => {
            let mut out = String::with_capacity(text.len());
            let mut at_word_start = true;
            for c in text.chars() {
                if c.is_alphanumeric() || c == '\'' {
                    if at_word_start {
                        out.extend(c.to_uppercase());
                    } else {
                        out.extend(c.to_lowercase());
                    }
                    at_word_start = false;
                } else {
                    out.push(c);
                    at_word_start = true;
                }
            }
            out
        }
        Transform::SnakeCase | Transform::KebabCase => {
            let separator = if operation == Transform::SnakeCase {
                "_"
            } else {
                "-"
            };
            identifier_words(text)
                .iter()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
                .join(separator)
        }
        Transform::CamelCase => identifier_words(text)
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    w.to_lowercase()
                } else {
                    capitalize(w)
                }
            })
            .collect(),
        Transform::Slugify => {
            let mut slug = String::new();
            let mut pending_hyphen = false;
            for c in text.chars().flat_map(char::to_lowercase) {
                let piece: Option<std::borrow::Cow<'static, str>> = if c.is_ascii_alphanumeric() {
                    Some(c.to_string().into())
                } else {
                    fold_to_ascii(c).map(Into::into)
                };
                match piece {
                    Some(piece) => {
                        if pending_hyphen && !slug.is_empty() {
                            slug.push('-');
                        }
                        pending_hyphen = false;
                        slug.push_str(&piece);
                    }
                    None if c.is_alphanumeric() => {} // other scripts: dropped
                    None => pending_hyphen = true,
                }
            }
            slug
        }
        Transform::Reverse => text.chars().rev().collect(),
    }
}

/// Encodes the UTF-8 bytes of `text` as padded base64.
pub fn base64_encode(text: &str, url_safe: bool) -> String {
    if url_safe {
        URL_SAFE.encode(text)
    } else {
        STANDARD.encode(text)
    }
}

/// Decodes base64 (padding optional, whitespace ignored) into UTF-8 text.
pub fn base64_decode(data: &str, url_safe: bool) -> Result<String, String> {
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    let bytes = engine.decode(compact.as_bytes()).map_err(|e| {
        let alphabet = if url_safe { "URL-safe" } else { "standard" };
        format!("invalid base64 ({alphabet} alphabet): {e}")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the decoded data ({} bytes) is not valid UTF-8 text (invalid byte at offset {})",
            e.as_bytes().len(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn check_len(what: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_TEXT_LEN {
        Err(format!(
            "{what} is {} bytes; the limit is {MAX_TEXT_LEN}",
            text.len()
        ))
    } else {
        Ok(())
    }
}

/// The `text` MCP server. Stateless; cheap to clone.
#[derive(Clone)]
pub struct TextServer {
    tool_router: ToolRouter<Self>,
}

impl Default for TextServer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TextServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextServer").finish_non_exhaustive()
    }
}

#[tool_router]
impl TextServer {
    /// Creates the server.
    pub fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    #[tool(
        name = "word_count",
        description = "Count the words, unique words, lines and characters in a text and list its most \
            frequent words (case-insensitive). Useful for text statistics, word frequency and length checks.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn word_count(
        &self,
        Parameters(input): Parameters<WordCountInput>,
    ) -> Result<Json<WordCountOutput>, String> {
        check_len("text", &input.text)?;
        let top = input.top.unwrap_or(5).min(100);
        Ok(Json(word_count(&input.text, top)))
    }

    #[tool(
        name = "find",
        description = "Search a text for a pattern, like grep: returns the matching lines with their \
            1-based line numbers. Case-insensitive by default; mode 'substring' (default) or 'wildcard' \
            where * matches any characters and ? one character.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn find(
        &self,
        Parameters(input): Parameters<FindInput>,
    ) -> Result<Json<FindOutput>, String> {
        check_len("text", &input.text)?;
        if input.pattern.is_empty() {
            return Err("the pattern is empty".to_string());
        }
        let max_results = input.max_results.unwrap_or(100).min(10_000);
        let mut matches = find_lines(
            &input.text,
            &input.pattern,
            input.mode.unwrap_or_default(),
            input.case_sensitive.unwrap_or(false),
        );
        let total_matches = matches.len();
        matches.truncate(max_results);
        Ok(Json(FindOutput {
            total_matches,
            truncated: total_matches > matches.len(),
            matches,
        }))
    }

    #[tool(
        name = "transform",
        description = "Transform text case or format: upper (UPPERCASE), lower (lowercase), title \
            (Title Case), snake_case, kebab_case (kebab-case), camel_case (camelCase), slugify (URL slug) \
            or reverse the characters.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn transform(
        &self,
        Parameters(input): Parameters<TransformInput>,
    ) -> Result<Json<TransformOutput>, String> {
        check_len("text", &input.text)?;
        Ok(Json(TransformOutput {
            operation: input.operation,
            result: transform(&input.text, input.operation),
        }))
    }

    #[tool(
        name = "base64_encode",
        description = "Encode text (its UTF-8 bytes) to base64, optionally with the URL-safe alphabet.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn base64_encode(
        &self,
        Parameters(input): Parameters<Base64EncodeInput>,
    ) -> Result<Json<Base64EncodeOutput>, String> {
        check_len("text", &input.text)?;
        Ok(Json(Base64EncodeOutput {
            base64: base64_encode(&input.text, input.url_safe.unwrap_or(false)),
        }))
    }

    #[tool(
        name = "base64_decode",
        description = "Decode base64 data back to UTF-8 text. Reports an error if the input is not valid \
            base64 or the decoded bytes are not valid UTF-8 text.",
        annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn base64_decode(
        &self,
        Parameters(input): Parameters<Base64DecodeInput>,
    ) -> Result<Json<Base64DecodeOutput>, String> {
        check_len("base64", &input.base64)?;
        let text = base64_decode(&input.base64, input.url_safe.unwrap_or(false))?;
        Ok(Json(Base64DecodeOutput {
            bytes: text.len(),
            text,
        }))
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "connectors-text",
    instructions = "Text utilities: word counts and word frequency, grep-like line search, case and format transforms (upper, lower, title, snake_case, kebab-case, camelCase, slug, reverse), base64 encode/decode."
)]
impl ServerHandler for TextServer {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words() {
        let out = word_count("The cat and the hat.\nThe END -- fin\n", 2);
        assert_eq!(out.words, 8);
        assert_eq!(out.lines, 2);
        assert_eq!(out.unique_words, 6);
        assert_eq!(
            out.most_frequent,
            vec![
                WordFrequency {
                    word: "the".into(),
                    count: 3
                },
                WordFrequency {
                    word: "and".into(),
                    count: 1
                },
            ]
        );
    }

    #[test]
    fn finds_lines() {
        let text = "alpha\nBeta gamma\nzeta\nbetamax";
        let hits = find_lines(text, "BETA", FindMode::Substring, false);
        assert_eq!(
            hits.iter().map(|m| m.line_number).collect::<Vec<_>>(),
            vec![2, 4]
        );
        assert!(find_lines(text, "BETA", FindMode::Substring, true).is_empty());
        let hits = find_lines(text, "b?ta*m", FindMode::Wildcard, false);
        assert_eq!(
            hits.iter().map(|m| m.line_number).collect::<Vec<_>>(),
            vec![2, 4]
        );
        let hits = find_lines(text, "z*a", FindMode::Wildcard, false);
        assert_eq!(
            hits.iter().map(|m| m.line_number).collect::<Vec<_>>(),
            vec![3]
        );
        assert!(find_lines("abc", "a?d", FindMode::Wildcard, false).is_empty());
        assert_eq!(
            find_lines("xxab", "*a?", FindMode::Wildcard, false).len(),
            1
        );
    }

    #[test]
    fn transforms() {
        let t = |s, op| transform(s, op);
        assert_eq!(t("Hello World", Transform::Upper), "HELLO WORLD");
        assert_eq!(t("hello wORLD it's", Transform::Title), "Hello World It's");
        assert_eq!(
            t("parseHTTPRequest now", Transform::SnakeCase),
            "parse_http_request_now"
        );
        assert_eq!(
            t("Hello, big World!", Transform::KebabCase),
            "hello-big-world"
        );
        assert_eq!(t("fooBar baz_qux", Transform::SnakeCase), "foo_bar_baz_qux");
        assert_eq!(t("hello big world", Transform::CamelCase), "helloBigWorld");
        assert_eq!(
            t("  Crème Brûlée: 2 ways! ", Transform::Slugify),
            "creme-brulee-2-ways"
        );
        assert_eq!(t("abc✓", Transform::Reverse), "✓cba");
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_encode("hi?>", false), "aGk/Pg==");
        assert_eq!(base64_encode("hi?>", true), "aGk_Pg==");
        assert_eq!(base64_decode("aGk/Pg", false).unwrap(), "hi?>");
        assert_eq!(base64_decode("aGk_\nPg==", true).unwrap(), "hi?>");
        assert!(
            base64_decode("not base64!", false)
                .unwrap_err()
                .contains("invalid base64")
        );
        assert!(base64_decode("/w==", false).unwrap_err().contains("UTF-8"));
    }
}
