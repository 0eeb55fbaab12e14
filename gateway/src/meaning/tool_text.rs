//! The text of a tool that is embedded: what a person reading the catalog would read to
//! tell what the tool does.
//!
//! Parameter descriptions are left out: on the development requests they cost the fused
//! ranking 0.023 of recall@1 (0.790 with them, 0.813 without; parameter names kept). The
//! model reads 256 word pieces at most and averages over all of them, so long schema
//! prose dilutes what the tool is for.

use serde_json::Value;

use crate::tool::ToolInfo;

/// The server, the tool's name as words, its description, and its parameters' names
/// as words: `"filesystem: list directory. Get a detailed listing ... Parameters: path."`.
pub(crate) fn tool_text(tool: &ToolInfo) -> String {
    let mut text = format!("{}: {}.", words(&tool.server), words(&tool.name));
    if !tool.description.trim().is_empty() {
        text.push(' ');
        text.push_str(tool.description.trim());
    }
    let mut params: Vec<String> = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().map(|name| words(name)).collect())
        .unwrap_or_default();
    // In name order whatever order the map keeps, so the text (and its cache key) is stable.
    params.sort();
    if !params.is_empty() {
        text.push_str(" Parameters: ");
        text.push_str(&params.join(", "));
        text.push('.');
    }
    text
}

/// `name` split into lower-case words at `_`, `-`, `.` and camelCase humps:
/// `listDirectory` and `list_directory` both read "list directory".
pub(crate) fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if matches!(c, '_' | '-' | '.' | '/' | ' ') {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else {
            let hump = c.is_uppercase()
                && previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
            if hump && !out.ends_with(' ') {
                out.push(' ');
            }
            out.extend(c.to_lowercase());
        }
        previous = Some(c);
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::fixtures::tool;

    #[test]
    fn names_become_words() {
        assert_eq!(words("list_directory"), "list directory");
        assert_eq!(words("listDirectory"), "list directory");
        assert_eq!(words("get-sum"), "get sum");
        assert_eq!(words("HTTPServer"), "httpserver");
        assert_eq!(words("k8s_getPods"), "k8s get pods");
        assert_eq!(words("__x__"), "x");
    }

    #[test]
    fn text_has_the_server_name_description_and_parameter_names() {
        let mut t = tool(
            "filesystem",
            "list_directory",
            "Get a listing.",
            &["path", "maxDepth"],
        );
        if let Some(p) = t
            .input_schema
            .get_mut("properties")
            .and_then(|p| p.get_mut("path"))
            .and_then(Value::as_object_mut)
        {
            // Not in the text (see the module's documentation).
            p.insert("description".into(), " The folder ".into());
        }
        assert_eq!(
            tool_text(&t),
            "filesystem: list directory. Get a listing. Parameters: max depth, path."
        );
        assert_eq!(tool_text(&tool("math", "pi", "", &[])), "math: pi.");
    }
}
