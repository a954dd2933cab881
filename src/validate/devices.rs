//! Rules across the interfaces of one guest: duplicate MACs, target devs, aliases and boot
//! orders (`devices.duplicate-mac`, `devices.duplicate-target`, `devices.duplicate-alias`,
//! `devices.duplicate-boot-order`).

use std::collections::HashMap;

use super::join;
use crate::diag::Diagnostic;
use crate::model::Interface;

/// The maps of [`across`] hash short keys (names, MACs, numbers) with rustc's Fx hash: the
/// standard SipHash guards maps against chosen collisions, which cost here is at worst a slower
/// check of one document, and it was a tenth of validating a large guest.
type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

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
pub(super) fn across<'a>(
    items: impl Iterator<Item = (&'a str, &'a Interface)> + Clone,
) -> Vec<Diagnostic> {
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
}
