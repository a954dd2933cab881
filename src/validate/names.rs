//! Host network device names: their length, the prefixes libvirt keeps for itself, and the
//! characters of portgroup and vDPA device names (`name.length`, `target.reserved-prefix`,
//! `name.syntax`).

use super::Checker;
use crate::model::kind::InterfaceKind;

/// Interface types whose host side is a network device name the kernel limits to 15 bytes.
const IFNAMSIZ: usize = 15;

impl Checker<'_> {
    pub(super) fn names(&mut self) {
        let target = self.i.target.as_ref().and_then(|t| t.dev.as_ref());
        let source = match &self.i.kind {
            InterfaceKind::Direct(d) => Some(("source/@dev", d.dev.as_str())),
            InterfaceKind::Bridge(b) => Some(("source/@bridge", b.bridge.as_str())),
            _ => None,
        };
        let host_names = target
            .map(|d| ("target/@dev", d.as_str()))
            .into_iter()
            .chain(source);
        for (path, name) in host_names {
            if name.len() > IFNAMSIZ {
                self.err(
                    "name.length",
                    path,
                    format!(
                        "'{name}' is {} bytes: linux network device names are at most 15, so \
                         the guest fails to start",
                        name.len()
                    ),
                );
            }
        }
        if let Some(dev) = self.i.target.as_ref().and_then(|t| t.dev.as_ref()) {
            let dev = dev.as_str();
            if let Some(p) = ["vnet", "macvtap", "macvlan"]
                .into_iter()
                .find(|p| dev.starts_with(p))
            {
                if !matches!(self.i.target.as_ref().and_then(|t| t.managed), Some(false)) {
                    self.warn(
                        "target.reserved-prefix",
                        "target/@dev",
                        format!(
                            "target dev '{dev}' starts with '{p}', which libvirt reserves for \
                             names it generates: it drops the name and picks its own"
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn name_syntax(&mut self) {
        let mut names: Vec<(&str, &str)> = Vec::new();
        if let InterfaceKind::Network(n) = &self.i.kind {
            if let Some(pg) = &n.portgroup {
                names.push(("source/@portgroup", pg));
            }
        }
        if let InterfaceKind::Vdpa(v) = &self.i.kind {
            names.push(("source/@dev", &v.dev));
        }
        let bad: Vec<(String, String)> = names
            .into_iter()
            .filter(|(_, v)| crate::model::ids::DeviceName::new(v).is_err())
            .map(|(p, v)| (p.to_owned(), v.to_owned()))
            .collect();
        for (path, v) in bad {
            let what = path.rsplit('@').next().unwrap_or("name").to_owned();
            self.err(
                "name.syntax",
                &path,
                format!("{what} '{v}': expected characters from [a-zA-Z0-9_.-\\:/]"),
            );
        }
    }
}
