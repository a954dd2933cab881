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
        if matches!(self.i.kind, InterfaceKind::Direct(_)) {
            self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a direct (macvtap) interface: the test driver takes it, but the qemu \
                 driver refuses it ('setting MTU on interface type direct is not supported'); \
                 the macvtap device takes the host device's mtu"
                    .into(),
            );
        }
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a hostdev interface: the qemu driver refuses it ('setting MTU on \
                 interface type hostdev is not supported yet'); set the vf's mtu on the host"
                    .into(),
            );
        }
    }
}
