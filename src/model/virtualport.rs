//! Virtual port profiles (`<virtualport>`).
//!
//! ```xml
//! <virtualport type='802.1Qbg'>
//!   <parameters managerid='11' typeid='1193047' typeidversion='2'
//!               instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>
//! </virtualport>
//! ```
//!
//! Each typed variant holds only the parameters its type allows, so a Qbh profile with an
//! `interfaceid` cannot be built. Which parameters are *required* depends on where the port sits
//! (libvirt fills some in for network ports), so completeness is a validation rule.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids::{ProfileId, Uuid, VsiManagerId, VsiTypeId, VsiTypeIdVersion};

/// A `<virtualport>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum VirtualPort {
    /// `type='802.1Qbg'` (VEPA switch port, VDP association).
    Qbg(Qbg),
    /// `type='802.1Qbh'` (port extender / VN-Tag profile).
    Qbh(Qbh),
    /// `type='openvswitch'`.
    OpenVSwitch(OpenVSwitch),
    /// `type='midonet'`.
    Midonet(Midonet),
    /// No `type` attribute: only meaningful on `type='network'`, where libvirt merges it with
    /// the network's own port profile.
    Untyped(Untyped),
}

impl VirtualPort {
    /// The XML `type` value, or `None` for the untyped form.
    pub fn type_name(&self) -> Option<&'static str> {
        match self {
            VirtualPort::Qbg(_) => Some("802.1Qbg"),
            VirtualPort::Qbh(_) => Some("802.1Qbh"),
            VirtualPort::OpenVSwitch(_) => Some("openvswitch"),
            VirtualPort::Midonet(_) => Some("midonet"),
            VirtualPort::Untyped(_) => None,
        }
    }
}

/// IEEE 802.1Qbg parameters: `<parameters managerid='11' typeid='1193047' typeidversion='2'
/// instanceid='...'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Qbg {
    /// VSI manager id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managerid: Option<VsiManagerId>,
    /// VSI type id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typeid: Option<VsiTypeId>,
    /// VSI type id version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typeidversion: Option<VsiTypeIdVersion>,
    /// VSI instance id; libvirt generates one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instanceid: Option<Uuid>,
}

/// IEEE 802.1Qbh parameters: `<parameters profileid='finance'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Qbh {
    /// Port profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profileid: Option<ProfileId>,
}

/// Open vSwitch parameters: `<parameters interfaceid='...' profileid='menial'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct OpenVSwitch {
    /// OVS `external-ids:iface-id`; libvirt generates one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaceid: Option<Uuid>,
    /// Optional port profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profileid: Option<ProfileId>,
}

/// MidoNet parameters: `<parameters interfaceid='...'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Midonet {
    /// The MidoNet port's id (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaceid: Option<Uuid>,
}

/// An untyped `<virtualport>`: any parameter may be given; the network supplies the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Untyped {
    /// 802.1Qbg manager id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managerid: Option<VsiManagerId>,
    /// 802.1Qbg type id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typeid: Option<VsiTypeId>,
    /// 802.1Qbg type id version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typeidversion: Option<VsiTypeIdVersion>,
    /// 802.1Qbg instance id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instanceid: Option<Uuid>,
    /// openvswitch / midonet interface id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaceid: Option<Uuid>,
    /// 802.1Qbh / openvswitch profile id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profileid: Option<ProfileId>,
}

impl Untyped {
    /// True when no parameter is set (`<virtualport/>`).
    pub fn is_empty(&self) -> bool {
        *self == Untyped::default()
    }
}

/// The schema: one of the typed parameter objects with its `type`, or the untyped one.
impl JsonSchema for VirtualPort {
    fn schema_name() -> Cow<'static, str> {
        "VirtualPort".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        // if/then on `type` rather than oneOf, so errors point into the parameters.
        let mut all_of = Vec::new();
        for (ty, mut params) in [
            ("802.1Qbg", crate::model::schema_inline::<Qbg>(generator)),
            ("802.1Qbh", crate::model::schema_inline::<Qbh>(generator)),
            (
                "openvswitch",
                crate::model::schema_inline::<OpenVSwitch>(generator),
            ),
            ("midonet", crate::model::schema_inline::<Midonet>(generator)),
        ] {
            let obj = params.ensure_object();
            let props = obj
                .entry("properties")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(props) = props {
                props.insert("type".into(), serde_json::json!({"const": ty}));
            }
            all_of.push(serde_json::json!({
                "if": {"properties": {"type": {"const": ty}}, "required": ["type"]},
                "then": params.to_value(),
            }));
        }
        all_of.push(serde_json::json!({
            "if": {"not": {"required": ["type"]}},
            "then": crate::model::schema_inline::<Untyped>(generator).to_value(),
        }));
        json_schema!({
            "description": "a <virtualport>: the parameters with their type, or no type \
                            (untyped, network interfaces only)",
            "type": "object",
            "properties": {
                "type": {"enum": ["802.1Qbg", "802.1Qbh", "openvswitch", "midonet"]}
            },
            "allOf": all_of,
        })
    }
}

/// The serde form is the parameters object with an optional `type` key:
/// `{"type": "802.1Qbh", "profileid": "finance"}`; without `type` it is the untyped form.
impl Serialize for VirtualPort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let params = match self {
            VirtualPort::Qbg(p) => serde_json::to_value(p),
            VirtualPort::Qbh(p) => serde_json::to_value(p),
            VirtualPort::OpenVSwitch(p) => serde_json::to_value(p),
            VirtualPort::Midonet(p) => serde_json::to_value(p),
            VirtualPort::Untyped(p) => serde_json::to_value(p),
        }
        .map_err(serde::ser::Error::custom)?;
        let mut map = serde_json::Map::new();
        if let Some(t) = self.type_name() {
            map.insert("type".into(), t.into());
        }
        if let serde_json::Value::Object(o) = params {
            map.extend(o);
        }
        map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for VirtualPort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let ty = match map.remove("type") {
            None => None,
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "virtualport type must be a string, found {other}"
                )))
            }
        };
        let rest = serde_json::Value::Object(map);
        let in_port =
            |e: crate::model::strict::Error| D::Error::custom(format!("virtualport: {e}"));
        Ok(match ty.as_deref() {
            None => VirtualPort::Untyped(crate::model::strict::from_value(rest).map_err(in_port)?),
            Some("802.1Qbg") => {
                VirtualPort::Qbg(crate::model::strict::from_value(rest).map_err(in_port)?)
            }
            Some("802.1Qbh") => {
                VirtualPort::Qbh(crate::model::strict::from_value(rest).map_err(in_port)?)
            }
            Some("openvswitch") => {
                VirtualPort::OpenVSwitch(crate::model::strict::from_value(rest).map_err(in_port)?)
            }
            Some("midonet") => {
                VirtualPort::Midonet(crate::model::strict::from_value(rest).map_err(in_port)?)
            }
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "unknown virtualport type '{other}': expected one of 802.1Qbg, 802.1Qbh, \
                     openvswitch, midonet, or no type"
                )))
            }
        })
    }
}
