//! os-vif VIF objects → the model.
//!
//! Nova-like drivers already hold [os-vif] VIF objects. This module reads them in their
//! serialized primitive form (oslo.versionedobjects `obj_to_primitive()`: `versioned_object.name`,
//! `.namespace`, `.version`, `.data`, and the optional `.changes`, with the network, port profile
//! and datapath offload nested the same way) and maps each to an [`Interface`] the way nova's
//! libvirt driver does — plus the classes nova cannot render (`VIFDirect` with 802.1Qbg/802.1Qbh,
//! `VIFHostDevice` with 802.1Qbh). `docs/osvif.md` has the whole mapping table.
//!
//! Conversion refuses what cannot be an `<interface>` (with the class, the field path and why);
//! what *can* be written but would not work (a 16-byte tap name, a relative socket path) is left
//! to [`crate::validate::validate`], like every other input. Run it on the result.
//!
//! ```
//! let json = r#"{
//!   "versioned_object.name": "VIFOpenVSwitch",
//!   "versioned_object.namespace": "os_vif",
//!   "versioned_object.version": "1.0",
//!   "versioned_object.data": {
//!     "address": "fa:16:3e:5d:2a:91",
//!     "vif_name": "tap5d2a91c0-3b",
//!     "bridge_name": "br-int",
//!     "port_profile": {
//!       "versioned_object.name": "VIFPortProfileOpenVSwitch",
//!       "versioned_object.namespace": "os_vif",
//!       "versioned_object.version": "1.4",
//!       "versioned_object.data": {"interface_id": "5d2a91c0-3b4e-4f7a-9c1d-2e3f4a5b6c7d"}
//!     }
//!   }
//! }"#;
//! let ifaces = vifxml::osvif::from_json(json).unwrap();
//! assert!(vifxml::validate::validate(&ifaces[0]).iter().all(|d| !d.is_error()));
//! let xml = vifxml::xml::render_interface(&ifaces[0]);
//! assert!(xml.starts_with("<interface type='bridge'>"));
//! assert!(xml.contains("<parameters interfaceid='5d2a91c0-3b4e-4f7a-9c1d-2e3f4a5b6c7d'/>"));
//!
//! // A newer profile version is read while the fields it adds hold their defaults, and
//! // refused, naming the class and the fields, when one holds a value.
//! let newer = json.replace("\"1.4\"", "\"1.5\"");
//! assert!(vifxml::osvif::from_json(&newer.replace("{\"interface_id\"", "{\"f\": false, \"interface_id\"")).is_ok());
//! let err = vifxml::osvif::from_json(&newer.replace("{\"interface_id\"", "{\"f\": 1, \"interface_id\"")).unwrap_err();
//! assert_eq!(err.kind, vifxml::osvif::OsVifErrorKind::Version);
//! assert_eq!(err.class, "VIFPortProfileOpenVSwitch");
//! assert_eq!(err.path, "port_profile.versioned_object.version");
//! assert!(err.message.contains("f=1"));
//! ```
//!
//! [os-vif]: https://docs.openstack.org/os-vif/latest/

use std::fmt;

use serde_json::{Map, Value};

use crate::model::ids::{
    DeviceName, MacAddr, PciAddress, ProfileId, Uuid, VlanTag, VsiManagerId, VsiTypeId,
    VsiTypeIdVersion,
};
use crate::model::kind::{
    BridgeSource, DirectMode, DirectSource, HostdevSource, VdpaSource, VhostUserMode,
    VhostUserSource,
};
use crate::model::virtualport::{OpenVSwitch, Qbg, Qbh};
use crate::model::{
    Bandwidth, Driver, Interface, InterfaceKind, Rate, Target, VirtualPort, Vlan, VlanTagSpec,
};
use crate::SmolStr;

/// The namespace every os-vif object carries (`OBJ_PROJECT_NAMESPACE`).
pub const NAMESPACE: &str = "os_vif";

/// An os-vif class this crate reads: its newest version known here and every data field that
/// version has (inherited ones included), as os-vif 5.3.0 defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownClass {
    /// Class name (`versioned_object.name`).
    pub name: &'static str,
    /// Major version.
    pub major: u32,
    /// Newest minor version known.
    pub minor: u32,
    /// The fields of that version. A newer minor version is read when every other field it
    /// carries is absent or at os-vif's default (null or false).
    pub fields: &'static [&'static str],
}

const VIF_BASE: [&str; 8] = [
    "id",
    "address",
    "network",
    "plugin",
    "active",
    "preserve_on_delete",
    "has_traffic_filtering",
    "port_profile",
];

/// Concatenates field lists at compile time.
macro_rules! fields {
    ($($part:expr),* $(,)?) => {{
        const LEN: usize = 0 $(+ $part.len())*;
        const ALL: [&str; LEN] = {
            let mut out = [""; LEN];
            let mut n = 0;
            $(
                let part: &[&str] = &$part;
                let mut i = 0;
                while i < part.len() {
                    out[n] = part[i];
                    n += 1;
                    i += 1;
                }
            )*
            assert!(n == LEN);
            out
        };
        &ALL
    }};
}

const OVS_PROFILE: [&str; 7] = [
    "datapath_offload",
    "interface_id",
    "profile_id",
    "datapath_type",
    "create_port",
    "create_tap",
    "multiqueue",
];

/// The os-vif classes this crate knows, at the versions os-vif 5.3.0 writes. Older minor
/// versions of the same major are read; newer minor versions only without fields set that this
/// table does not list; other majors are refused.
pub const KNOWN_CLASSES: &[KnownClass] = &[
    KnownClass {
        name: "VIFGeneric",
        major: 1,
        minor: 0,
        fields: fields!(VIF_BASE, ["vif_name"]),
    },
    KnownClass {
        name: "VIFBridge",
        major: 1,
        minor: 0,
        fields: fields!(VIF_BASE, ["vif_name", "bridge_name"]),
    },
    KnownClass {
        name: "VIFOpenVSwitch",
        major: 1,
        minor: 0,
        fields: fields!(VIF_BASE, ["vif_name", "bridge_name"]),
    },
    KnownClass {
        name: "VIFDirect",
        major: 1,
        minor: 0,
        fields: fields!(
            VIF_BASE,
            ["vif_name", "dev_address", "mode", "vlan_name", "dev_name"]
        ),
    },
    KnownClass {
        name: "VIFVHostUser",
        major: 1,
        minor: 1,
        fields: fields!(VIF_BASE, ["vif_name", "path", "mode"]),
    },
    KnownClass {
        name: "VIFHostDevice",
        major: 1,
        minor: 0,
        fields: fields!(VIF_BASE, ["dev_type", "dev_address"]),
    },
    KnownClass {
        name: "VIFNestedDPDK",
        major: 1,
        minor: 0,
        fields: fields!(VIF_BASE, ["pci_address", "dev_driver"]),
    },
    KnownClass {
        name: "VIFPortProfileBase",
        major: 1,
        minor: 1,
        fields: &["datapath_offload"],
    },
    KnownClass {
        name: "VIFPortProfileOpenVSwitch",
        major: 1,
        minor: 4,
        fields: &OVS_PROFILE,
    },
    KnownClass {
        name: "VIFPortProfileFPOpenVSwitch",
        major: 1,
        minor: 4,
        fields: fields!(OVS_PROFILE, ["bridge_name", "hybrid_plug"]),
    },
    KnownClass {
        name: "VIFPortProfileOVSRepresentor",
        major: 1,
        minor: 4,
        fields: fields!(OVS_PROFILE, ["representor_name", "representor_address"]),
    },
    KnownClass {
        name: "VIFPortProfileFPBridge",
        major: 1,
        minor: 1,
        fields: &["datapath_offload", "bridge_name"],
    },
    KnownClass {
        name: "VIFPortProfileFPTap",
        major: 1,
        minor: 1,
        fields: &["datapath_offload", "mac_address"],
    },
    KnownClass {
        name: "VIFPortProfile8021Qbg",
        major: 1,
        minor: 1,
        fields: &[
            "datapath_offload",
            "manager_id",
            "type_id",
            "type_id_version",
            "instance_id",
        ],
    },
    KnownClass {
        name: "VIFPortProfile8021Qbh",
        major: 1,
        minor: 1,
        fields: &["datapath_offload", "profile_id"],
    },
    KnownClass {
        name: "VIFPortProfileK8sDPDK",
        major: 1,
        minor: 1,
        fields: &[
            "datapath_offload",
            "l3_setup",
            "selflink",
            "resourceversion",
        ],
    },
    KnownClass {
        name: "DatapathOffloadRepresentor",
        major: 1,
        minor: 0,
        fields: &["representor_name", "representor_address"],
    },
    KnownClass {
        name: "Network",
        major: 1,
        minor: 1,
        fields: &[
            "id",
            "bridge",
            "label",
            "subnets",
            "multi_host",
            "should_provide_bridge",
            "should_provide_vlan",
            "bridge_interface",
            "vlan",
            "mtu",
        ],
    },
];

/// os-vif classes that never describe an interface themselves (they sit inside a Network, or
/// describe a host), named in messages rather than called unknown.
const OTHER_CLASSES: &[&str] = &[
    "Subnet",
    "SubnetList",
    "FixedIP",
    "FixedIPList",
    "Route",
    "RouteList",
    "InstanceInfo",
    "HostInfo",
    "HostPluginInfo",
    "HostVIFInfo",
    "HostPortProfileInfo",
];

/// What went wrong, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OsVifErrorKind {
    /// The text is not JSON (or is too large).
    Syntax,
    /// Not a versioned-object primitive, or an array holding something else.
    Shape,
    /// `versioned_object.namespace` is not `os_vif`.
    Namespace,
    /// A class os-vif does not have (or an abstract base class), or a class in the wrong place
    /// (a port profile where a VIF belongs).
    UnknownClass,
    /// A newer minor version than [`KNOWN_CLASSES`] that sets fields not known here, another
    /// major version, or not `MAJOR.MINOR`.
    Version,
    /// A field needed for the interface is absent or null.
    Missing,
    /// A field has the wrong JSON type.
    Type,
    /// A value of the right type that os-vif or libvirt does not take (range, syntax, enum).
    Value,
    /// A well-formed os-vif object that cannot be a libvirt `<interface>` (a class, a
    /// `dev_type`, or a port profile that does not fit the VIF).
    Unsupported,
    /// A conversion option (a frontend setting, an extra spec) out of range or malformed; its
    /// path starts with `options.` or `extra_specs.`.
    Option,
}

/// A refused os-vif object: which class, which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct OsVifError {
    /// What went wrong.
    pub kind: OsVifErrorKind,
    /// The os-vif class the faulty field belongs to (`VIFPortProfile8021Qbg`); empty when the
    /// input is not an os-vif object at all.
    pub class: String,
    /// Path of the field, through the objects' data: `port_profile.manager_id`,
    /// `[1].network.mtu`, `versioned_object.version`; empty for the whole input.
    pub path: String,
    /// Short lowercase message saying what was expected.
    pub message: String,
}

impl fmt::Display for OsVifError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.class.is_empty(), self.path.is_empty()) {
            (false, false) => write!(f, "{} at {}: {}", self.class, self.path, self.message),
            (false, true) => write!(f, "{}: {}", self.class, self.message),
            (true, false) => write!(f, "at {}: {}", self.path, self.message),
            (true, true) => f.write_str(&self.message),
        }
    }
}

/// Resolves a host PCI address to what sits on it: the network device (`0000:81:00.0` →
/// `ens1f0`) or the vDPA character device (`0000:81:10.2` → `/dev/vhost-vdpa-3`).
pub type PciResolver<'a> = &'a dyn Fn(&PciAddress) -> Option<String>;

/// The former name of [`PciResolver`].
pub type PciNetdevResolver<'a> = PciResolver<'a>;

/// Conversion options: what nova knows besides the VIF object (the port's vnic type, the
/// flavor and image, its own configuration, the host).
#[derive(Clone, Default)]
pub struct Options<'a> {
    /// Finds the host network device of a `VIFDirect.dev_address` when the object names none
    /// (`vlan_name`, or the `dev_name` of early os-vif). The library does no I/O; the CLI looks
    /// in `/sys/bus/pci/devices/ADDR/net/`.
    pub pci_netdev: Option<PciResolver<'a>>,
    /// Finds the `/dev/vhost-vdpa-N` device of a VF for a `VIFHostDevice` whose port has vnic
    /// type `vdpa` (nova asks libvirt's node devices; the CLI looks in
    /// `/sys/bus/pci/devices/ADDR/vdpa*/vhost-vdpa-N`).
    pub vdpa_device: Option<PciResolver<'a>>,
    /// The neutron port's vnic type: `vdpa` turns a `VIFHostDevice` into `type='vdpa'`.
    pub vnic_type: VnicType,
    /// The guest frontend settings nova takes from the flavor, the image and its own
    /// configuration.
    pub frontend: Frontend,
}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("pci_netdev", &self.pci_netdev.map(|_| "<fn>"))
            .field("vdpa_device", &self.vdpa_device.map(|_| "<fn>"))
            .field("vnic_type", &self.vnic_type)
            .field("frontend", &self.frontend)
            .finish()
    }
}

/// The guest frontend settings nova derives outside the VIF object
/// (`LibvirtGenericVIFDriver.get_base_config` and `designer`), applied where nova applies them
/// and libvirt takes them (docs/osvif.md has the table).
///
/// ```
/// use vifxml::osvif::{Frontend, VirtType};
/// let f = Frontend { queues: Some(4), rx_queue_size: Some(512), ..Default::default() };
/// assert_eq!(f.virt_type, VirtType::Kvm);
/// assert!(f.check().is_ok());
/// let bad = Frontend { rx_queue_size: Some(300), ..Default::default() };
/// assert!(bad.check().unwrap_err().to_string().contains("rx_queue_size"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontend {
    /// nova's `[libvirt]virt_type`: `kvm` writes `<driver name='vhost'>` when queues or an rx
    /// queue size are set, `qemu` always writes `<driver name='qemu'>` on virtio NICs.
    pub virt_type: VirtType,
    /// The guest model (nova: the image's `hw_vif_model`); `virtio` when unset. Queues, queue
    /// sizes and packed apply to virtio only.
    pub model: Option<SmolStr>,
    /// Queue pairs (`<driver queues>`; nova: the flavor's vCPU count when
    /// `hw:vif_multiqueue_enabled`). Required when an os-vif profile asks for a multiqueue tap.
    pub queues: Option<u32>,
    /// `<driver rx_queue_size>` (nova's `[libvirt]rx_queue_size`): 256, 512 or 1024.
    pub rx_queue_size: Option<u32>,
    /// `<driver tx_queue_size>` (nova's `[libvirt]tx_queue_size`), vhost-user and vDPA only.
    pub tx_queue_size: Option<u32>,
    /// `<driver packed='on'>` (nova: `hw:virtio_packed_ring`).
    pub packed: bool,
    /// `<bandwidth>` (nova: the flavor's `quota:vif_*` extra specs; see
    /// [`bandwidth_from_extra_specs`]).
    pub bandwidth: Option<Bandwidth>,
}

impl Frontend {
    /// Checks the settings themselves (ranges nova's options and libvirt take).
    pub fn check(&self) -> Result<(), OsVifError> {
        let bad = |field: &str, message: String| OsVifError {
            kind: OsVifErrorKind::Option,
            class: String::new(),
            path: format!("options.{field}"),
            message,
        };
        if self.queues == Some(0) {
            return Err(bad("queues", "queues 0: expected at least 1".into()));
        }
        for (name, v) in [
            ("rx_queue_size", self.rx_queue_size),
            ("tx_queue_size", self.tx_queue_size),
        ] {
            if let Some(v) = v.filter(|v| !matches!(v, 256 | 512 | 1024)) {
                return Err(bad(
                    name,
                    format!("{name} {v}: expected 256, 512 or 1024 (nova's choices, and qemu's)"),
                ));
            }
        }
        if let Some(m) = &self.model {
            if m.is_empty() {
                return Err(bad(
                    "model",
                    "empty model: expected a name such as virtio".into(),
                ));
            }
        }
        Ok(())
    }

    fn is_virtio(&self) -> bool {
        self.model.as_deref().is_none_or(|m| m == "virtio")
    }
}

/// nova's `[libvirt]virt_type`, as far as it changes the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VirtType {
    /// `kvm` (and `parallels`): vhost-net when multiqueue or an rx queue size asks for it.
    #[default]
    Kvm,
    /// `qemu` (TCG): nova forces the userspace `qemu` backend on virtio NICs.
    Qemu,
}

impl std::str::FromStr for VirtType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "kvm" => Ok(VirtType::Kvm),
            "qemu" => Ok(VirtType::Qemu),
            other => Err(format!("virt type '{other}': expected kvm or qemu")),
        }
    }
}

/// A neutron port's `binding:vnic_type`, which nova reads beside the os-vif object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VnicType {
    /// `normal`: a tap, vhost-user or macvtap port.
    #[default]
    Normal,
    /// `direct`: an SR-IOV VF passed through.
    Direct,
    /// `macvtap`: a macvtap on a VF.
    Macvtap,
    /// `direct-physical`: a whole PF passed through.
    DirectPhysical,
    /// `baremetal`.
    Baremetal,
    /// `virtio-forwarder`: vhost-user relayed to a VF.
    VirtioForwarder,
    /// `vdpa`: a VF's vDPA device (`type='vdpa'`).
    Vdpa,
    /// `accelerator-direct` (cyborg).
    AcceleratorDirect,
    /// `accelerator-direct-physical` (cyborg).
    AcceleratorDirectPhysical,
    /// `remote-managed`: a VF of a DPU whose representor the network backend plugs.
    RemoteManaged,
    /// `smart-nic`.
    SmartNic,
}

impl VnicType {
    /// Every vnic type with its neutron spelling.
    pub const ALL: [(VnicType, &'static str); 11] = [
        (VnicType::Normal, "normal"),
        (VnicType::Direct, "direct"),
        (VnicType::Macvtap, "macvtap"),
        (VnicType::DirectPhysical, "direct-physical"),
        (VnicType::Baremetal, "baremetal"),
        (VnicType::VirtioForwarder, "virtio-forwarder"),
        (VnicType::Vdpa, "vdpa"),
        (VnicType::AcceleratorDirect, "accelerator-direct"),
        (
            VnicType::AcceleratorDirectPhysical,
            "accelerator-direct-physical",
        ),
        (VnicType::RemoteManaged, "remote-managed"),
        (VnicType::SmartNic, "smart-nic"),
    ];
}

impl std::str::FromStr for VnicType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        VnicType::ALL
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(v, _)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = VnicType::ALL.iter().map(|(_, n)| *n).collect();
                format!("vnic type '{s}': expected one of {}", names.join(", "))
            })
    }
}

/// The six `quota:vif_*` extra specs nova turns into `<bandwidth>`.
pub const BANDWIDTH_EXTRA_SPECS: [&str; 6] = [
    "vif_inbound_average",
    "vif_inbound_peak",
    "vif_inbound_burst",
    "vif_outbound_average",
    "vif_outbound_peak",
    "vif_outbound_burst",
];

/// A flavor's extra specs → `<bandwidth>`, as nova's `designer.set_vif_bandwidth_config` reads
/// them: keys `quota:vif_{inbound,outbound}_{average,peak,burst}`, values in kilobytes per
/// second (burst: kilobytes). Other keys are not bandwidth and are skipped; a `quota:vif_` key
/// nova does not know, or a value that is not a non-negative integer, is refused. What libvirt
/// refuses in the result (peak without average) is reported by validation.
///
/// ```
/// let bw = vifxml::osvif::bandwidth_from_extra_specs([
///     ("quota:vif_inbound_average", "1024"),
///     ("hw:cpu_policy", "dedicated"),
/// ]).unwrap().unwrap();
/// assert_eq!(bw.inbound.unwrap().average, Some(1024));
/// assert!(vifxml::osvif::bandwidth_from_extra_specs([("quota:vif_inbound_avg", "1")]).is_err());
/// ```
pub fn bandwidth_from_extra_specs<'s>(
    specs: impl IntoIterator<Item = (&'s str, &'s str)>,
) -> Result<Option<Bandwidth>, OsVifError> {
    let mut bw = Bandwidth::default();
    let mut any = false;
    for (key, value) in specs {
        let Some(name) = key.strip_prefix("quota:") else {
            continue;
        };
        if !name.starts_with("vif_") {
            continue;
        }
        let bad = |message: String| OsVifError {
            kind: OsVifErrorKind::Option,
            class: String::new(),
            path: format!("extra_specs.{key}"),
            message,
        };
        let Some(rest) = BANDWIDTH_EXTRA_SPECS.iter().find(|k| **k == name) else {
            let known: Vec<String> = BANDWIDTH_EXTRA_SPECS
                .iter()
                .map(|k| format!("quota:{k}"))
                .collect();
            return Err(bad(format!(
                "'{key}' is not a bandwidth extra spec nova reads: expected one of {}",
                known.join(", ")
            )));
        };
        let t = value.trim();
        let n: u64 = match t.parse() {
            Ok(n) if !t.starts_with('+') => n,
            _ => {
                return Err(bad(format!(
                    "'{value}': expected a non-negative integer (kilobytes per second, \
                     kilobytes for burst)"
                )))
            }
        };
        let (dir, what) = rest
            .trim_start_matches("vif_")
            .split_once('_')
            .unwrap_or(("", ""));
        let rate = if dir == "inbound" {
            bw.inbound.get_or_insert_with(Rate::default)
        } else {
            bw.outbound.get_or_insert_with(Rate::default)
        };
        match what {
            "average" => rate.average = Some(n),
            "peak" => rate.peak = Some(n),
            _ => rate.burst = Some(n),
        }
        any = true;
    }
    Ok(any.then_some(bw))
}

/// Reads one os-vif VIF primitive, or an array of them, from JSON text.
pub fn from_json(text: &str) -> Result<Vec<Interface>, OsVifError> {
    from_json_with(text, &Options::default())
}

/// [`from_json`] with options.
pub fn from_json_with(text: &str, opts: &Options<'_>) -> Result<Vec<Interface>, OsVifError> {
    let max = crate::spec::MAX_SPEC_SIZE;
    if text.len() > max {
        return Err(plain(
            OsVifErrorKind::Syntax,
            format!("input is {} bytes, more than {max}", text.len()),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        plain(
            OsVifErrorKind::Syntax,
            format!(
                "invalid json at line {} column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    from_value_with(&value, opts)
}

/// Reads one os-vif VIF primitive (a JSON object), or an array of them.
pub fn from_value(value: &Value) -> Result<Vec<Interface>, OsVifError> {
    from_value_with(value, &Options::default())
}

/// [`from_value`] with options.
pub fn from_value_with(value: &Value, opts: &Options<'_>) -> Result<Vec<Interface>, OsVifError> {
    opts.frontend.check()?;
    match value {
        Value::Object(_) => Ok(vec![convert(value, String::new(), opts)?]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| convert(item, format!("[{i}]"), opts))
            .collect(),
        other => Err(plain(
            OsVifErrorKind::Shape,
            format!(
                "expected an os-vif VIF object or an array of them, found {}",
                describe(other)
            ),
        )),
    }
}

fn plain(kind: OsVifErrorKind, message: String) -> OsVifError {
    OsVifError {
        kind,
        class: String::new(),
        path: String::new(),
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// Versioned-object envelopes.

const KEY_NAME: &str = "versioned_object.name";
const KEY_NAMESPACE: &str = "versioned_object.namespace";
const KEY_VERSION: &str = "versioned_object.version";
const KEY_DATA: &str = "versioned_object.data";
const KEY_CHANGES: &str = "versioned_object.changes";

/// Where an object sits, which decides the classes it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Vif,
    PortProfile,
    Network,
    Offload,
}

impl Role {
    fn of(class: &str) -> Option<Role> {
        Some(match class {
            "Network" => Role::Network,
            "DatapathOffloadRepresentor" => Role::Offload,
            c if c.starts_with("VIFPortProfile") => Role::PortProfile,
            c if c.starts_with("VIF") => Role::Vif,
            _ => return None,
        })
    }

    fn what(self) -> &'static str {
        match self {
            Role::Vif => {
                "a VIF (VIFGeneric, VIFBridge, VIFOpenVSwitch, VIFDirect, VIFVHostUser, \
                 VIFHostDevice)"
            }
            Role::PortProfile => "a port profile (VIFPortProfile...)",
            Role::Network => "a Network",
            Role::Offload => "a datapath offload (DatapathOffloadRepresentor)",
        }
    }
}

/// An opened os-vif object: its class (checked against [`KNOWN_CLASSES`]) and data.
struct Obj<'v> {
    class: &'static str,
    data: &'v Map<String, Value>,
    /// Path of this object ("" for the root).
    path: String,
}

fn join(path: &str, field: &str) -> String {
    if field.is_empty() {
        path.to_owned()
    } else if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Opens the envelope at `path`. `owner` is the class holding the field (for errors about the
/// value itself).
fn open<'v>(v: &'v Value, path: &str, role: Role, owner: &str) -> Result<Obj<'v>, OsVifError> {
    let err = |kind, class: &str, field: &str, message: String| OsVifError {
        kind,
        class: class.to_owned(),
        path: join(path, field),
        message,
    };
    let Value::Object(map) = v else {
        return Err(err(
            if owner.is_empty() {
                OsVifErrorKind::Shape
            } else {
                OsVifErrorKind::Type
            },
            owner,
            "",
            format!(
                "expected {} as a versioned-object primitive (an object with \
                 versioned_object.name, .namespace, .version and .data), found {}",
                role.what(),
                describe(v)
            ),
        ));
    };
    // The class name, before anything else, so later errors can name it.
    let name = match map.get(KEY_NAME) {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(err(
                OsVifErrorKind::Type,
                owner,
                KEY_NAME,
                format!("expected a class name string, found {}", describe(other)),
            ))
        }
        None => {
            return Err(err(
                OsVifErrorKind::Missing,
                owner,
                KEY_NAME,
                format!(
                    "missing {KEY_NAME}: expected {} serialized by obj_to_primitive()",
                    role.what()
                ),
            ))
        }
    };
    match map.get(KEY_NAMESPACE) {
        Some(Value::String(s)) if s == NAMESPACE => {}
        Some(Value::String(s)) => {
            return Err(err(
                OsVifErrorKind::Namespace,
                name,
                KEY_NAMESPACE,
                format!("namespace '{s}' is not os-vif's: expected '{NAMESPACE}'"),
            ))
        }
        Some(other) => {
            return Err(err(
                OsVifErrorKind::Type,
                name,
                KEY_NAMESPACE,
                format!(
                    "expected the string '{NAMESPACE}', found {}",
                    describe(other)
                ),
            ))
        }
        None => {
            return Err(err(
                OsVifErrorKind::Missing,
                name,
                KEY_NAMESPACE,
                format!("missing {KEY_NAMESPACE}: expected '{NAMESPACE}'"),
            ))
        }
    }
    let Some(known) = KNOWN_CLASSES.iter().find(|k| k.name == name) else {
        let message = match name {
            "VIFBase" | "DatapathOffloadBase" => format!(
                "'{name}' is os-vif's abstract base class, never sent itself: expected {}",
                role.what()
            ),
            _ if OTHER_CLASSES.contains(&name) => {
                format!("{name} is not {}", role.what())
            }
            _ => format!(
                "unknown os-vif class '{name}': expected {} (os-vif classes are case-sensitive)",
                role.what()
            ),
        };
        return Err(err(OsVifErrorKind::UnknownClass, name, KEY_NAME, message));
    };
    let (class, major, minor) = (known.name, known.major, known.minor);
    let actual = Role::of(class);
    if actual != Some(role) {
        return Err(err(
            OsVifErrorKind::UnknownClass,
            class,
            KEY_NAME,
            format!(
                "{class} is {}, not {}",
                actual.map_or("another kind of object", Role::what),
                role.what()
            ),
        ));
    }
    let version = match map.get(KEY_VERSION) {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(err(
                OsVifErrorKind::Type,
                class,
                KEY_VERSION,
                format!(
                    "expected a version string such as \"{major}.{minor}\", found {}",
                    describe(other)
                ),
            ))
        }
        None => {
            return Err(err(
                OsVifErrorKind::Missing,
                class,
                KEY_VERSION,
                format!("missing {KEY_VERSION}: expected \"{major}.{minor}\" or older"),
            ))
        }
    };
    let newer = check_version(class, version, major, minor)
        .map_err(|m| err(OsVifErrorKind::Version, class, KEY_VERSION, m))?;
    if let Some(c) = map.get(KEY_CHANGES) {
        let ok = matches!(c, Value::Array(a) if a.iter().all(Value::is_string));
        if !ok {
            return Err(err(
                OsVifErrorKind::Type,
                class,
                KEY_CHANGES,
                format!("expected an array of field names, found {}", describe(c)),
            ));
        }
    }
    let data = match map.get(KEY_DATA) {
        Some(Value::Object(d)) => d,
        Some(other) => {
            return Err(err(
                OsVifErrorKind::Type,
                class,
                KEY_DATA,
                format!("expected an object of fields, found {}", describe(other)),
            ))
        }
        None => {
            return Err(err(
                OsVifErrorKind::Missing,
                class,
                KEY_DATA,
                format!("missing {KEY_DATA}: the object's fields"),
            ))
        }
    };
    if newer {
        // What os-vif's obj_make_compatible does to backport: drop the fields the older version
        // lacks. Lossless only when they hold their defaults.
        let set: Vec<String> = data
            .iter()
            .filter(|(k, v)| !known.fields.contains(&k.as_str()) && !is_default(v))
            .map(|(k, v)| format!("{k}={}", compact(v)))
            .collect();
        if !set.is_empty() {
            return Err(err(
                OsVifErrorKind::Version,
                class,
                KEY_VERSION,
                format!(
                    "version {version} is newer than the newest {class} known here \
                     ({major}.{minor}) and sets {}, not known here: refused rather than \
                     dropped (the sender's obj_to_primitive(target_version='{major}.{minor}') \
                     would drop {})",
                    set.join(", "),
                    if set.len() == 1 { "it" } else { "them" }
                ),
            ));
        }
    }
    Ok(Obj {
        class,
        data,
        path: path.to_owned(),
    })
}

/// A field value that carries nothing an older reader would miss: os-vif's fields added in
/// later minor versions default to null or false.
fn is_default(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false))
}

/// A JSON value for a message, shortened.
fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let head: String = s.chars().take(40).collect();
        format!("{head}...")
    } else {
        s
    }
}

/// Checks `version` against the newest known `major.minor`: `Ok(false)` for it or an older
/// minor, `Ok(true)` for a newer minor (read when its extra fields are at their defaults).
fn check_version(class: &str, version: &str, major: u32, minor: u32) -> Result<bool, String> {
    let parsed = version.split_once('.').and_then(|(a, b)| {
        let num = |s: &str| {
            (!s.is_empty() && s.len() <= 9 && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        Some((num(a)?, num(b)?))
    });
    let Some((ma, mi)) = parsed else {
        return Err(format!(
            "version '{version}' is not MAJOR.MINOR: expected \"{major}.{minor}\" or older"
        ));
    };
    let newest = format!("{major}.{minor}");
    if ma > major {
        return Err(format!(
            "version {version} is a newer major version than the newest {class} known here \
             ({newest}): its fields may mean something else; expected {major}.0 to {newest}"
        ));
    }
    if ma < major {
        return Err(format!(
            "version {version}: os-vif has no {class} of major version {ma}: expected \
             {major}.0 to {newest}"
        ));
    }
    Ok(mi > minor)
}

/// A JSON value in a few words, for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "..." } else { "" };
            format!("a string ({shown:?}{more})")
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl<'v> Obj<'v> {
    fn err(&self, kind: OsVifErrorKind, field: &str, message: impl Into<String>) -> OsVifError {
        OsVifError {
            kind,
            class: self.class.to_owned(),
            path: join(&self.path, field),
            message: message.into(),
        }
    }

    /// A field's value; null (os-vif's nullable fields) counts as absent.
    fn get(&self, field: &str) -> Option<&'v Value> {
        self.data.get(field).filter(|v| !v.is_null())
    }

    fn type_err(&self, field: &str, expected: &str, found: &Value) -> OsVifError {
        self.err(
            OsVifErrorKind::Type,
            field,
            format!("expected {expected}, found {}", describe(found)),
        )
    }

    fn missing(&self, field: &str, why: &str) -> OsVifError {
        self.err(
            OsVifErrorKind::Missing,
            field,
            format!("missing required field {field}: {why}"),
        )
    }

    fn str_opt(&self, field: &str) -> Result<Option<&'v str>, OsVifError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.type_err(field, "a string", other)),
        }
    }

    fn str_req(&self, field: &str, why: &str) -> Result<&'v str, OsVifError> {
        self.str_opt(field)?.ok_or_else(|| self.missing(field, why))
    }

    fn bool_opt(&self, field: &str) -> Result<Option<bool>, OsVifError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.type_err(field, "a boolean", other)),
        }
    }

    /// An integer field (oslo IntegerField); `also_string` accepts decimal text too.
    fn int_opt(&self, field: &str, also_string: bool) -> Result<Option<i64>, OsVifError> {
        let expected = if also_string {
            "an integer (or decimal text)"
        } else {
            "an integer"
        };
        match self.get(field) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None if n.is_u64() => {
                    Err(self.err(OsVifErrorKind::Value, field, format!("{n} is out of range")))
                }
                None => Err(self.type_err(field, expected, v)),
            },
            Some(v @ Value::String(s)) if also_string => {
                let t = s.trim();
                let digits = t.strip_prefix('-').unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.type_err(field, expected, v));
                }
                t.parse::<i64>().map(Some).map_err(|_| {
                    self.err(OsVifErrorKind::Value, field, format!("{t} is out of range"))
                })
            }
            Some(other) => Err(self.type_err(field, expected, other)),
        }
    }

    fn int_req(&self, field: &str, why: &str) -> Result<i64, OsVifError> {
        self.int_opt(field, false)?
            .ok_or_else(|| self.missing(field, why))
    }

    /// A nested object field.
    fn child(&self, field: &str, role: Role) -> Result<Option<Obj<'v>>, OsVifError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => open(v, &join(&self.path, field), role, self.class).map(Some),
        }
    }

    /// Parses a string field into one of the model's checked identifiers.
    fn parsed<T, E: fmt::Display>(
        &self,
        field: &str,
        s: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, OsVifError> {
        parse(s).map_err(|e| self.err(OsVifErrorKind::Value, field, e.to_string()))
    }

    fn device_name(&self, field: &str, s: &str) -> Result<DeviceName, OsVifError> {
        self.parsed(field, s, DeviceName::new)
    }
}

// ---------------------------------------------------------------------------------------------
// Network and port profiles.

/// What the interface takes from `VIFBase.network`.
#[derive(Default)]
struct Net {
    /// Checked when used: a VIF with its own bridge_name does not care.
    bridge: Option<Result<DeviceName, OsVifError>>,
    mtu: Option<u32>,
    vlan: Option<VlanTag>,
}

fn network(vif: &Obj<'_>) -> Result<Net, OsVifError> {
    let Some(n) = vif.child("network", Role::Network)? else {
        return Ok(Net::default());
    };
    let bridge = match n.str_opt("bridge")? {
        Some(b) if !b.is_empty() => Some(n.device_name("bridge", b)),
        _ => None,
    };
    let mtu = match n.int_opt("mtu", false)? {
        None => None,
        Some(m) if (1..=65535).contains(&m) => Some(m as u32),
        Some(m) => {
            return Err(n.err(
                OsVifErrorKind::Value,
                "mtu",
                format!("mtu {m}: expected 1..=65535"),
            ))
        }
    };
    // Network 1.0 had vlan as a string field; 1.1 has an integer.
    let vlan = match n.int_opt("vlan", true)? {
        None => None,
        Some(v) => {
            let tag = u64::try_from(v).ok().and_then(|u| VlanTag::new(u).ok());
            if tag.is_none() {
                return Err(n.err(
                    OsVifErrorKind::Value,
                    "vlan",
                    format!("vlan {v}: expected a vlan id in 0..=4095"),
                ));
            }
            tag
        }
    };
    Ok(Net { bridge, mtu, vlan })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProfileKind {
    Base,
    Ovs,
    FpOvs,
    OvsRepresentor,
    FpBridge,
    FpTap,
    Qbg,
    Qbh,
    K8sDpdk,
}

impl ProfileKind {
    fn of(class: &str) -> Option<Self> {
        Some(match class {
            "VIFPortProfileBase" => ProfileKind::Base,
            "VIFPortProfileOpenVSwitch" => ProfileKind::Ovs,
            "VIFPortProfileFPOpenVSwitch" => ProfileKind::FpOvs,
            "VIFPortProfileOVSRepresentor" => ProfileKind::OvsRepresentor,
            "VIFPortProfileFPBridge" => ProfileKind::FpBridge,
            "VIFPortProfileFPTap" => ProfileKind::FpTap,
            "VIFPortProfile8021Qbg" => ProfileKind::Qbg,
            "VIFPortProfile8021Qbh" => ProfileKind::Qbh,
            "VIFPortProfileK8sDPDK" => ProfileKind::K8sDpdk,
            _ => return None,
        })
    }

    /// Profiles carrying VIFPortProfileOpenVSwitch's fields (interface_id, create_port, ...).
    fn is_ovs(self) -> bool {
        matches!(
            self,
            ProfileKind::Ovs | ProfileKind::FpOvs | ProfileKind::OvsRepresentor
        )
    }

    /// Why this profile does not go with `vif`.
    fn home(self) -> &'static str {
        match self {
            ProfileKind::Base => "the base profile fits every VIF",
            ProfileKind::Ovs => "an Open vSwitch profile describes a port on an OVS bridge",
            ProfileKind::FpOvs | ProfileKind::FpBridge | ProfileKind::FpTap => {
                "fast path profiles describe vhost-user ports of the 6WIND fast path \
                 (VIFVHostUser)"
            }
            ProfileKind::OvsRepresentor => {
                "a VF representor profile describes an offloaded VF (VIFHostDevice, or \
                 VIFVHostUser for virtio-forwarder)"
            }
            ProfileKind::Qbg => {
                "an 802.1Qbg profile is associated by libvirt on a macvtap device (VIFDirect)"
            }
            ProfileKind::Qbh => {
                "an 802.1Qbh profile is associated by libvirt on a macvtap device or a VF \
                 (VIFDirect, VIFHostDevice)"
            }
            ProfileKind::K8sDpdk => {
                "a Kubernetes DPDK profile belongs to VIFNestedDPDK, which kuryr-kubernetes \
                 consumes inside the guest"
            }
        }
    }
}

/// The port profiles each VIF class takes (see docs/osvif.md).
fn accepted(vif_class: &str) -> &'static [&'static str] {
    match vif_class {
        "VIFBridge" => &["VIFPortProfileOpenVSwitch"],
        "VIFOpenVSwitch" => &["VIFPortProfileOpenVSwitch"],
        "VIFDirect" => &["VIFPortProfile8021Qbg", "VIFPortProfile8021Qbh"],
        "VIFVHostUser" => &[
            "VIFPortProfileOpenVSwitch",
            "VIFPortProfileOVSRepresentor",
            "VIFPortProfileFPOpenVSwitch",
            "VIFPortProfileFPBridge",
            "VIFPortProfileFPTap",
        ],
        "VIFHostDevice" => &[
            "VIFPortProfileOpenVSwitch",
            "VIFPortProfileOVSRepresentor",
            "VIFPortProfile8021Qbh",
        ],
        _ => &[],
    }
}

/// The VIF classes a datapath offload (a VF representor) goes with.
const OFFLOAD_VIFS: &[&str] = &["VIFHostDevice", "VIFVHostUser"];

struct Profile<'v> {
    obj: Obj<'v>,
    kind: ProfileKind,
}

/// Opens `port_profile` and checks that it fits the VIF.
fn profile<'v>(vif: &Obj<'v>) -> Result<Option<Profile<'v>>, OsVifError> {
    let Some(obj) = vif.child("port_profile", Role::PortProfile)? else {
        return Ok(None);
    };
    let Some(kind) = ProfileKind::of(obj.class) else {
        return Err(obj.err(
            OsVifErrorKind::UnknownClass,
            KEY_NAME,
            format!("{} is not a port profile", obj.class),
        ));
    };
    let takes = accepted(vif.class);
    // VIFPortProfileBase has no fields of its own: os-vif takes it on any VIF (nova's vrouter
    // binding sends it, with a representor offload), and it means "no profile".
    if kind != ProfileKind::Base && !takes.contains(&obj.class) {
        let list = if takes.is_empty() {
            "no port profile".to_owned()
        } else {
            takes.join(", ")
        };
        return Err(vif.err(
            OsVifErrorKind::Unsupported,
            "port_profile",
            format!(
                "{} does not fit {}: {}; {} takes {list}",
                obj.class,
                vif.class,
                kind.home(),
                vif.class
            ),
        ));
    }
    if let Some(off) = obj.child("datapath_offload", Role::Offload)? {
        // Only the representor offload exists; its fields do not reach the XML (os-vif plugs
        // the representor), but their types are checked.
        off.str_opt("representor_name")?;
        off.str_opt("representor_address")?;
        if !OFFLOAD_VIFS.contains(&vif.class) {
            return Err(obj.err(
                OsVifErrorKind::Unsupported,
                "datapath_offload",
                format!(
                    "{} on {}: a VF representor offload goes with {}",
                    off.class,
                    vif.class,
                    OFFLOAD_VIFS.join(" or ")
                ),
            ));
        }
    }
    if kind == ProfileKind::Base {
        return Ok(None);
    }
    Ok(Some(Profile { obj, kind }))
}

/// `interface_id` and `profile_id` of an Open vSwitch profile, as a virtualport.
fn ovs_virtualport(p: &Obj<'_>) -> Result<VirtualPort, OsVifError> {
    let id = p.str_req(
        "interface_id",
        "neutron finds the port by it (OVS external-ids:iface-id); libvirt would make up a \
         random one",
    )?;
    let interfaceid = Some(p.parsed("interface_id", id, str::parse::<Uuid>)?);
    let profileid = match p.str_opt("profile_id")? {
        None | Some("") => None,
        Some(s) => Some(p.parsed("profile_id", s, ProfileId::new)?),
    };
    Ok(VirtualPort::OpenVSwitch(OpenVSwitch {
        interfaceid,
        profileid,
    }))
}

fn qbg_virtualport(p: &Obj<'_>) -> Result<VirtualPort, OsVifError> {
    let why = "libvirt needs it to associate the 802.1Qbg port";
    let id_err = |field: &str, e: crate::model::ids::IdError| {
        p.err(OsVifErrorKind::Value, field, e.to_string())
    };
    let num = |field: &str| -> Result<u64, OsVifError> {
        let v = p.int_req(field, why)?;
        u64::try_from(v).map_err(|_| {
            p.err(
                OsVifErrorKind::Value,
                field,
                format!("{v} is negative: expected a non-negative integer"),
            )
        })
    };
    let managerid = VsiManagerId::new(num("manager_id")?).map_err(|e| id_err("manager_id", e))?;
    let typeid = VsiTypeId::new(num("type_id")?).map_err(|e| id_err("type_id", e))?;
    let typeidversion =
        VsiTypeIdVersion::new(num("type_id_version")?).map_err(|e| id_err("type_id_version", e))?;
    let instanceid = match p.str_opt("instance_id")? {
        None => None,
        Some(s) => Some(p.parsed("instance_id", s, str::parse::<Uuid>)?),
    };
    Ok(VirtualPort::Qbg(Qbg {
        managerid: Some(managerid),
        typeid: Some(typeid),
        typeidversion: Some(typeidversion),
        instanceid,
    }))
}

fn qbh_virtualport(p: &Obj<'_>) -> Result<VirtualPort, OsVifError> {
    let id = p.str_req(
        "profile_id",
        "the port profile name libvirt associates (802.1Qbh)",
    )?;
    Ok(VirtualPort::Qbh(Qbh {
        profileid: Some(p.parsed("profile_id", id, ProfileId::new)?),
    }))
}

// ---------------------------------------------------------------------------------------------
// VIF classes.

fn convert(v: &Value, path: String, opts: &Options<'_>) -> Result<Interface, OsVifError> {
    let vif = open(v, &path, Role::Vif, "")?;
    if vif.class == "VIFNestedDPDK" {
        return Err(vif.err(
            OsVifErrorKind::Unsupported,
            KEY_NAME,
            "VIFNestedDPDK is not a libvirt interface: kuryr-kubernetes binds a device already \
             attached to the guest (pci_address) to a dpdk driver inside it",
        ));
    }
    let mac = match vif.str_opt("address")? {
        None => None,
        Some(s) => Some(vif.parsed("address", s, str::parse::<MacAddr>)?),
    };
    let net = network(&vif)?;
    let prof = profile(&vif)?;
    if let Some(p) = prof.as_ref().filter(|p| p.kind.is_ovs()) {
        if vif.class != "VIFOpenVSwitch" && p.obj.bool_opt("create_tap")? == Some(true) {
            return Err(p.obj.err(
                OsVifErrorKind::Unsupported,
                "create_tap",
                format!(
                    "create_tap on {}: os-vif's ovs plugin creates a tap for VIFOpenVSwitch \
                     only (TapCreationNotSupported)",
                    vif.class
                ),
            ));
        }
    }
    let mut iface = match vif.class {
        "VIFGeneric" => generic(&vif, &net)?,
        "VIFBridge" => bridge(&vif, &net)?,
        "VIFOpenVSwitch" => openvswitch(&vif, &net, prof.as_ref(), &opts.frontend)?,
        "VIFDirect" => direct(&vif, &net, prof.as_ref(), opts)?,
        "VIFVHostUser" => vhostuser(&vif, &net)?,
        "VIFHostDevice" => hostdev(&vif, &net, prof.as_ref(), opts)?,
        other => {
            return Err(vif.err(
                OsVifErrorKind::UnknownClass,
                KEY_NAME,
                format!("{other} is not a VIF class this crate maps"),
            ))
        }
    };
    iface.mac = mac;
    apply_frontend(&mut iface, &opts.frontend);
    Ok(iface)
}

/// Writes the frontend settings where nova writes them and libvirt takes them: the model on
/// every type but hostdev; queues on virtio taps, bridges, macvtaps and vhost-user; the rx
/// queue size there and on vDPA; the tx queue size on vhost-user and vDPA only (nova's
/// choice: qemu honours it for vhost-user backends alone); packed on every virtio NIC;
/// bandwidth where a host device exists to shape (not vhost-user, hostdev or vDPA).
fn apply_frontend(i: &mut Interface, f: &Frontend) {
    if matches!(i.kind, InterfaceKind::Hostdev(_)) {
        // A VF: no model, and libvirt refuses virtio options (nova writes packed here).
        return;
    }
    if let Some(m) = &f.model {
        i.model = Some(m.clone());
    }
    let (tap_like, vhostuser, vdpa) = match i.kind {
        InterfaceKind::Ethernet | InterfaceKind::Bridge(_) | InterfaceKind::Direct(_) => {
            (true, false, false)
        }
        InterfaceKind::VhostUser(_) => (false, true, false),
        InterfaceKind::Vdpa(_) => (false, false, true),
        _ => (false, false, false),
    };
    if tap_like {
        i.bandwidth = f.bandwidth.map(Box::new);
    }
    if !f.is_virtio() {
        return;
    }
    let mut d = Driver::default();
    if tap_like || vhostuser {
        d.queues = f.queues;
    }
    d.rx_queue_size = f.rx_queue_size;
    if vhostuser || vdpa {
        d.tx_queue_size = f.tx_queue_size;
    }
    d.packed = f.packed.then_some(true);
    if tap_like {
        d.name = match f.virt_type {
            VirtType::Qemu => Some("qemu".into()),
            VirtType::Kvm if d.queues.is_some() || d.rx_queue_size.is_some() => {
                Some("vhost".into())
            }
            VirtType::Kvm => None,
        };
    }
    if d != Driver::default() {
        i.driver = Some(d);
    }
}

fn target(vif: &Obj<'_>, name: Option<&str>) -> Result<Option<Target>, OsVifError> {
    match name {
        None | Some("") => Ok(None),
        Some(n) => Ok(Some(Target {
            dev: Some(vif.device_name("vif_name", n)?),
            managed: None,
        })),
    }
}

/// The queues of a tap os-vif creates (`create_tap`) must match the way it creates it: libvirt
/// opens an existing tap multi-queue exactly when it has two queues or more, and the kernel
/// refuses the other combination, so the guest fails to start ("Unable to create tap device
/// ...: Invalid argument"; seen on libvirt 9.0 with QEMU under TCG, `tests/osvif_start.rs`).
/// `multiqueue` absent (what nova's `get_config` holds: nova sets it on the object it plugs,
/// not on the one it renders) says nothing, and any queue count is taken.
fn tap_queues(p: &Obj<'_>, frontend: &Frontend) -> Result<(), OsVifError> {
    let queues = frontend.queues.filter(|_| frontend.is_virtio());
    match (p.bool_opt("multiqueue")?, queues) {
        (Some(true), None) if !frontend.is_virtio() => Err(p.err(
            OsVifErrorKind::Value,
            "multiqueue",
            "multiqueue is set and the model is not virtio: os-vif creates a multi-queue tap, \
             which only a virtio NIC with two queues or more opens; the guest would fail to \
             start (Unable to create tap device: Invalid argument)",
        )),
        (Some(true), None) => Err(p.err(
            OsVifErrorKind::Missing,
            "multiqueue",
            "multiqueue is set: os-vif creates a multi-queue tap, and the guest's queue count \
             is not in the object (nova uses the flavor's vcpus); give \
             Options::frontend.queues (--queues N, at least 2)",
        )),
        (Some(true), Some(q)) if q < 2 => Err(p.err(
            OsVifErrorKind::Value,
            "multiqueue",
            format!(
                "multiqueue is set and the guest has {q} queue: os-vif creates a multi-queue \
                 tap, which libvirt opens single-queue below two queues, and the guest fails to \
                 start (Unable to create tap device: Invalid argument); give --queues 2 or more, \
                 or clear multiqueue"
            ),
        )),
        (Some(false), Some(q)) if q >= 2 => Err(p.err(
            OsVifErrorKind::Value,
            "multiqueue",
            format!(
                "multiqueue is false and {q} queues are asked: os-vif creates a single-queue \
                 tap, which libvirt cannot open with {q} queues, and the guest fails to start \
                 (Unable to create tap device: Invalid argument); set multiqueue or give \
                 --queues 1"
            ),
        )),
        _ => Ok(()),
    }
}

/// A tap device named `vif_name` (`type='ethernet'`): VIFGeneric, and VIFOpenVSwitch whose
/// plugin creates the OVS port (`create_port`) or the tap itself (`create_tap`, then
/// `managed='no'`).
fn ethernet(vif: &Obj<'_>, net: &Net, why: &str) -> Result<Interface, OsVifError> {
    let name = vif.str_req("vif_name", why)?;
    let mut i = Interface::new(InterfaceKind::Ethernet);
    i.target = target(vif, Some(name))?;
    if i.target.is_none() {
        return Err(vif.missing("vif_name", why));
    }
    i.model = Some("virtio".into());
    i.mtu = net.mtu;
    Ok(i)
}

fn generic(vif: &Obj<'_>, net: &Net) -> Result<Interface, OsVifError> {
    ethernet(
        vif,
        net,
        "the tap device the plugin wires up; libvirt would make up a vnetN name nobody plugs",
    )
}

/// `bridge_name`, or the network's bridge (os-vif's linux bridge plugin reads that one).
fn bridge_source(vif: &Obj<'_>, net: &Net) -> Result<BridgeSource, OsVifError> {
    let bridge = match vif.str_opt("bridge_name")? {
        Some(b) if !b.is_empty() => vif.device_name("bridge_name", b)?,
        _ => match &net.bridge {
            Some(b) => b.clone()?,
            None => {
                return Err(vif.missing(
                    "bridge_name",
                    "the host bridge to attach to (network.bridge is not set either)",
                ))
            }
        },
    };
    Ok(BridgeSource { bridge })
}

fn bridge(vif: &Obj<'_>, net: &Net) -> Result<Interface, OsVifError> {
    // An Open vSwitch profile on a VIFBridge is ovs hybrid plug: the profile describes the veth
    // os-vif plugs into OVS; the guest's tap only joins the linux bridge (nova writes no
    // virtualport either).
    let mut i = Interface::new(InterfaceKind::Bridge(bridge_source(vif, net)?));
    i.target = target(vif, vif.str_opt("vif_name")?)?;
    i.model = Some("virtio".into());
    i.mtu = net.mtu;
    Ok(i)
}

fn openvswitch(
    vif: &Obj<'_>,
    net: &Net,
    prof: Option<&Profile<'_>>,
    frontend: &Frontend,
) -> Result<Interface, OsVifError> {
    let Some(p) = prof else {
        if vif.get("port_profile").is_some() {
            // VIFPortProfileBase: present, but no profile (nova raises on it too).
            return Err(vif.err(
                OsVifErrorKind::Unsupported,
                "port_profile",
                "VIFPortProfileBase carries no interface_id: VIFOpenVSwitch takes \
                 VIFPortProfileOpenVSwitch (nova refuses the base profile here as well)",
            ));
        }
        return Err(vif.missing(
            "port_profile",
            "a VIFPortProfileOpenVSwitch with the neutron port's interface_id (os-vif's ovs \
             plugin refuses the VIF without it too)",
        ));
    };
    if p.obj.bool_opt("create_tap")? == Some(true) {
        // nova: os-vif creates the tap (multi-queue when asked), libvirt opens it as it is.
        let mut i = ethernet(
            vif,
            net,
            "create_tap is set: os-vif creates the tap under this name and libvirt opens it",
        )?;
        if let Some(t) = i.target.as_mut() {
            t.managed = Some(false);
        }
        tap_queues(&p.obj, frontend)?;
        return Ok(i);
    }
    if p.obj.bool_opt("create_port")? == Some(true) {
        // nova: "if delegating creation to os-vif, create an ethernet-type VIF".
        return ethernet(
            vif,
            net,
            "create_port is set: os-vif adds the OVS port under this name and libvirt creates \
             the tap",
        );
    }
    let mut i = Interface::new(InterfaceKind::Bridge(bridge_source(vif, net)?));
    i.virtualport = Some(ovs_virtualport(&p.obj)?);
    i.target = target(vif, vif.str_opt("vif_name")?)?;
    i.model = Some("virtio".into());
    i.mtu = net.mtu;
    Ok(i)
}

fn direct_mode(vif: &Obj<'_>) -> Result<DirectMode, OsVifError> {
    let m = vif.str_req("mode", "the macvtap mode: vepa, bridge or passthrough")?;
    match m {
        "vepa" => Ok(DirectMode::Vepa),
        "bridge" => Ok(DirectMode::Bridge),
        "passthrough" => Ok(DirectMode::Passthrough),
        other => Err(vif.err(
            OsVifErrorKind::Value,
            "mode",
            format!("mode '{other}': os-vif's VIFDirectMode is vepa, bridge or passthrough"),
        )),
    }
}

/// Parses os-vif's PCI address form (`PCIAddressField`): `DDDD:BB:SS.F`, hex in any case, each
/// part in range.
///
/// ```
/// let a = vifxml::osvif::parse_pci_address("0000:81:00.1").unwrap();
/// assert_eq!((a.domain, a.bus, a.slot, a.function), (0, 0x81, 0, 1));
/// assert!(vifxml::osvif::parse_pci_address("0000:81:20.0").is_none()); // slot above 0x1f
/// ```
pub fn parse_pci_address(s: &str) -> Option<PciAddress> {
    pci_address(s).and_then(Result::ok)
}

/// Parses `DDDD:BB:SS.F`: `None` when it is not of that form, the range error otherwise.
fn pci_address(s: &str) -> Option<Result<PciAddress, crate::model::ids::IdError>> {
    let (domain, rest) = s.split_once(':')?;
    let (bus, rest) = rest.split_once(':')?;
    let (slot, function) = rest.split_once('.')?;
    let hex = |p: &str, max_len: usize| {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u64::from_str_radix(p, 16).ok())
            .flatten()
    };
    Some(PciAddress::new(
        hex(domain, 8)?,
        hex(bus, 2)?,
        hex(slot, 2)?,
        hex(function, 1)?,
    ))
}

fn pci_field(vif: &Obj<'_>, field: &str, s: &str) -> Result<PciAddress, OsVifError> {
    match pci_address(s) {
        Some(Ok(a)) => Ok(a),
        Some(Err(e)) => Err(vif.err(OsVifErrorKind::Value, field, format!("'{s}': {e}"))),
        None => Err(vif.err(
            OsVifErrorKind::Value,
            field,
            format!("{field} '{s}': expected a pci address such as 0000:81:00.1"),
        )),
    }
}

fn one_tag(id: VlanTag) -> Vlan {
    Vlan {
        trunk: None,
        tags: smallvec::smallvec![VlanTagSpec {
            id,
            native_mode: None,
        }],
    }
}

fn direct(
    vif: &Obj<'_>,
    net: &Net,
    prof: Option<&Profile<'_>>,
    opts: &Options<'_>,
) -> Result<Interface, OsVifError> {
    let mode = direct_mode(vif)?;
    let vlan_name = vif.str_opt("vlan_name")?.filter(|s| !s.is_empty());
    // The lower device: the VLAN device when there is one, then early os-vif's dev_name, then
    // the device on dev_address.
    let dev = if let Some(n) = vlan_name {
        vif.device_name("vlan_name", n)?
    } else if let Some(n) = vif.str_opt("dev_name")?.filter(|s| !s.is_empty()) {
        vif.device_name("dev_name", n)?
    } else {
        let Some(addr) = vif.str_opt("dev_address")? else {
            return Err(vif.missing(
                "dev_address",
                "the host device the macvtap sits on (or vlan_name)",
            ));
        };
        let pci = pci_field(vif, "dev_address", addr)?;
        match opts.pci_netdev.and_then(|f| f(&pci)) {
            Some(n) => vif.parsed("dev_address", &n, DeviceName::new)?,
            None => {
                return Err(vif.err(
                    OsVifErrorKind::Missing,
                    "dev_address",
                    format!(
                        "no network device found for dev_address {pci}: a direct interface \
                         names the host device, so set vlan_name or resolve the address \
                         (Options::pci_netdev; the cli reads /sys/bus/pci/devices/{pci}/net/ \
                         or takes --pci-netdev {pci}=NAME)"
                    ),
                ))
            }
        }
    };
    let mut i = Interface::new(InterfaceKind::Direct(DirectSource {
        dev,
        mode: Some(mode),
    }));
    i.virtualport = match prof {
        Some(p) if p.kind == ProfileKind::Qbg => Some(qbg_virtualport(&p.obj)?),
        Some(p) if p.kind == ProfileKind::Qbh => Some(qbh_virtualport(&p.obj)?),
        _ => None,
    };
    // A VF handed over in passthrough mode is tagged by libvirt; in vepa/bridge mode the VLAN is
    // the lower device (vlan_name), and a Qbg/Qbh switch applies its own.
    if mode == DirectMode::Passthrough && vlan_name.is_none() && prof.is_none() {
        i.vlan = net.vlan.map(one_tag);
    }
    i.target = target(vif, vif.str_opt("vif_name")?)?;
    i.model = Some("virtio".into());
    // No <mtu>: a macvtap device takes its lower device's MTU (the qemu driver refuses it).
    Ok(i)
}

fn vhostuser(vif: &Obj<'_>, net: &Net) -> Result<Interface, OsVifError> {
    let path = vif.str_req("path", "the vhost-user unix socket")?;
    let mode = match vif.str_req("mode", "client or server (qemu's side of the socket)")? {
        "client" => VhostUserMode::Client,
        "server" => VhostUserMode::Server,
        other => {
            return Err(vif.err(
                OsVifErrorKind::Value,
                "mode",
                format!("mode '{other}': expected client or server"),
            ))
        }
    };
    // nova writes vif.mode as libvirt's mode: both are qemu's side (mode 'server' makes os-vif's
    // ovs plugin add a dpdkvhostuserclient port).
    let mut i = Interface::new(InterfaceKind::VhostUser(VhostUserSource {
        path: Some(path.into()),
        mode: Some(mode),
        reconnect: None,
    }));
    i.target = target(vif, vif.str_opt("vif_name")?)?;
    i.model = Some("virtio".into());
    i.mtu = net.mtu;
    Ok(i)
}

fn hostdev(
    vif: &Obj<'_>,
    net: &Net,
    prof: Option<&Profile<'_>>,
    opts: &Options<'_>,
) -> Result<Interface, OsVifError> {
    match vif.str_req(
        "dev_type",
        "ethernet (an <interface type='hostdev'>) or generic",
    )? {
        "ethernet" => {}
        "generic" => {
            return Err(vif.err(
                OsVifErrorKind::Unsupported,
                "dev_type",
                "dev_type 'generic' is a plain pci <hostdev mode='subsystem' type='pci'>, not \
                 an <interface>: only dev_type 'ethernet' maps to <interface type='hostdev'>",
            ))
        }
        other => {
            return Err(vif.err(
                OsVifErrorKind::Value,
                "dev_type",
                format!("dev_type '{other}': expected ethernet or generic"),
            ))
        }
    }
    let addr = vif.str_req("dev_address", "the pci address of the VF")?;
    let address = pci_field(vif, "dev_address", addr)?;
    if let Some(p) = prof.filter(|p| p.kind.is_ovs()) {
        // Checked for type, not written: os-vif plugs the representor into OVS.
        p.obj.str_opt("interface_id")?;
    }
    if opts.vnic_type == VnicType::Vdpa {
        return vdpa(vif, &address, prof, opts);
    }
    let mut i = Interface::new(InterfaceKind::Hostdev(HostdevSource { address }));
    i.managed = Some(true);
    i.virtualport = match prof {
        Some(p) if p.kind == ProfileKind::Qbh => Some(qbh_virtualport(&p.obj)?),
        _ => None,
    };
    // Without a profile nothing but libvirt can tag the VF; with an OVS representor, OVS tags
    // (a <vlan> on the VF would tag twice), and libvirt refuses a <vlan> beside an 802.1Qbh
    // port when the guest starts.
    if prof.is_none() {
        i.vlan = net.vlan.map(one_tag);
    }
    // No <model> (the guest sees the VF itself) and no <mtu> (the qemu driver refuses it on
    // hostdev; the VF takes the PF's).
    Ok(i)
}

/// A `VIFHostDevice` of a port with vnic type `vdpa`: the VF's vhost-vdpa character device.
fn vdpa(
    vif: &Obj<'_>,
    address: &PciAddress,
    prof: Option<&Profile<'_>>,
    opts: &Options<'_>,
) -> Result<Interface, OsVifError> {
    if let Some(p) = prof.filter(|p| !p.kind.is_ovs()) {
        return Err(vif.err(
            OsVifErrorKind::Unsupported,
            "port_profile",
            format!(
                "{} on a vdpa port: libvirt takes no <virtualport> on type='vdpa' (nova plugs \
                 vDPA ports through an OVS representor)",
                p.obj.class
            ),
        ));
    }
    let Some(dev) = opts.vdpa_device.and_then(|f| f(address)) else {
        return Err(vif.err(
            OsVifErrorKind::Missing,
            "dev_address",
            format!(
                "no vDPA device found for dev_address {address}: a vdpa interface names its \
                 /dev/vhost-vdpa-N (Options::vdpa_device; the cli reads \
                 /sys/bus/pci/devices/{address}/vdpa*/ or takes --vdpa-device \
                 {address}=/dev/vhost-vdpa-N)"
            ),
        ));
    };
    if !dev.starts_with('/') {
        return Err(vif.err(
            OsVifErrorKind::Value,
            "dev_address",
            format!("vDPA device '{dev}' for {address}: expected an absolute path"),
        ));
    }
    let mut i = Interface::new(InterfaceKind::Vdpa(VdpaSource { dev: dev.into() }));
    // The qemu driver takes virtio only on vdpa; no <mtu> (refused there) and no <vlan>.
    i.model = Some("virtio".into());
    Ok(i)
}

/// What a host's sysfs says about a PCI function, for [`Options::pci_netdev`] and
/// [`Options::vdpa_device`] (the one part of this module that reads files; `root` is `/sys` on a
/// host, another directory in tests).
pub mod sysfs {
    use std::path::Path;

    use crate::model::ids::PciAddress;

    /// Entries of `dir` whose names start with `prefix`, sorted.
    fn entries(dir: &Path, prefix: &str) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        names
    }

    /// The network device the kernel bound on a PCI function: the first entry of
    /// `ROOT/bus/pci/devices/ADDR/net/`.
    pub fn netdev(root: &Path, pci: &PciAddress) -> Option<String> {
        let dir = root
            .join("bus/pci/devices")
            .join(pci.to_string())
            .join("net");
        entries(&dir, "").into_iter().next()
    }

    /// The vhost-vdpa character device of a VF's vDPA device:
    /// `ROOT/bus/pci/devices/ADDR/vdpaM/vhost-vdpa-N` → `/dev/vhost-vdpa-N` (the device the
    /// kernel's vhost_vdpa driver makes for the vdpa bus device the VF's driver created).
    /// `None` when there is none, or more than one.
    pub fn vdpa_device(root: &Path, pci: &PciAddress) -> Option<String> {
        let dev = root.join("bus/pci/devices").join(pci.to_string());
        let mut found: Vec<String> = entries(&dev, "vdpa")
            .into_iter()
            .flat_map(|v| entries(&dev.join(v), "vhost-vdpa-"))
            .collect();
        found.dedup();
        match found.as_slice() {
            [one] => Some(format!("/dev/{one}")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(check_version("X", "1.0", 1, 3), Ok(false));
        assert_eq!(check_version("X", "1.3", 1, 3), Ok(false));
        // A newer minor: read when its extra fields hold their defaults (checked by open()).
        assert_eq!(check_version("X", "1.4", 1, 3), Ok(true));
        assert!(check_version("X", "2.0", 1, 3).is_err());
        assert!(check_version("X", "0.9", 1, 3).is_err());
        for bad in ["1", "1.", ".1", "1.0.0", "v1.0", "1.x", "", "99999999999.0"] {
            assert!(check_version("X", bad, 1, 3).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_of_fields_added_later() {
        assert!(is_default(&Value::Null) && is_default(&Value::Bool(false)));
        for v in [
            Value::Bool(true),
            0.into(),
            "".into(),
            serde_json::json!([]),
        ] {
            assert!(!is_default(&v), "{v}");
        }
    }

    #[test]
    fn known_classes_list_each_field_once() {
        for k in KNOWN_CLASSES {
            let mut f = k.fields.to_vec();
            f.sort_unstable();
            f.dedup();
            assert_eq!(f.len(), k.fields.len(), "{}", k.name);
        }
    }

    #[test]
    fn pci_addresses() {
        let a = pci_address("0000:81:00.1").and_then(Result::ok);
        assert_eq!(a, PciAddress::new(0, 0x81, 0, 1).ok());
        assert!(pci_address("0:3:1F.7").is_some_and(|r| r.is_ok()));
        assert!(pci_address("0000:81:20.0").is_some_and(|r| r.is_err()));
        assert!(pci_address("0000:81:00.8").is_some_and(|r| r.is_err()));
        for bad in [
            "",
            "81:00.1",
            "0000:81:00",
            "0000:081:00.1",
            "zz:81:00.1",
            "0000:81:00.10",
        ] {
            assert!(pci_address(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn roles() {
        for k in KNOWN_CLASSES {
            assert!(Role::of(k.name).is_some(), "{}", k.name);
        }
        assert_eq!(Role::of("VIFPortProfileFPTap"), Some(Role::PortProfile));
        assert_eq!(Role::of("VIFDirect"), Some(Role::Vif));
    }
}
