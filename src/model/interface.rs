//! The interface model: one `<interface>` element.
//!
//! ```xml
//! <interface type='bridge'>
//!   <mac address='52:54:00:6d:90:02'/>
//!   <source bridge='br-int'/>
//!   <virtualport type='openvswitch'>
//!     <parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>
//!   </virtualport>
//!   <target dev='tap09b11c53-8b'/>
//!   <model type='virtio'/>
//!   <mtu size='1450'/>
//! </interface>
//! ```
//!
//! The serde form (JSON/YAML spec) puts the type and source at the top:
//! `{"type": "bridge", "source": {"bridge": "br-int"}, "mac": "52:54:00:6d:90:02", ...}`.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;
use smol_str::SmolStr;

use super::extras::Extras;
use super::ids::{DeviceName, MacAddr, VlanTag};
use super::kind::{
    BridgeSource, DirectSource, HostdevSource, InterfaceKind, NetworkSource, OtherKind, VdpaSource,
    VhostUserSource,
};
use super::virtualport::VirtualPort;

/// One guest network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(transform = interface_schema)]
pub struct Interface {
    /// Type and source (serialized as top-level `type` and `source`).
    #[serde(skip)]
    pub kind: InterfaceKind,
    /// `<interface managed='yes'>` (hostdev only): libvirt detaches the VF from its host driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// `<interface trustGuestRxFilters='yes'>`: follow the guest's MAC/multicast filter changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_guest_rx_filters: Option<bool>,
    /// `<mac address='...'/>`; libvirt generates `52:54:00:xx:xx:xx` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<MacAddr>,
    /// `<mac type>`: `static` keeps a hypervisor from replacing an address in its own range
    /// (libvirt's ESX driver reads it). libvirt's schema wants the address beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_type: Option<MacType>,
    /// `<mac check>`: `no` skips the hypervisor's check of the address. libvirt's schema wants
    /// the address beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_check: Option<bool>,
    /// `<vlan>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<Vlan>,
    /// `<virtualport>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualport: Option<VirtualPort>,
    /// `<bandwidth>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Box<Bandwidth>>,
    /// `<port isolated='yes'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_isolated: Option<bool>,
    /// `<script path='...'/>` (ethernet/bridge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<SmolStr>,
    /// `<downscript path='...'/>` (ethernet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downscript: Option<SmolStr>,
    /// `<backenddomain name='dom0'/>`: the domain that runs the backend (Xen driver domains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_domain: Option<Box<str>>,
    /// `<target dev='tap0' managed='no'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// `<guest dev='eth0' actual='eth1'/>`: the NIC's name inside the guest (LXC containers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest: Option<Box<GuestDevice>>,
    /// `<model type='virtio'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<SmolStr>,
    /// `<driver .../>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<Driver>,
    /// `<backend tap='...' vhost='...'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<Box<Backend>>,
    /// `<filterref filter='clean-traffic'><parameter name='IP' value='...'/></filterref>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filterref: Option<Box<FilterRef>>,
    /// `<teaming type='persistent'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teaming: Option<Box<Teaming>>,
    /// `<link state='down'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkState>,
    /// `<mtu size='9000'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    /// `<coalesce><rx><frames max='7'/></rx></coalesce>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coalesce: Option<Coalesce>,
    /// `<boot order='1'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<u32>,
    /// `<alias name='net0'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<SmolStr>,
    /// `<rom bar='on' file='...' enabled='yes'/>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rom: Option<Box<Rom>>,
    /// `<acpi index='3'/>`: the guest's name for the NIC (`eno3` in systemd's naming), 1 and up;
    /// QEMU takes at most 16383, each index once per guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acpi_index: Option<u32>,
    /// Guest-side device address (`<address type='pci' .../>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<DeviceAddress>,
    /// Everything read that the model does not name: kept and written back.
    #[serde(default, skip_serializing_if = "Extras::is_empty")]
    pub extras: Extras,
}

impl Interface {
    /// An interface of the given kind with nothing else set.
    pub fn new(kind: InterfaceKind) -> Self {
        Interface {
            kind,
            managed: None,
            trust_guest_rx_filters: None,
            mac: None,
            mac_type: None,
            mac_check: None,
            vlan: None,
            virtualport: None,
            bandwidth: None,
            port_isolated: None,
            script: None,
            downscript: None,
            backend_domain: None,
            target: None,
            guest: None,
            model: None,
            driver: None,
            backend: None,
            filterref: None,
            teaming: None,
            link: None,
            mtu: None,
            coalesce: None,
            boot: None,
            alias: None,
            rom: None,
            acpi_index: None,
            address: None,
            extras: Extras::default(),
        }
    }
}

/// Adds `type` and the `source` shaped by it to the schema derived from the other fields.
fn interface_schema(schema: &mut schemars::Schema) {
    use serde_json::json;
    let settings = schemars::generate::SchemaSettings::draft2020_12();
    let mut generator = settings.into_generator();
    let src = |s: schemars::Schema| s.to_value();
    let sources = [
        (
            "bridge",
            src(super::schema_inline::<BridgeSource>(&mut generator)),
            true,
        ),
        (
            "network",
            src(super::schema_inline::<NetworkSource>(&mut generator)),
            true,
        ),
        (
            "direct",
            src(super::schema_inline::<DirectSource>(&mut generator)),
            true,
        ),
        (
            "vhostuser",
            src(super::schema_inline::<VhostUserSource>(&mut generator)),
            false,
        ),
        (
            "hostdev",
            src(super::schema_inline::<HostdevSource>(&mut generator)),
            true,
        ),
        (
            "vdpa",
            src(super::schema_inline::<VdpaSource>(&mut generator)),
            true,
        ),
    ];
    let modelled: Vec<&str> = sources.iter().map(|(t, _, _)| *t).collect();
    let mut all_of = Vec::new();
    for (ty, source, required) in &sources {
        let then = if *required {
            json!({"properties": {"source": source}, "required": ["source"]})
        } else {
            json!({"properties": {"source": source}})
        };
        all_of.push(json!({"if": {"properties": {"type": {"const": ty}}}, "then": then}));
    }
    all_of.push(json!({
        "if": {"properties": {"type": {"not": {"enum": modelled}}}},
        "then": {"not": {"required": ["source"]}}
    }));
    let obj = schema.ensure_object();
    let props = obj
        .entry("properties")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let serde_json::Value::Object(props) = props {
        props.insert(
            "type".into(),
            json!({
                "type": "string",
                "pattern": "^[A-Za-z0-9_-]+$",
                "description": "interface type: ethernet, bridge, network, direct, vhostuser, \
                                hostdev, vdpa, user, or any other libvirt type (kept as read)",
                "examples": ["direct", "bridge", "network", "vhostuser", "hostdev"],
            }),
        );
        props.insert(
            "source".into(),
            json!({"type": "object", "description": "the <source>, shaped by `type`"}),
        );
    }
    let required = obj
        .entry("required")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let serde_json::Value::Array(r) = required {
        r.insert(0, json!("type"));
    }
    obj.insert("allOf".into(), serde_json::Value::Array(all_of));
}

impl Serialize for Interface {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        struct Body<'a>(&'a Interface);
        impl Serialize for Body<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                Interface::serialize(self.0, s)
            }
        }
        let body = serde_json::to_value(Body(self)).map_err(S::Error::custom)?;
        let mut map = serde_json::Map::new();
        map.insert("type".into(), self.kind.type_name().into());
        let source = match &self.kind {
            InterfaceKind::Bridge(x) => Some(serde_json::to_value(x)),
            InterfaceKind::Network(x) => Some(serde_json::to_value(x)),
            InterfaceKind::Direct(x) => Some(serde_json::to_value(x)),
            InterfaceKind::VhostUser(x) if x.is_empty() => None,
            InterfaceKind::VhostUser(x) => Some(serde_json::to_value(x)),
            InterfaceKind::Hostdev(x) => Some(serde_json::to_value(x)),
            InterfaceKind::Vdpa(x) => Some(serde_json::to_value(x)),
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_) => None,
        };
        if let Some(src) = source {
            map.insert("source".into(), src.map_err(S::Error::custom)?);
        }
        if let serde_json::Value::Object(o) = body {
            map.extend(o);
        }
        map.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Interface {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let ty = match map.remove("type") {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "interface type must be a string, found {other}"
                )))
            }
            None => return Err(D::Error::custom("missing field `type`")),
        };
        let source = map.remove("source");
        let in_source = |e: crate::model::strict::Error| D::Error::custom(format!("source: {e}"));
        let need = |v: Option<serde_json::Value>| {
            v.ok_or_else(|| D::Error::custom(format!("interface type '{ty}' needs a `source`")))
        };
        let kind = match ty.as_str() {
            "ethernet" | "user" => {
                if source.is_some() {
                    return Err(D::Error::custom(format!(
                        "interface type '{ty}' takes no `source`"
                    )));
                }
                if ty == "user" {
                    InterfaceKind::User
                } else {
                    InterfaceKind::Ethernet
                }
            }
            "bridge" => InterfaceKind::Bridge(
                crate::model::strict::from_value::<BridgeSource>(need(source)?)
                    .map_err(in_source)?,
            ),
            "network" => InterfaceKind::Network(
                crate::model::strict::from_value::<NetworkSource>(need(source)?)
                    .map_err(in_source)?,
            ),
            "direct" => InterfaceKind::Direct(
                crate::model::strict::from_value::<DirectSource>(need(source)?)
                    .map_err(in_source)?,
            ),
            "vhostuser" => InterfaceKind::VhostUser(match source {
                Some(src) => {
                    crate::model::strict::from_value::<VhostUserSource>(src).map_err(in_source)?
                }
                None => VhostUserSource::default(),
            }),
            "hostdev" => InterfaceKind::Hostdev(
                crate::model::strict::from_value::<HostdevSource>(need(source)?)
                    .map_err(in_source)?,
            ),
            "vdpa" => InterfaceKind::Vdpa(
                crate::model::strict::from_value::<VdpaSource>(need(source)?).map_err(in_source)?,
            ),
            other => {
                if source.is_some() {
                    return Err(D::Error::custom(format!(
                        "interface type '{other}' is not modelled: give its <source> as an \
                         extras element"
                    )));
                }
                if other.is_empty()
                    || !other
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(D::Error::custom(format!(
                        "invalid interface type '{other}'"
                    )));
                }
                InterfaceKind::Other(OtherKind {
                    type_name: other.into(),
                })
            }
        };
        let mut iface =
            Interface::deserialize(crate::model::strict::Strict(serde_json::Value::Object(map)))
                .map_err(D::Error::custom)?;
        iface.kind = kind;
        Ok(iface)
    }
}

/// `<target dev='tap0' managed='no'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Host-side device name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<DeviceName>,
    /// `managed='no'`: use an existing tap device (ethernet only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
}

/// How a VLAN tag is treated on a trunk's native VLAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum NativeMode {
    /// Native VLAN frames are tagged.
    Tagged,
    /// Native VLAN frames are untagged.
    Untagged,
}

impl NativeMode {
    /// The XML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NativeMode::Tagged => "tagged",
            NativeMode::Untagged => "untagged",
        }
    }
}

/// `<tag id='42' nativeMode='untagged'/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct VlanTagSpec {
    /// VLAN id.
    pub id: VlanTag,
    /// Marks the trunk's native VLAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_mode: Option<NativeMode>,
}

/// `<vlan trunk='yes'><tag id='42'/><tag id='48'/></vlan>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Vlan {
    /// `trunk='yes'`: several tags are carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trunk: Option<bool>,
    /// The tags, in order.
    // Up to four are held inline, without an allocation.
    #[serde(default)]
    pub tags: SmallVec<[VlanTagSpec; 4]>,
}

/// One direction of `<bandwidth>`: rates in KiB/s, burst in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Average rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average: Option<u64>,
    /// Peak rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<u64>,
    /// Burst size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u64>,
    /// Guaranteed minimum (network interfaces, inbound only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<u64>,
}

/// `<bandwidth><inbound average='1000'/><outbound average='128'/></bandwidth>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Bandwidth {
    /// Traffic into the guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound: Option<Rate>,
    /// Traffic out of the guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound: Option<Rate>,
}

/// Host-side offload switches in `<driver><host .../></driver>` (`on`/`off`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct HostOffloads {
    /// Checksum offload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csum: Option<bool>,
    /// Generic segmentation offload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gso: Option<bool>,
    /// TCP segmentation offload, IPv4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tso4: Option<bool>,
    /// TCP segmentation offload, IPv6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tso6: Option<bool>,
    /// ECN with TSO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecn: Option<bool>,
    /// UDP fragmentation offload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ufo: Option<bool>,
    /// Mergeable receive buffers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrg_rxbuf: Option<bool>,
}

/// Guest-side offload switches in `<driver><guest .../></driver>` (`on`/`off`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct GuestOffloads {
    /// Checksum offload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csum: Option<bool>,
    /// TCP segmentation offload, IPv4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tso4: Option<bool>,
    /// TCP segmentation offload, IPv6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tso6: Option<bool>,
    /// ECN with TSO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecn: Option<bool>,
    /// UDP fragmentation offload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ufo: Option<bool>,
}

/// `<driver name='vhost' queues='4' rx_queue_size='1024' .../>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Driver {
    /// Backend driver: `qemu`/`vhost` for virtio, `vfio`/`kvm` for hostdev.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<SmolStr>,
    /// Number of queue pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queues: Option<u32>,
    /// Receive virtqueue size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx_queue_size: Option<u32>,
    /// Transmit virtqueue size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_queue_size: Option<u32>,
    /// `iothread` or `timer` (qemu userspace driver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txmode: Option<SmolStr>,
    /// `ioeventfd='on'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ioeventfd: Option<bool>,
    /// `event_idx='on'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_idx: Option<bool>,
    /// Virtio packed ring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packed: Option<bool>,
    /// One page per virtqueue (`page_per_vq='on'`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_per_vq: Option<bool>,
    /// Virtio IOMMU platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iommu: Option<bool>,
    /// Address translation services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ats: Option<bool>,
    /// Receive side scaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss: Option<bool>,
    /// RSS hash reporting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss_hash_report: Option<bool>,
    /// `<host .../>` offloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<HostOffloads>,
    /// `<guest .../>` offloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest: Option<GuestOffloads>,
}

/// `<backend tap='/dev/net/tun' vhost='/dev/vhost-net'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Backend {
    /// `type='passt'` (user networking backend).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "type")]
    pub backend_type: Option<String>,
    /// Path of the tun device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tap: Option<String>,
    /// Path of the vhost-net device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vhost: Option<String>,
    /// passt's log file (`logFile`, an absolute path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_file: Option<String>,
    /// The host name passt's DHCP hands the guest (libvirt 11.8 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The domain name passt's DHCP hands the guest (libvirt 11.8 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fqdn: Option<String>,
}

/// `<parameter name='IP' value='10.0.0.1'/>` inside `<filterref>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterParameter {
    /// Variable name.
    pub name: String,
    /// Value.
    pub value: String,
}

fn sorted_parameters<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FilterParameter>, D::Error> {
    let mut v = Vec::<FilterParameter>::deserialize(d)?;
    v.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(v)
}

/// `<filterref filter='clean-traffic'>...</filterref>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterRef {
    /// nwfilter name.
    pub filter: String,
    /// Filter variables, kept sorted by name as libvirt does (reading sorts them).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "sorted_parameters"
    )]
    pub parameters: Vec<FilterParameter>,
}

/// Failover teaming role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum TeamingType {
    /// The virtio interface that stays.
    Persistent,
    /// The hostdev VF that goes away on migration.
    Transient,
}

/// `<teaming type='transient' persistent='ua-backup0'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Teaming {
    /// Role in the team.
    #[serde(rename = "type")]
    pub teaming_type: TeamingType,
    /// Alias of the persistent interface (transient only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent: Option<String>,
}

/// `<mac type>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum MacType {
    /// The hypervisor made the address.
    Generated,
    /// The address was given and stays.
    Static,
}

impl MacType {
    /// The XML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MacType::Generated => "generated",
            MacType::Static => "static",
        }
    }
}

/// `<guest dev actual>`: the name the guest gives the NIC, asked for and as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct GuestDevice {
    /// The name asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// The name it got (live XML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

/// `<link state='up'/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    /// Link up.
    Up,
    /// Link down.
    Down,
}

impl LinkState {
    /// The XML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Up => "up",
            LinkState::Down => "down",
        }
    }
}

/// `<coalesce><rx><frames max='7'/></rx></coalesce>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Coalesce {
    /// Receive frames to coalesce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rx_max_frames: Option<u32>,
}

/// `<rom bar='on' file='/usr/share/ipxe.rom' enabled='yes'/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Rom {
    /// Whether the ROM is visible in the BAR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bar: Option<bool>,
    /// ROM image path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `enabled='no'` disables the ROM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// The guest-side address of the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type")]
pub enum DeviceAddress {
    /// `<address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>`.
    #[serde(rename = "pci")]
    Pci(GuestPciAddress),
    /// Any other address type (`ccw`, `virtio-mmio`, `spapr-vio`, ...): its other attributes are
    /// kept as extras.
    #[serde(rename = "other")]
    Other {
        /// The `type` attribute.
        address_type: String,
    },
}

/// By hand, because serde's tagged enums also take a variant index (`"type": 0`) as the tag.
impl<'de> Deserialize<'de> for DeviceAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct OtherAddress {
            address_type: String,
        }
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let ty = match map.remove("type") {
            Some(serde_json::Value::String(t)) => t,
            _ => {
                return Err(D::Error::custom(
                    "address: expected `type` \"pci\" or \"other\"",
                ))
            }
        };
        let rest = serde_json::Value::Object(map);
        match ty.as_str() {
            "pci" => crate::model::strict::from_value::<GuestPciAddress>(rest)
                .map(DeviceAddress::Pci)
                .map_err(|e| D::Error::custom(format!("address: {e}"))),
            "other" => crate::model::strict::from_value::<OtherAddress>(rest)
                .map(|o| DeviceAddress::Other {
                    address_type: o.address_type,
                })
                .map_err(|e| D::Error::custom(format!("address: {e}"))),
            t => Err(D::Error::custom(format!(
                "address: unknown type '{t}': expected \"pci\" or \"other\""
            ))),
        }
    }
}

/// A guest PCI address with its `multifunction` switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestPciAddress {
    /// PCI domain, 0..=0xFFFFFFFF (the qemu driver only has domain 0: a validation rule).
    #[serde(default, deserialize_with = "super::ids::de_pci_domain")]
    #[schemars(schema_with = "super::ids::pci_domain_schema")]
    pub domain: u32,
    /// PCI bus, 0..=0xFF.
    #[serde(deserialize_with = "super::ids::de_pci_bus")]
    #[schemars(schema_with = "super::ids::pci_bus_schema")]
    pub bus: u8,
    /// PCI slot, 0..=0x1F.
    #[serde(deserialize_with = "super::ids::de_pci_slot")]
    #[schemars(schema_with = "super::ids::pci_slot_schema")]
    pub slot: u8,
    /// PCI function, 0..=7.
    #[serde(deserialize_with = "super::ids::de_pci_function")]
    #[schemars(schema_with = "super::ids::pci_function_schema")]
    pub function: u8,
    /// `multifunction='on'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multifunction: Option<bool>,
}
