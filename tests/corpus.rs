//! Conformance against libvirt's own test XML: every `<interface>` in the corpus parses, and
//! render -> parse gives the same model back.
//!
//! The corpus is `../shared/corpus/libvirt` beside the repository, or the directory named by
//! `VIFXML_CORPUS`. The only files allowed to fail are the ones libvirt itself rejects, as
//! listed in the corpus's `EXPECTED_FAILURES.txt`.

mod common;
use common::{corpus_dir, expected_failures, xml_files};

#[test]
fn every_corpus_interface_round_trips() {
    let dir = corpus_dir();
    let allowed = expected_failures(&dir);
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let (mut n_files, mut n_ifaces, mut n_round, mut skipped) = (0, 0, 0, Vec::new());
    let mut failures = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&dir)
            .expect("file is under the corpus")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f).expect("corpus file is utf-8");
        n_files += 1;
        let doc = match vifxml::xml::parse_document(&text) {
            Ok(d) => d,
            Err(e) if allowed.contains(&rel) => {
                skipped.push(format!("{rel}: {e}"));
                continue;
            }
            Err(e) => {
                failures.push(format!("{rel}: parse failed: {e}"));
                continue;
            }
        };
        for p in &doc.interfaces {
            n_ifaces += 1;
            let out = vifxml::xml::render_interface(&p.interface);
            match vifxml::xml::parse_interface(&out) {
                Ok(back) if back == p.interface => n_round += 1,
                Ok(back) => failures.push(format!(
                    "{rel} {}: round trip differs\nrendered:\n{out}\nfirst: {:?}\nback:  {:?}",
                    p.path, p.interface, back
                )),
                Err(e) => failures.push(format!(
                    "{rel} {}: rendered xml does not parse: {e}\n{out}",
                    p.path
                )),
            }
        }
    }
    println!(
        "corpus: {n_files} files, {n_ifaces} interfaces parsed, {n_round} round-tripped, {} \
         files skipped as rejected by libvirt itself",
        skipped.len()
    );
    for s in &skipped {
        println!("  skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // A skip that parses would hide nothing; make sure every skipped file really fails.
    let parsed_anyway: Vec<&String> = allowed
        .iter()
        .filter(|rel| {
            std::fs::read_to_string(dir.join(rel))
                .map(|t| vifxml::xml::parse_document(&t).is_ok())
                .unwrap_or(false)
        })
        .collect();
    println!(
        "{} listed as rejected by libvirt parse fine here (not skipped): {parsed_anyway:?}",
        parsed_anyway.len()
    );
    assert!(n_ifaces > 400, "too few interfaces found: {n_ifaces}");
    assert_eq!(n_round, n_ifaces);
}
