//! The JSON Schema of the spec format, and checking JSON/YAML input against it.
//!
//! The schema (draft 2020-12) is generated from the model with schemars and committed as
//! `schemas/interface-spec.schema.json`; `vifxml schema` prints it. Spec input is checked
//! against it before it is deserialized, so errors name the JSON path (`/0/virtualport/typeid`).
//!
//! ```
//! let v = serde_json::json!([{"type": "direct", "source": {"dev": "eth0"},
//!                             "virtualport": {"type": "802.1Qbg", "typeid": 16777216}}]);
//! let findings = vifxml::schema::check(&v);
//! assert_eq!(findings[0].rule, "spec.schema");
//! assert_eq!(findings[0].path, "/0/virtualport/typeid");
//! ```

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::model::Interface;

/// What a spec file holds: one interface, or an array of them.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // only its schema is used
enum SpecDocument {
    One(Box<Interface>),
    Many(Vec<Interface>),
}

/// The schema of the spec format, as a JSON value.
pub fn spec_schema() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let mut schema = settings
        .into_generator()
        .into_root_schema_for::<SpecDocument>();
    let obj = schema.ensure_object();
    obj.insert(
        "$id".into(),
        Value::String("https://vifxml.invalid/schemas/interface-spec.schema.json".into()),
    );
    obj.insert(
        "title".into(),
        Value::String("vifxml interface spec".into()),
    );
    obj.insert(
        "description".into(),
        Value::String(
            "One libvirt <interface> as vifxml's spec, or an array of them (JSON or YAML)".into(),
        ),
    );
    let mut v = schema.to_value();
    add_integer_bounds(&mut v);
    v
}

/// Post-processing of the generated schema: schemars marks unsigned fields with
/// `format: uint32` and the like, which validators do not check, so add the `maximum`; and
/// rewrite optional values so errors point inside them.
fn add_integer_bounds(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let max = match m.get("format").and_then(Value::as_str) {
                Some("uint8") => Some(u64::from(u8::MAX)),
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                Some("uint64") => Some(u64::MAX),
                _ => None,
            };
            if let Some(max) = max {
                m.entry("maximum").or_insert(Value::from(max));
            }
            // `Option<T>` comes out as `anyOf: [T, null]`, whose errors say only "not valid
            // under any of the schemas". `if not null then T` accepts the same values and
            // reports the error inside T, at its own path.
            let nullable = match m.get("anyOf") {
                Some(Value::Array(branches)) if branches.len() == 2 => {
                    let is_null = |b: &Value| b == &serde_json::json!({"type": "null"});
                    match (is_null(&branches[0]), is_null(&branches[1])) {
                        (false, true) => Some(branches[0].clone()),
                        (true, false) => Some(branches[1].clone()),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(inner) = nullable {
                m.remove("anyOf");
                m.insert("if".into(), serde_json::json!({"not": {"type": "null"}}));
                m.insert("then".into(), inner);
            }
            for c in m.values_mut() {
                add_integer_bounds(c);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(add_integer_bounds),
        _ => {}
    }
}

/// The schema as pretty JSON, ending with a newline (the committed file's content).
pub fn spec_schema_pretty() -> String {
    let mut s = serde_json::to_string_pretty(&spec_schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// The schema of one interface (what each array item, or the single object, must match).
fn interface_schema() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let mut v = settings
        .into_generator()
        .into_root_schema_for::<Interface>()
        .to_value();
    add_integer_bounds(&mut v);
    v
}

fn validator() -> Result<&'static jsonschema::Validator, String> {
    static V: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&interface_schema())
            .map_err(|e| format!("the spec schema does not compile: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Checks a parsed spec (one object or an array) against the schema. Each finding has rule
/// `spec.schema` (or `spec.shape` when the value is neither an object nor an array) and the
/// JSON pointer of the offending value as its path.
pub fn check(value: &Value) -> Vec<Diagnostic> {
    let v = match validator() {
        Ok(v) => v,
        Err(e) => return vec![Diagnostic::error("spec.schema", "", e)],
    };
    let items: Vec<(String, &Value)> = match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("/{i}"), item))
            .collect(),
        Value::Object(_) => vec![(String::new(), value)],
        _ => {
            return vec![Diagnostic::error(
                "spec.shape",
                "",
                "expected an interface object or an array of them",
            )]
        }
    };
    let mut out = Vec::new();
    for (prefix, item) in items {
        for e in v.iter_errors(item) {
            let d = Diagnostic::error(
                "spec.schema",
                format!("{prefix}{}", e.instance_path()),
                e.to_string(),
            );
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compiles_and_checks() {
        assert!(validator().is_ok());
        assert!(check(&serde_json::json!({"type": "user"})).is_empty());
        let bad = check(&serde_json::json!({"type": "bridge"}));
        assert!(!bad.is_empty(), "bridge without source");
        let bad = check(&serde_json::json!({"type": "user", "mtuu": 1}));
        assert!(!bad.is_empty(), "unknown field");
    }
}
