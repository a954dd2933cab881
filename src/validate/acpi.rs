//! `<acpi index>`: not 0, at most QEMU's 16383, only on PCI devices (`acpi.index`,
//! `acpi.index-range`, `acpi.placement`). Uniqueness across devices is in `devices`.

use super::Checker;
use crate::model::interface::DeviceAddress;

/// The largest acpi index QEMU takes (it refuses to start the guest above).
pub(super) const ACPI_INDEX_MAX: u32 = 16383;

impl Checker<'_> {
    pub(super) fn acpi(&mut self) {
        let Some(index) = self.i.acpi_index else {
            return;
        };
        if index == 0 {
            self.err(
                "acpi.index",
                "acpi/@index",
                "acpi index='0': libvirt refuses it at define (indexes start at 1)".into(),
            );
        } else if index > ACPI_INDEX_MAX {
            self.err(
                "acpi.index-range",
                "acpi/@index",
                format!(
                    "acpi index='{index}': libvirt defines it and QEMU refuses to start the guest \
                     (it takes 1..={ACPI_INDEX_MAX})"
                ),
            );
        }
        if let Some(DeviceAddress::Other { address_type }) = &self.i.address {
            if !matches!(address_type.as_str(), "pci" | "none") {
                self.err(
                    "acpi.placement",
                    "acpi/@index",
                    format!(
                        "acpi index on a device at a '{address_type}' address: the qemu driver \
                         refuses it at define ('ACPI index is only supported for PCI devices')"
                    ),
                );
            }
        }
    }
}
