//! libvirt's test corpus, shared by the tests that read it: where it is, its XML files, and
//! which of them libvirt itself rejects.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `../shared/corpus/libvirt` beside the repository, or `VIFXML_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("VIFXML_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/libvirt"),
    };
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "libvirt corpus not found at {}: put libvirt's test XML there (with MANIFEST.tsv and \
         EXPECTED_FAILURES.txt) or set VIFXML_CORPUS=/path/to/corpus",
        dir.display()
    );
    dir
}

/// Every `*.xml` under `dir`, sorted.
pub fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "xml") {
            out.push(p);
        }
    }
}

/// Corpus paths libvirt expects to be rejected at define time (`PARSE_ERROR`).
pub fn expected_failures(dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join("EXPECTED_FAILURES.txt"))
        .expect("EXPECTED_FAILURES.txt is readable");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let (version, path, kind) = (cols.first()?, cols.get(1)?, cols.get(3)?);
            if !kind.starts_with("PARSE_ERROR") {
                return None;
            }
            let _ = version;
            Some((*path).to_owned())
        })
        .chain(
            ALSO_REJECTED_BY_LIBVIRT
                .iter()
                .map(|(p, _)| (*p).to_owned()),
        )
        .collect()
}

/// Files libvirt rejects at define that its test list does not name (checked with
/// `virsh -c test:///default define FILE` on libvirt 9.0), with libvirt's message.
pub const ALSO_REJECTED_BY_LIBVIRT: &[(&str, &str)] = &[(
    "v9.0.0/qemuxml2argvdata/pci-function-invalid.xml",
    "XML error: Invalid PCI address function=0x8, must be <= 7",
)];

/// Gives the document a fresh name and drops its uuid, so documents that share a name (many
/// are called "test", like the test driver's own domain) do not collide.
pub fn renamed(text: &str, name: &str) -> String {
    let mut out = text.to_owned();
    if let (Some(a), Some(b)) = (out.find("<name>"), out.find("</name>")) {
        out.replace_range(a + 6..b, name);
    }
    if let (Some(a), Some(b)) = (out.find("<uuid>"), out.find("</uuid>")) {
        out.replace_range(a..b + 7, "");
    }
    out
}
