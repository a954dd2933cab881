//! Validation: cross-field and cross-device rules over the model, all findings at once.
//!
//! Parsing already refuses what cannot be represented (out-of-range ids, unknown words); the
//! rules here need more than one field, or know what libvirt only finds out when the guest
//! starts. Every finding carries a rule id from [`crate::rules::RULES`].
//!
//! ```
//! use vifxml::validate::validate;
//! let iface = vifxml::xml::parse_interface(
//!     "<interface type='direct'><source dev='eth0' mode='vepa'/><mtu size='9000'/></interface>",
//! ).unwrap();
//! let findings = validate(&iface);
//! assert_eq!(findings[0].rule, "mtu.placement");
//! assert_eq!(findings[0].path, "mtu/@size");
//! ```

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::model::interface::{
    Rate, DRIVER_ATTRIBUTES, GUEST_OFFLOAD_ATTRIBUTES, HOST_OFFLOAD_ATTRIBUTES,
};
use crate::model::kind::{DirectMode, InterfaceKind, VhostUserMode};
use crate::model::virtualport::VirtualPort;
use crate::model::Interface;
use crate::xml::{is_xml_char, locate, ParsedDocument};

/// Validates one interface. Paths are relative to the `<interface>` element.
pub fn validate(iface: &Interface) -> Vec<Diagnostic> {
    let mut v = Checker {
        i: iface,
        out: Vec::new(),
    };
    v.run();
    v.out
}

/// Validates every interface of a parsed document, plus the rules that span devices. Paths are
/// prefixed with each interface's path and carry byte offsets into `src`.
pub fn validate_document(src: &str, doc: &ParsedDocument) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Status XML (`<domstatus>`) is libvirt's own record of a running guest: it carries
    // `<actual>` (the network's resolved port), which the domain schema does not have.
    let status = doc.root == "domstatus";
    for p in &doc.interfaces {
        out.extend(p.notes.iter().cloned());
        for mut d in validate(&p.interface) {
            if status && d.rule == "extras.unknown" && d.path == "actual" {
                continue;
            }
            d.offset = Some(locate(src, p.span.start, &d.path));
            d.path = join(&p.path, &d.path);
            out.push(d);
        }
    }
    let mut cross = across(
        doc.interfaces
            .iter()
            .map(|p| (p.path.as_str(), &p.interface)),
    );
    for d in &mut cross {
        if let Some(p) = doc
            .interfaces
            .iter()
            .find(|p| d.path.starts_with(p.path.as_str()))
        {
            let rel = d.path[p.path.len()..].trim_start_matches('/');
            d.offset = Some(locate(src, p.span.start, rel));
        }
    }
    out.extend(cross);
    out
}

/// Validates a list of interfaces (a spec) including the cross-device rules. Paths start with
/// `/N` (the index in the list) when there is more than one.
pub fn validate_all(ifaces: &[Interface]) -> Vec<Diagnostic> {
    let paths: Vec<String> = (0..ifaces.len()).map(|n| format!("/{n}")).collect();
    let mut out = Vec::new();
    for (n, iface) in ifaces.iter().enumerate() {
        for mut d in validate(iface) {
            d.path = join(&paths[n], &d.path);
            out.push(d);
        }
    }
    out.extend(across(paths.iter().map(String::as_str).zip(ifaces.iter())));
    out
}

/// Turns the errors of the named rules into warnings, for users who know better
/// (`--allow virtualport.placement`). Refuses names that are not rule ids.
///
/// ```
/// use vifxml::diag::{Diagnostic, Severity};
/// let mut f = vec![Diagnostic::error("mtu.placement", "mtu/@size", "no")];
/// vifxml::validate::allow(&mut f, &["mtu.placement".to_string()]).unwrap();
/// assert_eq!(f[0].severity, Severity::Warning);
/// assert!(vifxml::validate::allow(&mut f, &["no.such-rule".to_string()]).is_err());
/// ```
pub fn allow(findings: &mut [Diagnostic], rules: &[String]) -> Result<(), String> {
    if let Some(bad) = rules.iter().find(|r| crate::rules::find(r).is_none()) {
        return Err(format!(
            "unknown rule '{bad}': `vifxml rules` lists the rule ids"
        ));
    }
    for d in findings.iter_mut() {
        if rules.iter().any(|r| r == d.rule) {
            d.severity = crate::diag::Severity::Warning;
        }
    }
    Ok(())
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}/{rel}"),
    }
}

/// A multiply-rotate hasher for the short keys of [`across`] (names, MACs, numbers): the
/// standard SipHash guards maps against chosen collisions, which cost here is at worst a slower
/// check of one document, and it was a tenth of validating a large guest.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// The values [`across`] compares, each as a 64-bit hash of its field, length and bytes (eight
/// at a time, then murmur3's finaliser, so that both halves of the hash are well mixed).
/// 0 stands for an absent value (a value whose hash is 0 counts as 1: hashes that meet are
/// compared exactly anyway).
fn shared_keys(i: &Interface) -> [u64; 4] {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
    let key = |field: u8, bytes: &[u8]| {
        let mut h = M ^ (u64::from(field) << 56) ^ bytes.len() as u64;
        for chunk in bytes.chunks(8) {
            let w = chunk.iter().rev().fold(0u64, |a, &b| a << 8 | u64::from(b));
            h = (h ^ w).wrapping_mul(M);
            h ^= h >> 32;
        }
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        (h ^ (h >> 33)).max(1)
    };
    [
        i.mac.map(|m| key(0, &m.octets())),
        i.target
            .as_ref()
            .and_then(|t| t.dev.as_ref())
            .map(|d| key(1, d.as_str().as_bytes())),
        i.alias.as_ref().map(|a| key(2, a.as_bytes())),
        i.boot.map(|b| key(3, &b.to_le_bytes())),
    ]
    .map(|k| k.unwrap_or(0))
}

/// The hashes of [`shared_keys`] that may be shared by two interfaces: a Bloom filter of 32 bits
/// a value (two bits each), small enough to stay in cache on a large guest, where exact tables
/// of every value were a third of validating it. Any value two interfaces share is in the
/// result, with a few values that only look shared.
/// Also gives every interface's keys, so that the exact pass reads only the models it needs.
fn maybe_shared<'a>(
    ifaces: impl Iterator<Item = &'a Interface>,
    n: usize,
) -> (FastMap<u64, ()>, Vec<[u64; 4]>) {
    let bits = (n.saturating_mul(4 * 32)).next_power_of_two().max(1024);
    let mut filter = vec![0u64; bits / 64];
    let mut maybe = FastMap::default();
    let mut all = Vec::with_capacity(n);
    for i in ifaces {
        let keys = shared_keys(i);
        all.push(keys);
        for h in keys.into_iter().filter(|&h| h != 0) {
            // Sets bit `k` of the filter; true when it was set already.
            let mut test_and_set = |k: usize| {
                let k = k & (bits - 1);
                filter.get_mut(k / 64).is_some_and(|w| {
                    let was = *w >> (k % 64) & 1 == 1;
                    *w |= 1 << (k % 64);
                    was
                })
            };
            let (low, high) = (test_and_set(h as usize), test_and_set((h >> 32) as usize));
            if low && high {
                maybe.insert(h, ());
            }
        }
    }
    (maybe, all)
}

/// Rules across interfaces: unique target devs, aliases and boot orders; duplicate MACs.
/// Only values [`maybe_shared`] finds are compared exactly.
fn across<'a>(items: impl Iterator<Item = (&'a str, &'a Interface)> + Clone) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let (lo, _) = items.size_hint();
    let (maybe, keys) = maybe_shared(items.clone().map(|(_, i)| i), lo);
    if maybe.is_empty() {
        return out;
    }
    let lo = maybe.len();
    let mut macs: FastMap<crate::model::ids::MacAddr, &str> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut targets: FastMap<&str, &str> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut aliases: FastMap<&str, &str> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut boots: FastMap<u32, &str> = FastMap::default();
    for ((path, i), keys) in items.zip(keys) {
        if !keys.iter().any(|h| *h != 0 && maybe.contains_key(h)) {
            continue;
        }
        let kept = |k: usize| keys[k] != 0 && maybe.contains_key(&keys[k]);
        if let Some(m) = i.mac.filter(|_| kept(0)) {
            if let Some(first) = macs.insert(m, path) {
                out.push(Diagnostic::warning(
                    "devices.duplicate-mac",
                    join(path, "mac/@address"),
                    format!("mac address {m} is also used by {first}: the guest's network will misbehave"),
                ));
            }
        }
        if let Some(dev) = i
            .target
            .as_ref()
            .and_then(|t| t.dev.as_ref())
            .filter(|_| kept(1))
        {
            if let Some(first) = targets.insert(dev.as_str(), path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-target",
                    join(path, "target/@dev"),
                    format!("target dev '{dev}' is also used by {first}: the guest fails to start because the device exists"),
                ));
            }
        }
        if let Some(a) = i.alias.as_ref().filter(|_| kept(2)) {
            if let Some(first) = aliases.insert(a.as_str(), path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-alias",
                    join(path, "alias/@name"),
                    format!("alias '{a}' is also used by {first}: expected unique aliases"),
                ));
            }
        }
        if let Some(b) = i.boot.filter(|_| kept(3)) {
            if let Some(first) = boots.insert(b, path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-boot-order",
                    join(path, "boot/@order"),
                    format!("boot order {b} is also used by {first}: expected unique boot orders"),
                ));
            }
        }
    }
    out
}

struct Checker<'a> {
    i: &'a Interface,
    out: Vec<Diagnostic>,
}

/// Interface types whose host side is a network device name the kernel limits to 15 bytes.
const IFNAMSIZ: usize = 15;

/// True for the guest models libvirt treats as virtio (`virDomainNetIsVirtioModel`): it reads
/// model names without regard to case, and only these three are virtio; `virtio-net-pci` and
/// the like are unknown model strings to libvirt, not virtio.
fn is_virtio_model(model: Option<&str>) -> bool {
    model.is_some_and(|m| {
        ["virtio", "virtio-transitional", "virtio-non-transitional"]
            .iter()
            .any(|v| m.eq_ignore_ascii_case(v))
    })
}

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

impl<'a> Checker<'a> {
    fn err(&mut self, rule: &'static str, path: &str, msg: String) {
        self.out.push(Diagnostic::error(rule, path, msg));
    }

    fn warn(&mut self, rule: &'static str, path: &str, msg: String) {
        self.out.push(Diagnostic::warning(rule, path, msg));
    }

    fn ty(&self) -> &'a str {
        self.i.kind.type_name()
    }

    fn run(&mut self) {
        self.virtualport();
        self.vlan();
        self.bandwidth();
        self.mtu();
        self.vhostuser();
        self.names();
        self.attributes();
        self.driver();
        self.misc();
        self.strings();
        self.extras();
    }

    fn virtualport(&mut self) {
        let Some(vp) = &self.i.virtualport else {
            return;
        };
        let ty = self.ty();
        let kind = &self.i.kind;
        // Which typed ports work where (at guest start, not only at define).
        let allowed: &[&str] = match kind {
            InterfaceKind::Direct(_) => &["802.1Qbg", "802.1Qbh"],
            InterfaceKind::Hostdev(_) => &["802.1Qbh"],
            InterfaceKind::Bridge(_) => &["openvswitch", "midonet"],
            InterfaceKind::Network(_) => &["802.1Qbg", "802.1Qbh", "openvswitch", "midonet"],
            _ => &[],
        };
        let is_network = matches!(kind, InterfaceKind::Network(_));
        match vp.type_name() {
            None => {
                if !is_network {
                    self.err(
                        "virtualport.untyped",
                        "virtualport",
                        format!(
                            "a virtualport without type is only merged into a network's port \
                             profile; on type='{ty}' give one of: {}",
                            list_or_none(allowed)
                        ),
                    );
                }
            }
            Some(t) if !allowed.contains(&t) => {
                let consequence = match (kind, t) {
                    (InterfaceKind::Bridge(_), "802.1Qbg" | "802.1Qbh") => {
                        "libvirt accepts it at define, but a bridge port never runs the vdp/port \
                         profile association, so the profile silently does nothing"
                    }
                    (InterfaceKind::Hostdev(_), _) => {
                        "libvirt accepts it at define, but starting the guest fails: hostdev \
                         interfaces only associate 802.1Qbh port profiles"
                    }
                    (InterfaceKind::Direct(_), _) => {
                        "libvirt accepts it at define, but a macvtap device is not an ovs or \
                         midonet port, so the profile silently does nothing"
                    }
                    _ => "libvirt refuses or ignores a virtualport on this interface type",
                };
                self.err(
                    "virtualport.placement",
                    "virtualport/@type",
                    format!(
                        "{t} virtualport on type='{ty}': {consequence}; expected {}",
                        list_or_none(allowed)
                    ),
                );
                return;
            }
            Some(_) => {}
        }
        // Completeness: a network can supply missing parameters, other types cannot.
        match vp {
            VirtualPort::Qbg(q) => {
                if let Some(m) = q.managerid {
                    if m.get() == 0 {
                        self.warn(
                            "virtualport.managerid-reserved",
                            "virtualport/parameters/@managerid",
                            "managerid 0 is reserved by IEEE 802.1Qbg: expected 1..=255".into(),
                        );
                    }
                }
                if !is_network {
                    for (name, missing) in [
                        ("managerid", q.managerid.is_none()),
                        ("typeid", q.typeid.is_none()),
                        ("typeidversion", q.typeidversion.is_none()),
                    ] {
                        if missing {
                            self.err(
                                "virtualport.incomplete",
                                "virtualport/parameters",
                                format!("802.1Qbg virtualport on type='{ty}' needs {name}"),
                            );
                        }
                    }
                }
            }
            VirtualPort::Qbh(q) => {
                if q.profileid.is_none() && !is_network {
                    self.err(
                        "virtualport.incomplete",
                        "virtualport/parameters",
                        format!("802.1Qbh virtualport on type='{ty}' needs profileid"),
                    );
                }
            }
            VirtualPort::Midonet(m) => {
                // libvirt's schema requires interfaceid on a midonet port, network or not.
                if m.interfaceid.is_none() {
                    self.err(
                        "virtualport.incomplete",
                        "virtualport/parameters",
                        format!(
                            "midonet virtualport on type='{ty}' needs interfaceid: libvirt \
                             makes up a random one that no midonet port is bound to"
                        ),
                    );
                }
            }
            VirtualPort::Untyped(u) => {
                if let Some(m) = u.managerid {
                    if m.get() == 0 {
                        self.warn(
                            "virtualport.managerid-reserved",
                            "virtualport/parameters/@managerid",
                            "managerid 0 is reserved by IEEE 802.1Qbg: expected 1..=255".into(),
                        );
                    }
                }
            }
            VirtualPort::OpenVSwitch(_) => {}
        }
    }

    fn vlan(&mut self) {
        let Some(vlan) = &self.i.vlan else {
            return;
        };
        let ty = self.ty();
        if vlan.tags.is_empty() {
            self.err(
                "vlan.empty",
                "vlan",
                "<vlan> needs at least one <tag id='...'/>".into(),
            );
        }
        if vlan.trunk == Some(false) {
            self.err(
                "vlan.trunk",
                "vlan/@trunk",
                format!(
                    "trunk='no' with {} tag(s): libvirt's schema only takes trunk='yes'; leave \
                     trunk out for a single tag",
                    vlan.tags.len()
                ),
            );
        }
        let natives = vlan.tags.iter().filter(|t| t.native_mode.is_some()).count();
        if natives > 1 {
            self.err(
                "vlan.native-mode",
                "vlan",
                format!("{natives} tags have nativeMode: expected at most one native vlan"),
            );
        }
        let ovs = matches!(self.i.virtualport, Some(VirtualPort::OpenVSwitch(_)));
        match &self.i.kind {
            InterfaceKind::Hostdev(_) | InterfaceKind::Network(_) => {}
            InterfaceKind::Direct(d) if d.mode == Some(DirectMode::Passthrough) => {}
            InterfaceKind::Bridge(_) if ovs => {}
            InterfaceKind::Bridge(_) => self.warn(
                "vlan.plain-bridge",
                "vlan",
                "vlan tags on a linux bridge without openvswitch need libvirt 11.0 or later; \
                 earlier versions fail to start the guest"
                    .into(),
            ),
            InterfaceKind::Direct(_) => self.err(
                "vlan.placement",
                "vlan",
                "vlan tags on a direct interface only work in mode='passthrough': libvirt \
                 accepts them at define but starting the guest fails"
                    .into(),
            ),
            _ => self.err(
                "vlan.placement",
                "vlan",
                format!(
                    "vlan tags on type='{ty}': libvirt accepts them at define but starting the \
                     guest fails; expected hostdev, direct passthrough, bridge with openvswitch \
                     or network"
                ),
            ),
        }
    }

    fn bandwidth(&mut self) {
        let Some(bw) = self.i.bandwidth.as_deref().copied() else {
            return;
        };
        let ty = self.ty();
        if matches!(
            self.i.kind,
            InterfaceKind::Hostdev(_) | InterfaceKind::VhostUser(_)
        ) {
            self.err(
                "bandwidth.placement",
                "bandwidth",
                format!(
                    "bandwidth on type='{ty}': libvirt accepts it but no host tap device exists \
                     to shape, so the limits silently do nothing"
                ),
            );
        }
        let is_network = matches!(self.i.kind, InterfaceKind::Network(_));
        for (dir, rate) in [("inbound", bw.inbound), ("outbound", bw.outbound)] {
            let Some(r) = rate else {
                continue;
            };
            let base = if dir == "inbound" {
                "bandwidth/inbound"
            } else {
                "bandwidth/outbound"
            };
            self.rate(base, dir, &r, is_network, ty);
        }
    }

    fn rate(&mut self, base: &str, dir: &str, r: &Rate, is_network: bool, ty: &str) {
        let usable_floor = dir == "inbound" && r.floor.is_some();
        if r.average.is_none() && (r.peak.is_some() || r.burst.is_some()) {
            self.err(
                "bandwidth.rate-required",
                base,
                format!("<{dir}> has peak or burst without average: libvirt refuses it"),
            );
        } else if r.average.is_none() && !usable_floor {
            self.err(
                "bandwidth.rate-required",
                base,
                format!("<{dir}> needs average (or, inbound on a network, floor)"),
            );
        }
        for (name, v) in [
            ("average", r.average),
            ("peak", r.peak),
            ("burst", r.burst),
            ("floor", r.floor),
        ] {
            if let Some(v) = v {
                if v == 0 || v > u64::from(u32::MAX) {
                    self.err(
                        "bandwidth.range",
                        &format!("{base}/@{name}"),
                        format!("{name}='{v}': expected 1..=4294967295"),
                    );
                }
            }
        }
        if r.floor.is_some() {
            if dir != "inbound" {
                self.err(
                    "bandwidth.floor",
                    &format!("{base}/@floor"),
                    "floor is only allowed in <inbound>".into(),
                );
            } else if !is_network {
                self.err(
                    "bandwidth.floor",
                    &format!("{base}/@floor"),
                    format!("floor on type='{ty}': only network interfaces can reserve a floor"),
                );
            }
        }
    }

    fn mtu(&mut self) {
        let Some(mtu) = self.i.mtu else {
            return;
        };
        if mtu > u32::from(u16::MAX) {
            self.err(
                "mtu.range",
                "mtu/@size",
                format!("mtu {mtu}: expected at most 65535"),
            );
        }
        if matches!(self.i.kind, InterfaceKind::Direct(_)) {
            self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a direct (macvtap) interface: the test driver takes it, but the qemu \
                 driver refuses it ('setting MTU on interface type direct is not supported'); \
                 the macvtap device takes the host device's mtu"
                    .into(),
            );
        }
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            self.err(
                "mtu.placement",
                "mtu/@size",
                "mtu on a hostdev interface: the qemu driver refuses it ('setting MTU on \
                 interface type hostdev is not supported yet'); set the vf's mtu on the host"
                    .into(),
            );
        }
    }

    fn vhostuser(&mut self) {
        let InterfaceKind::VhostUser(v) = &self.i.kind else {
            return;
        };
        let passt = self
            .i
            .backend
            .as_ref()
            .and_then(|b| b.backend_type.as_deref())
            == Some("passt");
        let virtio = match self.i.model.as_deref() {
            Some(m) => is_virtio_model(Some(m)),
            // A passt-backed vhost-user interface gets virtio by default (libvirt 11).
            None => passt,
        };
        if !virtio {
            self.err(
                "vhostuser.model",
                "model",
                "vhost-user needs <model type='virtio'/>: libvirt refuses other guest models"
                    .into(),
            );
        }
        if passt {
            return;
        }
        match &v.path {
            None => self.err(
                "vhostuser.path",
                "source",
                "vhost-user needs a unix socket path on <source>".into(),
            ),
            Some(p) if !p.starts_with('/') => self.err(
                "vhostuser.path",
                "source/@path",
                format!("socket path '{p}' is relative: expected an absolute path"),
            ),
            Some(_) => {}
        }
        match v.mode {
            None => self.err(
                "vhostuser.mode",
                "source",
                "vhost-user needs mode='client' or mode='server' on <source>".into(),
            ),
            Some(VhostUserMode::Server) if v.reconnect.is_some() => self.err(
                "vhostuser.reconnect",
                "source/reconnect",
                "reconnect only applies to mode='client': a server socket waits for the switch"
                    .into(),
            ),
            Some(_) => {}
        }
        if let Some(r) = v.reconnect {
            if r.enabled && r.timeout.is_none() {
                self.err(
                    "vhostuser.reconnect",
                    "source/reconnect",
                    "reconnect enabled='yes' needs timeout='SECONDS': libvirt refuses it without"
                        .into(),
                );
            }
        }
    }

    fn names(&mut self) {
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

    fn attributes(&mut self) {
        let ty = self.ty();
        let hostdev = matches!(self.i.kind, InterfaceKind::Hostdev(_));
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

    fn driver(&mut self) {
        let Some(d) = &self.i.driver else {
            return;
        };
        let virtio = is_virtio_model(self.i.model.as_deref());
        if !virtio {
            // virDomainCheckVirtioOptionsAreAbsent: any value, on or off, is refused.
            let page_per_vq = self
                .i
                .extras
                .attributes_of("driver")
                .any(|a| a.name.as_str() == "page_per_vq");
            for (name, set) in [
                ("iommu", d.iommu.is_some()),
                ("ats", d.ats.is_some()),
                ("packed", d.packed.is_some()),
                ("page_per_vq", page_per_vq),
            ] {
                if set {
                    self.err(
                        "driver.virtio-options",
                        &format!("driver/@{name}"),
                        format!(
                            "{name} is a virtio option and the model is {}: libvirt refuses it \
                             at define",
                            model_phrase(self.i.model.as_deref())
                        ),
                    );
                }
            }
        }
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            let only_name = crate::model::Driver {
                name: d.name.clone(),
                ..Default::default()
            };
            if *d != only_name {
                self.err(
                    "driver.hostdev-options",
                    "driver",
                    "a hostdev interface's <driver> only takes name (vfio, kvm or xen): the vf \
                     is not a virtio device, so libvirt drops every other setting (and its \
                     schema refuses them next to a name)"
                        .into(),
                );
            }
            if let Some(n) = d.name.as_deref() {
                if !matches!(n, "vfio" | "kvm" | "xen") {
                    self.err(
                        "driver.hostdev",
                        "driver/@name",
                        format!(
                            "driver name '{n}' on a hostdev interface: expected vfio, kvm or xen"
                        ),
                    );
                }
            }
            return;
        }
        if let Some(n) = d.name.as_deref() {
            if !matches!(n, "qemu" | "vhost" | "vfio" | "kvm" | "xen") {
                self.err(
                    "driver.name",
                    "driver/@name",
                    format!("driver name '{n}': expected qemu or vhost"),
                );
            } else if virtio && !matches!(n, "qemu" | "vhost") {
                self.err(
                    "driver.name",
                    "driver/@name",
                    format!(
                        "driver name '{n}' names a hostdev backend: a virtio model takes qemu \
                         or vhost"
                    ),
                );
            } else if !matches!(n, "qemu" | "vhost") {
                let only_name = crate::model::Driver {
                    name: d.name.clone(),
                    ..Default::default()
                };
                if *d != only_name {
                    self.err(
                        "driver.name",
                        "driver/@name",
                        format!(
                            "driver name '{n}' names a hostdev backend, which libvirt's schema \
                             takes with no other driver setting"
                        ),
                    );
                }
            }
        }
        if let Some(t) = d.txmode.as_deref() {
            if !matches!(t, "iothread" | "timer") {
                self.err(
                    "driver.txmode",
                    "driver/@txmode",
                    format!("txmode '{t}': expected iothread or timer"),
                );
            }
        }
        if !virtio {
            self.warn(
                "driver.non-virtio",
                "driver",
                format!(
                    "<driver> is only read for virtio models, not {}: libvirt drops it",
                    model_phrase(self.i.model.as_deref())
                ),
            );
        }
        if d.queues == Some(0) {
            self.err(
                "driver.queues",
                "driver/@queues",
                "queues='0': expected at least 1".into(),
            );
        }
        for (name, v) in [
            ("rx_queue_size", d.rx_queue_size),
            ("tx_queue_size", d.tx_queue_size),
        ] {
            if let Some(v) = v {
                if !(256..=1024).contains(&v) || !v.is_power_of_two() {
                    self.err(
                        "driver.queue-size",
                        &format!("driver/@{name}"),
                        format!(
                            "{name}='{v}': expected a power of two in 256..=1024 (the qemu \
                             driver refuses anything else)"
                        ),
                    );
                }
            }
        }
    }

    fn misc(&mut self) {
        let ty = self.ty();
        // Verbatim forms naming what the model has its own form for would read back as that
        // form (or not at all: type='bridge' without its source).
        if let InterfaceKind::Other(o) = &self.i.kind {
            if InterfaceKind::is_modelled(&o.type_name) {
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
        if let Some(b) = &self.i.backend {
            match b.backend_type.as_deref() {
                None => {}
                Some("passt") => {
                    let msg = if matches!(
                        self.i.kind,
                        InterfaceKind::User | InterfaceKind::VhostUser(_)
                    ) {
                        format!(
                            "backend type='passt' on type='{ty}': libvirt 9.0.0 as Debian 12 \
                             ships it refuses the word at define (libvirt issue #462); other \
                             builds take it on type='user' (vhostuser since 11.0), so allow this \
                             rule only when the hosts run one of those"
                        )
                    } else {
                        format!(
                            "backend type='passt' on type='{ty}': passt only serves type='user' \
                             (and vhostuser since libvirt 11.0); libvirt refuses it elsewhere"
                        )
                    };
                    self.err("backend.passt", "backend/@type", msg);
                }
                Some(t) => self.err(
                    "backend.type",
                    "backend/@type",
                    format!(
                        "backend type '{t}': expected passt, or no type for the hypervisor's \
                         default backend"
                    ),
                ),
            }
            for (name, v) in [("tap", &b.tap), ("vhost", &b.vhost)] {
                if let Some(p) = v {
                    if !p.starts_with('/') || p.len() < 2 {
                        self.err(
                            "backend.path",
                            &format!("backend/@{name}"),
                            format!("backend {name}='{p}': expected an absolute path"),
                        );
                    }
                }
            }
        }
        if self.i.port_isolated == Some(true) {
            if !matches!(
                self.i.kind,
                InterfaceKind::Network(_) | InterfaceKind::Bridge(_)
            ) {
                self.err(
                    "port.isolated",
                    "port/@isolated",
                    format!(
                        "port isolated='yes' on type='{ty}': only a linux bridge (bridge or \
                         network) isolates ports; libvirt refuses it"
                    ),
                );
            } else if let Some(t) = self.i.virtualport.as_ref().and_then(|v| v.type_name()) {
                self.err(
                    "port.isolated",
                    "port/@isolated",
                    format!(
                        "port isolated='yes' with a {t} virtualport: libvirt refuses it; only a \
                         plain linux bridge port can be isolated"
                    ),
                );
            }
        }
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            if let Some(crate::model::DeviceAddress::Other { address_type }) = &self.i.address {
                if address_type != "unassigned" {
                    self.err(
                        "address.hostdev",
                        "address/@type",
                        format!(
                            "address type '{address_type}' on a hostdev interface: a pci vf needs \
                             a pci guest address (or 'unassigned'); libvirt refuses others"
                        ),
                    );
                }
            }
        }
        if let Some(t) = &self.i.target {
            if t.dev.is_none() {
                self.err(
                    "target.dev",
                    "target",
                    "<target> needs dev='NAME': libvirt's schema refuses it without".into(),
                );
            }
        }
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
        if let Some(crate::model::DeviceAddress::Pci(a)) = &self.i.address {
            if a.domain != 0 {
                self.err(
                    "address.pci-domain",
                    "address/@domain",
                    format!(
                        "guest pci domain {:#06x}: libvirt takes it at define, but the qemu \
                         driver only has pci domain 0",
                        a.domain
                    ),
                );
            }
        }
        if self.i.boot == Some(0) {
            self.err(
                "boot.order",
                "boot/@order",
                "boot order 0: expected 1 or more".into(),
            );
        }
        if let Some(t) = &self.i.teaming {
            use crate::model::interface::TeamingType;
            match (t.teaming_type, &t.persistent) {
                (TeamingType::Transient, None) => self.err(
                    "teaming.persistent",
                    "teaming",
                    "teaming type='transient' needs persistent='ALIAS' naming the persistent \
                     interface"
                        .into(),
                ),
                (TeamingType::Persistent, Some(_)) => self.err(
                    "teaming.persistent",
                    "teaming/@persistent",
                    "persistent='...' only goes with teaming type='transient'".into(),
                ),
                _ => {}
            }
        }
        if let Some(a) = &self.i.alias {
            let ok = !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            if !ok {
                self.err(
                    "alias.syntax",
                    "alias/@name",
                    format!("alias '{a}': expected characters from [a-zA-Z0-9_.-]"),
                );
            } else if !a.starts_with("ua-") {
                self.warn(
                    "alias.user-prefix",
                    "alias/@name",
                    format!(
                        "alias '{a}' does not start with 'ua-': the qemu driver only keeps \
                         user aliases with that prefix"
                    ),
                );
            }
        }
        if let Some(m) = &self.i.model {
            let ok = !m.is_empty()
                && m.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
            if !ok {
                self.err(
                    "model.syntax",
                    "model/@type",
                    format!("model type '{m}': expected characters from [a-zA-Z0-9_-]"),
                );
            }
        }
    }

    fn strings(&mut self) {
        let i: &'a Interface = self.i;
        // Strings the model holds, checked as they are named (no list is built).
        let mut bad: Vec<(String, char)> = Vec::new();
        let mut check = |path: &str, s: &str| {
            // Printable ascii is always allowed: only look at characters when there is more.
            if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return;
            }
            if let Some(c) = s.chars().find(|&c| !is_xml_char(c)) {
                bad.push((path.to_owned(), c));
            }
        };
        match &i.kind {
            InterfaceKind::Network(n) => {
                check("source/@network", &n.network);
                if let Some(pg) = &n.portgroup {
                    check("source/@portgroup", pg);
                }
            }
            InterfaceKind::VhostUser(v) => {
                if let Some(p) = &v.path {
                    check("source/@path", p);
                }
            }
            InterfaceKind::Vdpa(v) => check("source/@dev", &v.dev),
            InterfaceKind::Other(o) => check("@type", &o.type_name),
            _ => {}
        }
        let profileid = match &i.virtualport {
            Some(VirtualPort::Qbh(q)) => q.profileid.as_ref(),
            Some(VirtualPort::OpenVSwitch(o)) => o.profileid.as_ref(),
            Some(VirtualPort::Untyped(u)) => u.profileid.as_ref(),
            _ => None,
        };
        let driver = i.driver.as_ref();
        let backend = i.backend.as_deref();
        for (path, v) in [
            ("model/@type", i.model.as_deref()),
            (
                "virtualport/parameters/@profileid",
                profileid.map(|p| p.as_str()),
            ),
            ("script/@path", i.script.as_deref()),
            ("downscript/@path", i.downscript.as_deref()),
            ("alias/@name", i.alias.as_deref()),
            ("driver/@name", driver.and_then(|d| d.name.as_deref())),
            ("driver/@txmode", driver.and_then(|d| d.txmode.as_deref())),
            (
                "backend/@type",
                backend.and_then(|b| b.backend_type.as_deref()),
            ),
            ("backend/@tap", backend.and_then(|b| b.tap.as_deref())),
            ("backend/@vhost", backend.and_then(|b| b.vhost.as_deref())),
            (
                "teaming/@persistent",
                i.teaming.as_ref().and_then(|t| t.persistent.as_deref()),
            ),
            ("rom/@file", i.rom.as_ref().and_then(|r| r.file.as_deref())),
        ] {
            if let Some(v) = v {
                check(path, v);
            }
        }
        if let Some(f) = &i.filterref {
            check("filterref/@filter", &f.filter);
            for p in &f.parameters {
                check("filterref/parameter/@name", &p.name);
                check("filterref/parameter/@value", &p.value);
            }
        }
        if let Some(crate::model::DeviceAddress::Other { address_type }) = &i.address {
            check("address/@type", address_type);
        }
        // Kept attributes, at their own paths.
        for a in &i.extras.attributes {
            if let Some(c) = a.value.chars().find(|&c| !is_xml_char(c)) {
                let path = if a.element.is_empty() {
                    format!("@{}", a.name)
                } else {
                    format!("{}/@{}", a.element, a.name)
                };
                bad.push((path, c));
            }
        }
        for (path, c) in bad {
            self.err(
                "string.xml-char",
                &path,
                format!(
                    "text contains U+{:04X}, which xml cannot carry even escaped",
                    c as u32
                ),
            );
        }
    }

    fn extras(&mut self) {
        if self.i.extras.is_empty() {
            // Nothing kept: only the types whose source is kept verbatim have anything to say.
            self.source_shape(None);
            return;
        }
        // Attribute names the writer produces for each element path.
        fn modelled(kind: &InterfaceKind, element: &str, name: &str) -> bool {
            let known: &[&str] = match element {
                "source" => match kind {
                    InterfaceKind::Bridge(_) => &["bridge"],
                    InterfaceKind::Network(_) => &["network", "portgroup", "portid"],
                    InterfaceKind::Direct(_) => &["dev", "mode"],
                    InterfaceKind::VhostUser(_) => &["type", "path", "mode"],
                    InterfaceKind::Vdpa(_) => &["dev"],
                    _ => &[],
                },
                "" => &["type", "managed", "trustGuestRxFilters"],
                "mac" => &["address"],
                "source/reconnect" => &["enabled", "timeout"],
                "source/address" => &["type", "domain", "bus", "slot", "function"],
                "vlan" => &["trunk"],
                "virtualport" => &["type"],
                "virtualport/parameters" => &[
                    "managerid",
                    "typeid",
                    "typeidversion",
                    "instanceid",
                    "interfaceid",
                    "profileid",
                ],
                "bandwidth/inbound" | "bandwidth/outbound" => {
                    &["average", "peak", "burst", "floor"]
                }
                "port" => &["isolated"],
                "script" | "downscript" => &["path"],
                "target" => &["dev", "managed"],
                "model" => &["type"],
                "driver" => DRIVER_ATTRIBUTES,
                "driver/host" => HOST_OFFLOAD_ATTRIBUTES,
                "driver/guest" => GUEST_OFFLOAD_ATTRIBUTES,
                "backend" => &["type", "tap", "vhost"],
                "filterref" => &["filter"],
                "teaming" => &["type", "persistent"],
                "link" => &["state"],
                "mtu" => &["size"],
                "coalesce/rx/frames" => &["max"],
                "boot" => &["order"],
                "alias" => &["name"],
                "rom" => &["bar", "file", "enabled"],
                "address" => &["type", "domain", "bus", "slot", "function", "multifunction"],
                e if e.starts_with("vlan/tag[") => &["id", "nativeMode"],
                e if e.starts_with("filterref/parameter[") => &["name", "value"],
                _ => &[],
            };
            known.contains(&name)
        }
        let i = self.i;
        let mut dups = Vec::new();
        for a in &i.extras.attributes {
            let n = a.name.as_str();
            if modelled(&i.kind, &a.element, n) {
                dups.push((a.element.clone(), n.to_owned()));
            }
        }
        for (el, n) in dups {
            let path = if el.is_empty() {
                format!("@{n}")
            } else {
                format!("{el}/@{n}")
            };
            self.err(
                "extras.duplicate-attribute",
                &path,
                format!(
                    "kept attribute '{n}' is one the model writes itself: set the model field \
                     instead"
                ),
            );
        }
        // Extras attached to elements the model does not write are never emitted.
        let rendered = rendered_paths(i);
        let mut orphans = Vec::new();
        for a in &i.extras.attributes {
            if !rendered.contains(&a.element) {
                orphans.push(a.element.clone());
            }
        }
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                orphans.push(n.parent.clone());
            }
        }
        orphans.dedup();
        for el in orphans {
            self.warn(
                "extras.orphan",
                &el,
                format!("kept content belongs to <{el}>, which this interface does not have: it is not written"),
            );
        }
        self.unknown_extras(&rendered, modelled);
    }

    /// Kept (written) content that libvirt's schema does not allow where it sits: unknown
    /// attributes and elements, text, a second copy of an element the model reads, or one the
    /// reader could not read (a `<mac/>` without address, a `<tag/>` without id, ...).
    fn unknown_extras(
        &mut self,
        rendered: &[String],
        modelled: fn(&InterfaceKind, &str, &str) -> bool,
    ) {
        let i = self.i;
        let mut found: Vec<(String, String)> = Vec::new();
        for a in &i.extras.attributes {
            let (el, n) = (a.element.as_str(), a.name.as_str());
            if !rendered.iter().any(|r| r == el) || modelled(&i.kind, el, n) {
                continue;
            }
            if !schema_attribute(i, el, n) {
                let path = if el.is_empty() {
                    format!("@{n}")
                } else {
                    format!("{el}/@{n}")
                };
                let on = if el.is_empty() { "interface" } else { el };
                found.push((
                    path,
                    format!(
                        "kept attribute '{n}' on <{on}> is not in libvirt's schema: libvirt \
                         refuses the document"
                    ),
                ));
            }
        }
        let keeps_source = matches!(
            i.kind,
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_)
        );
        let mut sources = 0;
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                continue;
            }
            let at = if n.parent.is_empty() {
                "interface".to_owned()
            } else {
                n.parent.clone()
            };
            match classify(n.xml.as_str()) {
                Kept::Ignorable => {}
                Kept::Text => found.push((
                    n.parent.clone(),
                    format!("kept text inside <{at}>: libvirt's schema allows none there"),
                )),
                Kept::Element(name, attrs) => {
                    if n.parent.is_empty() && name == "source" && keeps_source {
                        sources += 1;
                        if sources == 1 {
                            self.source_shape(Some(&attrs));
                            continue;
                        }
                    }
                    if !schema_element(&n.parent, &name) {
                        let path = if n.parent.is_empty() {
                            name.clone()
                        } else {
                            format!("{}/{name}", n.parent)
                        };
                        found.push((
                            path,
                            format!(
                                "kept element <{name}> inside <{at}> is not in libvirt's schema \
                                 there (unknown, repeated, or missing the attribute that makes \
                                 it readable): libvirt refuses the document"
                            ),
                        ));
                    }
                }
            }
        }
        if sources == 0 {
            self.source_shape(None);
        }
        for (path, msg) in found {
            self.err("extras.unknown", &path, msg);
        }
    }

    /// The `<source>` of a type whose source the model keeps verbatim: the attributes libvirt
    /// requires are there and no others.
    fn source_shape(&mut self, attrs: Option<&[String]>) {
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

/// What a kept node is, for the schema check.
enum Kept {
    /// A comment, a processing instruction or blank CDATA: libvirt ignores it.
    Ignorable,
    /// Character data.
    Text,
    /// An element: its name and attribute names.
    Element(String, Vec<String>),
}

fn classify(raw: &str) -> Kept {
    use quick_xml::events::Event;
    // Blanks before the node are no node: classify what follows them.
    let mut r = quick_xml::Reader::from_str(raw.trim_start_matches([' ', '\t', '\r', '\n']));
    match r.read_event() {
        Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let attrs = e
                .attributes()
                .flatten()
                .map(|a| String::from_utf8_lossy(a.key.as_ref()).into_owned())
                .collect();
            Kept::Element(name, attrs)
        }
        Ok(Event::Comment(_)) | Ok(Event::PI(_)) => Kept::Ignorable,
        Ok(Event::CData(c)) if c.iter().all(u8::is_ascii_whitespace) => Kept::Ignorable,
        Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => Kept::Ignorable,
        _ => Kept::Text,
    }
}

/// Attributes libvirt's schema allows that the model does not name, by element path.
fn schema_attribute(i: &Interface, element: &str, name: &str) -> bool {
    let allowed: &[&str] = match element {
        "mac" => &["type", "check"],
        "backend" => &["logFile"],
        "driver" => &["page_per_vq"],
        "boot" => &["loadparm"],
        "bandwidth" => &["classID"],
        "source" => match i.kind {
            InterfaceKind::Bridge(_) => &["macTableManager", "network", "portgroup", "portid"],
            InterfaceKind::Network(_) => &["bridge", "macTableManager"],
            InterfaceKind::Direct(_) => &["network", "portgroup", "portid"],
            InterfaceKind::Hostdev(_) => &["missing"],
            // libvirt 11's passt-served vhost-user names the host interface on <source>.
            InterfaceKind::VhostUser(_)
                if i.backend.as_ref().and_then(|b| b.backend_type.as_deref()) == Some("passt") =>
            {
                &["dev"]
            }
            _ => &[],
        },
        "source/address" => &["multifunction"],
        // Non-pci addresses (ccw, virtio-mmio, ...) keep all their attributes as extras.
        "address" => return matches!(i.address, Some(crate::model::DeviceAddress::Other { .. })),
        _ => &[],
    };
    allowed.contains(&name)
}

/// Child elements libvirt's schema allows that the model does not name, by parent path.
fn schema_element(parent: &str, name: &str) -> bool {
    let allowed: &[&str] = match parent {
        "" => &[
            "guest",
            "ip",
            "route",
            "portForward",
            "backenddomain",
            "acpi",
            "tune",
        ],
        "address" => &["zpci"],
        _ => &[],
    };
    allowed.contains(&name)
}

/// Paths of the elements the writer produces for this interface.
fn rendered_paths(i: &Interface) -> Vec<String> {
    let mut p: Vec<String> = vec![String::new()];
    let mut add = |s: &str| p.push(s.to_owned());
    if i.mac.is_some() {
        add("mac");
    }
    match &i.kind {
        InterfaceKind::Bridge(_)
        | InterfaceKind::Network(_)
        | InterfaceKind::Direct(_)
        | InterfaceKind::Vdpa(_) => add("source"),
        InterfaceKind::VhostUser(v) => {
            add("source");
            if v.reconnect.is_some() {
                add("source/reconnect");
            }
        }
        InterfaceKind::Hostdev(_) => {
            add("source");
            add("source/address");
        }
        _ => {}
    }
    if let Some(v) = &i.vlan {
        add("vlan");
        for n in 1..=v.tags.len() {
            add(&format!("vlan/tag[{n}]"));
        }
    }
    if i.virtualport.is_some() {
        add("virtualport");
        add("virtualport/parameters");
    }
    if let Some(bw) = &i.bandwidth {
        add("bandwidth");
        if bw.inbound.is_some() {
            add("bandwidth/inbound");
        }
        if bw.outbound.is_some() {
            add("bandwidth/outbound");
        }
    }
    for (present, name) in [
        (i.port_isolated.is_some(), "port"),
        (i.script.is_some(), "script"),
        (i.downscript.is_some(), "downscript"),
        (i.target.is_some(), "target"),
        (i.model.is_some(), "model"),
        (i.backend.is_some(), "backend"),
        (i.teaming.is_some(), "teaming"),
        (i.link.is_some(), "link"),
        (i.mtu.is_some(), "mtu"),
        (i.boot.is_some(), "boot"),
        (i.alias.is_some(), "alias"),
        (i.rom.is_some(), "rom"),
        (i.address.is_some(), "address"),
    ] {
        if present {
            add(name);
        }
    }
    if let Some(d) = &i.driver {
        add("driver");
        if d.host.is_some() {
            add("driver/host");
        }
        if d.guest.is_some() {
            add("driver/guest");
        }
    }
    if let Some(f) = &i.filterref {
        add("filterref");
        for n in 1..=f.parameters.len() {
            add(&format!("filterref/parameter[{n}]"));
        }
    }
    if let Some(c) = &i.coalesce {
        add("coalesce");
        if c.rx_max_frames.is_some() {
            add("coalesce/rx");
            add("coalesce/rx/frames");
        }
    }
    p
}

fn model_phrase(model: Option<&str>) -> String {
    model.map_or("the hypervisor's default model".to_owned(), |m| {
        format!("'{m}'")
    })
}

fn list_or_none(v: &[&str]) -> String {
    if v.is_empty() {
        "no virtualport at all".into()
    } else {
        v.join(" or ")
    }
}

#[cfg(test)]
mod tests;
