//! The `<backend>` element: its type (passt) and its device paths (`backend.passt`,
//! `backend.type`, `backend.path`).

use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::version::LibvirtVersion;

impl Checker<'_> {
    pub(super) fn backend(&mut self) {
        let ty = self.ty();
        if self.has_kept_child("portForward") {
            let passt = self.passt();
            let served = matches!(self.i.kind, InterfaceKind::User)
                || (matches!(self.i.kind, InterfaceKind::VhostUser(_))
                    && self.version >= LibvirtVersion::V11_1);
            if !(passt && served) {
                self.err(
                    "backend.port-forward",
                    "portForward",
                    format!(
                        "<portForward> on type='{ty}'{}: libvirt refuses it at define (port \
                         forwarding is passt's: <backend type='passt'/> on type='user', or \
                         vhostuser from 11.1)",
                        if passt {
                            ""
                        } else {
                            " without the passt backend"
                        }
                    ),
                );
            }
        }
        if let Some(b) = &self.i.backend {
            match b.backend_type.as_deref() {
                None => {}
                Some("passt") => {
                    let vhostuser = matches!(self.i.kind, InterfaceKind::VhostUser(_));
                    let serves = matches!(self.i.kind, InterfaceKind::User)
                        || (vhostuser && self.version >= LibvirtVersion::V11_1);
                    if !serves {
                        let since = if vhostuser {
                            format!(
                                "; vhostuser takes it from libvirt 11.1 on, this is {}",
                                self.version
                            )
                        } else {
                            " (and vhostuser from libvirt 11.1 on)".into()
                        };
                        self.err(
                            "backend.passt-placement",
                            "backend/@type",
                            format!(
                                "backend type='passt' on type='{ty}': libvirt refuses it at \
                                 define; passt serves type='user'{since}"
                            ),
                        );
                    } else {
                        self.err(
                            "backend.passt",
                            "backend/@type",
                            format!(
                                "backend type='passt': libvirt {} as Debian 12 ships it refuses \
                                 the word at define (libvirt issue #462; upstream 9.0 and later \
                                 releases take it)",
                                self.version
                            ),
                        );
                    }
                }
                // 'default' names the hypervisor's own backend: libvirt 9.0's schema refuses
                // it, 11.3 takes it (libvirt's NEWS first mentions it in 10.6).
                Some("default") if self.version >= LibvirtVersion::new(10, 6) => {}
                Some(t) => self.err(
                    "backend.type",
                    "backend/@type",
                    format!(
                        "backend type '{t}': libvirt {} takes passt{}, or no type for the \
                         hypervisor's default backend",
                        self.version,
                        if self.version >= LibvirtVersion::new(10, 6) {
                            " or default"
                        } else {
                            ""
                        }
                    ),
                ),
            }
            if b.tap.is_some()
                && !matches!(
                    self.i.kind,
                    InterfaceKind::Network(_) | InterfaceKind::Bridge(_) | InterfaceKind::Ethernet
                )
            {
                self.err(
                    "backend.tap-placement",
                    "backend/@tap",
                    format!(
                        "backend tap on type='{ty}': libvirt defines it and the guest fails to \
                         start ('custom tap device path is not supported for network interfaces \
                         of type {ty}'); a custom tap device serves network, bridge and ethernet \
                         interfaces"
                    ),
                );
            }
            for (name, v) in [("hostname", &b.hostname), ("fqdn", &b.fqdn)] {
                if v.is_none() {
                    continue;
                }
                if self.version < LibvirtVersion::V11_8 {
                    self.err(
                        "backend.hostname",
                        &format!("backend/@{name}"),
                        format!(
                            "backend {name}: libvirt {} does not have it (its schema refuses it; \
                             libvirt 11.8 added hostname and fqdn for passt)",
                            self.version
                        ),
                    );
                } else if !self.passt() {
                    self.err(
                        "backend.hostname-passt",
                        &format!("backend/@{name}"),
                        format!(
                            "backend {name} without type='passt': libvirt refuses it at define \
                             (passt's DHCP hands it to the guest)"
                        ),
                    );
                }
            }
            if b.log_file.is_some() && !self.passt() {
                self.warn(
                    "backend.log-file",
                    "backend/@logFile",
                    "backend logFile without type='passt': libvirt takes it and nothing writes \
                     the file (it is passt's log)"
                        .into(),
                );
            }
            for (name, v) in [
                ("tap", &b.tap),
                ("vhost", &b.vhost),
                ("logFile", &b.log_file),
            ] {
                if let Some(p) = v {
                    if !p.starts_with('/') || p.len() < 2 {
                        self.err(
                            "backend.path",
                            &format!("backend/@{name}"),
                            format!("backend {name}='{p}': expected an absolute path"),
                        );
                    }
                }
            }
        }
    }
}
