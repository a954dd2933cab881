//! The `<coalesce>` element: only where the QEMU driver makes a tap device it can tune
//! (`coalesce.placement`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn coalesce(&mut self) {
        if self.i.coalesce.is_none() {
            return;
        }
        if matches!(
            self.i.kind,
            InterfaceKind::Network(_) | InterfaceKind::Bridge(_)
        ) {
            return;
        }
        let ty = self.ty();
        self.err(
            "coalesce.placement",
            "coalesce",
            format!(
                "coalesce on type='{ty}': the qemu driver refuses it at define ('coalesce \
                 settings on interface type {ty} are not supported'); it takes coalesce on \
                 network and bridge interfaces"
            ),
        );
    }
}
