//! The `<rom>` element: no settings on a disabled rom (`rom.disabled`), only on PCI devices
//! (`rom.placement`).

use super::Checker;
use crate::model::interface::DeviceAddress;

impl Checker<'_> {
    pub(super) fn rom(&mut self) {
        if let Some(rom) = &self.i.rom {
            if rom.enabled == Some(false) && (rom.bar.is_some() || rom.file.is_some()) {
                self.err(
                    "rom.disabled",
                    "rom",
                    "rom enabled='no' with bar or file: libvirt refuses rom settings on a \
                     disabled rom"
                        .into(),
                );
            }
            if rom.file.as_deref() == Some("") {
                self.err(
                    "rom.file",
                    "rom/@file",
                    "rom file='' (the old way to turn the rom off): libvirt's schema refuses it; \
                     write enabled='no'"
                        .into(),
                );
            }
            if let Some(DeviceAddress::Other { address_type }) = &self.i.address {
                if !matches!(address_type.as_str(), "pci" | "none" | "unassigned") {
                    self.err(
                        "rom.placement",
                        "rom",
                        format!(
                            "rom settings on a device at a '{address_type}' address: the qemu \
                             driver refuses them at define ('ROM tuning is only supported for \
                             PCI devices')"
                        ),
                    );
                }
            }
        }
    }
}
