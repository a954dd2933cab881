//! The `<target>` element needs a device name (`target.dev`).

use super::Checker;

impl Checker<'_> {
    pub(super) fn target_dev(&mut self) {
        if let Some(t) = &self.i.target {
            if t.dev.is_none() {
                self.err(
                    "target.dev",
                    "target",
                    "<target> needs dev='NAME': libvirt's schema refuses it without".into(),
                );
            }
        }
    }
}
