//! Rules across the devices of one guest: duplicate MACs, target devs, aliases, boot orders,
//! guest PCI addresses, acpi indexes and host devices, boot orders beside `<os><boot>`, the MAC
//! of a failover pair (`devices.duplicate-mac`, `devices.duplicate-target`,
//! `devices.duplicate-alias`, `devices.duplicate-boot-order`, `devices.duplicate-pci-address`,
//! `devices.duplicate-acpi-index`, `devices.duplicate-hostdev`, `devices.boot-os`,
//! `devices.teaming-mac`).

use std::collections::HashMap;

use super::join;
use crate::diag::Diagnostic;
use crate::model::interface::{DeviceAddress, TeamingType};
use crate::model::kind::InterfaceKind;
use crate::model::Interface;
use crate::xml::{DeviceFacts, DomainFacts};

/// The maps of [`across`] hash short keys (names, MACs, numbers) with rustc's Fx hash: the
/// standard SipHash guards maps against chosen collisions, which cost here is at worst a slower
/// check of one document, and it was a tenth of validating a large guest.
type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// How many values of an interface [`across`] compares by hash: MAC, target dev, alias, boot
/// order. Guest PCI addresses, acpi indexes and host PCI devices are small numbers: [`Slots`]
/// finds their repeats with bitsets.
const KEYS: usize = 4;

/// A 64-bit hash of one compared value: its field, length and bytes (eight at a time, then
/// murmur3's finaliser, so that both halves of the hash are well mixed). 0 stands for an absent
/// value (a value whose hash is 0 counts as 1: hashes that meet are compared exactly anyway).
fn key(field: u8, bytes: &[u8]) -> u64 {
    const M: u64 = 0x9E37_79B9_7F4A_7C15;
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
}

/// The hash of a numeric value (boot order, acpi index, a PCI address packed into 64 bits):
/// murmur3's finaliser over the field and the number, no byte loop (every interface of a live
/// guest has a PCI address).
fn num_key(field: u8, v: u64) -> u64 {
    let mut h = v ^ (u64::from(field) << 56) ^ 0x9E37_79B9_7F4A_7C15;
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    (h ^ (h >> 33)).max(1)
}

/// A PCI address as one number: domain (32 bits), bus, slot, function (8 each).
fn pci_packed(p: [u32; 4]) -> u64 {
    u64::from(p[0]) << 24
        | u64::from(p[1] & 0xff) << 16
        | u64::from(p[2] & 0xff) << 8
        | u64::from(p[3] & 0xff)
}

/// Which guest PCI addresses, acpi indexes and host PCI devices occur more than once: a bit a
/// value for the usual range (PCI domain 0, acpi index up to 16383; 8 KiB at most, allocated
/// from the second value on), a hash set beyond it. One pass, no hashing for the values live
/// guests carry on every interface.
#[derive(Default)]
struct Slots {
    first: [Option<u64>; 3],
    bits: [Vec<u64>; 3],
    wide: [rustc_hash::FxHashSet<u64>; 3],
    repeated: [rustc_hash::FxHashSet<u64>; 3],
}

/// The bit of a value in its field's bitset, when it is in the usual range.
fn slot_bit(field: usize, v: u64) -> Option<usize> {
    match field {
        // domain 0, bus 0..=255, slot 0..=31, function 0..=7: 16 bits.
        0 | 2 => {
            let (domain, bus, slot, function) =
                (v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
            (domain == 0 && slot < 32 && function < 8)
                .then_some((bus << 8 | slot << 3 | function) as usize)
        }
        _ => (v < 1 << 14).then_some(v as usize),
    }
}

impl Slots {
    /// Field 0: guest PCI, 1: acpi index, 2: host PCI.
    fn add(&mut self, field: usize, v: u64) {
        let Some(first) = self.first[field] else {
            self.first[field] = Some(v);
            return;
        };
        if self.bits[field].is_empty() {
            self.bits[field].resize(if field == 1 { 256 } else { 1024 }, 0);
            self.mark(field, first);
        }
        if self.mark(field, v) {
            self.repeated[field].insert(v);
        }
    }

    /// Sets the value's bit (or set entry); true when it was set already.
    fn mark(&mut self, field: usize, v: u64) -> bool {
        match slot_bit(field, v) {
            Some(k) => self.bits[field].get_mut(k / 64).is_some_and(|word| {
                let was = *word >> (k % 64) & 1 == 1;
                *word |= 1 << (k % 64);
                was
            }),
            None => !self.wide[field].insert(v),
        }
    }

    fn add_interface(&mut self, i: &Interface) {
        if let Some(p) = guest_pci(i) {
            self.add(0, pci_packed(p));
        }
        if let Some(n) = i.acpi_index {
            self.add(1, n.into());
        }
        if let Some(p) = host_pci(i) {
            self.add(2, pci_packed(p));
        }
    }

    fn add_device(&mut self, d: &DeviceFacts) {
        if let Some(p) = d.pci {
            self.add(0, pci_packed(p));
        }
        if let Some(n) = d.acpi_index {
            self.add(1, n.into());
        }
        if let Some(p) = d.host_pci {
            self.add(2, pci_packed(p));
        }
    }

    fn repeated(&self, field: usize, v: u64) -> bool {
        self.repeated[field].contains(&v)
    }

    fn any(&self) -> bool {
        self.repeated.iter().any(|r| !r.is_empty())
    }
}

/// The guest PCI address of an interface, as four numbers.
fn guest_pci(i: &Interface) -> Option<[u32; 4]> {
    match &i.address {
        Some(DeviceAddress::Pci(p)) => {
            Some([p.domain, p.bus.into(), p.slot.into(), p.function.into()])
        }
        _ => None,
    }
}

/// The host PCI device a hostdev interface takes.
fn host_pci(i: &Interface) -> Option<[u32; 4]> {
    match &i.kind {
        InterfaceKind::Hostdev(h) => {
            let a = h.address;
            Some([a.domain, a.bus.into(), a.slot.into(), a.function.into()])
        }
        _ => None,
    }
}

/// The values of an interface [`across`] compares, hashed.
fn shared_keys(i: &Interface) -> [u64; KEYS] {
    [
        i.mac.map(|m| key(0, &m.octets())),
        i.target
            .as_ref()
            .and_then(|t| t.dev.as_ref())
            .map(|d| key(1, d.as_str().as_bytes())),
        i.alias.as_ref().map(|a| key(2, a.as_bytes())),
        i.boot.map(|b| num_key(3, b.into())),
    ]
    .map(|k| k.unwrap_or(0))
}

/// The same values of a device other than an interface.
fn device_keys(d: &DeviceFacts) -> [u64; KEYS] {
    [None, None, None, d.boot_order.map(|b| num_key(3, b.into()))].map(|k| k.unwrap_or(0))
}

/// The hashes of [`shared_keys`] that may be shared by two devices: a Bloom filter of 32 bits
/// a value (two bits each), small enough to stay in cache on a large guest, where exact tables
/// of every value were a third of validating it. Any value two devices share is in the
/// result, with a few values that only look shared.
/// Also gives every interface's keys, so that the exact pass reads only the models it needs.
fn maybe_shared<'a>(
    ifaces: impl Iterator<Item = &'a Interface>,
    others: &[[u64; KEYS]],
    n: usize,
) -> (FastMap<u64, ()>, Vec<[u64; KEYS]>) {
    let bits = (n.saturating_add(others.len()).saturating_mul(4 * 32))
        .next_power_of_two()
        .max(1024);
    let mut filter = vec![0u64; bits / 64];
    let mut maybe = FastMap::default();
    let mut all = Vec::with_capacity(n);
    let mut add = |keys: &[u64; KEYS]| {
        for &h in keys.iter().filter(|&&h| h != 0) {
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
    };
    for keys in others {
        add(keys);
    }
    for i in ifaces {
        let keys = shared_keys(i);
        add(&keys);
        all.push(keys);
    }
    (maybe, all)
}

/// Whether `a` and `b` are the two members of a failover pair (teaming): the transient one
/// names the persistent one's alias.
fn teaming_pair(a: &Interface, b: &Interface) -> bool {
    let names = |t: &Interface, p: &Interface| {
        t.teaming.as_ref().is_some_and(|tm| {
            tm.teaming_type == TeamingType::Transient
                && tm.persistent.is_some()
                && tm.persistent.as_deref() == p.alias.as_deref()
        })
    };
    names(a, b) || names(b, a)
}

fn pci_text(p: [u32; 4]) -> String {
    format!("{:04x}:{:02x}:{:02x}.{:x}", p[0], p[1], p[2], p[3])
}

/// Rules across the devices of one guest: unique target devs, aliases, boot orders, guest PCI
/// addresses, acpi indexes and host devices; duplicate MACs (but for a failover pair, which
/// shares one). `guest` gives the other devices (none for a spec or bare interfaces).
/// Only values [`maybe_shared`] finds are compared exactly.
pub(super) fn across<'a>(
    items: impl Iterator<Item = (&'a str, &'a Interface)> + Clone,
    guest: Option<&'a DomainFacts>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if guest.is_some_and(|g| g.os_boot) {
        for (path, i) in items.clone() {
            if i.boot.is_some() {
                out.push(Diagnostic::error(
                    "devices.boot-os",
                    join(path, "boot/@order"),
                    "a boot order on the interface while <os> has <boot dev>: libvirt refuses \
                     the guest ('per-device boot elements cannot be used together with os/boot \
                     elements'); use one or the other",
                ));
            }
        }
    }
    teaming_macs(items.clone(), &mut out);
    let others: Vec<(&DeviceFacts, [u64; KEYS])> = guest
        .map(|g| g.devices.iter().map(|d| (d, device_keys(d))).collect())
        .unwrap_or_default();
    let other_keys: Vec<[u64; KEYS]> = others.iter().map(|(_, k)| *k).collect();
    let (lo, _) = items.size_hint();
    let (maybe, keys) = maybe_shared(items.clone().map(|(_, i)| i), &other_keys, lo);
    let mut slots = Slots::default();
    for (d, _) in &others {
        slots.add_device(d);
    }
    for (_, i) in items.clone() {
        slots.add_interface(i);
    }
    if maybe.is_empty() && !slots.any() {
        return out;
    }
    let lo = maybe.len();
    let mut macs: FastMap<crate::model::ids::MacAddr, (&str, &Interface)> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut targets: FastMap<&str, &str> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut aliases: FastMap<&str, &str> =
        FastMap::with_capacity_and_hasher(lo, Default::default());
    let mut boots: FastMap<u32, &str> = FastMap::default();
    let mut pcis: FastMap<[u32; 4], &str> = FastMap::default();
    let mut acpis: FastMap<u32, &str> = FastMap::default();
    let mut hosts: FastMap<[u32; 4], &str> = FastMap::default();
    // The other devices first: an interface names the device it collides with.
    for (d, k) in &others {
        let kept = |f: usize| k[f] != 0 && maybe.contains_key(&k[f]);
        if let Some(b) = d.boot_order.filter(|_| kept(3)) {
            boots.insert(b, &d.path);
        }
        if let Some(p) = d.pci.filter(|&p| slots.repeated(0, pci_packed(p))) {
            pcis.insert(p, &d.path);
        }
        if let Some(n) = d.acpi_index.filter(|&n| slots.repeated(1, n.into())) {
            acpis.insert(n, &d.path);
        }
        if let Some(p) = d.host_pci.filter(|&p| slots.repeated(2, pci_packed(p))) {
            hosts.insert(p, &d.path);
        }
    }
    let check_slots = slots.any();
    for ((path, i), keys) in items.zip(keys) {
        if !keys.iter().any(|h| *h != 0 && maybe.contains_key(h)) && !check_slots {
            continue;
        }
        let kept = |k: usize| keys[k] != 0 && maybe.contains_key(&keys[k]);
        if let Some(m) = i.mac.filter(|_| kept(0)) {
            if let Some((first, fi)) = macs.insert(m, (path, i)) {
                if !teaming_pair(i, fi) {
                    out.push(Diagnostic::warning(
                        "devices.duplicate-mac",
                        join(path, "mac/@address"),
                        format!("mac address {m} is also used by {first}: the guest's network will misbehave"),
                    ));
                }
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
        if let Some(p) = guest_pci(i).filter(|&p| check_slots && slots.repeated(0, pci_packed(p))) {
            if let Some(first) = pcis.insert(p, path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-pci-address",
                    join(path, "address"),
                    format!(
                        "guest pci address {} is also used by {first}: libvirt refuses the \
                         guest ('Attempted double use of PCI Address')",
                        pci_text(p)
                    ),
                ));
            }
        }
        if let Some(n) = i
            .acpi_index
            .filter(|&n| check_slots && slots.repeated(1, n.into()))
        {
            if let Some(first) = acpis.insert(n, path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-acpi-index",
                    join(path, "acpi/@index"),
                    format!(
                        "acpi index {n} is also used by {first}: libvirt defines the guest and \
                         QEMU refuses to start it"
                    ),
                ));
            }
        }
        if let Some(p) = host_pci(i).filter(|&p| check_slots && slots.repeated(2, pci_packed(p))) {
            if let Some(first) = hosts.insert(p, path) {
                out.push(Diagnostic::error(
                    "devices.duplicate-hostdev",
                    join(path, "source/address"),
                    format!(
                        "host device {} is also given to the guest by {first}: libvirt refuses \
                         the guest ('Hostdev already exists in the domain configuration')",
                        pci_text(p)
                    ),
                ));
            }
        }
    }
    out
}

/// A failover pair shares one MAC: the transient (hostdev) member's MAC should be the
/// persistent (virtio) member's, or the guest's failover driver does not pair them.
fn teaming_macs<'a>(
    items: impl Iterator<Item = (&'a str, &'a Interface)> + Clone,
    out: &mut Vec<Diagnostic>,
) {
    let transient = |i: &Interface| {
        i.teaming
            .as_ref()
            .filter(|t| t.teaming_type == TeamingType::Transient)
            .and_then(|t| t.persistent.clone())
    };
    // Failover pairs are rare: look for persistent members only when some interface has one.
    if !items.clone().any(|(_, i)| transient(i).is_some()) {
        return;
    }
    let by_alias: FastMap<&str, &Interface> = items
        .clone()
        .filter_map(|(_, i)| i.alias.as_deref().map(|a| (a, i)))
        .collect();
    for (path, i) in items {
        let Some(name) = transient(i) else { continue };
        let Some(p) = by_alias.get(name.as_str()) else {
            continue;
        };
        if let (Some(a), Some(b)) = (i.mac, p.mac) {
            if a != b {
                out.push(Diagnostic::warning(
                    "devices.teaming-mac",
                    join(path, "mac/@address"),
                    format!(
                        "mac address {a} differs from {b} of the persistent member '{name}': a \
                         failover pair shares one mac, or the guest does not pair the two"
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The cross-device rules on long lists with duplicates scattered among unique values, against
    /// a plain search: each repeat names the last earlier interface with the same value, in
    /// interface order, MAC before target before alias before boot order.
    #[test]
    fn cross_device_rules_match_a_plain_search() {
        use crate::model::ids::{DeviceName, MacAddr};
        use crate::model::interface::Target;
        use crate::{Interface, InterfaceKind};
        for (n, every) in [
            (3usize, 1usize),
            (50, 7),
            (3000, 97),
            (3000, 1),
            (20_000, 4999),
        ] {
            let ifaces: Vec<Interface> = (0..n)
                .map(|k| {
                    // Every `every`-th interface repeats an earlier one's values.
                    let v = if k % every == every - 1 { k / 3 } else { k };
                    let mut i = Interface::new(InterfaceKind::Ethernet);
                    let m = [0x52, 0x54, 0, (v >> 16) as u8, (v >> 8) as u8, v as u8];
                    i.mac = MacAddr::new(m).ok();
                    i.target = Some(Target {
                        dev: DeviceName::new(&format!("tap{v}")).ok(),
                        managed: None,
                    });
                    i.alias = Some(format!("ua-net{}", v % 100_000).into());
                    i.boot = (k % 11 == 0).then_some(v as u32 % 1000 + 1);
                    i
                })
                .collect();
            let got: Vec<(String, String)> = crate::validate::validate_all(&ifaces)
                .into_iter()
                .filter(|d| d.rule.starts_with("devices.duplicate-"))
                .map(|d| {
                    let first = d.message.split("also used by ").nth(1).unwrap_or("");
                    let first = first.split(':').next().unwrap_or("").to_string();
                    (d.rule.to_string(), format!("{} after {first}", d.path))
                })
                .collect();
            let mut want = Vec::new();
            let key = |i: &Interface, f: usize| match f {
                0 => i.mac.map(|m| m.to_string()),
                1 => i
                    .target
                    .as_ref()
                    .and_then(|t| t.dev.as_ref())
                    .map(|d| d.to_string()),
                2 => i.alias.as_ref().map(|a| a.to_string()),
                _ => i.boot.map(|b| b.to_string()),
            };
            let rules = [
                ("devices.duplicate-mac", "mac/@address"),
                ("devices.duplicate-target", "target/@dev"),
                ("devices.duplicate-alias", "alias/@name"),
                ("devices.duplicate-boot-order", "boot/@order"),
            ];
            let mut last: std::collections::HashMap<(usize, String), usize> = Default::default();
            for (j, i) in ifaces.iter().enumerate() {
                for (f, (rule, at)) in rules.iter().enumerate() {
                    let Some(v) = key(i, f) else { continue };
                    if let Some(prev) = last.insert((f, v), j) {
                        want.push((rule.to_string(), format!("/{j}/{at} after /{prev}")));
                    }
                }
            }
            assert!(!want.is_empty(), "n={n}: the case has duplicates");
            assert_eq!(got, want, "n={n} every={every}");
        }
    }

    /// Guest PCI addresses and acpi indexes repeated far apart, inside the bitsets' range and
    /// beyond it (PCI domain 1, acpi index 20000), each repeat found once, nothing else.
    #[test]
    fn slot_values_repeated_far_apart() {
        use crate::model::interface::{DeviceAddress, GuestPciAddress};
        use crate::{Interface, InterfaceKind};
        let nic = |domain: u32, bus: u8, slot: u8, function: u8, acpi: u32| {
            let mut i = Interface::new(InterfaceKind::User);
            i.address = Some(DeviceAddress::Pci(GuestPciAddress {
                domain,
                bus,
                slot,
                function,
                multifunction: None,
            }));
            i.acpi_index = Some(acpi);
            i
        };
        let mut ifaces: Vec<Interface> = (0..6000u32)
            .map(|k| {
                nic(
                    0,
                    (k / 240) as u8,
                    2 + ((k / 8) % 30) as u8,
                    (k % 8) as u8,
                    k + 1,
                )
            })
            .collect();
        ifaces.push(nic(0, 0, 2, 0, 30_000)); // the first one's address again
        ifaces.push(nic(1, 0, 2, 0, 20_000));
        ifaces.push(nic(1, 0, 2, 0, 20_000)); // domain 1 and acpi 20000, twice
        ifaces.push(nic(0, 200, 9, 1, 17)); // acpi 17 again (interface 16's)
        let got: Vec<(String, &str)> = crate::validate::validate_all(&ifaces)
            .into_iter()
            .filter(|d| d.rule.starts_with("devices.duplicate-"))
            .map(|d| (d.path, d.rule))
            .collect();
        assert_eq!(
            got,
            [
                ("/6000/address".to_string(), "devices.duplicate-pci-address"),
                ("/6002/address".to_string(), "devices.duplicate-pci-address"),
                (
                    "/6002/acpi/@index".to_string(),
                    "devices.duplicate-acpi-index"
                ),
                (
                    "/6003/acpi/@index".to_string(),
                    "devices.duplicate-acpi-index"
                ),
            ]
        );
    }
}
