//! What an interface carries that the model does not name, kept so nothing read is lost.
//!
//! ```xml
//! <interface type='user' x-attr='1'>        <!-- attribute {element: "", name: "x-attr"} -->
//!   <model type='virtio' x-extra='2'/>     <!-- attribute {element: "model", ...} -->
//!   <acpi index='1'/>                      <!-- element {parent: "", after: "model"} -->
//! </interface>
//! ```
//!
//! Element paths are relative to the `<interface>`: `""` is the interface itself, `"driver/host"`
//! a nested element, `"vlan/tag[2]"` the second of a repeated one. An unknown child is written
//! back right after the known sibling it followed (`after`), or first when it had none.

use std::fmt;

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::xmlchar::is_xml_name;

/// Unknown attributes and child nodes of an interface and its known sub-elements.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Extras {
    /// Attributes the model does not name, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<ExtraAttribute>,
    /// Child nodes (elements, comments, text) the model does not name, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ExtraNode>,
}

impl Extras {
    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty() && self.elements.is_empty()
    }

    /// The extra attributes of the element at `path`.
    pub fn attributes_of<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a ExtraAttribute> {
        self.attributes.iter().filter(move |a| a.element == path)
    }

    /// The extra children of the element at `path` that followed `after`.
    pub fn children_of<'a>(
        &'a self,
        path: &'a str,
        after: Option<&'a str>,
    ) -> impl Iterator<Item = &'a ExtraNode> {
        self.elements
            .iter()
            .filter(move |n| n.parent == path && n.after.as_deref() == after)
    }
}

/// `name='value'` on the element at `element`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraAttribute {
    /// Path of the element carrying the attribute (`""` for `<interface>`).
    #[serde(default)]
    pub element: String,
    /// Attribute name, possibly prefixed (`xmlns:x`, `x:attr`).
    pub name: XmlName,
    /// Unescaped value.
    pub value: String,
}

/// A child node kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraNode {
    /// Path of the parent element (`""` for `<interface>`).
    #[serde(default)]
    pub parent: String,
    /// Name of the known sibling it followed, or none if it came first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The node as XML text.
    pub xml: RawXml,
}

/// A well-formed XML fragment: elements, comments, text, CDATA or processing instructions,
/// balanced, without DOCTYPE or XML declaration. Only constructors that check this exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawXml(String);

impl RawXml {
    /// Wraps text that the parser already read as one well-formed node.
    pub(crate) fn from_parsed(s: &str) -> Self {
        RawXml(s.to_owned())
    }

    /// The fragment text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RawXml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for RawXml {
    fn schema_name() -> Cow<'static, str> {
        "RawXml".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "a well-formed xml fragment (elements, comments, text); checked when read, \
                            beyond what this schema can say",
        })
    }
}

impl Serialize for RawXml {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// An XML attribute name (`QName`, with an optional prefix).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XmlName(String);

impl XmlName {
    /// Checks and wraps a name.
    pub fn new(s: &str) -> Result<Self, String> {
        if is_xml_name(s) {
            Ok(XmlName(s.to_owned()))
        } else {
            Err(format!("invalid xml name '{s}'"))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for XmlName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for XmlName {
    fn schema_name() -> Cow<'static, str> {
        "XmlName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[\\p{Alphabetic}_:][\\p{Alphabetic}\\p{N}_:.-]*$",
            "description": "an xml attribute name, optionally prefixed",
        })
    }
}

impl Serialize for XmlName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for XmlName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        XmlName::new(&s).map_err(serde::de::Error::custom)
    }
}
