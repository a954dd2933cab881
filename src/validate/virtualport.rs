//! Virtual port profiles: which port types work on which interface types, and which
//! parameters each needs (`virtualport.untyped`, `virtualport.placement`,
//! `virtualport.incomplete`, `virtualport.managerid-reserved`).

use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::model::virtualport::VirtualPort;

impl Checker<'_> {
    pub(super) fn virtualport(&mut self) {
        let Some(vp) = &self.i.virtualport else {
            return;
        };
        let ty = self.ty();
        let kind = &self.i.kind;
        // Which typed ports work where (at guest start, not only at define).
        let allowed: &[&str] = match kind {
            InterfaceKind::Direct(_) => &["802.1Qbg", "802.1Qbh"],
            InterfaceKind::Hostdev(_) => &["802.1Qbh"],
            InterfaceKind::Bridge(_) => &["openvswitch", "midonet"],
            InterfaceKind::Network(_) => &["802.1Qbg", "802.1Qbh", "openvswitch", "midonet"],
            _ => &[],
        };
        let is_network = matches!(kind, InterfaceKind::Network(_));
        match vp.type_name() {
            None => {
                if !is_network {
                    self.err(
                        "virtualport.untyped",
                        "virtualport",
                        format!(
                            "a virtualport without type is only merged into a network's port \
                             profile; on type='{ty}' give one of: {}",
                            list_or_none(allowed)
                        ),
                    );
                }
            }
            Some(t) if !allowed.contains(&t) => {
                let consequence = match (kind, t) {
                    (InterfaceKind::Bridge(_), "802.1Qbg" | "802.1Qbh") => {
                        "libvirt accepts it at define, but a bridge port never runs the vdp/port \
                         profile association, so the profile silently does nothing"
                    }
                    (InterfaceKind::Hostdev(_), _) => {
                        "libvirt accepts it at define, but starting the guest fails: hostdev \
                         interfaces only associate 802.1Qbh port profiles"
                    }
                    (InterfaceKind::Direct(_), _) => {
                        "libvirt accepts it at define, but a macvtap device is not an ovs or \
                         midonet port, so the profile silently does nothing"
                    }
                    _ => "libvirt refuses or ignores a virtualport on this interface type",
                };
                self.err(
                    "virtualport.placement",
                    "virtualport/@type",
                    format!(
                        "{t} virtualport on type='{ty}': {consequence}; expected {}",
                        list_or_none(allowed)
                    ),
                );
                return;
            }
            Some(_) => {}
        }
        // Completeness: a network can supply missing parameters, other types cannot.
        match vp {
            VirtualPort::Qbg(q) => {
                if let Some(m) = q.managerid {
                    if m.get() == 0 {
                        self.warn(
                            "virtualport.managerid-reserved",
                            "virtualport/parameters/@managerid",
                            "managerid 0 is reserved by IEEE 802.1Qbg: expected 1..=255".into(),
                        );
                    }
                }
                if !is_network {
                    for (name, missing) in [
                        ("managerid", q.managerid.is_none()),
                        ("typeid", q.typeid.is_none()),
                        ("typeidversion", q.typeidversion.is_none()),
                    ] {
                        if missing {
                            self.err(
                                "virtualport.incomplete",
                                "virtualport/parameters",
                                format!("802.1Qbg virtualport on type='{ty}' needs {name}"),
                            );
                        }
                    }
                }
            }
            VirtualPort::Qbh(q) => {
                if q.profileid.is_none() && !is_network {
                    self.err(
                        "virtualport.incomplete",
                        "virtualport/parameters",
                        format!("802.1Qbh virtualport on type='{ty}' needs profileid"),
                    );
                }
            }
            VirtualPort::Midonet(m) => {
                // libvirt's schema requires interfaceid on a midonet port, network or not.
                if m.interfaceid.is_none() {
                    self.err(
                        "virtualport.incomplete",
                        "virtualport/parameters",
                        format!(
                            "midonet virtualport on type='{ty}' needs interfaceid: libvirt \
                             makes up a random one that no midonet port is bound to"
                        ),
                    );
                }
            }
            VirtualPort::Untyped(u) => {
                if let Some(m) = u.managerid {
                    if m.get() == 0 {
                        self.warn(
                            "virtualport.managerid-reserved",
                            "virtualport/parameters/@managerid",
                            "managerid 0 is reserved by IEEE 802.1Qbg: expected 1..=255".into(),
                        );
                    }
                }
            }
            VirtualPort::OpenVSwitch(_) => {}
        }
    }
}

fn list_or_none(v: &[&str]) -> String {
    if v.is_empty() {
        "no virtualport at all".into()
    } else {
        v.join(" or ")
    }
}
