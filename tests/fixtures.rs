//! Golden fixtures: every spec in `fixtures/specs/*.yaml` renders to the snapshotted XML, that
//! XML reads back to the same model, the spec's JSON form reads back to the same model, and
//! libvirt's own schema accepts the XML inside a minimal domain.

use std::path::{Path, PathBuf};
use std::process::Command;

use vifxml::{spec, xml, Interface};

/// The fixture specs, sorted by file name.
fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("fixture has a file name")
        .to_string_lossy()
        .into_owned()
}

/// Reads a fixture: exactly one interface per file.
fn load(path: &Path) -> Interface {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut specs = spec::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: spec does not load: {e:?}", path.display()));
    assert_eq!(
        specs.len(),
        1,
        "{}: a fixture holds exactly one interface",
        path.display()
    );
    specs.remove(0)
}

/// The rendered interface inside the smallest domain libvirt's schema accepts.
fn domain_xml(name: &str, interface_xml: &str) -> String {
    let mut devices = String::new();
    for line in interface_xml.lines() {
        devices.push_str("    ");
        devices.push_str(line);
        devices.push('\n');
    }
    format!(
        "<domain type='test'>\n  <name>{name}</name>\n  <memory>1024</memory>\n  <os>\n    \
         <type>hvm</type>\n  </os>\n  <devices>\n{devices}  </devices>\n</domain>\n"
    )
}

#[test]
fn fixtures_render_to_snapshots_and_round_trip() {
    for path in fixture_files() {
        let name = stem(&path);
        let iface = load(&path);
        let rendered = xml::render_interface(&iface);
        insta::assert_snapshot!(name.as_str(), rendered);

        let reparsed = xml::parse_interface(&rendered)
            .unwrap_or_else(|e| panic!("{name}: rendered XML does not parse: {e:?}\n{rendered}"));
        assert_eq!(
            reparsed, iface,
            "{name}: render -> parse changed the model\n{rendered}"
        );

        let findings = vifxml::validate::validate(&iface);
        assert!(
            findings.iter().all(|d| !d.is_error()),
            "{name}: a fixture must validate: {findings:#?}"
        );

        let json = serde_json::to_value(&iface)
            .unwrap_or_else(|e| panic!("{name}: model does not serialize: {e}"));
        let back: Interface = serde_json::from_value(json.clone())
            .unwrap_or_else(|e| panic!("{name}: JSON form does not load: {e}\n{json:#}"));
        assert_eq!(back, iface, "{name}: JSON form changed the model\n{json:#}");
    }
}

/// Fails (never skips) when the schema check cannot run.
fn require_tools() {
    for (tool, arg) in [("virt-xml-validate", "--version"), ("xmllint", "--version")] {
        let ok = Command::new(tool)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "`{tool}` is not on PATH (or does not run): install libvirt-clients and \
             libxml2-utils (e.g. `apt-get install libvirt-clients libxml2-utils`) so the \
             fixtures can be checked against libvirt's schema"
        );
    }
}

#[test]
fn fixtures_pass_libvirt_schema() {
    require_tools();
    let tmp = tempfile::tempdir().expect("temporary directory");
    let files = fixture_files();
    let mut failures = Vec::new();
    for path in &files {
        let name = stem(path);
        let rendered = xml::render_interface(&load(path));
        let doc = domain_xml(&format!("vifxml-fixture-{name}"), &rendered);
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
    println!(
        "virt-xml-validate accepted {} of {} fixtures",
        files.len() - failures.len(),
        files.len()
    );
    assert!(
        failures.is_empty(),
        "libvirt's schema rejected {} fixture(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
