//! Interfaces and addresses in the verbatim form: a form naming what the model has its own
//! form for, and interface types libvirt does not know (`model.verbatim-form`,
//! `interface.type`).

use super::Checker;
use crate::model::kind::InterfaceKind;

/// Interface types libvirt knows (`virDomainNetType`).
const LIBVIRT_TYPES: &[&str] = &[
    "user",
    "ethernet",
    "vhostuser",
    "server",
    "client",
    "mcast",
    "network",
    "bridge",
    "internal",
    "direct",
    "hostdev",
    "udp",
    "vdpa",
    "null",
    "vds",
];

impl Checker<'_> {
    pub(super) fn verbatim_forms(&mut self) {
        // Verbatim forms naming what the model has its own form for would read back as that
        // form (or not at all: type='bridge' without its source).
        if let InterfaceKind::Other(o) = &self.i.kind {
            if InterfaceKind::is_modelled(&o.type_name) && !self.usb_hostdev() {
                self.err(
                    "model.verbatim-form",
                    "@type",
                    format!(
                        "interface type '{}' given in the verbatim form: it reads back as the \
                         modelled type, so use that (with its source)",
                        o.type_name
                    ),
                );
            }
        }
        if let Some(crate::model::DeviceAddress::Other { address_type }) = &self.i.address {
            if address_type == "pci" {
                self.err(
                    "model.verbatim-form",
                    "address/@type",
                    "address type 'pci' given in the verbatim form: it reads back as a pci \
                     address with every field 0, so give the pci address itself"
                        .into(),
                );
            }
        }
    }

    pub(super) fn interface_type(&mut self) {
        if let InterfaceKind::Other(o) = &self.i.kind {
            if !LIBVIRT_TYPES.contains(&o.type_name.as_str()) {
                self.err(
                    "interface.type",
                    "@type",
                    format!(
                        "interface type '{}' is not one libvirt knows (names are lowercase): \
                         expected one of {}",
                        o.type_name,
                        LIBVIRT_TYPES.join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Only the library API builds these models: neither xml nor a spec reads to them.
    #[test]
    fn verbatim_forms_of_modelled_things() {
        use crate::model::{DeviceAddress, Interface, InterfaceKind};
        let other = |t: &str| {
            Interface::new(InterfaceKind::Other(crate::model::kind::OtherKind {
                type_name: t.into(),
            }))
        };
        let rules = |i: &Interface| i.validate().iter().map(|d| d.rule).collect::<Vec<_>>();
        assert!(!rules(&other("null")).contains(&"model.verbatim-form"));
        assert!(rules(&other("bridge")).contains(&"model.verbatim-form"));
        let mut i = Interface::new(InterfaceKind::User);
        i.address = Some(DeviceAddress::Other {
            address_type: "ccw".into(),
        });
        assert!(!rules(&i).contains(&"model.verbatim-form"));
        i.address = Some(DeviceAddress::Other {
            address_type: "pci".into(),
        });
        let f = i.validate();
        let hit = f.iter().find(|d| d.rule == "model.verbatim-form").unwrap();
        assert_eq!(hit.path, "address/@type");
        assert!(hit.is_error());
    }
}
