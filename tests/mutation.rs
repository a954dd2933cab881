//! Mutated corpus documents (bytes flipped, truncated, spliced, regions duplicated or dropped,
//! hostile tokens inserted) never panic the parser, the validator or the domain editor, and
//! whatever parses still renders and reads back the same (see `common::canonical`).
//!
//! Deterministic (a fixed seed, a fixed number of mutants per document) and bounded: a few
//! seconds in a debug build. Documents: fixtures/xml and libvirt's test XML in
//! `../shared/corpus/libvirt` or `$VIFXML_CORPUS` (tests/corpus.rs fails when it is absent;
//! this test then mutates the fixtures only).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use vifxml::domain::{Domain, Selector};
use vifxml::xml;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "<",
    ">",
    "/>",
    "</",
    "'",
    "\"",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&xxe;",
    ";",
    "=",
    "<!DOCTYPE d [<!ENTITY x 'y'>]>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0'?>",
    "<?pi x?>",
    "\u{0}",
    "\u{FEFF}",
    "\u{FFFE}",
    "\r\n",
    "\t",
    "é",
    "<interface type='user'>",
    "</interface>",
    "<interface type='bridge'/>",
    "<devices>",
    "</devices>",
    "<mac address='52:54:00:00:00:01'/>",
    "<source bridge='br0'/>",
    "<virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport>",
    "<coalesce><rx><frames max='7'/></rx></coalesce>",
    " type='direct'",
    " a='1' a='2'",
];

fn mutate(rng: &mut Rng, doc: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = doc.to_vec();
    // Mostly one mutation, so that a fair share of mutants still parse and reach the editor.
    let rounds = if rng.below(3) == 0 {
        2 + rng.below(2)
    } else {
        1
    };
    for _ in 0..rounds {
        let len = d.len();
        let at = rng.below(len + 1);
        match rng.below(7) {
            // Flip a byte, to one that matters to XML or to anything.
            0 if len > 0 => {
                let i = rng.below(len);
                d[i] = if rng.below(2) == 0 {
                    b"<>/'\"&;=!?[]- \0\xff"[rng.below(16)]
                } else {
                    rng.next() as u8
                };
            }
            // Truncate.
            1 => d.truncate(at),
            // Splice in a region of another document.
            2 if !other.is_empty() => {
                let s = rng.below(other.len());
                let e = (s + 1 + rng.below(512)).min(other.len());
                d.splice(at..at, other[s..e].iter().copied());
            }
            // Duplicate a region in place.
            3 if len > 0 => {
                let s = rng.below(len);
                let e = (s + 1 + rng.below(256)).min(len);
                let region = d[s..e].to_vec();
                d.splice(e..e, region);
            }
            // Drop a region.
            4 if len > 0 => {
                let s = rng.below(len);
                let e = (s + 1 + rng.below(64)).min(len);
                d.drain(s..e);
            }
            // Insert a hostile token.
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                d.splice(at..at, t.bytes());
            }
        }
    }
    d
}

/// Everything the library does with a document must not panic; what parses must round-trip.
fn exercise(src: &str) {
    if let Ok(doc) = xml::parse_document(src) {
        let _ = vifxml::validate::validate_document(src, &doc);
        for p in &doc.interfaces {
            let out = xml::render_interface(&p.interface);
            let back = xml::parse_interface(&out).unwrap_or_else(|e| {
                panic!("rendered xml does not read back: {e}\n{src}\n---\n{out}")
            });
            assert_eq!(
                common::canonical(back.clone()),
                common::canonical(p.interface.clone()),
                "round trip changed the model\n{src}\n---\n{out}"
            );
            assert_eq!(
                xml::render_interface(&back),
                out,
                "render is not a fixpoint\n{src}"
            );
        }
    }
    let Ok(dom) = Domain::parse(src) else {
        return;
    };
    assert_eq!(dom.to_string(), src);
    let _ = dom.validate();
    let n = dom.interfaces().len();
    for i in 0..n.min(3) {
        let same = dom.interfaces()[i].interface.clone();
        let mut edited = dom.clone();
        if edited.replace(Selector::Index(i), same.clone()).is_ok() {
            let again = Domain::parse(&edited.to_string())
                .unwrap_or_else(|e| panic!("replaced document does not read back: {e}\n{src}"));
            assert_eq!(
                common::canonical(again.interfaces()[i].interface.clone()),
                common::canonical(same.clone())
            );
        }
        let mut removed = dom.clone();
        if removed.remove(Selector::Index(i)).is_ok() {
            let again = Domain::parse(&removed.to_string()).unwrap_or_else(|e| {
                panic!("document does not read back after a removal: {e}\n{src}")
            });
            assert_eq!(again.interfaces().len(), n - 1);
        }
        let mut added = dom.clone();
        if added.add(same).is_ok() {
            let again = Domain::parse(&added.to_string())
                .unwrap_or_else(|e| panic!("document does not read back after an add: {e}\n{src}"));
            assert_eq!(again.interfaces().len(), n + 1);
        }
        let _ = added.validate();
    }
}

fn documents() -> Vec<Vec<u8>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "xml") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("VIFXML_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/libvirt"));
    let mut paths = Vec::new();
    walk(&root.join("fixtures/xml"), &mut paths);
    walk(&corpus, &mut paths);
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

#[test]
fn mutated_documents_never_panic() {
    const PER_DOCUMENT: usize = 20;
    let docs = documents();
    assert!(!docs.is_empty());
    let started = Instant::now();
    let mut rng = Rng(0x005E_ED0F_F1F0_u64);
    let (mut parsed, mut total) = (0usize, 0usize);
    for doc in &docs {
        for _ in 0..PER_DOCUMENT {
            let other = &docs[rng.below(docs.len())];
            let m = mutate(&mut rng, doc, other);
            total += 1;
            match std::str::from_utf8(&m) {
                Ok(s) => {
                    parsed += usize::from(xml::parse_document(s).is_ok());
                    exercise(s);
                }
                Err(_) => exercise(&String::from_utf8_lossy(&m)),
            }
        }
        // The untouched document too: the mutants' baseline.
        if let Ok(s) = std::str::from_utf8(doc) {
            exercise(s);
        }
    }
    eprintln!(
        "{total} mutants of {} documents, {parsed} still parse, {:.1?}",
        docs.len(),
        started.elapsed()
    );
}
