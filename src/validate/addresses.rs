//! The guest device address: what a hostdev vf takes, and the pci domain qemu has
//! (`address.hostdev`, `address.pci-domain`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn hostdev_address(&mut self) {
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            if let Some(crate::model::DeviceAddress::Other { address_type }) = &self.i.address {
                if address_type != "unassigned" {
                    self.err(
                        "address.hostdev",
                        "address/@type",
                        format!(
                            "address type '{address_type}' on a hostdev interface: a pci vf needs \
                             a pci guest address (or 'unassigned'); libvirt refuses others"
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn pci_domain(&mut self) {
        if let Some(crate::model::DeviceAddress::Pci(a)) = &self.i.address {
            if a.domain != 0 {
                self.err(
                    "address.pci-domain",
                    "address/@domain",
                    format!(
                        "guest pci domain {:#06x}: libvirt takes it at define, but the qemu \
                         driver only has pci domain 0",
                        a.domain
                    ),
                );
            }
        }
    }
}
