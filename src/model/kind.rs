//! Interface types (`<interface type='...'>`) and their `<source>`.
//!
//! ```xml
//! <interface type='direct'>
//!   <source dev='eth0' mode='passthrough'/>
//! </interface>
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use super::ids::{DeviceName, PciAddress, Uuid};

/// What kind of host attachment an interface has, with that kind's `<source>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum InterfaceKind {
    /// `type='ethernet'`: a generic tap device (os-vif VIFGeneric).
    #[default]
    Ethernet,
    /// `type='bridge'`: a Linux or Open vSwitch bridge (`<source bridge='br0'/>`).
    Bridge(BridgeSource),
    /// `type='network'`: a libvirt virtual network (`<source network='default'/>`).
    Network(NetworkSource),
    /// `type='direct'`: macvtap on a host device (`<source dev='eth0' mode='vepa'/>`).
    Direct(DirectSource),
    /// `type='vhostuser'`: a vhost-user unix socket
    /// (`<source type='unix' path='/run/vhu0' mode='client'/>`).
    VhostUser(VhostUserSource),
    /// `type='hostdev'`: an SR-IOV virtual function passed through
    /// (`<interface type='hostdev' managed='yes'><source><address type='pci' .../></source>`).
    Hostdev(HostdevSource),
    /// `type='vdpa'`: a vDPA device (`<source dev='/dev/vhost-vdpa-0'/>`).
    Vdpa(VdpaSource),
    /// `type='user'`: user-mode networking (slirp or passt).
    User,
    /// Any other type (`mcast`, `udp`, `server`, `client`, `internal`, `null`, `vds`, and types
    /// libvirt adds later). Its `<source>` and everything else it carries are kept as extras.
    Other(OtherKind),
}

/// The name of an interface type this crate does not model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OtherKind {
    /// The `type` attribute as read.
    pub type_name: SmolStr,
}

impl InterfaceKind {
    /// The XML `type` attribute.
    pub fn type_name(&self) -> &str {
        match self {
            InterfaceKind::Ethernet => "ethernet",
            InterfaceKind::Bridge(_) => "bridge",
            InterfaceKind::Network(_) => "network",
            InterfaceKind::Direct(_) => "direct",
            InterfaceKind::VhostUser(_) => "vhostuser",
            InterfaceKind::Hostdev(_) => "hostdev",
            InterfaceKind::Vdpa(_) => "vdpa",
            InterfaceKind::User => "user",
            InterfaceKind::Other(o) => &o.type_name,
        }
    }

    /// True for the type names this crate models with a dedicated variant.
    pub fn is_modelled(type_name: &str) -> bool {
        matches!(
            type_name,
            "ethernet"
                | "bridge"
                | "network"
                | "direct"
                | "vhostuser"
                | "hostdev"
                | "vdpa"
                | "user"
        )
    }
}

/// `<source bridge='br0'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct BridgeSource {
    /// Host bridge name.
    pub bridge: DeviceName,
}

/// `<source network='default' portgroup='engineering' portid='...'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct NetworkSource {
    /// libvirt network name.
    pub network: SmolStr,
    /// Port group within the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portgroup: Option<SmolStr>,
    /// The network port's UUID (live XML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portid: Option<Uuid>,
}

/// macvtap mode of a `type='direct'` interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum DirectMode {
    /// Traffic goes through the external switch (reflective relay), the default.
    Vepa,
    /// Guests on the same device talk directly.
    Bridge,
    /// No guest-to-guest traffic on the device.
    Private,
    /// The device is handed to one guest (needed for SR-IOV VFs and VLAN tags).
    Passthrough,
}

impl DirectMode {
    /// The XML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DirectMode::Vepa => "vepa",
            DirectMode::Bridge => "bridge",
            DirectMode::Private => "private",
            DirectMode::Passthrough => "passthrough",
        }
    }

    /// Reads the XML spelling (case-sensitive, as libvirt).
    pub fn from_xml(s: &str) -> Option<Self> {
        Some(match s {
            "vepa" => DirectMode::Vepa,
            "bridge" => DirectMode::Bridge,
            "private" => DirectMode::Private,
            "passthrough" => DirectMode::Passthrough,
            _ => return None,
        })
    }
}

/// `<source dev='eth0' mode='vepa'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct DirectSource {
    /// Host network device.
    pub dev: DeviceName,
    /// macvtap mode; libvirt uses vepa when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<DirectMode>,
}

/// Which side of a vhost-user socket creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "lowercase")]
pub enum VhostUserMode {
    /// QEMU connects to a socket the switch created.
    Client,
    /// QEMU creates the socket and the switch connects.
    Server,
}

impl VhostUserMode {
    /// The XML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VhostUserMode::Client => "client",
            VhostUserMode::Server => "server",
        }
    }
}

/// `<reconnect enabled='yes' timeout='10'/>` inside a vhost-user source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Reconnect {
    /// Whether QEMU reconnects after the switch goes away.
    pub enabled: bool,
    /// Seconds between attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
}

/// `<source type='unix' path='/run/vhu0' mode='client'/>`.
///
/// Path and mode are required for a vhost-user socket (a validation rule); libvirt 11 also has
/// vhost-user interfaces served by passt (`<backend type='passt'/>`) that have neither.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct VhostUserSource {
    /// Unix socket path (must be absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<SmolStr>,
    /// Client or server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<VhostUserMode>,
    /// Reconnect policy (client mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<Reconnect>,
}

impl VhostUserSource {
    /// True when nothing is set (no `<source>` element).
    pub fn is_empty(&self) -> bool {
        self.path.is_none() && self.mode.is_none() && self.reconnect.is_none()
    }
}

/// An SR-IOV VF: `managed='yes'` on the interface and a PCI address in `<source>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct HostdevSource {
    /// Host PCI address of the VF.
    pub address: PciAddress,
}

/// `<source dev='/dev/vhost-vdpa-0'/>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct VdpaSource {
    /// Character device path.
    pub dev: SmolStr,
}
