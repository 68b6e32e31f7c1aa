//! Checks JSON documents against their schemas under `docs/schema/` with the `jsonschema`
//! crate: the one helper every test that takes a JSON snapshot calls. Also compiled into the
//! binary's unit tests (`commands/mod.rs`), so the same helper serves both.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// The directory of the schemas.
pub fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema")
}

/// The schema `name` (e.g. `plan.schema.json`) read from `docs/schema/` and compiled once per
/// test process; a schema that is not valid draft 2020-12 fails here.
pub fn validator(name: &str) -> std::sync::Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .entry(name.to_owned())
        .or_insert_with(|| {
            let path = schema_dir().join(name);
            let text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
            let schema: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{}` is not JSON: {e}", path.display()));
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "`{name}` must declare draft 2020-12"
            );
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&schema)
                .unwrap_or_else(|e| panic!("`{name}` is not a valid schema: {e}"));
            std::sync::Arc::new(validator)
        })
        .clone()
}

/// Where and why `instance` does not match the schema `name`: one `(instance path, message)`
/// per error; empty when it matches.
pub fn schema_errors(name: &str, instance: &serde_json::Value) -> Vec<(String, String)> {
    validator(name).iter_errors(instance).map(|e| (e.instance_path().to_string(), e.to_string())).collect()
}

/// Asserts that `json` (one JSON document, or JSON lines with `explain.schema.json`) is valid
/// against the schema `name`, naming every error and its place.
pub fn assert_matches_schema(name: &str, json: &str) {
    let documents: Vec<serde_json::Value> = if json.trim_start().starts_with('{') && name == "explain.schema.json" {
        json.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
            .collect()
    } else {
        vec![serde_json::from_str(json).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{json}"))]
    };
    for document in documents {
        let errors = schema_errors(name, &document);
        assert!(
            errors.is_empty(),
            "the output does not match `docs/schema/{name}`:\n{}\n{document:#}",
            errors.iter().map(|(at, why)| format!("  at `{at}`: {why}")).collect::<Vec<_>>().join("\n")
        );
    }
}

/// The top-level fields the errors of `instance` against the schema `name` are about: the first
/// segment of an error's instance path, or for an error at the root the property a `required`
/// or `additionalProperties` error names.
pub fn schema_error_fields(name: &str, instance: &serde_json::Value) -> Vec<String> {
    let validator = validator(name);
    let mut fields: Vec<String> = validator
        .iter_errors(instance)
        .flat_map(|error| {
            let path = error.instance_path().to_string();
            if let Some(first) = path.trim_start_matches('/').split('/').next().filter(|s| !s.is_empty()) {
                return vec![first.to_owned()];
            }
            match error.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    vec![property.as_str().unwrap_or_default().to_owned()]
                }
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.clone(),
                _ => vec![String::new()],
            }
        })
        .collect();
    fields.sort();
    fields.dedup();
    fields
}
