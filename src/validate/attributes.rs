//! Attributes that only some interface types take: managed, target managed='no',
//! trustGuestRxFilters (`interface.managed`, `target.managed`,
//! `interface.trust-guest-rx-filters`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn attributes(&mut self) {
        let ty = self.ty();
        // Type names, not kinds: a USB hostdev is kept in the verbatim form.
        let hostdev = ty == "hostdev";
        if self.i.mac.is_none() && (self.i.mac_type.is_some() || self.i.mac_check.is_some()) {
            self.err(
                "mac.attributes",
                "mac",
                "mac type or check without a mac address: libvirt's schema needs the address \
                 beside them"
                    .into(),
            );
        }
        if !hostdev && self.i.managed.is_some() {
            self.err(
                "interface.managed",
                "@managed",
                format!("managed is an attribute of hostdev interfaces, not type='{ty}'"),
            );
        }
        if self.i.target.as_ref().and_then(|t| t.managed) == Some(false)
            && !matches!(self.i.kind, InterfaceKind::Ethernet)
        {
            self.err(
                "target.managed",
                "target/@managed",
                format!("target managed='no' (an existing tap device) only works with type='ethernet', not '{ty}'"),
            );
        }
        if self.i.trust_guest_rx_filters.is_some()
            && !matches!(
                self.i.kind,
                InterfaceKind::Direct(_) | InterfaceKind::Network(_)
            )
        {
            self.err(
                "interface.trust-guest-rx-filters",
                "@trustGuestRxFilters",
                format!(
                    "trustGuestRxFilters on type='{ty}': only macvtap (direct, or a network of \
                     direct devices) follows the guest's filters; elsewhere starting the guest \
                     fails"
                ),
            );
        }
    }
}
