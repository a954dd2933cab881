//! Port isolation: only a plain linux bridge port can be isolated (`port.isolated`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn port_isolated(&mut self) {
        let ty = self.ty();
        if self.i.port_isolated == Some(true) {
            if !matches!(
                self.i.kind,
                InterfaceKind::Network(_) | InterfaceKind::Bridge(_)
            ) {
                self.err(
                    "port.isolated",
                    "port/@isolated",
                    format!(
                        "port isolated='yes' on type='{ty}': only a linux bridge (bridge or \
                         network) isolates ports; libvirt refuses it"
                    ),
                );
            } else if let Some(t) = self.i.virtualport.as_ref().and_then(|v| v.type_name()) {
                self.err(
                    "port.isolated",
                    "port/@isolated",
                    format!(
                        "port isolated='yes' with a {t} virtualport: libvirt refuses it; only a \
                         plain linux bridge port can be isolated"
                    ),
                );
            }
        }
    }
}
