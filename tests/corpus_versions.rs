//! libvirt's own test XML against the libvirt it comes from: the 11.3 corpus through libvirt
//! 11.3's test driver (in the Debian 13 root), the 9.0 corpus (`v9.0.0/`) through 9.0's, each
//! validated by vifxml for that version.
//!
//! Asserted both ways: a document that libvirt defines gets no vifxml error but from rules that
//! libvirt's test driver does not check (qemu driver, start-time, advice); a document libvirt
//! refuses gets a vifxml error.
//! Needs root (chroot) for 11.3.
#![cfg(feature = "libvirt")]

mod common;
mod verdicts;

use common::{corpus_dir, renamed, xml_files};
use verdicts::{ask, Libvirt};

#[test]
fn corpus_of_each_version_agrees_with_its_libvirt() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let mut failures = Vec::new();
    for (target, old) in [
        (
            Libvirt {
                name: "9.0 test",
                chroot: false,
                qemu: false,
            },
            true,
        ),
        (
            Libvirt {
                name: "11.3 test",
                chroot: true,
                qemu: false,
            },
            false,
        ),
    ] {
        let mut rels = Vec::new();
        let mut docs = Vec::new();
        for f in &files {
            let rel = f
                .strip_prefix(&dir)
                .expect("under the corpus")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with("v9.0.0/") != old {
                continue;
            }
            let text = std::fs::read_to_string(f).expect("corpus file is utf-8");
            if !text.trim_start().starts_with("<domain") && !text.contains("\n<domain") {
                continue;
            }
            docs.push(renamed(&text, &format!("vifxml-corpus-{}", docs.len())));
            rels.push(rel);
        }
        let (version, theirs) = ask(&target, &docs);
        let v: vifxml::version::LibvirtVersion = version.parse().expect("libvirt version");
        let opts = vifxml::validate::Options::new().libvirt(v);
        let (mut both_ok, mut both_no, mut only_lv, mut only_we) = (0, 0, 0, 0);
        for ((rel, doc), lv) in rels.iter().zip(&docs).zip(&theirs) {
            let findings = match vifxml::xml::parse_document(doc) {
                Ok(p) => vifxml::validate::validate_document_with(doc, &p, &opts),
                Err(e) => e.0,
            };
            let errors: Vec<&vifxml::diag::Diagnostic> =
                findings.iter().filter(|d| d.is_error()).collect();
            match (errors.is_empty(), lv.is_ok()) {
                (true, true) => both_ok += 1,
                (false, false) => both_no += 1,
                (true, false) => {
                    only_lv += 1;
                    let m = lv.as_ref().err().map_or("", String::as_str);
                    failures.push(format!(
                        "[{}] {rel}: libvirt refuses it, vifxml finds no error: {m}",
                        target.name
                    ));
                }
                (false, true) => {
                    only_we += 1;
                    for d in &errors {
                        let col = vifxml::rules::find(d.rule).map_or("?", |r| r.libvirt);
                        if !["qemu", "start", "advice"].contains(&col) {
                            failures.push(format!(
                                "[{}] {rel}: libvirt defines it, vifxml refuses with {} \
                                 (libvirt column '{col}'): {}",
                                target.name, d.rule, d.message
                            ));
                        }
                    }
                }
            }
        }
        println!(
            "{} (libvirt {version}): {} corpus documents: both accept {both_ok}, both refuse \
             {both_no}, only libvirt refuses {only_lv}, only vifxml refuses {only_we} (qemu \
             driver, start and advice rules)",
            target.name,
            docs.len()
        );
        if docs.len() < 100 {
            failures.push(format!("[{}] only {} documents", target.name, docs.len()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
