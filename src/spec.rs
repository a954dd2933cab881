//! The spec format: the serde form of [`Interface`], as JSON or YAML, one object or an array.
//!
//! ```
//! let specs = vifxml::spec::from_str(r#"
//! type: direct
//! source: {dev: eth0, mode: passthrough}
//! mac: "52:54:00:12:34:56"
//! "#).unwrap();
//! assert_eq!(specs[0].kind.type_name(), "direct");
//! ```

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Interface;

/// Largest spec accepted, in bytes.
pub const MAX_SPEC_SIZE: usize = 10 * 1024 * 1024;

/// True when the text looks like JSON (first non-blank character `{` or `[`).
pub fn looks_like_json(text: &str) -> bool {
    matches!(
        text.trim_start().as_bytes().first(),
        Some(b'{') | Some(b'[')
    )
}

/// Reads one interface spec or an array of them, from JSON or YAML (detected from the text).
pub fn from_str(text: &str) -> Result<Vec<Interface>, Diagnostics> {
    if text.len() > MAX_SPEC_SIZE {
        return Err(Diagnostics::one(Diagnostic::error(
            "spec.too-large",
            "",
            format!("spec is {} bytes, more than {MAX_SPEC_SIZE}", text.len()),
        )));
    }
    let value: Value = if looks_like_json(text) {
        serde_json::from_str(text).map_err(|e| {
            Diagnostics::one(Diagnostic::error(
                "spec.syntax",
                "",
                format!(
                    "invalid json at line {} column {}: {e}",
                    e.line(),
                    e.column()
                ),
            ))
        })?
    } else {
        serde_norway::from_str(text).map_err(|e| {
            Diagnostics::one(Diagnostic::error(
                "spec.syntax",
                "",
                format!("invalid yaml: {e}"),
            ))
        })?
    };
    from_value(value)
}

/// Reads specs from an already parsed JSON value (object or array of objects): checks it
/// against the JSON Schema first (findings name the JSON path), then deserializes it.
pub fn from_value(value: Value) -> Result<Vec<Interface>, Diagnostics> {
    let schema_findings = crate::schema::check(&value);
    if !schema_findings.is_empty() {
        return Err(Diagnostics(schema_findings));
    }
    deserialize(value)
}

/// Deserializes without the schema check (the schema accepts exactly what this accepts, but
/// for the well-formedness of raw xml in `extras`).
pub fn deserialize(value: Value) -> Result<Vec<Interface>, Diagnostics> {
    let (items, array) = match value {
        Value::Array(items) => (items, true),
        other @ Value::Object(_) => (vec![other], false),
        other => {
            return Err(Diagnostics::one(Diagnostic::error(
                "spec.shape",
                "",
                format!(
                    "expected an interface object or an array of them, found {}",
                    kind_of(&other)
                ),
            )))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = if array {
            format!("/{i}")
        } else {
            String::new()
        };
        match crate::model::strict::from_value::<Interface>(item) {
            Ok(iface) => out.push(iface),
            Err(e) => errors.push(Diagnostic::error("spec.invalid", path, e.to_string())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics(errors))
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Writes interfaces as a pretty JSON array (what `vifxml parse` prints).
pub fn to_json(ifaces: &[Interface]) -> String {
    // Serializing the model cannot fail: every map key is a string.
    serde_json::to_string_pretty(ifaces).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_agree() {
        let j = from_str(r#"{"type":"bridge","source":{"bridge":"br0"},"mtu":1450}"#).unwrap();
        let y = from_str("type: bridge\nsource:\n  bridge: br0\nmtu: 1450\n").unwrap();
        assert_eq!(j, y);
        assert_eq!(j[0].mtu, Some(1450));
    }

    #[test]
    fn errors_name_the_array_index() {
        let e = from_str(r#"[{"type":"user"},{"type":"user","mtuu":1}]"#).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].path, "/1");
        assert_eq!(e.0[0].rule, "spec.schema");
        assert!(e.0[0].message.contains("mtuu"), "{}", e.0[0].message);
        let e =
            deserialize(serde_json::json!([{"type":"user"},{"type":"user","mtuu":1}])).unwrap_err();
        assert_eq!(e.0[0].path, "/1");
        assert_eq!(e.0[0].rule, "spec.invalid");
        let e = from_str(r#"[{"type":"direct","source":{"dev":"eth0"},"virtualport":{"type":"802.1Qbg","managerid":300}}]"#).unwrap_err();
        assert!(
            e.0.iter().any(|d| d.path.starts_with("/0/virtualport")),
            "{e}"
        );
    }

    #[test]
    fn wrong_shapes_are_refused() {
        assert!(from_str("42").unwrap_err().has("spec.shape"));
        assert!(from_str("{").unwrap_err().has("spec.syntax"));
        assert!(from_str(r#"{"source":{}}"#).unwrap_err().has("spec.schema"));
        let e = from_str(r#"{"type":"direct","source":{"dev":"eth0","mode":"VEPA"}}"#).unwrap_err();
        assert!(e.has("spec.schema"));
    }
}
