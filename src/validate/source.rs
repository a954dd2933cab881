//! The `<source>` of the types whose source the model keeps verbatim (ethernet, user, and
//! the unmodelled types): required attributes present and no others (`source.shape`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    /// The `<source>` of a type whose source the model keeps verbatim: the attributes libvirt
    /// requires are there and no others.
    pub(super) fn source_shape(&mut self, attrs: Option<&[String]>) {
        let (required, optional): (&[&str], &[&str]) = match &self.i.kind {
            InterfaceKind::Ethernet => (&[], &[]),
            InterfaceKind::User => (&["dev"], &[]),
            InterfaceKind::Other(o) => match o.type_name.as_str() {
                "mcast" | "client" | "udp" => (&["address", "port"], &[]),
                "server" => (&["port"], &["address"]),
                "internal" => (&["name"], &[]),
                "vds" => (&["switchid", "portid", "portgroupid", "connectionid"], &[]),
                "null" => {
                    if attrs.is_some() {
                        self.err(
                            "source.shape",
                            "source",
                            "type='null' takes no <source>: libvirt's schema refuses it".into(),
                        );
                    }
                    return;
                }
                _ => return,
            },
            _ => return,
        };
        let ty = self.ty();
        let Some(attrs) = attrs else {
            if !matches!(self.i.kind, InterfaceKind::Ethernet | InterfaceKind::User) {
                self.err(
                    "source.shape",
                    "",
                    format!(
                        "type='{ty}' needs a <source> with {}: libvirt refuses it without",
                        required.join(" and ")
                    ),
                );
            }
            return;
        };
        let missing: Vec<&str> = required
            .iter()
            .filter(|r| !attrs.iter().any(|a| a == *r))
            .copied()
            .collect();
        let extra: Vec<&str> = attrs
            .iter()
            .map(String::as_str)
            .filter(|a| !required.contains(a) && !optional.contains(a))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            let mut what = Vec::new();
            if !missing.is_empty() {
                what.push(format!("lacks {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                what.push(format!("has {}, which it does not take", extra.join(", ")));
            }
            self.err(
                "source.shape",
                "source",
                format!(
                    "the <source> of type='{ty}' {}: libvirt refuses it (expected {})",
                    what.join(" and "),
                    if required.is_empty() && optional.is_empty() {
                        "no attributes".to_owned()
                    } else {
                        required
                            .iter()
                            .chain(optional)
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            );
        }
    }
}
