//! os-vif VIF objects → interfaces: every fixture in `fixtures/osvif/real/` (made by the real
//! os-vif, see `tests/osvif_nova.rs`) renders to its snapshot,
//! validates without errors, reads back, and passes libvirt's schema; every refused combination,
//! unknown class, wrong namespace, newer version, missing field and wrong JSON type is refused
//! with the class, the field path and a message; the `from-osvif` command follows `render`'s
//! exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use vifxml::model::ids::PciAddress;
use vifxml::osvif::{self, Options, OsVifError, OsVifErrorKind};
use vifxml::{xml, Interface};

mod cli_harness;
use cli_harness::{code, run, stderr as err, stdout as out};

mod osvif_common;
use osvif_common::{Refusal, ALWAYS_REFUSED, MULTIQUEUE_WITHOUT_QUEUES};

// ---------------------------------------------------------------------------------------------
// Helpers.

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/osvif/real")
        .join(sub)
}

/// The `.json` files of a fixture directory, sorted.
fn files(sub: &str) -> Vec<PathBuf> {
    let d = dir(sub);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.ends_with("manifest.json"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {}", d.display());
    v
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

fn text(name: &str) -> String {
    let p = dir("").join(format!("{name}.json"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn value(name: &str) -> Value {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("{name}: not json: {e}"))
}

/// What sysfs would say on the host the VIFDirect fixtures come from.
fn netdevs(pci: &PciAddress) -> Option<String> {
    let name = match pci.to_string().as_str() {
        "0000:81:00.0" => "ens1f0",
        "0000:81:10.2" => "ens1f0v2",
        "0000:81:10.4" => "ens1f0v4",
        _ => return None,
    };
    Some(name.to_owned())
}

fn convert(v: &Value) -> Result<Vec<Interface>, OsVifError> {
    osvif::from_value_with(
        v,
        &Options {
            pci_netdev: Some(&netdevs),
            ..Default::default()
        },
    )
}

fn convert_one(name: &str, v: &Value) -> Interface {
    let mut out = convert(v).unwrap_or_else(|e| panic!("{name}: refused: {e}"));
    assert_eq!(out.len(), 1, "{name}: one object gives one interface");
    out.remove(0)
}

const DATA: &str = "/versioned_object.data";

/// JSON pointer to a field of the VIF's data.
fn d(field: &str) -> String {
    format!("{DATA}/{field}")
}

/// JSON pointer to a field of the port profile's data.
fn pp(field: &str) -> String {
    format!("{DATA}/port_profile{DATA}/{field}")
}

/// JSON pointer to a field of the network's data.
fn net(field: &str) -> String {
    format!("{DATA}/network{DATA}/{field}")
}

/// Sets (`Some`) or removes (`None`) the member at a JSON pointer whose parent exists.
fn edit(v: &mut Value, ptr: &str, new: Option<Value>) {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer has a parent");
    let obj = if parent.is_empty() {
        Some(&mut *v)
    } else {
        v.pointer_mut(parent)
    };
    let Some(Value::Object(map)) = obj else {
        panic!("no object at {parent}");
    };
    match new {
        Some(n) => {
            map.insert(key.to_owned(), n);
        }
        None => {
            map.remove(key);
        }
    }
}

/// The object at a pointer of a fixture (to graft it elsewhere).
fn part(name: &str, ptr: &str) -> Value {
    value(name)
        .pointer(ptr)
        .cloned()
        .unwrap_or_else(|| panic!("{name} has nothing at {ptr}"))
}

fn profile_of(name: &str) -> Value {
    part(name, &d("port_profile"))
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

#[test]
fn fixtures_render_to_snapshots_validate_and_round_trip() {
    for path in files("") {
        let name = stem(&path);
        if refused_by_default(&name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let v: Value = serde_json::from_str(&text).expect("fixture is json");
        let iface = convert_one(&name, &v);

        let findings = vifxml::validate::validate(&iface);
        assert!(
            findings.iter().all(|f| !f.is_error()),
            "{name}: converted interface has error findings: {findings:#?}"
        );
        let rendered = xml::render_interface(&iface);
        insta::assert_snapshot!(name.as_str(), rendered);

        let back = xml::parse_interface(&rendered)
            .unwrap_or_else(|e| panic!("{name}: rendered XML does not parse: {e:?}"));
        assert_eq!(back, iface, "{name}: render -> parse changed the model");

        let from_text = osvif::from_json_with(
            &text,
            &Options {
                pci_netdev: Some(&netdevs),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{name}: from_json refused: {e}"));
        assert_eq!(
            from_text,
            vec![iface],
            "{name}: from_json and from_value differ"
        );
    }
}

/// The real fixtures refused with the default options (the fixtures converted only with options
/// are in `tests/osvif_nova.rs`), with the refusal's kind, class and field.
fn refused_with_default_options() -> Vec<Refusal> {
    let mut v = ALWAYS_REFUSED.to_vec();
    v.push(MULTIQUEUE_WITHOUT_QUEUES("ovs-create-tap-multiqueue"));
    v.push(MULTIQUEUE_WITHOUT_QUEUES("ovs-create-tap-multiqueue-1vcpu"));
    v
}

fn refused_by_default(name: &str) -> bool {
    refused_with_default_options().iter().any(|r| r.0 == name)
}

#[test]
fn refused_fixtures_name_the_class_and_field() {
    for (name, kind, class, field) in refused_with_default_options() {
        let e = convert(&value(name)).expect_err("refused fixture is refused");
        assert_eq!(e.kind, kind, "{name}: {e}");
        assert_eq!(
            (e.class.as_str(), e.path.as_str()),
            (class, field),
            "{name}: {e}"
        );
        insta::assert_snapshot!(format!("refused-{name}"), e.to_string());
    }
}

/// Fails (never skips) when the schema check cannot run, like `tests/fixtures.rs`.
#[test]
fn fixtures_pass_libvirt_schema() {
    for (tool, arg) in [("virt-xml-validate", "--version"), ("xmllint", "--version")] {
        let ok = Command::new(tool)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "`{tool}` is not on PATH: install libvirt-clients and libxml2-utils"
        );
    }
    let tmp = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    for path in files("") {
        let name = stem(&path);
        if refused_by_default(&name) {
            continue;
        }
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
        let rendered = xml::render_interface(&convert_one(&name, &v));
        let mut devices = String::new();
        for line in rendered.lines() {
            devices.push_str("    ");
            devices.push_str(line);
            devices.push('\n');
        }
        let doc = format!(
            "<domain type='test'>\n  <name>osvif-{name}</name>\n  <memory>1024</memory>\n  \
             <os>\n    <type>hvm</type>\n  </os>\n  <devices>\n{devices}  </devices>\n</domain>\n"
        );
        let file = tmp.path().join(format!("{name}.xml"));
        std::fs::write(&file, &doc).expect("write domain XML");
        let out = Command::new("virt-xml-validate")
            .arg(&file)
            .arg("domain")
            .output()
            .expect("run virt-xml-validate");
        if !out.status.success() {
            failures.push(format!(
                "{name}: {}{}\n{doc}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Mapping details.

#[test]
fn mapping_details() {
    // create_port: os-vif adds the OVS port, libvirt only creates the tap.
    let i = convert_one("ovs-create-port", &value("ovs-create-port"));
    assert_eq!(i.kind.type_name(), "ethernet");
    assert!(i.virtualport.is_none());

    // The same object without create_port is a bridge with an openvswitch port.
    let mut v = value("ovs-create-port");
    edit(&mut v, &pp("create_port"), Some(json!(false)));
    let i = convert_one("ovs-create-port", &v);
    assert_eq!(i.kind.type_name(), "bridge");
    assert!(matches!(
        i.virtualport,
        Some(vifxml::VirtualPort::OpenVSwitch(_))
    ));

    // bridge_name falls back to network.bridge (os-vif's linux bridge plugin reads that).
    let mut v = value("bridge-linuxbridge");
    edit(&mut v, &d("bridge_name"), None);
    let x = xml::render_interface(&convert_one("bridge", &v));
    assert!(x.contains("<source bridge='brqc4b1e0a2-7d'/>"), "{x}");
    let mut v = value("bridge-linuxbridge");
    edit(&mut v, &d("bridge_name"), None);
    edit(&mut v, &net("bridge"), Some(json!("br-net")));
    let x = xml::render_interface(&convert_one("bridge", &v));
    assert!(x.contains("<source bridge='br-net'/>"), "{x}");

    // Network vlan as the string of Network 1.0.
    let mut v = value("hostdev-sriov-vlan");
    edit(&mut v, &net("vlan"), Some(json!("42")));
    let x = xml::render_interface(&convert_one("hostdev-sriov-vlan", &v));
    assert!(x.contains("<tag id='42'/>"), "{x}");

    // No <vlan> where a switch tags: an OVS representor, a vlan_name device.
    for name in ["hostdev-ovs-representor", "direct-bridge-vlan-name"] {
        assert!(convert_one(name, &value(name)).vlan.is_none(), "{name}");
    }

    // No <mtu> on direct or hostdev (the qemu driver refuses both), even with network.mtu.
    for name in [
        "direct-bridge-vlan-name",
        "hostdev-sriov-vlan",
        "hostdev-qbh",
    ] {
        assert!(convert_one(name, &value(name)).mtu.is_none(), "{name}");
    }

    // vhost-user: libvirt's mode is os-vif's mode, as nova writes it.
    let x = xml::render_interface(&convert_one("vhu", &value("vhostuser-ovs-dpdk")));
    assert!(x.contains("mode='server'"), "{x}");
    let x = xml::render_interface(&convert_one("vhu", &value("vhostuser-client-1.0")));
    assert!(x.contains("mode='client'"), "{x}");

    // VIFDirect names its device by vlan_name, or by early os-vif's dev_name.
    let mut v = value("direct-passthrough-vlan");
    edit(&mut v, &d("dev_address"), None);
    edit(&mut v, &d("dev_name"), Some(json!("eth3")));
    let x = xml::render_interface(&convert_one("direct", &v));
    assert!(x.contains("<source dev='eth3' mode='passthrough'/>"), "{x}");

    // Empty profile_id is absent (as libvirt reads an empty profileid).
    let mut v = value("ovs-bridge");
    edit(&mut v, &pp("profile_id"), Some(json!("")));
    let x = xml::render_interface(&convert_one("ovs", &v));
    assert!(!x.contains("profileid"), "{x}");

    // Null nullable fields are absent.
    let mut v = value("ovs-bridge");
    edit(&mut v, &d("address"), Some(Value::Null));
    edit(&mut v, &net("mtu"), Some(Value::Null));
    let i = convert_one("ovs", &v);
    assert!(i.mac.is_none() && i.mtu.is_none());

    // No network at all.
    let mut v = value("generic-tap");
    edit(&mut v, &d("network"), None);
    assert!(convert_one("generic", &v).mtu.is_none());

    // A network bridge the VIF does not use is not checked.
    let mut v = value("generic-tap");
    edit(&mut v, &net("bridge"), Some(json!("br 0")));
    convert_one("generic", &v);

    // Unknown data fields are ignored, as oslo's obj_from_primitive does.
    let mut v = value("generic-tap");
    edit(&mut v, &d("future_field"), Some(json!({"x": 1})));
    convert_one("generic", &v);
}

#[test]
fn older_minor_versions_are_read() {
    let cases: &[(&str, String)] = &[
        ("vhostuser-ovs-dpdk", "/versioned_object.version".into()),
        (
            "vhostuser-ovs-dpdk",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "ovs-bridge",
            format!("{DATA}/network/versioned_object.version"),
        ),
        (
            "direct-vepa-qbg",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "hostdev-qbh",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "vhostuser-fp-ovs",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "vhostuser-fp-bridge",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "vhostuser-fp-tap",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
        (
            "hostdev-ovs-representor",
            format!("{DATA}/port_profile/versioned_object.version"),
        ),
    ];
    for (name, ptr) in cases {
        for old in ["1.0", "1.1", "1.2"] {
            let mut v = value(name);
            let newest = v
                .pointer(ptr)
                .and_then(Value::as_str)
                .expect("a version")
                .to_owned();
            if old >= newest.as_str() {
                continue;
            }
            edit(&mut v, ptr, Some(json!(old)));
            convert(&v).unwrap_or_else(|e| panic!("{name} {ptr}={old}: refused: {e}"));
        }
    }
}

/// Where each known class sits in some fixture (to bump its version there).
fn placement(class: &str) -> (&'static str, String) {
    let profile = format!("{DATA}/port_profile");
    match class {
        "VIFGeneric" => ("generic-tap", String::new()),
        "VIFBridge" => ("bridge-linuxbridge", String::new()),
        "VIFOpenVSwitch" => ("ovs-bridge", String::new()),
        "VIFDirect" => ("direct-vepa-qbg", String::new()),
        "VIFVHostUser" => ("vhostuser-ovs-dpdk", String::new()),
        "VIFHostDevice" => ("hostdev-sriov-vlan", String::new()),
        "VIFPortProfileBase" => ("generic-base-profile", profile),
        "VIFPortProfileOpenVSwitch" => ("ovs-bridge", profile),
        "VIFPortProfileFPOpenVSwitch" => ("vhostuser-fp-ovs", profile),
        "VIFPortProfileOVSRepresentor" => ("hostdev-ovs-representor", profile),
        "VIFPortProfileFPBridge" => ("vhostuser-fp-bridge", profile),
        "VIFPortProfileFPTap" => ("vhostuser-fp-tap", profile),
        "VIFPortProfile8021Qbg" => ("direct-vepa-qbg", profile),
        "VIFPortProfile8021Qbh" => ("hostdev-qbh", profile),
        "DatapathOffloadRepresentor" => (
            "hostdev-ovs-representor",
            format!("{profile}{DATA}/datapath_offload"),
        ),
        "Network" => ("generic-tap", format!("{DATA}/network")),
        other => panic!("no placement for {other}"),
    }
}

/// A newer minor version is read when the fields this crate does not know are absent, null or
/// false (what os-vif's obj_make_compatible drops when it backports), and refused, naming
/// them, when one holds a value; a newer major version is refused.
#[test]
fn newer_versions_for_every_class() {
    for k in osvif::KNOWN_CLASSES {
        let (class, major, minor) = (k.name, k.major, k.minor);
        let (fixture, ptr, grafted) = match class {
            // VIFNestedDPDK is refused anyway; its version is still checked first.
            "VIFNestedDPDK" => ("nested-dpdk", String::new(), None),
            // The K8s profile is opened (and its version checked) before the fit check.
            "VIFPortProfileK8sDPDK" => (
                "vhostuser-fp-tap",
                format!("{DATA}/port_profile"),
                Some(part("nested-dpdk", &d("port_profile"))),
            ),
            c => {
                let (f, p) = placement(c);
                (f, p, None)
            }
        };
        // Refused for another reason than its version, whatever the version.
        let refused_anyway = matches!(class, "VIFNestedDPDK" | "VIFPortProfileK8sDPDK");
        let logical = ptr
            .trim_start_matches('/')
            .split('/')
            .filter(|s| !s.is_empty() && *s != "versioned_object.data")
            .collect::<Vec<_>>()
            .join(".");
        let expected_path = if logical.is_empty() {
            "versioned_object.version".to_owned()
        } else {
            format!("{logical}.versioned_object.version")
        };
        let base = || {
            let mut v = value(fixture);
            if let Some(g) = &grafted {
                edit(&mut v, &ptr, Some(g.clone()));
            }
            let vptr = format!("{ptr}/versioned_object.version");
            assert_eq!(
                v.pointer(&vptr).and_then(Value::as_str).map(str::to_owned),
                Some(format!("{major}.{minor}")),
                "{class}: fixture {fixture} holds the newest version"
            );
            v
        };
        let with = |version: &str, extra: &[(&str, Value)]| {
            let mut v = base();
            edit(
                &mut v,
                &format!("{ptr}/versioned_object.version"),
                Some(json!(version)),
            );
            for (field, val) in extra {
                edit(&mut v, &format!("{ptr}{DATA}/{field}"), Some(val.clone()));
            }
            convert(&v)
        };
        let newer_minor = format!("{major}.{}", minor + 1);
        // Nothing new set: read.
        let quiet = [("future_flag", json!(false)), ("future_ref", Value::Null)];
        match with(&newer_minor, &quiet) {
            Ok(_) => assert!(!refused_anyway, "{class}"),
            Err(e) => {
                assert!(refused_anyway, "{class} {newer_minor} with defaults: {e}");
                assert_ne!(e.kind, OsVifErrorKind::Version, "{class}: {e}");
            }
        }
        // Something new set: refused, naming the field.
        for (field, val) in [("future_flag", json!(true)), ("future_name", json!("x"))] {
            let e = with(&newer_minor, &[(field, val)]).expect_err("a set unknown field");
            assert_eq!(
                e.kind,
                OsVifErrorKind::Version,
                "{class} {newer_minor}: {e}"
            );
            assert_eq!(
                (e.class.as_str(), e.path.as_str()),
                (class, expected_path.as_str())
            );
            assert!(
                e.message.contains(field) && e.message.contains(&newer_minor),
                "{e}"
            );
        }
        // A newer major: refused whatever it carries.
        let newer_major = format!("{}.0", major + 1);
        let e = with(&newer_major, &[]).expect_err("a newer major version is refused");
        assert_eq!(
            e.kind,
            OsVifErrorKind::Version,
            "{class} {newer_major}: {e}"
        );
        assert_eq!(
            (e.class.as_str(), e.path.as_str()),
            (class, expected_path.as_str())
        );
        assert!(e.message.contains(&newer_major), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Refusals.

struct Case {
    name: &'static str,
    fixture: &'static str,
    edits: Vec<(String, Option<Value>)>,
    kind: OsVifErrorKind,
    class: &'static str,
    path: &'static str,
}

fn case(
    name: &'static str,
    fixture: &'static str,
    edits: Vec<(String, Option<Value>)>,
    kind: OsVifErrorKind,
    class: &'static str,
    path: &'static str,
) -> Case {
    Case {
        name,
        fixture,
        edits,
        kind,
        class,
        path,
    }
}

fn set(ptr: impl Into<String>, v: Value) -> (String, Option<Value>) {
    (ptr.into(), Some(v))
}

fn del(ptr: impl Into<String>) -> (String, Option<Value>) {
    (ptr.into(), None)
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use OsVifErrorKind::*;
    let ovs = profile_of("ovs-bridge");
    let qbg = profile_of("direct-vepa-qbg");
    let qbh = profile_of("hostdev-qbh");
    let rep = profile_of("hostdev-ovs-representor");
    let fp_tap = profile_of("vhostuser-fp-tap");
    let fp_ovs = profile_of("vhostuser-fp-ovs");
    let k8s = part("nested-dpdk", &d("port_profile"));
    let offload = part(
        "hostdev-ovs-representor",
        &format!("{DATA}/port_profile{DATA}/datapath_offload"),
    );
    let name = "/versioned_object.name";
    let ns = "/versioned_object.namespace";
    let ver = "/versioned_object.version";
    let pp_env = |k: &str| format!("{DATA}/port_profile/{k}");
    let net_env = |k: &str| format!("{DATA}/network/{k}");
    vec![
        // Combinations that cannot be an <interface>.
        case("hostdev generic", "hostdev-sriov-vlan", vec![set(d("dev_type"), json!("generic"))], Unsupported, "VIFHostDevice", "dev_type"),
        case("nested dpdk", "generic-tap", vec![set(name, json!("VIFNestedDPDK"))], Unsupported, "VIFNestedDPDK", "versioned_object.name"),
        case("qbg on openvswitch", "ovs-bridge", vec![set(d("port_profile"), qbg.clone())], Unsupported, "VIFOpenVSwitch", "port_profile"),
        case("qbh on bridge", "bridge-linuxbridge", vec![set(d("port_profile"), qbh.clone())], Unsupported, "VIFBridge", "port_profile"),
        case("ovs on direct", "direct-vepa-qbg", vec![set(d("port_profile"), ovs.clone())], Unsupported, "VIFDirect", "port_profile"),
        case("qbg on hostdev", "hostdev-qbh", vec![set(d("port_profile"), qbg.clone())], Unsupported, "VIFHostDevice", "port_profile"),
        case("profile on generic", "generic-tap", vec![set(d("port_profile"), ovs.clone())], Unsupported, "VIFGeneric", "port_profile"),
        case("fp tap on hostdev", "hostdev-sriov-vlan", vec![set(d("port_profile"), fp_tap.clone())], Unsupported, "VIFHostDevice", "port_profile"),
        case("fp ovs on openvswitch", "ovs-bridge", vec![set(d("port_profile"), fp_ovs.clone())], Unsupported, "VIFOpenVSwitch", "port_profile"),
        case("representor on openvswitch", "ovs-bridge", vec![set(d("port_profile"), rep.clone())], Unsupported, "VIFOpenVSwitch", "port_profile"),
        case("representor on bridge", "bridge-ovs-hybrid", vec![set(d("port_profile"), rep.clone())], Unsupported, "VIFBridge", "port_profile"),
        case("k8s dpdk on vhostuser", "vhostuser-fp-tap", vec![set(d("port_profile"), k8s.clone())], Unsupported, "VIFVHostUser", "port_profile"),
        case("qbh on vhostuser", "vhostuser-ovs-dpdk", vec![set(d("port_profile"), qbh.clone())], Unsupported, "VIFVHostUser", "port_profile"),
        case("datapath offload on openvswitch", "ovs-bridge", vec![set(pp("datapath_offload"), offload.clone())], Unsupported, "VIFPortProfileOpenVSwitch", "port_profile.datapath_offload"),
        case("openvswitch without profile", "ovs-bridge", vec![del(d("port_profile"))], Missing, "VIFOpenVSwitch", "port_profile"),
        case("direct mode private", "direct-vepa-qbg", vec![set(d("mode"), json!("private"))], Value, "VIFDirect", "mode"),
        case("direct without a device", "direct-vepa-qbg", vec![set(d("dev_address"), json!("0000:99:00.0"))], Missing, "VIFDirect", "dev_address"),
        // Unknown classes, or classes out of place.
        case("unknown vif class", "generic-tap", vec![set(name, json!("VIFFoo"))], UnknownClass, "VIFFoo", "versioned_object.name"),
        case("class names are case-sensitive", "generic-tap", vec![set(name, json!("vifgeneric"))], UnknownClass, "vifgeneric", "versioned_object.name"),
        case("abstract base", "generic-tap", vec![set(name, json!("VIFBase"))], UnknownClass, "VIFBase", "versioned_object.name"),
        case("unknown profile class", "ovs-bridge", vec![set(pp_env("versioned_object.name"), json!("VIFPortProfileFoo"))], UnknownClass, "VIFPortProfileFoo", "port_profile.versioned_object.name"),
        case("profile at the top", "hostdev-qbh", vec![set("", qbh.clone())], UnknownClass, "VIFPortProfile8021Qbh", "versioned_object.name"),
        case("vif as profile", "ovs-bridge", vec![set(pp_env("versioned_object.name"), json!("VIFOpenVSwitch"))], UnknownClass, "VIFOpenVSwitch", "port_profile.versioned_object.name"),
        case("subnet as network", "generic-tap", vec![set(net_env("versioned_object.name"), json!("Subnet"))], UnknownClass, "Subnet", "network.versioned_object.name"),
        // Namespaces.
        case("nova namespace", "generic-tap", vec![set(ns, json!("nova"))], Namespace, "VIFGeneric", "versioned_object.namespace"),
        case("nested namespace", "ovs-bridge", vec![set(pp_env("versioned_object.namespace"), json!("versionedobjects"))], Namespace, "VIFPortProfileOpenVSwitch", "port_profile.versioned_object.namespace"),
        case("namespace missing", "generic-tap", vec![del(ns)], Missing, "VIFGeneric", "versioned_object.namespace"),
        case("namespace not a string", "generic-tap", vec![set(net_env("versioned_object.namespace"), json!(1))], Type, "Network", "network.versioned_object.namespace"),
        // Versions.
        case("newer minor with a new field set", "generic-tap", vec![set(ver, json!("1.1")), set(d("future_flag"), json!(true))], Version, "VIFGeneric", "versioned_object.version"),
        case("newer major", "vhostuser-ovs-dpdk", vec![set(ver, json!("2.0"))], Version, "VIFVHostUser", "versioned_object.version"),
        case("older major", "vhostuser-ovs-dpdk", vec![set(ver, json!("0.9"))], Version, "VIFVHostUser", "versioned_object.version"),
        case("newer profile with a new field set", "ovs-bridge", vec![set(pp_env("versioned_object.version"), json!("1.5")), set(pp("vhost_user_tap"), json!("on"))], Version, "VIFPortProfileOpenVSwitch", "port_profile.versioned_object.version"),
        case("newer network with a new field set", "ovs-bridge", vec![set(net_env("versioned_object.version"), json!("1.2")), set(net("segments"), json!([1]))], Version, "Network", "network.versioned_object.version"),
        case("version not major.minor", "generic-tap", vec![set(ver, json!("1"))], Version, "VIFGeneric", "versioned_object.version"),
        case("version a number", "generic-tap", vec![set(ver, json!(1.0))], Type, "VIFGeneric", "versioned_object.version"),
        case("version missing", "generic-tap", vec![del(ver)], Missing, "VIFGeneric", "versioned_object.version"),
        // Missing fields.
        case("name missing", "generic-tap", vec![del(name)], Missing, "", "versioned_object.name"),
        case("data missing", "generic-tap", vec![del(DATA)], Missing, "VIFGeneric", "versioned_object.data"),
        case("generic vif_name", "generic-tap", vec![del(d("vif_name"))], Missing, "VIFGeneric", "vif_name"),
        case("generic vif_name null", "generic-tap", vec![set(d("vif_name"), serde_json::Value::Null)], Missing, "VIFGeneric", "vif_name"),
        case("create_port vif_name", "ovs-create-port", vec![del(d("vif_name"))], Missing, "VIFOpenVSwitch", "vif_name"),
        case("vhostuser path", "vhostuser-ovs-dpdk", vec![del(d("path"))], Missing, "VIFVHostUser", "path"),
        case("vhostuser mode", "vhostuser-ovs-dpdk", vec![del(d("mode"))], Missing, "VIFVHostUser", "mode"),
        case("hostdev dev_address", "hostdev-sriov-vlan", vec![del(d("dev_address"))], Missing, "VIFHostDevice", "dev_address"),
        case("hostdev dev_type", "hostdev-sriov-vlan", vec![del(d("dev_type"))], Missing, "VIFHostDevice", "dev_type"),
        case("direct mode", "direct-vepa-qbg", vec![del(d("mode"))], Missing, "VIFDirect", "mode"),
        case("direct dev_address", "direct-vepa-qbg", vec![del(d("dev_address"))], Missing, "VIFDirect", "dev_address"),
        case("qbg manager_id", "direct-vepa-qbg", vec![del(pp("manager_id"))], Missing, "VIFPortProfile8021Qbg", "port_profile.manager_id"),
        case("qbg type_id_version", "direct-vepa-qbg", vec![del(pp("type_id_version"))], Missing, "VIFPortProfile8021Qbg", "port_profile.type_id_version"),
        case("qbh profile_id", "hostdev-qbh", vec![del(pp("profile_id"))], Missing, "VIFPortProfile8021Qbh", "port_profile.profile_id"),
        case("ovs interface_id", "ovs-bridge", vec![del(pp("interface_id"))], Missing, "VIFPortProfileOpenVSwitch", "port_profile.interface_id"),
        case("bridge name nowhere", "bridge-linuxbridge", vec![del(d("bridge_name")), del(net("bridge"))], Missing, "VIFBridge", "bridge_name"),
        case("bad network bridge when used", "bridge-linuxbridge", vec![del(d("bridge_name")), set(net("bridge"), json!("br 0"))], Value, "Network", "network.bridge"),
        // Wrong JSON types.
        case("data an array", "generic-tap", vec![set(DATA, json!([]))], Type, "VIFGeneric", "versioned_object.data"),
        case("name a number", "generic-tap", vec![set(name, json!(7))], Type, "", "versioned_object.name"),
        case("vif_name a number", "generic-tap", vec![set(d("vif_name"), json!(42))], Type, "VIFGeneric", "vif_name"),
        case("address a boolean", "generic-tap", vec![set(d("address"), json!(true))], Type, "VIFGeneric", "address"),
        case("mtu a string", "generic-tap", vec![set(net("mtu"), json!("1500"))], Type, "Network", "network.mtu"),
        case("mtu a float", "generic-tap", vec![set(net("mtu"), json!(1500.5))], Type, "Network", "network.mtu"),
        case("vlan not digits", "hostdev-sriov-vlan", vec![set(net("vlan"), json!("forty-two"))], Type, "Network", "network.vlan"),
        case("manager_id a string", "direct-vepa-qbg", vec![set(pp("manager_id"), json!("12"))], Type, "VIFPortProfile8021Qbg", "port_profile.manager_id"),
        case("create_port a string", "ovs-bridge", vec![set(pp("create_port"), json!("yes"))], Type, "VIFPortProfileOpenVSwitch", "port_profile.create_port"),
        case("port_profile a string", "ovs-bridge", vec![set(d("port_profile"), json!("ovs"))], Type, "VIFOpenVSwitch", "port_profile"),
        case("network an array", "generic-tap", vec![set(d("network"), json!([]))], Type, "VIFGeneric", "network"),
        case("changes a string", "generic-tap", vec![set("/versioned_object.changes", json!("address"))], Type, "VIFGeneric", "versioned_object.changes"),
        case("representor_name a number", "hostdev-ovs-representor", vec![set(format!("{}{DATA}/representor_name", pp("datapath_offload")), json!(5))], Type, "DatapathOffloadRepresentor", "port_profile.datapath_offload.representor_name"),
        // Values of the right type that are refused.
        case("multicast mac", "generic-tap", vec![set(d("address"), json!("01:00:5e:00:00:01"))], Value, "VIFGeneric", "address"),
        case("bad mac", "generic-tap", vec![set(d("address"), json!("fa:16:3e:zz:00:01"))], Value, "VIFGeneric", "address"),
        case("mtu too big", "generic-tap", vec![set(net("mtu"), json!(70000))], Value, "Network", "network.mtu"),
        case("mtu zero", "generic-tap", vec![set(net("mtu"), json!(0))], Value, "Network", "network.mtu"),
        case("vlan too big", "hostdev-sriov-vlan", vec![set(net("vlan"), json!(5000))], Value, "Network", "network.vlan"),
        case("vlan negative", "hostdev-sriov-vlan", vec![set(net("vlan"), json!(-1))], Value, "Network", "network.vlan"),
        case("manager_id 256", "direct-vepa-qbg", vec![set(pp("manager_id"), json!(256))], Value, "VIFPortProfile8021Qbg", "port_profile.manager_id"),
        case("manager_id negative", "direct-vepa-qbg", vec![set(pp("manager_id"), json!(-1))], Value, "VIFPortProfile8021Qbg", "port_profile.manager_id"),
        case("type_id too big", "direct-vepa-qbg", vec![set(pp("type_id"), json!(16777216))], Value, "VIFPortProfile8021Qbg", "port_profile.type_id"),
        case("type_id huge", "direct-vepa-qbg", vec![set(pp("type_id"), json!(18446744073709551615u64))], Value, "VIFPortProfile8021Qbg", "port_profile.type_id"),
        case("instance_id not a uuid", "direct-vepa-qbg", vec![set(pp("instance_id"), json!("vsi-1"))], Value, "VIFPortProfile8021Qbg", "port_profile.instance_id"),
        case("interface_id not a uuid", "ovs-bridge", vec![set(pp("interface_id"), json!("not-a-uuid"))], Value, "VIFPortProfileOpenVSwitch", "port_profile.interface_id"),
        case("profile_id too long", "hostdev-qbh", vec![set(pp("profile_id"), json!("p".repeat(40)))], Value, "VIFPortProfile8021Qbh", "port_profile.profile_id"),
        case("pci slot out of range", "hostdev-sriov-vlan", vec![set(d("dev_address"), json!("0000:83:20.0"))], Value, "VIFHostDevice", "dev_address"),
        case("pci malformed", "hostdev-sriov-vlan", vec![set(d("dev_address"), json!("83:10.3"))], Value, "VIFHostDevice", "dev_address"),
        case("vif_name with a space", "generic-tap", vec![set(d("vif_name"), json!("tap 0"))], Value, "VIFGeneric", "vif_name"),
        case("bridge_name with a quote", "bridge-linuxbridge", vec![set(d("bridge_name"), json!("br'0"))], Value, "VIFBridge", "bridge_name"),
        case("vhostuser mode both", "vhostuser-ovs-dpdk", vec![set(d("mode"), json!("both"))], Value, "VIFVHostUser", "mode"),
        case("dev_type unknown", "hostdev-sriov-vlan", vec![set(d("dev_type"), json!("ethernet2"))], Value, "VIFHostDevice", "dev_type"),
    ]
}

#[test]
fn refusals_name_class_field_and_reason() {
    let mut report = String::new();
    let all = cases();
    for c in &all {
        let mut v = value(c.fixture);
        for (ptr, new) in &c.edits {
            if ptr.is_empty() {
                v = new.clone().expect("a replacement for the whole object");
            } else {
                edit(&mut v, ptr, new.clone());
            }
        }
        let e = match convert(&v) {
            Ok(i) => panic!("{}: accepted: {i:?}", c.name),
            Err(e) => e,
        };
        assert_eq!(
            (e.kind, e.class.as_str(), e.path.as_str()),
            (c.kind, c.class, c.path),
            "{}: {e}",
            c.name
        );
        let shown = e.to_string();
        assert!(shown.contains(c.class) && shown.contains(c.path), "{shown}");
        assert!(!e.message.is_empty() && e.message.len() < 400, "{shown}");
        report.push_str(&format!("{}: {:?}: {shown}\n", c.name, e.kind));
    }
    println!("{} refusals checked", all.len());
    insta::assert_snapshot!("error_messages", report);
}

#[test]
fn shapes_and_syntax() {
    for (input, kind) in [
        ("{", OsVifErrorKind::Syntax),
        ("", OsVifErrorKind::Syntax),
        ("42", OsVifErrorKind::Shape),
        ("\"VIFGeneric\"", OsVifErrorKind::Shape),
        ("null", OsVifErrorKind::Shape),
        ("{}", OsVifErrorKind::Missing),
    ] {
        let e = osvif::from_json(input).expect_err(input);
        assert_eq!(e.kind, kind, "{input}: {e}");
    }
    assert_eq!(osvif::from_json("[]").expect("empty array"), vec![]);
}

#[test]
fn arrays_convert_in_order_and_errors_carry_the_index() {
    let a = value("ovs-bridge");
    let b = value("hostdev-sriov-vlan");
    let both = convert(&json!([a.clone(), b.clone()])).expect("array converts");
    assert_eq!(both.len(), 2);
    assert_eq!(both[0].kind.type_name(), "bridge");
    assert_eq!(both[1].kind.type_name(), "hostdev");

    let mut bad = b.clone();
    edit(&mut bad, &net("mtu"), Some(json!("9000")));
    let e = convert(&json!([a.clone(), bad])).expect_err("second item is bad");
    assert_eq!(e.path, "[1].network.mtu");
    assert_eq!(e.class, "Network");

    let e = convert(&json!([a, 1])).expect_err("second item is not an object");
    assert_eq!((e.kind, e.path.as_str()), (OsVifErrorKind::Shape, "[1]"));
}

#[test]
fn direct_without_a_resolver_says_how_to_name_the_device() {
    let e = osvif::from_value(&value("direct-vepa-qbg")).expect_err("no netdev for the pci");
    assert_eq!(
        (e.kind, e.class.as_str(), e.path.as_str()),
        (OsVifErrorKind::Missing, "VIFDirect", "dev_address")
    );
    assert!(
        e.message.contains("vlan_name") && e.message.contains("--pci-netdev"),
        "{e}"
    );
    // A resolver answer that is not a device name is refused, not written.
    let odd = |_: &PciAddress| Some("eth 0".to_owned());
    let e = osvif::from_value_with(
        &value("direct-vepa-qbg"),
        &Options {
            pci_netdev: Some(&odd),
            ..Default::default()
        },
    )
    .expect_err("bad name");
    assert_eq!(e.kind, OsVifErrorKind::Value);
}

/// Every node of every fixture replaced by every kind of JSON value: never a panic.
#[test]
fn no_panic_on_any_single_replacement() {
    fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = format!("{at}/{k}");
                    out.push(p.clone());
                    pointers(x, p, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let p = format!("{at}/{i}");
                    out.push(p.clone());
                    pointers(x, p, out);
                }
            }
            _ => {}
        }
    }
    let replacements = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1e300),
        json!(u64::MAX),
        json!(""),
        json!("x"),
        json!("1.0"),
        json!([]),
        json!({}),
        json!({"versioned_object.name": "VIFGeneric"}),
    ];
    let mut runs = 0;
    for path in files("") {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
        let mut ptrs = Vec::new();
        pointers(&v, String::new(), &mut ptrs);
        for p in &ptrs {
            for r in &replacements {
                let mut m = v.clone();
                if let Some(slot) = m.pointer_mut(p) {
                    *slot = r.clone();
                }
                let _ = convert(&m);
                runs += 1;
            }
            let mut m = v.clone();
            let (parent, key) = p.rsplit_once('/').expect("parent");
            if let Some(Value::Object(o)) = m.pointer_mut(parent) {
                o.remove(key);
                let _ = convert(&m);
                runs += 1;
            }
        }
    }
    println!("{runs} mutated objects converted without a panic");
    assert!(runs > 5000);
}

// ---------------------------------------------------------------------------------------------
// The command line.

fn fixture_path(name: &str) -> String {
    dir("")
        .join(format!("{name}.json"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn cli_renders_a_file() {
    let o = run(&["from-osvif", &fixture_path("ovs-bridge")], None);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let want = xml::render_interface(&convert_one("ovs-bridge", &value("ovs-bridge")));
    assert_eq!(out(&o), want);
    assert_eq!(err(&o), "");
}

#[test]
fn cli_reads_an_array_on_stdin() {
    let arr = json!([value("generic-tap"), value("hostdev-qbh")]).to_string();
    let o = run(&["from-osvif", "-"], Some(arr.as_bytes()));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let s = out(&o);
    assert_eq!(s.matches("<interface ").count(), 2, "{s}");
    assert!(s.starts_with("<interface type='ethernet'>"), "{s}");
}

#[test]
fn cli_pci_netdev_names_the_direct_device() {
    let o = run(
        &[
            "from-osvif",
            "--pci-netdev",
            "0000:81:00.0=ens1f0",
            &fixture_path("direct-vepa-qbg"),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(out(&o), insta_free_direct_vepa());

    // An address neither given nor on this host (pci domain ffff).
    let mut v = value("direct-vepa-qbg");
    edit(&mut v, &d("dev_address"), Some(json!("ffff:ff:1f.7")));
    let o = run(&["from-osvif", "-"], Some(v.to_string().as_bytes()));
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("VIFDirect at dev_address"), "{}", err(&o));

    let o = run(
        &[
            "from-osvif",
            "--pci-netdev",
            "ens1f0",
            &fixture_path("generic-tap"),
        ],
        None,
    );
    assert_eq!(code(&o), 2, "a malformed --pci-netdev is a usage error");
}

fn insta_free_direct_vepa() -> String {
    xml::render_interface(&convert_one("direct-vepa-qbg", &value("direct-vepa-qbg")))
}

#[test]
fn cli_refuses_malformed_and_unmappable_input() {
    let o = run(&["from-osvif", "-"], Some(b"{\"versioned_object.name\": "));
    assert_eq!(code(&o), 1);
    assert!(err(&o).starts_with("<stdin>: invalid json"), "{}", err(&o));
    assert_eq!(out(&o), "");

    let o = run(
        &[
            "from-osvif",
            &dir("").join("hostdev-generic.json").to_string_lossy(),
        ],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("VIFHostDevice at dev_type"), "{}", err(&o));
    assert_eq!(out(&o), "");
}

#[test]
fn cli_refuses_error_findings_and_shows_warnings() {
    // A 17-byte tap name: convertible, but the guest would not start.
    let mut v = value("generic-tap");
    edit(&mut v, &d("vif_name"), Some(json!("tap3f9b2c1d-8e47a")));
    let o = run(&["from-osvif", "-"], Some(v.to_string().as_bytes()));
    assert_eq!(code(&o), 1);
    let e = err(&o);
    // Paths as `render` reports them (validate_all numbers the interfaces).
    assert!(
        e.contains("<stdin>: error[name.length] /0/target/@dev"),
        "{e}"
    );
    assert!(e.contains("not rendered: validation found errors"), "{e}");
    assert_eq!(out(&o), "");

    // A name libvirt replaces: a warning, still rendered.
    edit(&mut v, &d("vif_name"), Some(json!("vnet7")));
    let o = run(&["from-osvif", "-"], Some(v.to_string().as_bytes()));
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        err(&o).contains("warning[target.reserved-prefix]"),
        "{}",
        err(&o)
    );
    assert!(out(&o).contains("<target dev='vnet7'/>"));
}

#[test]
fn cli_io_error_is_exit_2() {
    let o = run(&["from-osvif", "/nonexistent/vif.json"], None);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("cannot read /nonexistent/vif.json"),
        "{}",
        err(&o)
    );
}

// ---------------------------------------------------------------------------------------------
// nova's frontend settings, vnic types and what os-vif 1.4 profiles add.

fn with_options(name: &str, opts: &Options<'_>) -> Result<Interface, OsVifError> {
    osvif::from_value_with(&value(name), opts).map(|mut v| v.remove(0))
}

fn tuned() -> osvif::Frontend {
    osvif::Frontend {
        queues: Some(4),
        rx_queue_size: Some(512),
        tx_queue_size: Some(1024),
        packed: true,
        bandwidth: osvif::bandwidth_from_extra_specs([("quota:vif_outbound_average", "100")])
            .expect("spec"),
        ..Default::default()
    }
}

#[test]
fn frontend_settings_go_where_nova_and_libvirt_take_them() {
    let vdpa = |_: &PciAddress| Some("/dev/vhost-vdpa-3".to_owned());
    // (fixture, vnic type, expected <driver>, bandwidth written)
    let table: &[(&str, &str, &str, bool)] = &[
        (
            "generic-tap",
            "normal",
            "<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>",
            true,
        ),
        (
            "bridge-linuxbridge",
            "normal",
            "<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>",
            true,
        ),
        (
            "ovs-bridge",
            "normal",
            "<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>",
            true,
        ),
        (
            "ovs-create-tap",
            "normal",
            "<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>",
            true,
        ),
        (
            "direct-vepa-qbg",
            "macvtap",
            "<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>",
            true,
        ),
        (
            "vhostuser-ovs-dpdk",
            "normal",
            "<driver queues='4' rx_queue_size='512' tx_queue_size='1024' packed='on'/>",
            false,
        ),
        (
            "hostdev-vdpa",
            "vdpa",
            "<driver rx_queue_size='512' tx_queue_size='1024' packed='on'/>",
            false,
        ),
        ("hostdev-sriov", "direct", "", false),
    ];
    for (name, vnic, driver, bandwidth) in table {
        let opts = Options {
            pci_netdev: Some(&netdevs),
            vdpa_device: Some(&vdpa),
            vnic_type: vnic.parse().expect("vnic type"),
            frontend: tuned(),
        };
        let i = with_options(name, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        let x = xml::render_interface(&i);
        if driver.is_empty() {
            assert!(!x.contains("<driver"), "{name}: {x}");
        } else {
            assert!(x.contains(driver), "{name}: {x}");
        }
        assert_eq!(x.contains("<bandwidth>"), *bandwidth, "{name}: {x}");
        let errors: Vec<_> = vifxml::validate::validate(&i)
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    // qemu (TCG): nova's userspace backend on every virtio NIC, queues or not.
    let opts = Options {
        frontend: osvif::Frontend {
            virt_type: osvif::VirtType::Qemu,
            ..Default::default()
        },
        ..Default::default()
    };
    let x = xml::render_interface(&with_options("generic-tap", &opts).expect("converts"));
    assert!(x.contains("<driver name='qemu'/>"), "{x}");
    // A non-virtio model: the virtio settings do not apply (nova skips them too).
    let opts = Options {
        frontend: osvif::Frontend {
            model: Some("e1000e".into()),
            ..tuned()
        },
        ..Default::default()
    };
    let x = xml::render_interface(&with_options("generic-tap", &opts).expect("converts"));
    assert!(
        x.contains("<model type='e1000e'/>") && !x.contains("<driver"),
        "{x}"
    );
    // No settings: no <driver> anywhere.
    let x = xml::render_interface(&with_options("ovs-bridge", &Options::default()).expect("ok"));
    assert!(!x.contains("<driver"), "{x}");
}

#[test]
fn create_tap_and_multiqueue() {
    // create_tap: os-vif makes the tap, libvirt opens it unmanaged.
    let x = xml::render_interface(&convert_one("t", &value("ovs-create-tap")));
    assert!(x.starts_with("<interface type='ethernet'>"), "{x}");
    assert!(
        x.contains("<target dev='tap5d2a91c0-3b' managed='no'/>"),
        "{x}"
    );
    assert!(!x.contains("<virtualport"), "{x}");
    // A multi-queue tap needs the guest's queue count.
    let e = convert(&value("ovs-create-tap-multiqueue")).expect_err("no queues");
    assert_eq!(
        (e.kind, e.path.as_str()),
        (OsVifErrorKind::Missing, "port_profile.multiqueue")
    );
    assert!(e.message.contains("--queues"), "{e}");
    let opts = Options {
        frontend: osvif::Frontend {
            queues: Some(2),
            ..Default::default()
        },
        ..Default::default()
    };
    let x = xml::render_interface(&with_options("ovs-create-tap-multiqueue", &opts).expect("ok"));
    assert!(x.contains("<driver name='vhost' queues='2'/>"), "{x}");
    // os-vif's ovs plugin creates taps for VIFOpenVSwitch only.
    for (name, ptr) in [
        ("bridge-ovs-hybrid", pp("create_tap")),
        ("vhostuser-ovs-dpdk", pp("create_tap")),
        ("hostdev-ovs-representor", pp("create_tap")),
    ] {
        let mut v = value(name);
        edit(&mut v, &ptr, Some(json!(true)));
        let e = convert(&v).expect_err("create_tap elsewhere");
        assert_eq!(
            (e.kind, e.path.as_str()),
            (OsVifErrorKind::Unsupported, "port_profile.create_tap"),
            "{name}: {e}"
        );
    }
    // Off, or absent (profiles before 1.4), it changes nothing.
    let mut v = value("ovs-create-port");
    edit(&mut v, &pp("create_tap"), None);
    edit(&mut v, &pp("multiqueue"), Some(json!(true)));
    let x = xml::render_interface(&convert_one("p", &v));
    assert!(x.contains("<target dev='tap5d2a91c0-3b'/>"), "{x}");
}

#[test]
fn vdpa_ports() {
    let found = |_: &PciAddress| Some("/dev/vhost-vdpa-3".to_owned());
    let opts = Options {
        vdpa_device: Some(&found),
        vnic_type: osvif::VnicType::Vdpa,
        ..Default::default()
    };
    let i = with_options("hostdev-vdpa", &opts).expect("vdpa converts");
    let x = xml::render_interface(&i);
    assert!(x.starts_with("<interface type='vdpa'>"), "{x}");
    assert!(x.contains("<source dev='/dev/vhost-vdpa-3'/>"), "{x}");
    assert!(!x.contains("<mtu") && !x.contains("<vlan"), "{x}");
    // No device for the VF: refused, saying how to name it.
    let opts = Options {
        vnic_type: osvif::VnicType::Vdpa,
        ..Default::default()
    };
    let e = with_options("hostdev-vdpa", &opts).expect_err("no vdpa device");
    assert_eq!(
        (e.kind, e.path.as_str()),
        (OsVifErrorKind::Missing, "dev_address")
    );
    assert!(e.message.contains("--vdpa-device"), "{e}");
    // An 802.1Qbh port cannot be a vdpa interface.
    let opts = Options {
        vdpa_device: Some(&found),
        vnic_type: osvif::VnicType::Vdpa,
        ..Default::default()
    };
    let e = with_options("hostdev-qbh", &opts).expect_err("qbh on vdpa");
    assert_eq!(
        (e.kind, e.path.as_str()),
        (OsVifErrorKind::Unsupported, "port_profile")
    );
    // A relative path from the resolver is refused, not written.
    let relative = |_: &PciAddress| Some("vhost-vdpa-3".to_owned());
    let opts = Options {
        vdpa_device: Some(&relative),
        vnic_type: osvif::VnicType::Vdpa,
        ..Default::default()
    };
    assert_eq!(
        with_options("hostdev-vdpa", &opts)
            .expect_err("relative")
            .kind,
        OsVifErrorKind::Value
    );
}

#[test]
fn options_are_checked() {
    for (f, field) in [
        (
            osvif::Frontend {
                queues: Some(0),
                ..Default::default()
            },
            "options.queues",
        ),
        (
            osvif::Frontend {
                rx_queue_size: Some(128),
                ..Default::default()
            },
            "options.rx_queue_size",
        ),
        (
            osvif::Frontend {
                tx_queue_size: Some(2048),
                ..Default::default()
            },
            "options.tx_queue_size",
        ),
        (
            osvif::Frontend {
                model: Some("".into()),
                ..Default::default()
            },
            "options.model",
        ),
    ] {
        let opts = Options {
            frontend: f,
            ..Default::default()
        };
        let e = with_options("generic-tap", &opts).expect_err(field);
        assert_eq!(
            (e.kind, e.path.as_str()),
            (OsVifErrorKind::Option, field),
            "{e}"
        );
    }
    for (key, value) in [
        ("quota:vif_inbound_avrage", "10"),
        ("quota:vif_inbound_average", "-1"),
        ("quota:vif_inbound_average", "ten"),
        ("quota:vif_outbound_peak", "99999999999999999999999"),
    ] {
        let e = osvif::bandwidth_from_extra_specs([(key, value)]).expect_err(key);
        assert_eq!(e.kind, OsVifErrorKind::Option, "{e}");
        assert_eq!(e.path, format!("extra_specs.{key}"));
    }
    // Other specs are skipped, as nova skips them.
    let none = osvif::bandwidth_from_extra_specs([
        ("quota:cpu_shares", "1024"),
        ("hw:vif_multiqueue_enabled", "true"),
    ])
    .expect("skipped");
    assert!(none.is_none());
    for bad in ["Direct", "vDPA", ""] {
        assert!(bad.parse::<osvif::VnicType>().is_err(), "{bad}");
    }
    for (v, name) in osvif::VnicType::ALL {
        assert_eq!(name.parse::<osvif::VnicType>(), Ok(v));
    }
}

#[test]
fn sysfs_lookups() {
    let root = tempfile::tempdir().expect("tempdir");
    let pf = root.path().join("bus/pci/devices/0000:81:00.0/net/ens1f0");
    let vf = root
        .path()
        .join("bus/pci/devices/0000:81:10.2/vdpa0/vhost-vdpa-3");
    let two = root.path().join("bus/pci/devices/0000:81:10.4");
    for d in [
        &pf,
        &vf,
        &two.join("vdpa1/vhost-vdpa-5"),
        &two.join("vdpa2/vhost-vdpa-6"),
    ] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let addr = |s: &str| osvif::parse_pci_address(s).expect("pci");
    assert_eq!(
        osvif::sysfs::netdev(root.path(), &addr("0000:81:00.0")).as_deref(),
        Some("ens1f0")
    );
    assert_eq!(
        osvif::sysfs::vdpa_device(root.path(), &addr("0000:81:10.2")).as_deref(),
        Some("/dev/vhost-vdpa-3")
    );
    // None, or two (which one would be a guess).
    assert_eq!(
        osvif::sysfs::vdpa_device(root.path(), &addr("0000:81:00.0")),
        None
    );
    assert_eq!(
        osvif::sysfs::vdpa_device(root.path(), &addr("0000:81:10.4")),
        None
    );
    assert_eq!(
        osvif::sysfs::netdev(root.path(), &addr("0000:81:10.2")),
        None
    );

    // The command line reads the same tree.
    let root_arg = root.path().to_string_lossy().into_owned();
    let o = run(
        &[
            "from-osvif",
            "--vnic-type",
            "vdpa",
            "--sysfs-root",
            &root_arg,
            &fixture_path("hostdev-vdpa"),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("<source dev='/dev/vhost-vdpa-3'/>"),
        "{}",
        out(&o)
    );
    let o = run(
        &[
            "from-osvif",
            "--sysfs-root",
            &root_arg,
            &fixture_path("direct-vepa-qbg"),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("<source dev='ens1f0' mode='vepa'/>"),
        "{}",
        out(&o)
    );
    // --vdpa-device wins over sysfs.
    let o = run(
        &[
            "from-osvif",
            "--vnic-type=vdpa",
            "--sysfs-root",
            &root_arg,
            "--vdpa-device",
            "0000:81:10.2=/dev/vhost-vdpa-9",
            &fixture_path("hostdev-vdpa"),
        ],
        None,
    );
    assert!(out(&o).contains("/dev/vhost-vdpa-9"), "{}", err(&o));
}

#[test]
fn cli_frontend_options() {
    let o = run(
        &[
            "from-osvif",
            "--queues",
            "4",
            "--rx-queue-size",
            "512",
            "--packed",
            "--extra-spec",
            "quota:vif_inbound_average=1024",
            "--extra-spec",
            "hw:cpu_policy=dedicated",
            &fixture_path("ovs-create-tap-multiqueue"),
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let x = out(&o);
    assert!(
        x.contains("<driver name='vhost' queues='4' rx_queue_size='512' packed='on'/>"),
        "{x}"
    );
    assert!(x.contains("<inbound average='1024'/>"), "{x}");
    // Bad options are usage errors (exit 2), nothing printed.
    for args in [
        &["--rx-queue-size", "300"][..],
        &["--queues", "0"],
        &["--queues", "many"],
        &["--extra-spec", "quota:vif_inbound_average"],
        &["--extra-spec", "quota:vif_inbound_averag=5"],
        &["--vnic-type", "sriov"],
        &["--virt-type", "xen"],
        &["--vdpa-device", "0000:81:10.2"],
    ] {
        let mut all = vec!["from-osvif"];
        all.extend_from_slice(args);
        let f = fixture_path("generic-tap");
        all.push(&f);
        let o = run(&all, None);
        assert_eq!(code(&o), 2, "{args:?}: {}", err(&o));
        assert_eq!(out(&o), "", "{args:?}");
    }
    // A refusal that names a libvirt rule (peak without average) exits 1.
    let o = run(
        &[
            "from-osvif",
            "--extra-spec",
            "quota:vif_inbound_peak=10",
            &fixture_path("ovs-bridge"),
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}", err(&o));
    assert!(err(&o).contains("bandwidth.rate-required"), "{}", err(&o));
}
