//! The real peers are the reference: `fixtures/osvif/real/` holds VIF objects built by the real
//! os-vif (5.3.0) and what the real nova (34.0.0) libvirt driver renders for each, written by
//! `scripts/osvif-fixtures`. For every case, vifxml converts what os-vif wrote with the settings
//! nova rendered with, and
//! - its XML carries every element and attribute nova's carries (the model aside, which the
//!   caller chooses; [`NOVA_ONLY`] lists what nova writes and libvirt refuses);
//! - it validates without errors, and libvirt defines it (`test:///default` and the QEMU driver
//!   in-process), also where nova raises;
//! - where vifxml refuses, nova refuses too ([`REFUSED`] names class and field).
//!
//! A last test regenerates the fixtures with the real libraries and fails on any difference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;
use serde::Deserialize;
use serde_json::Value;

use vifxml::model::ids::PciAddress;
use vifxml::osvif::{self, Frontend, Options, OsVifErrorKind};
use vifxml::Interface;

mod osvif_common;
use osvif_common::{Refusal, ALWAYS_REFUSED, MULTIQUEUE_WITHOUT_QUEUES};

fn real_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/osvif/real")
}

#[derive(Deserialize)]
struct Manifest {
    versions: BTreeMap<String, String>,
    classes: BTreeMap<String, ClassInfo>,
    host: Host,
    cases: Vec<Case>,
}

/// An os-vif class as the real library registers it.
#[derive(Deserialize)]
struct ClassInfo {
    version: String,
    fields: Vec<String>,
}

#[derive(Deserialize)]
struct Host {
    pci_netdev: BTreeMap<String, String>,
    vdpa_device: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    class: String,
    nova: Settings,
    nova_error: Option<String>,
}

/// What nova rendered with: `[libvirt]virt_type`, the port's vnic type, the flavor, and
/// `[libvirt]rx/tx_queue_size`.
#[derive(Deserialize)]
struct Settings {
    virt_type: String,
    vnic_type: String,
    vcpus: Option<u32>,
    #[serde(default)]
    extra_specs: BTreeMap<String, String>,
    rx_queue_size: Option<u32>,
    tx_queue_size: Option<u32>,
}

fn manifest() -> Manifest {
    let p = real_dir().join("manifest.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Cases nova renders and vifxml refuses because the guest cannot start with nova's XML: the
/// tap os-vif creates and the queues libvirt opens it with disagree (`tests/osvif_start.rs`
/// starts nova's XML on such taps and sees the failure).
pub const NOVA_XML_FAILS_TO_START: &[&str] = &[
    "ovs-create-tap-multiqueue-1vcpu",
    "ovs-create-tap-single-queue",
];

/// The cases vifxml refuses with nova's settings, with the kind, class and field path of the
/// refusal. Everything else converts.
fn refused() -> Vec<Refusal> {
    let mut v = ALWAYS_REFUSED.to_vec();
    v.push(MULTIQUEUE_WITHOUT_QUEUES("ovs-create-tap-multiqueue-1vcpu"));
    v.push((
        "ovs-create-tap-single-queue",
        OsVifErrorKind::Value,
        "VIFPortProfileOpenVSwitch",
        "port_profile.multiqueue",
    ));
    v
}

/// What nova writes and vifxml does not, with the reason (also in docs/osvif.md): `(case,
/// element path, attribute)`. Each entry must be needed by its case.
const NOVA_ONLY: &[(&str, &str, &str, &str)] = &[(
    "hostdev-packed",
    "interface/driver",
    "packed",
    "libvirt refuses it at define: packed driver option is only supported for virtio devices",
)];

impl Settings {
    fn spec_on(&self, key: &str) -> bool {
        self.extra_specs.get(key).is_some_and(|v| v == "true")
    }

    /// The queue count nova derives: the flavor's vcpus with `hw:vif_multiqueue_enabled` on
    /// kvm, never below two vCPUs (`hardware.get_vif_multiqueue_constraint`).
    fn queues(&self) -> Option<u32> {
        self.vcpus.filter(|v| {
            self.virt_type == "kvm" && *v >= 2 && self.spec_on("hw:vif_multiqueue_enabled")
        })
    }

    /// Packed virtqueues (`hw:virtio_packed_ring`).
    fn packed(&self) -> bool {
        self.spec_on("hw:virtio_packed_ring")
    }
}

/// vifxml's options for a case: nova's settings as nova derives them, and the host facts both
/// sides were given.
fn run_case<'h>(
    case: &Case,
    netdev: &'h dyn Fn(&PciAddress) -> Option<String>,
    vdpa: &'h dyn Fn(&PciAddress) -> Option<String>,
) -> Result<Vec<Interface>, osvif::OsVifError> {
    let s = &case.nova;
    let frontend = Frontend {
        virt_type: s.virt_type.parse().expect("virt type"),
        model: None,
        queues: s.queues(),
        rx_queue_size: s.rx_queue_size,
        tx_queue_size: s.tx_queue_size,
        packed: s.packed(),
        bandwidth: osvif::bandwidth_from_extra_specs(
            s.extra_specs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .expect("extra specs"),
    };
    let opts = Options {
        pci_netdev: Some(netdev),
        vdpa_device: Some(vdpa),
        vnic_type: s.vnic_type.parse().expect("vnic type"),
        frontend,
    };
    let text = std::fs::read_to_string(real_dir().join(format!("{}.json", case.name)))
        .expect("fixture is readable");
    osvif::from_json_with(&text, &opts)
}

/// Every case converted (or refused), with nova's XML when nova rendered one.
struct Outcome {
    name: String,
    ours: Result<Interface, osvif::OsVifError>,
    nova_xml: Option<String>,
    nova_error: Option<String>,
}

fn outcomes() -> Vec<Outcome> {
    let m = manifest();
    let lookup =
        |table: &BTreeMap<String, String>, pci: &PciAddress| table.get(&pci.to_string()).cloned();
    let netdev = |pci: &PciAddress| lookup(&m.host.pci_netdev, pci);
    let vdpa = |pci: &PciAddress| lookup(&m.host.vdpa_device, pci);
    m.cases
        .iter()
        .map(|c| {
            let ours = run_case(c, &netdev, &vdpa).map(|mut v| {
                assert_eq!(v.len(), 1, "{}", c.name);
                v.remove(0)
            });
            let p = real_dir().join(format!("{}.nova.xml", c.name));
            let nova_xml = std::fs::read_to_string(&p).ok();
            assert_eq!(
                nova_xml.is_some(),
                c.nova_error.is_none(),
                "{}: nova either rendered or raised",
                c.name
            );
            Outcome {
                name: c.name.clone(),
                ours,
                nova_xml,
                nova_error: c.nova_error.clone(),
            }
        })
        .collect()
}

/// An XML document as `(element path, attribute, value)` facts, and the element paths.
fn facts(xml: &str) -> (BTreeSet<(String, String, String)>, BTreeSet<String>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut attrs = BTreeSet::new();
    let mut elements = BTreeSet::new();
    loop {
        let ev = reader.read_event().expect("well-formed xml");
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        stack.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
        let path = stack.join("/");
        elements.insert(path.clone());
        for a in e.attributes() {
            let a = a.expect("attribute");
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = a.unescape_value().expect("value").into_owned();
            attrs.insert((path.clone(), key, normalize(&value)));
        }
        if empty {
            stack.pop();
        }
    }
    (attrs, elements)
}

/// Numbers compare by value (nova writes `0x0000`, `str(int)`), the rest as written.
fn normalize(v: &str) -> String {
    let n = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse::<u64>().ok(),
    };
    n.map_or_else(|| v.to_owned(), |n| n.to_string())
}

#[test]
fn every_real_object_converts_or_is_refused_as_expected() {
    let all = outcomes();
    assert!(all.len() >= 60, "{} cases", all.len());
    for o in &all {
        let expected = refused().into_iter().find(|r| r.0 == o.name);
        match (&o.ours, expected) {
            (Ok(i), None) => {
                let errors: Vec<String> = vifxml::validate::validate(i)
                    .into_iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.to_string())
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", o.name);
            }
            (Err(e), Some((_, kind, class, path))) => {
                assert_eq!(
                    (e.kind, e.class.as_str(), e.path.as_str()),
                    (kind, class, path),
                    "{}: {e}",
                    o.name
                );
                // Where vifxml refuses, nova refuses too, or nova's XML cannot start.
                assert!(
                    o.nova_error.is_some() || NOVA_XML_FAILS_TO_START.contains(&o.name.as_str()),
                    "{}: vifxml refuses ({e}) what nova renders",
                    o.name
                );
            }
            (Ok(_), Some(_)) => panic!("{}: converted, expected a refusal", o.name),
            (Err(e), None) => panic!("{}: refused: {e}", o.name),
        }
    }
    for r in refused() {
        assert!(all.iter().any(|o| o.name == r.0), "no case {}", r.0);
    }
}

#[test]
fn our_xml_carries_everything_nova_writes() {
    let mut compared = 0;
    let mut used = BTreeSet::new();
    for o in outcomes() {
        let (Ok(iface), Some(nova)) = (&o.ours, &o.nova_xml) else {
            continue;
        };
        let ours_xml = vifxml::xml::render_interface(iface);
        let (ours, our_elements) = facts(&ours_xml);
        let (theirs, their_elements) = facts(nova);
        for el in &their_elements {
            if NOVA_ONLY.iter().any(|n| n.0 == o.name && n.1 == el) {
                continue;
            }
            assert!(
                our_elements.contains(el),
                "{}: nova writes <{el}>, vifxml does not\nnova:\n{nova}\nvifxml:\n{ours_xml}",
                o.name
            );
        }
        for fact in &theirs {
            let (path, attr, _) = fact;
            if path == "interface/model" && attr == "type" {
                continue; // the caller chooses the model
            }
            if let Some(n) = NOVA_ONLY
                .iter()
                .find(|n| n.0 == o.name && n.1 == path && n.2 == attr)
            {
                used.insert(n.0);
                assert!(
                    !ours.contains(fact),
                    "{}: {} is no longer nova-only",
                    o.name,
                    n.2
                );
                continue;
            }
            assert!(
                ours.contains(fact),
                "{}: nova writes {path}/@{attr}='{}', vifxml does not\nnova:\n{nova}\nvifxml:\n\
                 {ours_xml}",
                o.name,
                fact.2
            );
        }
        compared += 1;
    }
    for n in NOVA_ONLY {
        assert!(used.contains(n.0), "NOVA_ONLY entry {} is not needed", n.0);
    }
    println!("{compared} cases: vifxml's xml carries everything nova's does");
    assert!(compared >= 45, "{compared} cases compared");
}

#[test]
fn manifest_names_the_versions_and_every_class() {
    let m = manifest();
    assert_eq!(m.versions.get("os-vif").map(String::as_str), Some("5.3.0"));
    assert_eq!(m.versions.get("nova").map(String::as_str), Some("34.0.0"));
    let mut seen = BTreeSet::new();
    fn names(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(n)) = o.get("versioned_object.name") {
                    out.insert(n.clone());
                }
                o.values().for_each(|x| names(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| names(x, out)),
            _ => {}
        }
    }
    for c in &m.cases {
        let text =
            std::fs::read_to_string(real_dir().join(format!("{}.json", c.name))).expect("fixture");
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["versioned_object.name"], c.class.as_str(), "{}", c.name);
        names(&v, &mut seen);
    }
    for k in osvif::KNOWN_CLASSES {
        assert!(seen.contains(k.name), "no real fixture has {}", k.name);
    }
}

/// The classes, versions and fields vifxml knows are os-vif's own (VIFDirect also reads the
/// `dev_name` of early os-vif).
#[test]
fn known_classes_are_os_vifs() {
    let m = manifest();
    for k in osvif::KNOWN_CLASSES {
        let real = m
            .classes
            .get(k.name)
            .unwrap_or_else(|| panic!("os-vif has no class {}", k.name));
        assert_eq!(
            real.version,
            format!("{}.{}", k.major, k.minor),
            "{}",
            k.name
        );
        let mut ours: Vec<&str> = k.fields.to_vec();
        if k.name == "VIFDirect" {
            ours.retain(|f| *f != "dev_name");
        }
        ours.sort_unstable();
        let theirs: Vec<&str> = real.fields.iter().map(String::as_str).collect();
        assert_eq!(ours, theirs, "{}", k.name);
    }
    // Every os-vif class that can sit in a VIF is known; the rest are named in messages.
    for name in m.classes.keys() {
        let known = osvif::KNOWN_CLASSES.iter().any(|k| k.name == name);
        let elsewhere = name.starts_with("Host")
            || name.ends_with("List")
            || matches!(
                name.as_str(),
                "VIFBase" | "DatapathOffloadBase" | "Subnet" | "FixedIP" | "Route" | "InstanceInfo"
            );
        assert!(known || elsewhere, "os-vif class {name} is not known here");
    }
}

#[cfg(feature = "libvirt")]
mod define {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use vifxml::libvirt::{Connection, DEFAULT_URI};

    static SEQ: AtomicUsize = AtomicUsize::new(0);

    fn unique(prefix: &str) -> String {
        format!(
            "osvif-{prefix}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn domain(kind: &str, name: &str, iface: &str) -> String {
        format!(
            "<domain type='{kind}'><name>{name}</name><memory>131072</memory>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os>\
             <memoryBacking><access mode='shared'/></memoryBacking>\
             <devices>{iface}</devices></domain>"
        )
    }

    fn embed_root() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(root.path().join("etc")).expect("mkdir etc");
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if is_root {
            std::fs::write(
                root.path().join("etc/qemu.conf"),
                "user = \"root\"\ngroup = \"root\"\n",
            )
            .expect("write qemu.conf");
        }
        root
    }

    /// Where the mapping leaves the network's MTU out because the QEMU driver refuses it (direct,
    /// hostdev, vdpa), the QEMU driver does refuse vifxml's XML with an `<mtu>` added; where it
    /// writes one (ethernet, bridge, vhost-user), it defines.
    /// (Called from the define test: the QEMU driver runs once per process.)
    fn mtu_goes_only_where_the_qemu_driver_takes_it(qemu: &Connection) {
        let mut seen = BTreeSet::new();
        for o in outcomes() {
            let Ok(iface) = &o.ours else { continue };
            let ty = iface.kind.type_name().to_owned();
            if !seen.insert(ty.clone()) {
                continue;
            }
            let mut with_mtu = iface.clone();
            with_mtu.mtu = Some(1450);
            let x = vifxml::xml::render_interface(&with_mtu);
            let verdict = qemu.check(&domain("qemu", &unique(&o.name), &x));
            let written = iface.mtu.is_some();
            match ty.as_str() {
                "direct" | "hostdev" | "vdpa" => {
                    assert!(!written, "{}: <mtu> written on {ty}", o.name);
                    let e = verdict.expect_err("the qemu driver refuses <mtu> here");
                    assert!(e.to_string().contains("MTU"), "{}: {e}", o.name);
                }
                _ => {
                    assert!(written, "{}: no <mtu> on {ty}", o.name);
                    verdict.unwrap_or_else(|e| panic!("{}: {e}\n{x}", o.name));
                }
            }
        }
        let types: Vec<&str> = seen.iter().map(String::as_str).collect();
        assert_eq!(
            types,
            [
                "bridge",
                "direct",
                "ethernet",
                "hostdev",
                "vdpa",
                "vhostuser"
            ],
            "every mapped type is tried"
        );
    }

    /// vifxml's XML for every converted case defines in both drivers, including the cases nova
    /// cannot render; nova's own XML is defined too, so a difference in verdict shows.
    #[test]
    fn our_xml_defines_where_nova_renders_and_where_it_raises() {
        let test = Connection::open(DEFAULT_URI).expect("test driver");
        let root = embed_root();
        let uri = format!("qemu:///embed?root={}", root.path().display());
        let qemu = Connection::open(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        let (mut ours_defined, mut nova_raised_ours_defined) = (0, 0);
        let mut nova_refused_by_libvirt = Vec::new();
        for o in outcomes() {
            let Ok(iface) = &o.ours else { continue };
            let x = vifxml::xml::render_interface(iface);
            for (conn, kind, label) in [(&test, "test", DEFAULT_URI), (&qemu, "qemu", "qemu")] {
                conn.check(&domain(kind, &unique(&o.name), &x))
                    .unwrap_or_else(|e| {
                        panic!("{}: {label} refused vifxml's xml: {e}\n{x}", o.name)
                    });
            }
            ours_defined += 1;
            if o.nova_error.is_some() {
                nova_raised_ours_defined += 1;
            }
            if let Some(n) = &o.nova_xml {
                if let Err(e) = qemu.check(&domain("qemu", &unique(&o.name), n)) {
                    nova_refused_by_libvirt.push(format!("{}: {e}", o.name));
                }
            }
        }
        println!(
            "{ours_defined} converted cases defined in {DEFAULT_URI} and {uri} \
             ({nova_raised_ours_defined} of them where nova raises); nova's own xml refused \
             by the qemu driver: {nova_refused_by_libvirt:?}"
        );
        assert!(ours_defined >= 50, "{ours_defined}");
        assert!(nova_raised_ours_defined >= 6, "{nova_raised_ours_defined}");
        // What the qemu driver refuses of nova's is exactly what NOVA_ONLY lists.
        let listed: BTreeSet<&str> = NOVA_ONLY.iter().map(|n| n.0).collect();
        let refused: BTreeSet<&str> = nova_refused_by_libvirt
            .iter()
            .map(|s| s.split(':').next().unwrap_or(""))
            .collect();
        assert_eq!(refused, listed, "{nova_refused_by_libvirt:?}");
        mtu_goes_only_where_the_qemu_driver_takes_it(&qemu);
    }
}

/// Regenerates the fixtures with the real os-vif and nova (the environment
/// `scripts/python-env` makes; `scripts/install-deps --libvirt` makes it) and fails on any
/// difference from the committed files.
#[test]
fn committed_fixtures_are_what_the_real_libraries_write() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ready = Command::new(repo.join("scripts/python-env"))
        .arg("--check")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ready,
        "the os-vif/nova environment is missing: run scripts/python-env (or scripts/install-deps \
         --libvirt), which installs os-vif and nova from PyPI"
    );
    let out = tempfile::tempdir().expect("tempdir");
    let status = Command::new(repo.join("scripts/osvif-fixtures"))
        .arg("--out")
        .arg(out.path())
        .status()
        .expect("scripts/osvif-fixtures runs");
    assert!(status.success(), "scripts/osvif-fixtures failed");
    let list = |d: &Path| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    let (committed, fresh) = (list(&real_dir()), list(out.path()));
    assert_eq!(
        committed, fresh,
        "the fixture files differ from what the libraries write"
    );
    let mut differ = Vec::new();
    for f in &committed {
        let a = std::fs::read(real_dir().join(f)).expect("readable");
        let b = std::fs::read(out.path().join(f)).expect("readable");
        let same = if f.ends_with(".json") {
            // `versioned_object.changes` is a Python set written as a list: its order follows
            // the interpreter's string hashing, not os-vif.
            let parse = |bytes: &[u8]| {
                let mut v: Value = serde_json::from_slice(bytes).expect("json");
                sort_changes(&mut v);
                v
            };
            parse(&a) == parse(&b)
        } else {
            a == b
        };
        if !same {
            differ.push(f.clone());
        }
    }
    assert!(
        differ.is_empty(),
        "fixtures/osvif/real drifted from os-vif/nova (run scripts/osvif-fixtures and review): \
         {differ:?}"
    );
}

/// `vifxml from-osvif` with nova's settings as options: the refused cases exit 1 naming class
/// and field; the others print what the library renders.
#[test]
fn cli_agrees_with_the_library_on_every_case() {
    let m = manifest();
    let all = outcomes();
    for (case, o) in m.cases.iter().zip(&all) {
        let s = &case.nova;
        let mut args: Vec<String> = vec![
            "from-osvif".into(),
            "--vnic-type".into(),
            s.vnic_type.clone(),
            "--virt-type".into(),
            s.virt_type.clone(),
        ];
        if let Some(v) = s.queues() {
            args.extend(["--queues".into(), v.to_string()]);
        }
        for (flag, v) in [
            ("--rx-queue-size", s.rx_queue_size),
            ("--tx-queue-size", s.tx_queue_size),
        ] {
            if let Some(v) = v {
                args.extend([flag.into(), v.to_string()]);
            }
        }
        if s.packed() {
            args.push("--packed".into());
        }
        for (k, v) in &s.extra_specs {
            args.extend(["--extra-spec".into(), format!("{k}={v}")]);
        }
        for (pci, dev) in &m.host.pci_netdev {
            args.extend(["--pci-netdev".into(), format!("{pci}={dev}")]);
        }
        for (pci, dev) in &m.host.vdpa_device {
            args.extend(["--vdpa-device".into(), format!("{pci}={dev}")]);
        }
        // No sysfs of this machine in the answer.
        args.extend(["--sysfs-root".into(), "/nonexistent".into()]);
        args.push(
            real_dir()
                .join(format!("{}.json", case.name))
                .to_string_lossy()
                .into_owned(),
        );
        let out = Command::new(env!("CARGO_BIN_EXE_vifxml"))
            .args(&args)
            .output()
            .expect("vifxml runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        match &o.ours {
            Ok(i) => {
                assert_eq!(out.status.code(), Some(0), "{}: {stderr}", case.name);
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout),
                    vifxml::xml::render_interface(i),
                    "{}",
                    case.name
                );
            }
            Err(e) => {
                assert_eq!(out.status.code(), Some(1), "{}: {stderr}", case.name);
                assert!(
                    stderr.contains(&format!("{} at {}", e.class, e.path)),
                    "{}: {stderr}",
                    case.name
                );
                assert!(out.stdout.is_empty(), "{}", case.name);
            }
        }
    }
}

fn sort_changes(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "versioned_object.changes" {
                    if let Value::Array(a) = x {
                        a.sort_by_key(|x| x.to_string());
                    }
                } else {
                    sort_changes(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(sort_changes),
        _ => {}
    }
}
