//! The boot order starts at 1 (`boot.order`).

use super::Checker;

impl Checker<'_> {
    pub(super) fn boot_order(&mut self) {
        if self.i.boot == Some(0) {
            self.err(
                "boot.order",
                "boot/@order",
                "boot order 0: expected 1 or more".into(),
            );
        }
    }
}
