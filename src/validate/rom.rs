//! The `<rom>` element: no settings on a disabled rom (`rom.disabled`).

use super::Checker;

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
        }
    }
}
