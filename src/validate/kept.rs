//! Values inside content the model keeps verbatim: guest-side `<ip>` and `<route>`,
//! `<tune><sndbuf>`, the `<source>` of verbatim types and the network
//! attributes of a bridge or direct source (`ip.address`, `ip.prefix`, `ip.placement`,
//! `ip.count`, `ip.prefix-qemu`, `ip.peer`, `route.placement`, `tune.sndbuf`,
//! `source.port`, `source.local`, `source.network-attributes`).

use std::net::IpAddr;

use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::version::LibvirtVersion;
use crate::xml::lex::{Lexer, Tok};

/// One element kept verbatim, read back: name, attributes, text and child elements.
#[derive(Default)]
struct Kept {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Kept>,
}

impl Kept {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a kept element (its first element, a few levels deep); `None` for text or comments.
fn read(raw: &str) -> Option<Kept> {
    let raw = raw.trim_start_matches([' ', '\t', '\r', '\n']);
    let mut lx = Lexer::fragment(raw);
    let mut stack: Vec<Kept> = Vec::new();
    loop {
        match lx.next().ok()? {
            (_, tok @ (Tok::Start(_) | Tok::Empty(_))) => {
                let (t, empty) = match tok {
                    Tok::Start(t) => (t, false),
                    Tok::Empty(t) => (t, true),
                    _ => return None,
                };
                let k = Kept {
                    name: t.name.to_owned(),
                    attrs: lx
                        .attrs_of(&t)
                        .iter()
                        .map(|a| (a.name.to_owned(), a.value.to_string()))
                        .collect(),
                    ..Kept::default()
                };
                if empty {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(k),
                        None => return Some(k),
                    }
                } else {
                    stack.push(k);
                }
            }
            (_, Tok::End) => {
                let done = stack.pop()?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Some(done),
                }
            }
            (_, Tok::Text(t)) => {
                if let Some(k) = stack.last_mut() {
                    k.text.push_str(t);
                }
            }
            (_, Tok::Eof) => return stack.into_iter().next(),
            _ => {}
        }
    }
}

fn number(s: &str) -> Option<u64> {
    let t = s.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

impl Checker<'_> {
    /// The interface's direct children kept verbatim, read back.
    fn kept_children(&self) -> Vec<Kept> {
        self.i
            .extras
            .elements
            .iter()
            .filter(|n| n.parent.is_empty())
            .filter_map(|n| read(n.xml.as_str()))
            .collect()
    }

    /// A hostdev interface in the verbatim form because its source is a USB device (the model
    /// names SR-IOV VFs by PCI address only).
    pub(super) fn usb_hostdev(&self) -> bool {
        matches!(&self.i.kind, InterfaceKind::Other(o) if o.type_name == "hostdev")
            && self.kept_children().iter().any(|k| {
                k.name == "source"
                    && k.children
                        .iter()
                        .any(|c| c.name == "address" && c.attr("type") == Some("usb"))
            })
    }

    pub(super) fn kept_values(&mut self) {
        self.source_network_attributes();
        if self.i.extras.elements.is_empty() {
            return;
        }
        let kept = self.kept_children();
        self.guest_ips(&kept);
        for k in &kept {
            match k.name.as_str() {
                "route" if !self.vdpa_before_11_3() => self.err(
                    "route.placement",
                    "route",
                    "a guest-side <route>: the qemu driver refuses it at define ('Invalid attempt \
                     to set network interface guest-side IP route, not supported by QEMU')"
                        .into(),
                ),
                "tune" => {
                    for c in k.children.iter().filter(|c| c.name == "sndbuf") {
                        if number(&c.text).is_none_or(|n| n > u64::from(u32::MAX)) {
                            self.err(
                                "tune.sndbuf",
                                "tune/sndbuf",
                                format!(
                                    "sndbuf '{}': libvirt's schema takes a byte count, 0 to \
                                     4294967295",
                                    c.text.trim()
                                ),
                            );
                        }
                    }
                }
                "source" => self.verbatim_source(k),
                "portForward" => self.port_forward(k),
                _ => {}
            }
        }
    }

    /// `portgroup` and `portid` on a bridge or direct source belong to the `network` they name.
    fn source_network_attributes(&mut self) {
        if !matches!(
            self.i.kind,
            InterfaceKind::Bridge(_) | InterfaceKind::Direct(_)
        ) {
            return;
        }
        // Most sources keep nothing: no work then.
        if self.i.extras.attributes.is_empty() {
            return;
        }
        let attr = |n: &str| {
            self.i
                .extras
                .attributes_of("source")
                .find(|a| a.name.as_str() == n)
                .map(|a| a.value.clone())
        };
        let (network, portgroup, portid) = (attr("network"), attr("portgroup"), attr("portid"));
        let ty = self.ty();
        if network.is_none() {
            for (name, v) in [("portgroup", &portgroup), ("portid", &portid)] {
                if v.is_some() {
                    self.err(
                        "source.network-attributes",
                        &format!("source/@{name}"),
                        format!(
                            "{name} on the source of type='{ty}' without network: libvirt's \
                             schema takes it only with the network it belongs to (or use \
                             type='network')"
                        ),
                    );
                }
            }
        }
        if let Some(v) = attr("macTableManager") {
            if !matches!(v.as_str(), "kernel" | "libvirt") {
                self.err(
                    "source.network-attributes",
                    "source/@macTableManager",
                    format!("macTableManager '{v}': libvirt's schema takes kernel or libvirt"),
                );
            }
        }
        if let Some(v) = portid {
            if v.parse::<crate::model::ids::Uuid>().is_err() {
                self.err(
                    "source.network-attributes",
                    "source/@portid",
                    format!("portid '{v}': expected a uuid"),
                );
            }
        }
    }

    /// `<portForward>`: each `<range>` with a start when it has an end, a target or exclude,
    /// ports in range.
    fn port_forward(&mut self, k: &Kept) {
        for r in k.children.iter().filter(|c| c.name == "range") {
            let start = r.attr("start");
            if start.is_none() && ["end", "to", "exclude"].iter().any(|a| r.attr(a).is_some()) {
                self.err(
                    "backend.port-forward-range",
                    "portForward/range",
                    "a portForward <range> with end, to or exclude but no start: libvirt \
                     refuses it at define"
                        .into(),
                );
            }
            for name in ["start", "end", "to"] {
                if let Some(p) = r.attr(name) {
                    if number(p).is_none_or(|n| n > 65535) {
                        self.err(
                            "backend.port-forward-range",
                            &format!("portForward/range/@{name}"),
                            format!("portForward range {name}='{p}': libvirt takes 0 to 65535"),
                        );
                    }
                }
            }
        }
    }

    /// The `<source>` of udp, mcast, server and client: a port in range, udp's `<local>`.
    fn verbatim_source(&mut self, k: &Kept) {
        let InterfaceKind::Other(o) = &self.i.kind else {
            return;
        };
        let ty = o.type_name.as_str();
        if !matches!(ty, "udp" | "mcast" | "server" | "client") {
            return;
        }
        let mut ports = vec![("source/@port", k.attr("port"))];
        let local = k.children.iter().find(|c| c.name == "local");
        if let Some(l) = local {
            ports.push(("source/local/@port", l.attr("port")));
        }
        for (path, p) in ports {
            if let Some(p) = p {
                if number(p).is_none_or(|n| n > 65535) {
                    self.err(
                        "source.port",
                        path,
                        format!("port '{p}': libvirt takes 0 to 65535"),
                    );
                }
            }
        }
        if ty == "udp"
            && local.is_none_or(|l| l.attr("address").is_none() || l.attr("port").is_none())
        {
            self.err(
                "source.local",
                "source",
                "type='udp' needs <source address port><local address port/></source>: \
                 libvirt's schema refuses it without the local end"
                    .into(),
            );
        }
    }

    /// libvirt 9.0's QEMU driver lets guest-side addresses and routes through on vdpa (it never
    /// applies them); 11.3's refuses them like everywhere else (the release between is not in
    /// libvirt's NEWS: 11.3 is the boundary seen).
    fn vdpa_before_11_3(&self) -> bool {
        matches!(self.i.kind, InterfaceKind::Vdpa(_)) && self.version < LibvirtVersion::V11_3
    }

    /// Guest-side `<ip>`: an address, a prefix in range; on the QEMU driver only on user
    /// networking (and vhost-user with passt from 11.1), one per family, no peer.
    fn guest_ips(&mut self, kept: &[Kept]) {
        let ips: Vec<&Kept> = kept.iter().filter(|k| k.name == "ip").collect();
        if ips.is_empty() {
            return;
        }
        let ty = self.ty();
        let served = matches!(self.i.kind, InterfaceKind::User)
            || (matches!(self.i.kind, InterfaceKind::VhostUser(_))
                && self.passt()
                && self.version >= LibvirtVersion::V11_1);
        // vdpa before 11.3: the qemu driver does not look (only the schema and parser do).
        let unchecked = self.vdpa_before_11_3();
        if !served && !unchecked {
            self.err(
                "ip.placement",
                "ip",
                format!(
                    "a guest-side <ip> on type='{ty}': the qemu driver refuses it at define (it \
                     sets guest addresses for user networking only)"
                ),
            );
        }
        let (mut v4, mut v6) = (0, 0);
        for ip in ips {
            let Some(addr) = ip.attr("address") else {
                self.err(
                    "ip.address",
                    "ip",
                    "<ip> without address: libvirt's schema refuses it".into(),
                );
                continue;
            };
            let Ok(parsed) = addr.parse::<IpAddr>() else {
                self.err(
                    "ip.address",
                    "ip/@address",
                    format!("ip address '{addr}': not an IPv4 or IPv6 address"),
                );
                continue;
            };
            let max = if parsed.is_ipv4() { 32 } else { 128 };
            let prefix = match ip.attr("prefix") {
                None => None,
                Some(p) => match number(p) {
                    Some(n) if n <= max => Some(n),
                    _ => {
                        self.err(
                            "ip.prefix",
                            "ip/@prefix",
                            format!(
                                "prefix '{p}' for {addr}: libvirt refuses it at define (0 to \
                                 {max})"
                            ),
                        );
                        continue;
                    }
                },
            };
            if parsed.is_ipv4() {
                v4 += 1;
            } else {
                v6 += 1;
            }
            if !served || unchecked {
                continue;
            }
            match (parsed, prefix) {
                (IpAddr::V4(_), Some(n)) if n != 0 && !(4..=27).contains(&n) => self.err(
                    "ip.prefix-qemu",
                    "ip/@prefix",
                    format!(
                        "prefix {n} for {addr}: the qemu driver takes 4 to 27 for user \
                         networking's IPv4 network"
                    ),
                ),
                (IpAddr::V6(_), Some(n)) if n != 64 => self.err(
                    "ip.prefix-qemu",
                    "ip/@prefix",
                    format!("prefix {n} for {addr}: the qemu driver takes only 64 for IPv6"),
                ),
                _ => {}
            }
            if ip.attr("peer").is_some() {
                self.err(
                    "ip.peer",
                    "ip/@peer",
                    "peer on a guest-side <ip>: the qemu driver refuses it at define ('Invalid \
                     attempt to set peer IP for guest')"
                        .into(),
                );
            }
        }
        if served && (v4 > 1 || v6 > 1) {
            self.err(
                "ip.count",
                "ip",
                format!(
                    "{v4} IPv4 and {v6} IPv6 addresses: the qemu driver takes one of each family \
                     per interface"
                ),
            );
        }
    }
}
