//! A deterministic generator of realistic interfaces and guest documents, for benchmarks, load
//! tests and audits.
//!
//! Interface `i` is always the same: its type cycles through macvtap (`direct`, with 802.1Qbg
//! and 802.1Qbh port profiles in all four modes), Open vSwitch bridge ports (VLAN trunk,
//! bandwidth limits), vhost-user (client with reconnect, server), SR-IOV `hostdev` and generic
//! `ethernet`. Every interface has a MAC address, a model, a driver, a `ua-` alias, a target dev
//! and a guest PCI address (domain 0, slot 2 or higher: slot 1 of bus 0 is the i440fx machine's
//! own), all unique for `i < 61 440`, so a document of generated interfaces has no validation
//! error and defines in libvirt's test driver.
//!
//! ```
//! let ifaces = vifxml::generate::interfaces(0..10).unwrap();
//! let doc = vifxml::generate::domain_xml("demo", &ifaces);
//! let parsed = vifxml::xml::parse_document(&doc).unwrap();
//! assert_eq!(parsed.interfaces.len(), 10);
//! let findings = vifxml::validate::validate_document(&doc, &parsed);
//! assert!(findings.is_empty(), "{findings:?}");
//! ```

use std::ops::Range;

use serde_json::{json, Value};

use crate::diag::Diagnostics;
use crate::model::Interface;

/// How many interfaces the generator can make before addresses repeat.
pub const UNIQUE_LIMIT: usize = 31 * 8 * 256;

const MODES: [&str; 4] = ["vepa", "bridge", "private", "passthrough"];

/// A UUID made from `i` and a salt (version 4 and variant bits set, so it reads as random).
fn uuid(salt: u32, i: usize) -> String {
    format!(
        "{salt:08x}-{:04x}-4000-8000-{:012x}",
        (i >> 48) & 0xffff,
        i & 0xffff_ffff_ffff
    )
}

fn mac(i: usize) -> String {
    format!(
        "52:54:00:{:02x}:{:02x}:{:02x}",
        (i >> 16) & 0xff,
        (i >> 8) & 0xff,
        i & 0xff
    )
}

/// Guest PCI address: bus 0..=255, slot 2..=31, function 0..=7 (multifunction on function 0).
fn guest_address(i: usize) -> Value {
    let function = i % 8;
    let slot = 2 + (i / 8) % 30;
    let bus = (i / 240) % 256;
    let mut a = json!({
        "type": "pci",
        "domain": 0,
        "bus": bus,
        "slot": slot,
        "function": function,
    });
    if function == 0 {
        a["multifunction"] = Value::Bool(true);
    }
    a
}

fn virtio_driver(i: usize) -> Value {
    json!({
        "name": "vhost",
        "queues": 1 + i % 8,
        "rx_queue_size": 1024,
        "tx_queue_size": 256,
    })
}

/// The spec (serde form) of generated interface `i`.
///
/// ```
/// let s = vifxml::generate::interface_spec(0);
/// assert_eq!(s["type"], "direct");
/// assert_eq!(s["virtualport"]["type"], "802.1Qbg");
/// ```
pub fn interface_spec(i: usize) -> Value {
    let round = i / 10;
    let mut s = match i % 10 {
        // macvtap with 802.1Qbg / 802.1Qbh, cycling through the four modes.
        k @ (0 | 1) => {
            let mode = MODES[(round + k) % 4];
            let vp = if k == 0 {
                json!({
                    "type": "802.1Qbg",
                    "managerid": 1 + i % 255,
                    "typeid": (i * 7919) % 0x100_0000,
                    "typeidversion": 1 + i % 255,
                    "instanceid": uuid(0x0b9b_0000, i),
                })
            } else {
                json!({"type": "802.1Qbh", "profileid": format!("profile-{}", i % 64)})
            };
            let mut s = json!({
                "type": "direct",
                "source": {"dev": format!("eth{}", i % 4), "mode": mode},
                "virtualport": vp,
            });
            if mode == "passthrough" {
                s["vlan"] = json!({"tags": [{"id": 100 + i % 3000}]});
            }
            s
        }
        // Open vSwitch port with a VLAN trunk and rate limits.
        2..=4 => json!({
            "type": "bridge",
            "source": {"bridge": "br-int"},
            "vlan": {
                "trunk": true,
                "tags": [
                    {"id": 10 + i % 100, "native_mode": "untagged"},
                    {"id": 200 + i % 1000},
                    {"id": 3000 + i % 1000},
                ],
            },
            "virtualport": {
                "type": "openvswitch",
                "interfaceid": uuid(0x0b5b_0000, i),
            },
            "bandwidth": {
                "inbound": {"average": 1000 + i % 1000, "peak": 5000, "burst": 1024},
                "outbound": {"average": 128 + i % 128, "peak": 256, "burst": 256},
            },
            "mtu": 1450,
        }),
        // vhost-user: DPDK client port that reconnects, or a server socket.
        5 => json!({
            "type": "vhostuser",
            "source": {
                "path": format!("/run/openvswitch/vhu{i}.sock"),
                "mode": "client",
                "reconnect": {"enabled": true, "timeout": 10},
            },
            "mtu": 9000,
        }),
        6 => json!({
            "type": "vhostuser",
            "source": {"path": format!("/run/vhost/vhu{i}.sock"), "mode": "server"},
            "mtu": 1500,
        }),
        // SR-IOV VF, with an 802.1Qbh profile on every other one.
        7 => {
            let mut s = json!({
                "type": "hostdev",
                "managed": true,
                "source": {"address": {
                    "domain": 0,
                    "bus": (i >> 8) & 0xff,
                    "slot": (i >> 3) & 0x1f,
                    "function": i & 7,
                }},
                "vlan": {"tags": [{"id": 100 + i % 3000}]},
                "driver": {"name": "vfio"},
            });
            if round.is_multiple_of(2) {
                s["virtualport"] = json!({"type": "802.1Qbh", "profileid": "finance"});
            }
            s
        }
        // Generic tap device.
        _ => json!({
            "type": "ethernet",
            "mtu": 1500,
        }),
    };
    s["mac"] = Value::String(mac(i));
    s["target"] = json!({"dev": format!("vif{i}")});
    s["model"] = Value::String("virtio".into());
    if s.get("driver").is_none() {
        s["driver"] = virtio_driver(i);
    }
    s["alias"] = Value::String(format!("ua-net{i}"));
    s["address"] = guest_address(i);
    s
}

/// The specs of interfaces `range` as a JSON array (what `vifxml render` reads).
pub fn spec_json(range: Range<usize>) -> String {
    let items: Vec<Value> = range.map(interface_spec).collect();
    Value::Array(items).to_string()
}

/// Generated interfaces `range`, read from their specs.
pub fn interfaces(range: Range<usize>) -> Result<Vec<Interface>, Diagnostics> {
    crate::spec::from_value(Value::Array(range.map(interface_spec).collect()))
}

/// A `<domain type='test'>` document with these interfaces (rendered canonically, indented by
/// two spaces), which libvirt's test driver defines. Its memory is shared (vhost-user needs it). Its UUID is derived from `name`, so
/// defining it again redefines the same domain.
pub fn domain_xml(name: &str, ifaces: &[Interface]) -> String {
    let mut out = String::with_capacity(256 + ifaces.len() * 640);
    out.push_str("<domain type='test'>\n  <name>");
    crate::xml::escape_attr(name, &mut out);
    out.push_str("</name>\n  <uuid>");
    // FNV-1a of the name.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    out.push_str(&uuid(0x5eed_0000, (h & 0xffff_ffff_ffff) as usize));
    out.push_str(
        "</uuid>\n  <memory unit='KiB'>1048576</memory>\n  <memoryBacking>\n    \
         <access mode='shared'/>\n  </memoryBacking>\n  <vcpu>1</vcpu>\n  <os>\n    \
         <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n",
    );
    crate::xml::render_interfaces_into(ifaces, "    ", "  ", &mut out);
    out.push_str("  </devices>\n</domain>\n");
    out
}

/// The benchmarks' baseline: a raw quick-xml event scan of `doc` (a `Reader` loop counting
/// start and empty tags), which reads every byte and checks nothing beyond what quick-xml's
/// reader itself checks. `None` when quick-xml reports an error.
///
/// ```
/// assert_eq!(vifxml::generate::baseline_scan("<a><b/><c></c></a>"), Some(3));
/// assert_eq!(vifxml::generate::baseline_scan("<a></b>"), None);
/// ```
pub fn baseline_scan(doc: &str) -> Option<usize> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(doc);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Start(_)) | Ok(Event::Empty(_)) => n += 1,
            Ok(Event::Eof) => return Some(n),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_valid_and_unique() {
        let a = interfaces(0..200).unwrap();
        let b = interfaces(0..200).unwrap();
        assert_eq!(a, b);
        let doc = domain_xml("gen", &a);
        let parsed = crate::xml::parse_document(&doc).unwrap();
        let findings = crate::validate::validate_document(&doc, &parsed);
        assert!(findings.is_empty(), "{findings:#?}");
        let back: Vec<Interface> = parsed.interfaces.into_iter().map(|p| p.interface).collect();
        assert_eq!(back, a);
        for t in ["direct", "bridge", "vhostuser", "hostdev", "ethernet"] {
            assert!(a.iter().any(|i| i.kind.type_name() == t), "{t}");
        }
    }
}
