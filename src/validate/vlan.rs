//! VLAN tags: their shape and the interface types that apply them (`vlan.empty`,
//! `vlan.trunk`, `vlan.native-mode`, `vlan.plain-bridge`, `vlan.placement`).

use super::Checker;
use crate::model::kind::{DirectMode, InterfaceKind};
use crate::model::virtualport::VirtualPort;

impl Checker<'_> {
    pub(super) fn vlan(&mut self) {
        let Some(vlan) = &self.i.vlan else {
            return;
        };
        let ty = self.ty();
        if vlan.tags.is_empty() {
            self.err(
                "vlan.empty",
                "vlan",
                "<vlan> needs at least one <tag id='...'/>".into(),
            );
        }
        if vlan.trunk == Some(false) {
            self.err(
                "vlan.trunk",
                "vlan/@trunk",
                format!(
                    "trunk='no' with {} tag(s): libvirt's schema only takes trunk='yes'; leave \
                     trunk out for a single tag",
                    vlan.tags.len()
                ),
            );
        }
        let natives = vlan.tags.iter().filter(|t| t.native_mode.is_some()).count();
        if natives > 1 {
            self.err(
                "vlan.native-mode",
                "vlan",
                format!("{natives} tags have nativeMode: expected at most one native vlan"),
            );
        }
        let ovs = matches!(self.i.virtualport, Some(VirtualPort::OpenVSwitch(_)));
        match &self.i.kind {
            InterfaceKind::Hostdev(_) | InterfaceKind::Network(_) => {}
            InterfaceKind::Direct(d) if d.mode == Some(DirectMode::Passthrough) => {}
            InterfaceKind::Bridge(_) if ovs => {}
            // libvirt 9.0 defines it and fails the start ("vlan tag not supported for this
            // connection type"); 11.x sets the tags on the bridge port (the bridge needs
            // vlan_filtering on): the catalog limits the rule to versions before 11.0.
            InterfaceKind::Bridge(_) => self.err(
                "vlan.plain-bridge",
                "vlan",
                format!(
                    "vlan tags on a linux bridge without openvswitch: libvirt {} defines the \
                     guest and fails to start it (libvirt 11.0 and later apply them)",
                    self.version
                ),
            ),
            InterfaceKind::Direct(_) => self.err(
                "vlan.placement",
                "vlan",
                "vlan tags on a direct interface only work in mode='passthrough': libvirt \
                 accepts them at define but starting the guest fails"
                    .into(),
            ),
            _ => self.err(
                "vlan.placement",
                "vlan",
                format!(
                    "vlan tags on type='{ty}': libvirt accepts them at define but starting the \
                     guest fails; expected hostdev, direct passthrough, bridge with openvswitch \
                     or network"
                ),
            ),
        }
    }
}
