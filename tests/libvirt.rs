//! Real libvirt, no mocks: fixtures and corpus documents defined through the test driver and the
//! QEMU driver in-process. Run with `cargo test --features libvirt`.
#![cfg(feature = "libvirt")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use vifxml::libvirt::{Connection, DEFAULT_URI};
use vifxml::{spec, xml, Interface};

mod common;
use common::renamed;

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A domain name no other test in this process uses (the test driver's state is shared).
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

fn fixtures() -> Vec<(String, Interface)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/specs is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture is readable");
            let mut v = spec::from_str(&text).expect("fixture loads");
            let name = p
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, v.remove(0))
        })
        .collect()
}

fn test_domain(name: &str, iface_xml: &str) -> String {
    format!(
        "<domain type='test'><name>{name}</name><memory>1024</memory><os><type>hvm</type></os>\
         <devices>{iface_xml}</devices></domain>"
    )
}

fn qemu_domain(name: &str, iface_xml: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory>131072</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os>\
         <memoryBacking><access mode='shared'/></memoryBacking>\
         <devices>{iface_xml}</devices></domain>"
    )
}

/// What libvirt stored for our interface, with the values libvirt fills in itself cleared
/// where ours had none, must be our interface.
fn assert_stored_matches(name: &str, ours: &Interface, stored_domain: &str) {
    let doc = xml::parse_document(stored_domain)
        .unwrap_or_else(|e| panic!("{name}: libvirt's stored xml does not parse: {e}"));
    assert_eq!(doc.interfaces.len(), 1, "{name}");
    let mut theirs = doc.interfaces[0].interface.clone();
    if ours.mac.is_none() {
        theirs.mac = None;
    }
    if ours.target.is_none() {
        theirs.target = None;
    }
    if ours.address.is_none() {
        theirs.address = None;
    }
    if ours.model.is_none() {
        theirs.model = None;
    }
    // Generated virtualport ids (instanceid, interfaceid) when ours had none.
    if let (Some(o), Some(t)) = (&ours.virtualport, &mut theirs.virtualport) {
        use vifxml::VirtualPort as V;
        match (o, t) {
            (V::Qbg(o), V::Qbg(t)) if o.instanceid.is_none() => t.instanceid = None,
            (V::OpenVSwitch(o), V::OpenVSwitch(t)) if o.interfaceid.is_none() => {
                t.interfaceid = None
            }
            (V::Untyped(o), V::Untyped(t)) => {
                if o.instanceid.is_none() {
                    t.instanceid = None;
                }
                if o.interfaceid.is_none() {
                    t.interfaceid = None;
                }
            }
            _ => {}
        }
    }
    // The qemu driver adds an alias-less default driver or rom settings on some models.
    assert_eq!(
        &theirs, ours,
        "{name}: libvirt stored a different interface:\n{stored_domain}"
    );
}

#[test]
fn fixtures_define_in_the_test_driver() {
    let conn = Connection::open(DEFAULT_URI).expect("test driver opens");
    let mut n = 0;
    for (name, iface) in fixtures() {
        let dom = test_domain(&unique(&name), &xml::render_interface(&iface));
        let defined = conn
            .check(&dom)
            .unwrap_or_else(|e| panic!("{name}: libvirt refused our xml: {e}\n{dom}"));
        assert_stored_matches(&name, &iface, &defined.xml);
        n += 1;
    }
    println!("{n} fixtures defined in {DEFAULT_URI}");
    assert!(n >= 20);
}

/// Creates the user and group the QEMU driver wants, if this machine lacks them and we may.
fn qemu_driver_prerequisites() -> Result<(), String> {
    if !Path::new("/usr/bin/qemu-system-x86_64").exists() {
        return Err(
            "qemu-system-x86_64 is missing: apt-get install qemu-system-x86 \
             libvirt-daemon-driver-qemu (scripts/install-deps --libvirt does it)"
                .into(),
        );
    }
    let has_user = Command::new("id")
        .arg("libvirt-qemu")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_user {
        return Err(
            "user libvirt-qemu is missing (the qemu driver resolves it even when qemu.conf names \
             another): scripts/install-deps --libvirt creates it"
                .into(),
        );
    }
    Ok(())
}

#[test]
fn fixtures_define_in_the_qemu_driver() {
    if let Err(why) = qemu_driver_prerequisites() {
        panic!("the qemu driver cannot run here: {why}");
    }
    let root = tempfile::tempdir().expect("tempdir");
    // As root, run QEMU (capability probing) as root too: the default unprivileged user may not
    // open /dev/kvm, and then libvirt probes QEMU again for every define instead of caching.
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if is_root {
        std::fs::create_dir_all(root.path().join("etc")).expect("mkdir etc");
        std::fs::write(
            root.path().join("etc/qemu.conf"),
            "user = \"root\"\ngroup = \"root\"\n",
        )
        .expect("write qemu.conf");
    }
    let uri = format!("qemu:///embed?root={}", root.path().display());
    let conn = Connection::open(&uri)
        .unwrap_or_else(|e| panic!("{uri}: {e} (is libvirt-daemon-driver-qemu installed?)"));
    let mut n = 0;
    for (name, iface) in fixtures() {
        let dom = qemu_domain(&unique(&name), &xml::render_interface(&iface));
        let defined = conn
            .check(&dom)
            .unwrap_or_else(|e| panic!("{name}: the qemu driver refused our xml: {e}\n{dom}"));
        let doc = xml::parse_document(&defined.xml)
            .unwrap_or_else(|e| panic!("{name}: stored xml does not parse: {e}"));
        assert_eq!(doc.interfaces.len(), 1, "{name}");
        n += 1;
    }
    println!("{n} fixtures defined in the qemu driver ({uri})");
    assert!(n >= 20);
}

fn corpus() -> PathBuf {
    let dir = match std::env::var_os("VIFXML_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/libvirt"),
    };
    assert!(
        dir.join("SCHEMA_VALIDATION.tsv").is_file(),
        "libvirt corpus not found at {}: set VIFXML_CORPUS",
        dir.display()
    );
    dir
}

/// Corpus documents libvirt 9.0 accepts: its schema passes them (SCHEMA_VALIDATION.tsv) and
/// libvirt's own tests do not expect a parse error.
fn corpus_documents_libvirt_accepts(dir: &Path) -> Vec<String> {
    let failures = std::fs::read_to_string(dir.join("EXPECTED_FAILURES.txt")).expect("readable");
    let expected: Vec<&str> = failures
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() > 3 && c[3].starts_with("PARSE_ERROR")).then(|| c[1])
        })
        .collect();
    let tsv = std::fs::read_to_string(dir.join("SCHEMA_VALIDATION.tsv")).expect("readable");
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() > 2 && c[1] == "domain" && c[2] == "PASS" && !expected.contains(&c[0]))
                .then(|| c[0].to_owned())
        })
        .collect()
}

/// Documents the installed libvirt 9.0.0 (Debian 12) refuses although its schema passes them,
/// with libvirt's message: its parser does not take `<backend type='passt'/>`, which later
/// libvirt releases accept (rule `backend.passt` warns about it).
const DRIVER_SPECIFIC: &[(&str, &str)] = &[
    (
        "qemuxmlconfdata/net-user-passt.x86_64-7.2.0.xml",
        "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'.",
    ),
    (
        "qemuxmlconfdata/net-user-passt.x86_64-latest.xml",
        "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'.",
    ),
    (
        "qemuxmlconfdata/net-user-passt.xml",
        "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'.",
    ),
    (
        "v9.0.0/qemuxml2argvdata/net-user-passt.xml",
        "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'.",
    ),
    (
        "v9.0.0/qemuxml2xmloutdata/net-user-passt.xml",
        "XML error: Invalid value for attribute 'type' in element 'backend': 'passt'.",
    ),
];

#[test]
fn corpus_documents_define_and_accept_our_rendering() {
    let dir = corpus();
    let conn = Connection::open(DEFAULT_URI).expect("test driver opens");
    let docs = corpus_documents_libvirt_accepts(&dir);
    let (mut as_read, mut rerendered, mut refused) = (0, 0, Vec::new());
    for rel in &docs {
        let text = std::fs::read_to_string(dir.join(rel)).expect("corpus file is readable");
        let text = renamed(&text, &unique("corpus"));
        if let Err(e) = conn.check(&text) {
            refused.push(format!("{rel}: {e}"));
            continue;
        }
        as_read += 1;
        // The same document with every interface replaced by our canonical rendering.
        let Ok(doc) = xml::parse_document(&text) else {
            continue;
        };
        let mut out = text.clone();
        for p in doc.interfaces.iter().rev() {
            let indent = text[..p.span.start]
                .rsplit('\n')
                .next()
                .unwrap_or("")
                .to_owned();
            let mut r = xml::render_interface_indented(&p.interface, &indent, "  ");
            r.truncate(r.trim_end().len());
            let r = r.trim_start().to_owned();
            out.replace_range(p.span.clone(), &r);
        }
        let out = renamed(&out, &unique("corpus-ours"));
        conn.check(&out)
            .unwrap_or_else(|e| panic!("{rel}: libvirt refuses our rendering: {e}\n{out}"));
        rerendered += 1;
    }
    println!(
        "corpus: {} documents libvirt 9.0 accepts by its schema and tests; {as_read} defined \
         as read, {rerendered} defined with every interface re-rendered by vifxml; {} refused \
         by the test driver",
        docs.len(),
        refused.len()
    );
    for r in &refused {
        println!("  refused: {r}");
    }
    let unexplained: Vec<&String> = refused
        .iter()
        .filter(|r| !DRIVER_SPECIFIC.iter().any(|(f, _)| r.starts_with(f)))
        .collect();
    assert!(
        unexplained.is_empty(),
        "test driver refused documents that should define: {unexplained:#?}"
    );
    assert!(rerendered > 300);
}

#[test]
fn define_command_validates_before_calling_libvirt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("g.xml");
    // libvirt accepts this at define, but the Qbh profile on a bridge port does nothing.
    let name = unique("cli");
    std::fs::write(
        &f,
        test_domain(
            &name,
            "<interface type='bridge'><source bridge='br0'/><virtualport type='802.1Qbh'>\
             <parameters profileid='p'/></virtualport></interface>",
        ),
    )
    .expect("write");
    let bin = env!("CARGO_BIN_EXE_vifxml");
    let path = f.to_str().expect("utf-8 path");
    let o = Command::new(bin)
        .args(["define", path])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("virtualport.placement"), "{err}");
    assert!(err.contains("libvirt was not called"), "{err}");
    let o = Command::new(bin)
        .args([
            "define",
            "--allow",
            "virtualport.placement",
            "--dumpxml",
            path,
        ])
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stored = String::from_utf8_lossy(&o.stdout);
    assert!(stored.contains(&format!("<name>{name}</name>")), "{stored}");
    assert!(stored.contains("<parameters profileid='p'/>"), "{stored}");
    let o = Command::new(bin)
        .args(["define", "--allow", "no.such-rule", path])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn libvirt_errors_carry_message_code_and_domain() {
    let conn = Connection::open(DEFAULT_URI).expect("test driver opens");
    // Valid for vifxml's reader, refused by libvirt's schema (unknown element).
    let dom = test_domain(
        &unique("err"),
        "<interface type='user'><bogus/></interface>",
    );
    let e = conn
        .check(&dom)
        .expect_err("libvirt refuses an unknown element");
    assert!(e.message.contains("schema"), "{e}");
    assert_eq!(e.code_name, "XmlInvalidSchema");
    assert!(e.code > 0 && e.domain > 0);
    let shown = e.to_string();
    assert!(shown.starts_with("libvirt: "), "{shown}");
    // An unreachable URI is an error value, never a panic or stderr noise.
    let e = Connection::open("nosuchdriver:///x")
        .err()
        .expect("refused");
    assert!(!e.message.is_empty());
}
