//! Constructors and `with_*` setters that make the common interfaces one expression.
//!
//! ```
//! use vifxml::model::kind::DirectMode;
//! use vifxml::{Interface, VirtualPort};
//!
//! // A macvtap port on eth0 in VEPA mode with an 802.1Qbg association.
//! let iface = Interface::direct("eth0".parse()?, DirectMode::Vepa)
//!     .with_mac("52:54:00:6d:90:02".parse()?)
//!     .with_virtualport(VirtualPort::qbg(11, 0x123456, 2)?);
//! assert_eq!(
//!     iface.to_xml(),
//!     "<interface type='direct'>\n  <mac address='52:54:00:6d:90:02'/>\n  \
//!      <source dev='eth0' mode='vepa'/>\n  <virtualport type='802.1Qbg'>\n    \
//!      <parameters managerid='11' typeid='1193046' typeidversion='2'/>\n  \
//!      </virtualport>\n  <model type='virtio'/>\n</interface>\n"
//! );
//! # Ok::<(), vifxml::model::ids::IdError>(())
//! ```

use super::ids::{
    DeviceName, IdError, MacAddr, PciAddress, ProfileId, Uuid, VlanTag, VsiManagerId, VsiTypeId,
    VsiTypeIdVersion,
};
use super::interface::{Interface, Target, Vlan, VlanTagSpec};
use super::kind::{
    BridgeSource, DirectMode, DirectSource, HostdevSource, InterfaceKind, NetworkSource,
    VdpaSource, VhostUserMode, VhostUserSource,
};
use super::virtualport::{Midonet, OpenVSwitch, Qbg, Qbh, VirtualPort};

const VIRTIO: &str = "virtio";

impl Interface {
    /// A tap device libvirt creates with the given name (os-vif VIFGeneric):
    /// `<interface type='ethernet'><target dev='tap0'/><model type='virtio'/></interface>`.
    pub fn ethernet(target: DeviceName) -> Self {
        Interface::new(InterfaceKind::Ethernet)
            .with_target(target)
            .with_model(VIRTIO)
    }

    /// A port on a Linux bridge: `<interface type='bridge'><source bridge='br0'/>...`.
    pub fn bridge(bridge: DeviceName) -> Self {
        Interface::new(InterfaceKind::Bridge(BridgeSource { bridge })).with_model(VIRTIO)
    }

    /// A port on an Open vSwitch bridge (os-vif VIFOpenVSwitch):
    /// `<source bridge='br-int'/><virtualport type='openvswitch'><parameters
    /// interfaceid='...'/></virtualport>`.
    pub fn ovs_port(bridge: DeviceName, interfaceid: Uuid) -> Self {
        Interface::bridge(bridge).with_virtualport(VirtualPort::openvswitch(interfaceid))
    }

    /// A port on a libvirt network: `<source network='default'/>`.
    pub fn network(name: &str) -> Self {
        Interface::new(InterfaceKind::Network(NetworkSource {
            network: name.into(),
            portgroup: None,
            portid: None,
        }))
        .with_model(VIRTIO)
    }

    /// macvtap on a host device: `<source dev='eth0' mode='passthrough'/>`.
    pub fn direct(dev: DeviceName, mode: DirectMode) -> Self {
        Interface::new(InterfaceKind::Direct(DirectSource {
            dev,
            mode: Some(mode),
        }))
        .with_model(VIRTIO)
    }

    /// A vhost-user socket (os-vif VIFVHostUser), with the virtio model it needs:
    /// `<source type='unix' path='/run/vhu0' mode='client'/>`.
    pub fn vhost_user(path: &str, mode: VhostUserMode) -> Self {
        Interface::new(InterfaceKind::VhostUser(VhostUserSource {
            path: Some(path.into()),
            mode: Some(mode),
            reconnect: None,
        }))
        .with_model(VIRTIO)
    }

    /// An SR-IOV VF passed through, managed by libvirt (os-vif VIFHostDevice):
    /// `<interface type='hostdev' managed='yes'><source><address type='pci' .../>`.
    pub fn hostdev(address: PciAddress) -> Self {
        let mut i = Interface::new(InterfaceKind::Hostdev(HostdevSource { address }));
        i.managed = Some(true);
        i
    }

    /// A vDPA device: `<source dev='/dev/vhost-vdpa-0'/>`.
    pub fn vdpa(dev: &str) -> Self {
        Interface::new(InterfaceKind::Vdpa(VdpaSource { dev: dev.into() })).with_model(VIRTIO)
    }

    /// User-mode networking: `<interface type='user'/>`.
    pub fn user() -> Self {
        Interface::new(InterfaceKind::User)
    }

    /// Sets the MAC address: `<mac address='52:54:00:6d:90:02'/>`.
    pub fn with_mac(mut self, mac: MacAddr) -> Self {
        self.mac = Some(mac);
        self
    }

    /// Sets the guest model: `<model type='e1000e'/>`.
    pub fn with_model(mut self, model: &str) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the virtual port profile.
    pub fn with_virtualport(mut self, vp: VirtualPort) -> Self {
        self.virtualport = Some(vp);
        self
    }

    /// Sets the host-side device name: `<target dev='tap0'/>`.
    pub fn with_target(mut self, dev: DeviceName) -> Self {
        let managed = self.target.as_ref().and_then(|t| t.managed);
        self.target = Some(Target {
            dev: Some(dev),
            managed,
        });
        self
    }

    /// Tags the port: one tag is an access port, several a trunk (`trunk='yes'`):
    /// `<vlan trunk='yes'><tag id='42'/><tag id='48'/></vlan>`.
    pub fn with_vlan(mut self, tags: &[VlanTag]) -> Self {
        self.vlan = Some(Vlan {
            trunk: (tags.len() > 1).then_some(true),
            tags: tags
                .iter()
                .map(|&id| VlanTagSpec {
                    id,
                    native_mode: None,
                })
                .collect(),
        });
        self
    }

    /// Sets the MTU: `<mtu size='1450'/>`.
    pub fn with_mtu(mut self, mtu: u32) -> Self {
        self.mtu = Some(mtu);
        self
    }

    /// Sets the device alias: `<alias name='ua-net0'/>`.
    pub fn with_alias(mut self, alias: &str) -> Self {
        self.alias = Some(alias.into());
        self
    }

    /// Sets the boot order: `<boot order='1'/>`.
    pub fn with_boot_order(mut self, order: u32) -> Self {
        self.boot = Some(order);
        self
    }
}

impl VirtualPort {
    /// An 802.1Qbg profile: `<virtualport type='802.1Qbg'><parameters managerid='11'
    /// typeid='1193047' typeidversion='2'/></virtualport>` (libvirt generates the instance id).
    pub fn qbg(managerid: u8, typeid: u32, typeidversion: u8) -> Result<Self, IdError> {
        Ok(VirtualPort::Qbg(Qbg {
            managerid: Some(VsiManagerId::new(managerid.into())?),
            typeid: Some(VsiTypeId::new(typeid.into())?),
            typeidversion: Some(VsiTypeIdVersion::new(typeidversion.into())?),
            instanceid: None,
        }))
    }

    /// An 802.1Qbh profile: `<virtualport type='802.1Qbh'><parameters
    /// profileid='finance'/></virtualport>`.
    pub fn qbh(profileid: &str) -> Result<Self, IdError> {
        Ok(VirtualPort::Qbh(Qbh {
            profileid: Some(ProfileId::new(profileid)?),
        }))
    }

    /// An Open vSwitch port: `<virtualport type='openvswitch'><parameters
    /// interfaceid='...'/></virtualport>`.
    pub fn openvswitch(interfaceid: Uuid) -> Self {
        VirtualPort::OpenVSwitch(OpenVSwitch {
            interfaceid: Some(interfaceid),
            profileid: None,
        })
    }

    /// A MidoNet port: `<virtualport type='midonet'><parameters
    /// interfaceid='...'/></virtualport>`.
    pub fn midonet(interfaceid: Uuid) -> Self {
        VirtualPort::Midonet(Midonet {
            interfaceid: Some(interfaceid),
        })
    }

    /// Sets the 802.1Qbg instance id (no effect on other types).
    pub fn with_instanceid(mut self, id: Uuid) -> Self {
        if let VirtualPort::Qbg(q) = &mut self {
            q.instanceid = Some(id);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid() -> Uuid {
        "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f".parse().unwrap()
    }

    #[test]
    fn common_cases_validate_and_round_trip() {
        let cases = vec![
            Interface::ethernet("tap0".parse().unwrap()),
            Interface::bridge("br0".parse().unwrap()),
            Interface::ovs_port("br-int".parse().unwrap(), uuid())
                .with_vlan(&[VlanTag::new(42).unwrap(), VlanTag::new(48).unwrap()]),
            Interface::network("default").with_mtu(1450),
            Interface::direct("eth0".parse().unwrap(), DirectMode::Vepa).with_virtualport(
                VirtualPort::qbg(11, 0x123456, 2)
                    .unwrap()
                    .with_instanceid(uuid()),
            ),
            Interface::direct("eth0".parse().unwrap(), DirectMode::Passthrough)
                .with_virtualport(VirtualPort::qbh("finance").unwrap())
                .with_vlan(&[VlanTag::new(7).unwrap()]),
            Interface::vhost_user("/run/vhu0.sock", VhostUserMode::Client),
            Interface::hostdev(PciAddress::new(0, 3, 0x10, 1).unwrap())
                .with_virtualport(VirtualPort::qbh("finance").unwrap()),
            Interface::vdpa("/dev/vhost-vdpa-0"),
            Interface::user().with_alias("ua-net0").with_boot_order(1),
            Interface::bridge("br0".parse().unwrap())
                .with_virtualport(VirtualPort::midonet(uuid())),
        ];
        for i in cases {
            let errors: Vec<_> = i.validate().into_iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{errors:#?}\n{}", i.to_xml());
            assert_eq!(Interface::from_xml(&i.to_xml()).unwrap(), i);
        }
    }

    #[test]
    fn constructors_refuse_out_of_range_ids() {
        assert!(VirtualPort::qbg(1, 0x100_0000, 1).is_err());
        assert!(VirtualPort::qbh("").is_err());
        assert!(VirtualPort::qbh(&"x".repeat(40)).is_err());
    }
}
