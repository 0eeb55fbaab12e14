//! Generates the typed client from `openapi.yaml` with progenitor on every build.
//!
//! The spec is checked first (`connectors-spec-lint`, the `spec-lint/` crate) so that a document progenitor cannot
//! take fails with the operation and the reason, not with a panic inside the generator.
//! Output: `$OUT_DIR/connectors_api.rs` (included by `src/api.rs`),
//! `$OUT_DIR/openapi.json` (the same spec as JSON, for runtime use) and
//! `$OUT_DIR/connectors-api.rs`, the outline of the generated public API that
//! `tests/api_snapshot.rs` compares with the committed `api/connectors-api.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;

use connectors_spec_lint as preflight;

const SPEC: &str = "openapi.yaml";

/// Enumerations replaced by hand-written types with a catch-all variant, so that a value
/// the spec does not list decodes instead of failing the whole response.
const OPEN_ENUMS: &[&str] = &[
    "DeploymentStatus",
    "StepStatus",
    "ServerType",
    "ServerStatus",
    "HealthState",
    "RelationType",
    "IdentityType",
    "LogStream",
];

/// The hand-written type in `crate::secret`, which keeps values out of `Debug` output,
/// for each schema the spec may mark `x-connectors-secret`. The spec says which schemas
/// are credentials; this table only says which Rust type stands for each.
const SECRET_TYPES: &[(&str, &str)] = &[
    ("SecretString", "SecretString"),
    // A secret string whose minimum length the facade checks (`limits.rs`).
    ("OAuthClientSecret", "SecretString"),
    ("SecretStringMap", "SecretStringMap"),
    ("ToolArguments", "ToolArguments"),
];

/// Constrained strings decoded as plain `String`s: the spec keeps their pattern for
/// validators (the contract suite, Schemathesis), while a response whose value breaks it
/// still decodes, and the generated API keeps `String` fields. The generated builders
/// take an `Idempotency-Key` as a `String`, not a type per operation.
const PLAIN_STRINGS: &[&str] = &["ToolId", "IdempotencyKey"];

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    match generate(Path::new(SPEC)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {SPEC} cannot be turned into a client:\n{message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(spec_path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(spec_path)
        .map_err(|e| format!("  cannot read {}: {e}", spec_path.display()))?;
    // The YAML value keeps the document's order (the operation table follows it); the
    // JSON value, with sorted keys, feeds the checks and the generator.
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).map_err(|e| format!("  not valid YAML: {e}"))?;
    let json: serde_json::Value =
        serde_yaml_ng::from_value(yaml.clone()).map_err(|e| format!("  not valid YAML: {e}"))?;

    let problems = preflight::check(&json);
    if !problems.is_empty() {
        let lines: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        return Err(lines.join("\n"));
    }

    let secrets = secret_types(&json)?;
    let mut for_codegen = json.clone();
    allow_zero_in_integers(&mut for_codegen);
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(&for_codegen).map_err(|e| {
        format!(
            "  not a valid OpenAPI 3.0 document at `{}`: {}",
            e.path(),
            e.inner()
        )
    })?;

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Separate)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::transport::Transport))
        .with_derive("PartialEq");
    for name in OPEN_ENUMS {
        settings.with_replacement(
            name,
            format!("crate::open_enum::{name}"),
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    }
    for (schema, rust_type) in secrets {
        settings.with_replacement(
            schema,
            format!("crate::secret::{rust_type}"),
            std::iter::empty(),
        );
    }
    for name in PLAIN_STRINGS {
        settings.with_replacement(
            name,
            "::std::string::String",
            [TypeImpl::FromStr, TypeImpl::Display].into_iter(),
        );
    }

    // Progenitor still panics on a few malformed inputs the preflight does not know;
    // turn such a panic into a build error that says where it came from.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(move || {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(&spec)
    });
    std::panic::set_hook(previous_hook);
    let tokens = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(format!("  progenitor rejected the spec: {e}")),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            return Err(format!(
                "  progenitor panicked: {what}\n  (no preflight check covers this case yet; add one to spec-lint/src/lib.rs)"
            ));
        }
    };

    let file = syn::parse2(tokens).map_err(|e| format!("  generated code does not parse: {e}"))?;
    let code = prettyplease::unparse(&file);
    let limits = limits(&json)?;

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("  OUT_DIR is not set")?);
    write(&out_dir.join("connectors_api.rs"), code.as_bytes())?;
    write(
        &out_dir.join("connectors-api.rs"),
        outline::render(file, &limits)?.as_bytes(),
    )?;
    write(&out_dir.join("limits.rs"), limits.as_bytes())?;
    write(
        &out_dir.join("operations.rs"),
        operation_table(&yaml).as_bytes(),
    )?;
    write(
        &out_dir.join("rate_limit_scopes.rs"),
        rate_limit_scopes(&yaml)?.as_bytes(),
    )?;
    let spec_json = serde_json::to_vec_pretty(&json).map_err(|e| format!("  {e}"))?;
    write(&out_dir.join("openapi.json"), &spec_json)
}

/// The schemas marked `x-connectors-secret` with the type that replaces each; a marked
/// schema without one fails the build (the preflight has checked the markers).
fn secret_types(spec: &serde_json::Value) -> Result<Vec<(&str, &'static str)>, String> {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for schema in preflight::secret_schemas(spec) {
        match SECRET_TYPES.iter().find(|(name, _)| *name == schema) {
            Some((_, rust_type)) => found.push((schema, *rust_type)),
            None => unknown.push(format!(
                "  - schema `{schema}` is marked `x-connectors-secret`, but no type in src/secret.rs stands for it: add one there, or map it to one in build.rs `SECRET_TYPES`"
            )),
        }
    }
    if unknown.is_empty() {
        Ok(found)
    } else {
        Err(unknown.join("\n"))
    }
}

/// The operation table (`connectors::operations::OPERATIONS`), in the spec's order: per
/// operation its id, method, path template, whether it answers with an event stream, its
/// retry class and whether it is an extension. The preflight has checked the extensions.
fn operation_table(spec: &serde_yaml_ng::Value) -> String {
    use serde_yaml_ng::Value;
    let mut rows = String::new();
    let paths = spec.get("paths").and_then(Value::as_mapping);
    for (path, item) in paths.into_iter().flatten() {
        let Some(path) = path.as_str() else { continue };
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(op) = item.get(method) else { continue };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let retry = match op.get("x-connectors-retry").and_then(Value::as_str) {
                Some("keyed") => "Keyed",
                _ => "Safe",
            };
            let extension = op
                .get("x-connectors-extension")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let streaming = op
                .get("responses")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.as_str().is_some_and(|s| s.starts_with('2')))
                .any(|(_, response)| {
                    response
                        .get("content")
                        .and_then(|c| c.get("text/event-stream"))
                        .is_some()
                });
            // `security: []` opens an operation; otherwise the spec's global scheme holds.
            let authenticated = op
                .get("security")
                .and_then(Value::as_sequence)
                .is_none_or(|schemes| !schemes.is_empty());
            rows.push_str(&format!(
                "    Operation {{ id: {id:?}, method: {:?}, path: {path:?}, streaming: {streaming}, retry: RetryClass::{retry}, extension: {extension}, authenticated: {authenticated} }},\n",
                method.to_uppercase()
            ));
        }
    }
    format!("&[\n{rows}]\n")
}

/// The rate-limit scopes (`connectors::operations::RATE_LIMIT_SCOPES`), in the spec's
/// order: each operation with a quota of its own names its scope in
/// `x-connectors-rate-limit` (the `limits.scope` of its 429s, e.g. `endpoint:tools-list`);
/// the others share `endpoint:default` and are left out. A scope that is not a string fails
/// the build, since the gateway would otherwise count the operation in the wrong quota.
fn rate_limit_scopes(spec: &serde_yaml_ng::Value) -> Result<String, String> {
    use serde_yaml_ng::Value;
    let mut rows = String::new();
    let paths = spec.get("paths").and_then(Value::as_mapping);
    for (path, item) in paths.into_iter().flatten() {
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (method, op) in item {
            let Some(scope) = op.get("x-connectors-rate-limit") else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let scope = scope.as_str().filter(|s| !s.is_empty()).ok_or_else(|| {
                format!(
                    "  - operation `{id}` ({} {}): `x-connectors-rate-limit` must be a scope name such as `endpoint:tools-list`",
                    method.as_str().unwrap_or_default().to_uppercase(),
                    path.as_str().unwrap_or_default()
                )
            })?;
            rows.push_str(&format!("    ({id:?}, {scope:?}),\n"));
        }
    }
    Ok(format!("&[\n{rows}]\n"))
}

/// Bounds that the generated types do not check (their type is hand-written, or typify
/// gets the integer without its bounds), as constants for the facade and the gateway.
fn limits(spec: &serde_json::Value) -> Result<String, String> {
    /// (schema, under `/components/`, keyword, constant, its type: the generated field's)
    #[rustfmt::skip] // a table, one row a line
    const LIMITS: &[(&str, &str, &str, &str)] = &[
        ("schemas/OAuthClientSecret", "minLength", "OAUTH_CLIENT_SECRET_MIN_LENGTH", "usize"),
        // typify gets `minimum: 0` (see allow_zero_in_integers), so the facade checks these.
        ("parameters/Limit/schema", "minimum", "PAGE_SIZE_MIN", "u64"),
        ("parameters/Limit/schema", "maximum", "PAGE_SIZE_MAX", "u64"),
        ("schemas/SelectOptions/properties/maxTools", "minimum", "MAX_TOOLS_MIN", "i64"),
        ("schemas/SelectOptions/properties/maxTools", "maximum", "MAX_TOOLS_MAX", "i64"),
        ("schemas/SelectOptions/properties/tokenBudget", "minimum", "TOKEN_BUDGET_MIN", "i64"),
        ("schemas/SelectOptions/properties/tokenBudget", "maximum", "TOKEN_BUDGET_MAX", "i64"),
        ("schemas/SelectOptions/properties/allowedCategories", "maxItems", "CATEGORIES_MAX", "usize"),
        ("schemas/BatchInvokeRequest/properties/invocations", "minItems", "BATCH_MIN", "usize"),
        ("schemas/BatchInvokeRequest/properties/invocations", "maxItems", "BATCH_MAX", "usize"),
        // Lengths in characters; the pattern (below) keeps a key to ASCII, so in bytes too.
        ("schemas/IdempotencyKey", "minLength", "IDEMPOTENCY_KEY_MIN_BYTES", "usize"),
        ("schemas/IdempotencyKey", "maxLength", "IDEMPOTENCY_KEY_MAX_BYTES", "usize"),
    ];
    let mut code = String::new();
    for (schema, keyword, constant, type_) in LIMITS {
        let value = spec
            .pointer(&format!("/components/{schema}/{keyword}"))
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| format!("  schema `{schema}` needs an integer `{keyword}`"))?;
        code.push_str(&format!(
            "/// `{keyword}` of the `{schema}` schema.\npub const {constant}: {type_} = {value};\n"
        ));
    }
    code.push_str(&idempotency_key_alphabet(spec)?);
    Ok(code)
}

/// The bytes an `Idempotency-Key` may hold, from the `pattern` of the spec's
/// `IdempotencyKey` schema, which must be one range of ASCII bytes repeated
/// (`^[\x21-\x7E]+$`): the SDK checks a key byte by byte, without a regex engine (and
/// the gateway can check it with the same constants).
fn idempotency_key_alphabet(spec: &serde_json::Value) -> Result<String, String> {
    const AT: &str = "schemas/IdempotencyKey";
    let pattern = spec
        .pointer(&format!("/components/{AT}/pattern"))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("  schema `{AT}` needs a `pattern`"))?;
    let (first, last) = byte_range(pattern).ok_or_else(|| {
        format!(
            "  schema `{AT}`: its `pattern` {pattern:?} is not one range of ASCII bytes such as `^[\\x21-\\x7E]+$`, which the SDK can check byte by byte"
        )
    })?;
    Ok(format!(
        "/// `pattern` of the `{AT}` schema.\npub const IDEMPOTENCY_KEY_PATTERN: &str = {pattern:?};\n\
         /// The bytes an idempotency key may hold (the range of `IDEMPOTENCY_KEY_PATTERN`).\n\
         pub const IDEMPOTENCY_KEY_BYTES: ::std::ops::RangeInclusive<u8> = {first:#04X}..={last:#04X};\n"
    ))
}

/// `(first, last)` of a pattern `^[F-L]+$` (`*` for `+` too), each bound a visible
/// ASCII character or `\xHH`, with `first <= last <= 0x7F`.
fn byte_range(pattern: &str) -> Option<(u8, u8)> {
    let class = pattern
        .strip_prefix("^[")?
        .strip_suffix("]+$")
        .or_else(|| pattern.strip_prefix("^[")?.strip_suffix("]*$"))?;
    fn bound(text: &str) -> Option<(u8, &str)> {
        if let Some(rest) = text.strip_prefix("\\x") {
            let hex = rest.get(..2)?;
            Some((u8::from_str_radix(hex, 16).ok()?, &rest[2..]))
        } else {
            let byte = *text.as_bytes().first()?;
            (byte.is_ascii_graphic() && byte != b'\\' && byte != b'-' && byte != b']')
                .then_some((byte, &text[1..]))
        }
    }
    let (first, rest) = bound(class)?;
    let (last, rest) = bound(rest.strip_prefix('-')?)?;
    (rest.is_empty() && first <= last && last <= 0x7F).then_some((first, last))
}

/// typify turns an integer schema with `minimum: 1` into a `NonZeroU64`, with which
/// `.limit(10)` no longer compiles and every read needs `.get()`. The generated types
/// get plain integers instead; the spec keeps its bounds for validators, and the facade
/// and the gateway check them.
fn allow_zero_in_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let is_integer = map.get("type").and_then(|t| t.as_str()) == Some("integer");
            if is_integer && map.get("minimum").and_then(|m| m.as_f64()) == Some(1.0) {
                map.insert("minimum".into(), 0.into());
            }
            map.values_mut().for_each(allow_zero_in_integers);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(allow_zero_in_integers),
        _ => {}
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("  cannot write {}: {e}", path.display()))
}

/// The outline of the generated public API: what `tests/api_snapshot.rs` compares with
/// the committed `api/connectors-api.rs`, so that a change of the spec that changes the
/// API shows as a diff of that file in review.
///
/// Only what a user of `connectors::api` can name: public items, their public fields,
/// the signatures of public functions (no bodies), trait impls with their associated
/// types, derives. Docs, serde attributes, lint attributes and private items are left
/// out, so an edited description changes nothing. Items are sorted within each module
/// by name (a type's impls follow it), so moving an operation in the spec changes nothing
/// either.
mod outline {
    use quote::{ToTokens, quote};
    use syn::{
        Attribute, Fields, ImplItem, Item, ItemImpl, TraitItem, Type, Visibility,
        punctuated::Punctuated,
    };

    const HEADER: &str = "\
// The public API of `connectors::api` as build.rs generates it from openapi.yaml:
// signatures without bodies, docs or private items, sorted by name within each module.
// Not compiled. The hand-written re-exports of src/api.rs (open enums, secrets,
// `Transport`) are not listed.
//
// Do not edit: tests/api_snapshot.rs fails when this file differs from what the build
// generates; `CONNECTORS_BLESS=1 cargo test -p connectors --test api_snapshot`
// rewrites it. Review its diff as the API change of a spec edit.

";

    /// The outline of `file` (the generated client) and of `limits` (the generated
    /// `connectors::api::limits` constants), formatted.
    pub fn render(file: syn::File, limits: &str) -> Result<String, String> {
        let limits: syn::File = syn::parse_str(limits)
            .map_err(|e| format!("  the generated limits do not parse: {e}"))?;
        let mut outline = file;
        let mut items = std::mem::take(&mut outline.items);
        items.push(syn::parse_quote!(
            pub mod limits {}
        ));
        if let Some(Item::Mod(module)) = items.last_mut() {
            module.content = Some((Default::default(), limits.items));
        }
        outline.attrs.clear();
        outline.items = public_items(items);
        Ok(format!("{HEADER}{}", prettyplease::unparse(&outline)))
    }

    fn public_items(items: Vec<Item>) -> Vec<Item> {
        let mut kept: Vec<(SortKey, Item)> = items
            .into_iter()
            .filter_map(public_item)
            .map(|item| (sort_key(&item), item))
            .collect();
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        kept.into_iter().map(|(_, item)| item).collect()
    }

    /// The item as a user sees it, or `None` when a user cannot name it.
    fn public_item(item: Item) -> Option<Item> {
        Some(match item {
            Item::Mod(mut module) => {
                if !is_public(&module.vis) {
                    return None;
                }
                module.attrs = kept_attrs(module.attrs);
                if let Some((brace, items)) = module.content.take() {
                    module.content = Some((brace, public_items(items)));
                }
                Item::Mod(module)
            }
            Item::Use(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                Item::Use(item)
            }
            Item::Struct(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                let mut private = false;
                match &mut item.fields {
                    Fields::Named(fields) => {
                        let all = std::mem::take(&mut fields.named);
                        private = all.iter().any(|f| !is_public(&f.vis));
                        fields.named = public_fields(all);
                    }
                    // A private field of a tuple struct shows as `_`, to keep the positions.
                    Fields::Unnamed(fields) => {
                        for field in fields.unnamed.iter_mut() {
                            field.attrs = kept_attrs(std::mem::take(&mut field.attrs));
                            if !is_public(&field.vis) {
                                field.ty = syn::parse_quote!(_);
                            }
                        }
                    }
                    Fields::Unit => {}
                }
                if private {
                    item.attrs
                        .insert(0, syn::parse_quote!(#[doc = " (private fields)"]));
                }
                Item::Struct(item)
            }
            Item::Enum(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                for variant in &mut item.variants {
                    variant.attrs = kept_attrs(std::mem::take(&mut variant.attrs));
                    for field in variant.fields.iter_mut() {
                        field.attrs = kept_attrs(std::mem::take(&mut field.attrs));
                    }
                }
                Item::Enum(item)
            }
            Item::Trait(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                for trait_item in &mut item.items {
                    match trait_item {
                        TraitItem::Fn(f) => {
                            f.attrs = kept_attrs(std::mem::take(&mut f.attrs));
                            f.default = None;
                            f.semi_token = Some(Default::default());
                            without_mut(&mut f.sig);
                        }
                        TraitItem::Const(c) => c.attrs = kept_attrs(std::mem::take(&mut c.attrs)),
                        TraitItem::Type(t) => t.attrs = kept_attrs(std::mem::take(&mut t.attrs)),
                        _ => {}
                    }
                }
                // By name: the spec's order of operations is not part of the API.
                item.items
                    .sort_by_cached_key(|trait_item| match trait_item {
                        TraitItem::Fn(f) => f.sig.ident.to_string(),
                        other => other.to_token_stream().to_string(),
                    });
                Item::Trait(item)
            }
            Item::Type(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                Item::Type(item)
            }
            Item::Const(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                Item::Const(item)
            }
            Item::Static(mut item) if is_public(&item.vis) => {
                item.attrs = kept_attrs(item.attrs);
                Item::Static(item)
            }
            Item::Fn(item) if is_public(&item.vis) => {
                let attrs = kept_attrs(item.attrs);
                let (vis, mut sig) = (item.vis, item.sig);
                without_mut(&mut sig);
                Item::Verbatim(quote!(#(#attrs)* #vis #sig;))
            }
            Item::Impl(item) => return public_impl(item).map(Item::Impl),
            _ => return None,
        })
    }

    /// An inherent impl with its public functions and constants (`None` without any), or
    /// a trait impl with its associated types and constants.
    fn public_impl(mut item: ItemImpl) -> Option<ItemImpl> {
        item.attrs = kept_attrs(item.attrs);
        let inherent = item.trait_.is_none();
        let items = std::mem::take(&mut item.items);
        for impl_item in items {
            match impl_item {
                ImplItem::Fn(f) if inherent && is_public(&f.vis) => {
                    let attrs = kept_attrs(f.attrs);
                    let (vis, mut sig) = (f.vis, f.sig);
                    without_mut(&mut sig);
                    item.items
                        .push(ImplItem::Verbatim(quote!(#(#attrs)* #vis #sig;)));
                }
                ImplItem::Const(mut c) if !inherent || is_public(&c.vis) => {
                    c.attrs = kept_attrs(c.attrs);
                    item.items.push(ImplItem::Const(c));
                }
                ImplItem::Type(mut t) if !inherent => {
                    t.attrs = kept_attrs(t.attrs);
                    item.items.push(ImplItem::Type(t));
                }
                _ => {}
            }
        }
        (!inherent || !item.items.is_empty()).then_some(item)
    }

    fn public_fields<P: Default>(fields: Punctuated<syn::Field, P>) -> Punctuated<syn::Field, P> {
        fields
            .into_iter()
            .filter(|f| is_public(&f.vis))
            .map(|mut f| {
                f.attrs = kept_attrs(std::mem::take(&mut f.attrs));
                f
            })
            .collect()
    }

    /// `mut self` and `mut value` are the body's business, not the caller's.
    fn without_mut(sig: &mut syn::Signature) {
        for input in sig.inputs.iter_mut() {
            match input {
                syn::FnArg::Receiver(receiver) => receiver.mutability = None,
                syn::FnArg::Typed(typed) => {
                    if let syn::Pat::Ident(ident) = &mut *typed.pat {
                        ident.mutability = None;
                    }
                }
            }
        }
    }

    fn is_public(vis: &Visibility) -> bool {
        matches!(vis, Visibility::Public(_))
    }

    /// The attributes that say something about the API: derives (the traits a type
    /// implements), `non_exhaustive`, `deprecated`, `must_use`.
    fn kept_attrs(attrs: Vec<Attribute>) -> Vec<Attribute> {
        attrs
            .into_iter()
            .filter(|a| {
                ["derive", "non_exhaustive", "deprecated", "must_use"]
                    .iter()
                    .any(|name| a.path().is_ident(name))
            })
            .collect()
    }

    /// Re-exports first; then types, traits, functions and constants by name, each type
    /// followed by its impls (inherent ones first, then trait impls by trait); then
    /// modules by name.
    type SortKey = (u8, String, u8, String);

    fn sort_key(item: &Item) -> SortKey {
        let named = |ident: &syn::Ident| (1, ident.to_string(), 0, String::new());
        match item {
            Item::Use(item) => (0, item.tree.to_token_stream().to_string(), 0, String::new()),
            Item::Struct(item) => named(&item.ident),
            Item::Enum(item) => named(&item.ident),
            Item::Trait(item) => named(&item.ident),
            Item::Type(item) => named(&item.ident),
            Item::Const(item) => named(&item.ident),
            Item::Static(item) => named(&item.ident),
            Item::Impl(item) => {
                let (sub, of) = match &item.trait_ {
                    None => (1, String::new()),
                    Some((path, _)) => (2, path.to_token_stream().to_string()),
                };
                let name = match &*item.self_ty {
                    Type::Path(ty) => ty
                        .path
                        .segments
                        .last()
                        .map(|s| s.ident.to_string())
                        .unwrap_or_default(),
                    ty => ty.to_token_stream().to_string(),
                };
                let full = format!("{of} {}", item.self_ty.to_token_stream());
                (1, name, sub, full)
            }
            Item::Mod(item) => (2, item.ident.to_string(), 0, String::new()),
            Item::Verbatim(tokens) => (1, tokens.to_string(), 0, String::new()),
            _ => (3, String::new(), 0, String::new()),
        }
    }
}
