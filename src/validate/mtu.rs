//! The interface MTU: its range and the interface types that take one (`mtu.range`,
//! `mtu.placement`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn mtu(&mut self) {
        let Some(mtu) = self.i.mtu else {
            return;
        };
        if mtu > u32::from(u16::MAX) {
            self.err(
                "mtu.range",
                "mtu/@size",
                format!("mtu {mtu}: expected at most 65535"),
            );
        }
        // The QEMU driver sets a host MTU only where it makes the host side of the NIC. Size 0
        // is libvirt's "not set".
        if mtu == 0 {
            return;
        }
        let ty = self.ty();
        match &self.i.kind {
            InterfaceKind::Network(_)
            | InterfaceKind::Bridge(_)
            | InterfaceKind::Ethernet
            | InterfaceKind::VhostUser(_) => {}
            InterfaceKind::User if self.passt() => {}
            InterfaceKind::Direct(_) => self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a direct (macvtap) interface: the test driver takes it, but the qemu \
                 driver refuses it ('setting MTU on interface type direct is not supported'); \
                 the macvtap device takes the host device's mtu"
                    .into(),
            ),
            InterfaceKind::Hostdev(_) => self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a hostdev interface: the qemu driver refuses it ('setting MTU on \
                 interface type hostdev is not supported yet'); set the vf's mtu on the host"
                    .into(),
            ),
            InterfaceKind::User => self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on type='user' without the passt backend: the qemu driver refuses it \
                 ('setting MTU on interface type user is not supported yet')"
                    .into(),
            ),
            _ => self.err(
                "mtu.placement",
                "mtu/@size",
                format!(
                    "mtu on type='{ty}': the qemu driver refuses it ('setting MTU on interface \
                     type {ty} is not supported yet'); it sets an mtu on network, bridge, \
                     ethernet, vhostuser and passt-backed user interfaces"
                ),
            ),
        }
    }
}
