//! Editing guest documents: every byte outside the edited elements is kept.
//!
//! Over libvirt's own test corpus (`../shared/corpus/libvirt`, or `VIFXML_CORPUS`): every domain
//! document round-trips byte-for-byte, and every interface can be replaced by its own rendering
//! without touching anything outside its span. Then hand-made documents with comments,
//! processing instructions, namespaced elements, CRLF and tabs, and the `vifxml domain` CLI.

use std::collections::BTreeSet;

mod common;
use common::{corpus_dir, expected_failures, xml_files};

mod cli_harness;
use cli_harness::{code, run, stderr as err, stdout as out};

use vifxml::domain::{Domain, EditError, Selector};
use vifxml::{spec, xml, Interface};

// ------------------------------------------------------------------------------- corpus

/// Every corpus document: (relative path, text).
fn corpus_documents() -> (Vec<(String, String)>, BTreeSet<String>) {
    let dir = corpus_dir();
    let allowed = expected_failures(&dir);
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let docs = files
        .iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&dir)
                .expect("file is under the corpus")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(f).expect("corpus file is utf-8");
            (rel, text)
        })
        .collect();
    (docs, allowed)
}

/// The domains of the corpus that `Domain::parse` accepts. Fails the test when a file other
/// than the skipped ones is refused: only libvirt's own parse errors and documents whose root
/// is not a guest (bare `<interface>`, refused with `xml.root`) may be.
fn corpus_domains() -> (Vec<(String, String, Domain)>, usize, usize) {
    let (docs, allowed) = corpus_documents();
    let (mut out, mut skipped, mut not_domains, mut failures) = (Vec::new(), 0, 0, Vec::new());
    for (rel, text) in docs {
        match Domain::parse(&text) {
            Ok(d) => out.push((rel, text, d)),
            Err(_) if allowed.contains(&rel) => skipped += 1,
            Err(e)
                if e.has("xml.root")
                    && xml::parse_document(&text).is_ok_and(|d| d.root == "interface") =>
            {
                not_domains += 1
            }
            Err(e) => failures.push(format!("{rel}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "documents refused by Domain::parse:\n{}",
        failures.join("\n")
    );
    (out, skipped, not_domains)
}

/// The in-memory spans, paths and models match a fresh read of the text.
fn assert_consistent(dom: &Domain, what: &str) {
    let again = Domain::parse(dom.as_str())
        .unwrap_or_else(|e| panic!("{what}: edited document does not parse: {e}"));
    assert_eq!(
        again.interfaces(),
        dom.interfaces(),
        "{what}: spans, paths or models differ from a fresh read"
    );
}

#[test]
fn corpus_documents_round_trip_byte_for_byte() {
    let (domains, skipped, not_domains) = corpus_domains();
    let mut n_ifaces = 0;
    for (rel, text, dom) in &domains {
        assert_eq!(
            dom.to_string(),
            *text,
            "{rel}: not re-emitted byte-for-byte"
        );
        let doc = xml::parse_document(text).expect("parsed once already");
        assert_eq!(dom.interfaces(), doc.interfaces.as_slice(), "{rel}");
        n_ifaces += dom.interfaces().len();
    }
    println!(
        "domain corpus: {} documents round-tripped byte-for-byte ({n_ifaces} interfaces), {skipped} \
         skipped as rejected by libvirt, {not_domains} bare <interface> documents refused",
        domains.len()
    );
    assert!(domains.len() > 400, "too few documents: {}", domains.len());
}

#[test]
fn corpus_interfaces_replaced_by_their_rendering_touch_nothing_else() {
    let (domains, _, _) = corpus_domains();
    let (mut replaced, mut identical) = (0usize, 0usize);
    for (rel, text, dom) in &domains {
        let models: Vec<&Interface> = dom.interfaces().iter().map(|p| &p.interface).collect();
        for (i, p) in dom.interfaces().iter().enumerate() {
            let what = format!("{rel} {}", p.path);
            let mut d = dom.clone();
            let old = d
                .replace(Selector::Index(i), p.interface.clone())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(old, p.interface, "{what}");
            let out = d.as_str();
            let (prefix, suffix) = (&text[..p.span.start], &text[p.span.end..]);
            assert!(
                out.starts_with(prefix),
                "{what}: bytes before the span changed"
            );
            assert!(
                out.ends_with(suffix),
                "{what}: bytes after the span changed"
            );
            assert!(out.len() >= prefix.len() + suffix.len(), "{what}");
            let again = Domain::parse(out).unwrap_or_else(|e| panic!("{what}: {e}\n{out}"));
            let back: Vec<&Interface> = again.interfaces().iter().map(|p| &p.interface).collect();
            assert_eq!(back, models, "{what}: models differ after the replacement");
            assert_eq!(again.interfaces(), d.interfaces(), "{what}: spans");
            replaced += 1;
            if out == text {
                identical += 1;
            }
        }
    }
    println!(
        "domain corpus: {replaced} interfaces replaced in place ({identical} already in canonical \
         form, byte-identical)"
    );
    assert!(replaced > 400, "too few interfaces: {replaced}");
}

#[test]
fn corpus_edit_sequences_keep_spans_consistent() {
    let (domains, _, _) = corpus_domains();
    let mut n = 0;
    for (rel, _, dom) in &domains {
        let mut d = dom.clone();
        let Some(first) = d.interfaces().first().map(|p| p.interface.clone()) else {
            continue;
        };
        let count = d.interfaces().len();
        assert_eq!(d.add(first.clone()), Ok(count), "{rel}");
        assert_consistent(&d, &format!("{rel}: add"));
        d.remove(Selector::Index(0)).expect("index 0 exists");
        assert_consistent(&d, &format!("{rel}: remove"));
        d.replace(Selector::Index(count - 1), first.clone())
            .expect("index exists");
        assert_consistent(&d, &format!("{rel}: replace"));
        // Removing everything leaves the rest of the document alone.
        while !d.interfaces().is_empty() {
            d.remove(Selector::Index(0)).expect("index 0 exists");
        }
        assert_consistent(&d, &format!("{rel}: remove all"));
        d.add(first).expect("add to devices without interfaces");
        assert_consistent(&d, &format!("{rel}: add to empty"));
        n += 1;
    }
    println!("domain corpus: edit sequence on {n} documents");
}

// ------------------------------------------------------------------------ hand-made documents

/// Builds a document from `(level, text)` lines with this indent unit and line end.
fn lines(unit: &str, nl: &str, ls: &[(usize, &str)]) -> String {
    ls.iter()
        .map(|(lvl, t)| format!("{}{t}{nl}", unit.repeat(*lvl)))
        .collect()
}

fn guest_lines() -> Vec<(usize, &'static str)> {
    vec![
        (0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        (0, "<!-- generated by hand -->"),
        (0, "<?vifxml-test keep this processing instruction?>"),
        (
            0,
            "<domain type=\"kvm\" xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\">",
        ),
        (1, "<name>guest</name>"),
        (1, "<!-- before devices -->"),
        (1, "<devices>"),
        (2, "<emulator>/usr/bin/qemu-system-x86_64</emulator>"),
        (2, "<!-- first nic -->"),
        (2, "<interface type=\"bridge\">"),
        (3, "<mac address=\"52:54:00:AA:BB:01\"/>"),
        (3, "<source bridge=\"br0\"/>"),
        (3, "<!-- inside -->"),
        (3, "<model type=\"virtio\"/>"),
        (2, "</interface>"),
        (2, "<?pi between nics?>"),
        (2, "<interface type='network'>"),
        (3, "<mac address='52:54:00:aa:bb:02'/>"),
        (3, "<source network='default'/>"),
        (3, "<target dev='vnet1'/>"),
        (2, "</interface> <!-- same line -->"),
        (2, "<disk type=\"file\" device=\"disk\"/>"),
        (2, "<!-- last in devices -->"),
        (1, "</devices>"),
        (1, "<qemu:commandline>"),
        (2, "<qemu:arg value=\"-set\"/>"),
        (2, "<qemu:env name=\"A\" value=\"b &amp; c\"/>"),
        (1, "</qemu:commandline>"),
        (0, "</domain>"),
    ]
}

fn guest(unit: &str, nl: &str) -> String {
    lines(unit, nl, &guest_lines())
}

fn one(spec_text: &str) -> Interface {
    let mut v = spec::from_str(spec_text).expect("spec loads");
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn ovs() -> Interface {
    one(
        r#"{"type": "bridge", "source": {"bridge": "br-int"}, "mac": "52:54:00:00:00:03",
           "virtualport": {"type": "openvswitch", "interfaceid": "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"},
           "model": "virtio"}"#,
    )
}

/// The rendering of `ovs()` at `level` in `unit`, as lines without the first indent.
fn ovs_lines(level: usize) -> Vec<(usize, &'static str)> {
    vec![
        (level, "<interface type='bridge'>"),
        (level + 1, "<mac address='52:54:00:00:00:03'/>"),
        (level + 1, "<source bridge='br-int'/>"),
        (level + 1, "<virtualport type='openvswitch'>"),
        (
            level + 2,
            "<parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/>",
        ),
        (level + 1, "</virtualport>"),
        (level + 1, "<model type='virtio'/>"),
        (level, "</interface>"),
    ]
}

const VARIANTS: &[(&str, &str, &str)] = &[
    ("2-space LF", "  ", "\n"),
    ("4-space LF", "    ", "\n"),
    ("tab LF", "\t", "\n"),
    ("2-space CRLF", "  ", "\r\n"),
    ("tab CRLF", "\t", "\r\n"),
];

#[test]
fn add_goes_after_the_last_interface_indented_like_it() {
    for (name, unit, nl) in VARIANTS {
        let src = guest(unit, nl);
        let mut dom = Domain::parse(&src).expect("parses");
        assert_eq!(dom.interfaces().len(), 2);
        assert_eq!(dom.add(ovs()), Ok(2), "{name}");
        let mut expected_lines = guest_lines();
        let at = expected_lines
            .iter()
            .position(|l| l.1.starts_with("</interface> <!--"))
            .expect("line");
        // The comment on the last interface's line stays with it; the new one goes after.
        expected_lines.splice(at + 1..at + 1, ovs_lines(2));
        assert_eq!(dom.as_str(), lines(unit, nl, &expected_lines), "{name}");
        if *nl == "\r\n" {
            assert!(!dom.as_str().replace("\r\n", "").contains('\n'), "{name}");
        }
        assert_consistent(&dom, name);
        assert!(dom.validate().iter().all(|d| !d.is_error()), "{name}");
    }
}

#[test]
fn replace_keeps_the_elements_own_indentation_and_everything_else() {
    for (name, unit, nl) in VARIANTS {
        let src = guest(unit, nl);
        let mut dom = Domain::parse(&src).expect("parses");
        let span = dom.interfaces()[0].span.clone();
        let sel: Selector = "52:54:00:aa:BB:1".parse().expect("mac");
        let old = dom.replace(sel, ovs()).expect("replaced");
        assert_eq!(old.kind.type_name(), "bridge");
        let out = dom.as_str();
        assert!(out.starts_with(&src[..span.start]), "{name}");
        assert!(out.ends_with(&src[span.end..]), "{name}");
        let body = &out[span.start..out.len() - (src.len() - span.end)];
        let expected = lines(unit, nl, &ovs_lines(2));
        let expected = expected[2 * unit.len()..expected.len() - nl.len()].to_owned();
        assert_eq!(body, expected, "{name}");
        assert_consistent(&dom, name);
    }
}

#[test]
fn remove_takes_the_element_and_its_empty_line_only() {
    for (name, unit, nl) in VARIANTS {
        let src = guest(unit, nl);
        let mut dom = Domain::parse(&src).expect("parses");
        let removed = dom.remove(Selector::Index(0)).expect("removed");
        assert_eq!(removed.kind.type_name(), "bridge");
        let mut expected = guest_lines();
        let a = expected
            .iter()
            .position(|l| l.1 == "<interface type=\"bridge\">")
            .expect("line");
        expected.drain(a..a + 6);
        assert_eq!(dom.as_str(), lines(unit, nl, &expected), "{name}");
        assert_eq!(dom.interfaces()[0].path, "devices/interface[1]");
        assert_consistent(&dom, name);

        // The second one shares its last line with a comment: only the element goes.
        let removed = dom
            .remove("52:54:00:AA:BB:02".parse().expect("mac"))
            .expect("removed");
        assert_eq!(removed.kind.type_name(), "network");
        let b = expected
            .iter()
            .position(|l| l.1 == "<interface type='network'>")
            .expect("line");
        expected.drain(b..b + 4);
        expected[b] = (2, " <!-- same line -->");
        assert_eq!(dom.as_str(), lines(unit, nl, &expected), "{name}");
        assert!(dom.interfaces().is_empty());
        assert_consistent(&dom, name);
    }
}

#[test]
fn removing_the_only_interface() {
    let src = "<domain type='kvm'>\n  <devices>\n    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n  </devices>\n</domain>\n";
    let mut dom = Domain::parse(src).expect("parses");
    dom.remove(Selector::Index(0)).expect("removed");
    assert_eq!(
        dom.as_str(),
        "<domain type='kvm'>\n  <devices>\n  </devices>\n</domain>\n"
    );
    // And adding one back restores the original layout.
    dom.add(one("type: user\nmodel: virtio")).expect("added");
    assert_eq!(dom.as_str(), src);
    assert_consistent(&dom, "only");
}

#[test]
fn add_to_empty_devices_element() {
    for (unit, nl) in [("  ", "\n"), ("    ", "\r\n"), ("\t", "\n")] {
        let src = lines(
            unit,
            nl,
            &[
                (0, "<domain type='kvm'>"),
                (1, "<name>x</name>"),
                (1, "<devices/>"),
                (0, "</domain>"),
            ],
        );
        let mut dom = Domain::parse(&src).expect("parses");
        assert_eq!(dom.add(ovs()), Ok(0));
        let mut expected = vec![
            (0, "<domain type='kvm'>"),
            (1, "<name>x</name>"),
            (1, "<devices>"),
        ];
        expected.extend(ovs_lines(2));
        expected.extend([(1, "</devices>"), (0, "</domain>")]);
        assert_eq!(dom.as_str(), lines(unit, nl, &expected), "{unit:?}");
        assert_consistent(&dom, "empty devices");
    }
    // `<devices />` with a space, all on one line.
    let mut dom = Domain::parse("<domain><devices /></domain>").expect("parses");
    dom.add(one("type: user")).expect("added");
    assert_eq!(
        dom.as_str(),
        "<domain><devices>\n  <interface type='user'/>\n</devices></domain>"
    );
    assert_consistent(&dom, "inline empty devices");
}

#[test]
fn add_to_devices_without_interfaces_follows_the_last_child() {
    let src = "<domain>\n    <devices>\n        <emulator>/usr/bin/qemu</emulator>\n        <!-- c -->\n    </devices>\n</domain>";
    let mut dom = Domain::parse(src).expect("parses");
    dom.add(one("type: user")).expect("added");
    assert_eq!(
        dom.as_str(),
        "<domain>\n    <devices>\n        <emulator>/usr/bin/qemu</emulator>\n        <!-- c -->\n        <interface type='user'/>\n    </devices>\n</domain>"
    );
    assert_consistent(&dom, "no interfaces");
}

#[test]
fn add_creates_devices_when_missing_and_works_in_domstatus() {
    let mut dom =
        Domain::parse("<domain type='kvm'>\n\t<name>x</name>\n</domain>\n").expect("parses");
    dom.add(one("type: user")).expect("added");
    assert_eq!(
        dom.as_str(),
        "<domain type='kvm'>\n\t<name>x</name>\n\t<devices>\n\t\t<interface type='user'/>\n\t</devices>\n</domain>\n"
    );
    assert_consistent(&dom, "no devices");

    let src = "<domstatus state='running'>\n  <monitor path='/m'/>\n  <domain type='kvm'>\n    <devices>\n      <interface type='user'/>\n    </devices>\n  </domain>\n</domstatus>\n";
    let mut dom = Domain::parse(src).expect("parses");
    assert_eq!(dom.root(), "domstatus");
    dom.add(one("type: bridge\nsource: {bridge: br0}"))
        .expect("added");
    assert_eq!(
        dom.as_str(),
        "<domstatus state='running'>\n  <monitor path='/m'/>\n  <domain type='kvm'>\n    <devices>\n      <interface type='user'/>\n      <interface type='bridge'>\n        <source bridge='br0'/>\n      </interface>\n    </devices>\n  </domain>\n</domstatus>\n"
    );
    assert_consistent(&dom, "domstatus");

    let mut dom = Domain::parse("<domstatus/>").expect("parses");
    assert!(matches!(
        dom.add(one("type: user")),
        Err(EditError::Structure(_))
    ));
    assert_eq!(dom.as_str(), "<domstatus/>");
}

#[test]
fn indent_step_comes_from_the_document() {
    // 3-space step inside interfaces, devices at 1 space: siblings decide the column.
    let src = "<domain>\n <devices>\n  <interface type='network'>\n     <source network='default'/>\n  </interface>\n </devices>\n</domain>\n";
    let mut dom = Domain::parse(src).expect("parses");
    dom.add(one("type: bridge\nsource: {bridge: br0}"))
        .expect("added");
    assert!(
        dom.as_str().contains(
            "  </interface>\n  <interface type='bridge'>\n     <source bridge='br0'/>\n  </interface>\n </devices>"
        ),
        "{}",
        dom.as_str()
    );
}

#[test]
fn selection_by_index_and_mac() {
    let src = "<domain><devices>\
               <interface type='user'><mac address='52:54:00:00:00:01'/></interface>\
               <interface type='user'><mac address='52:54:00:00:00:02'/></interface>\
               <interface type='user'><mac address='52:54:0:0:0:1'/></interface>\
               </devices></domain>";
    let mut dom = Domain::parse(src).expect("parses");
    assert_eq!(dom.select(&Selector::Index(2)), Ok(2));
    assert_eq!(
        dom.select(&"52:54:00:00:00:02".parse().expect("mac")),
        Ok(1)
    );
    assert_eq!(
        dom.select(&Selector::Index(3)),
        Err(EditError::NoSuchIndex { index: 3, count: 3 })
    );
    let missing: Selector = "52:54:00:00:00:09".parse().expect("mac");
    let e = dom.remove(missing).unwrap_err();
    assert!(matches!(e, EditError::NoSuchMac { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "no interface has mac address 52:54:00:00:00:09"
    );
    let dup: Selector = "52:54:00:00:00:01".parse().expect("mac");
    let e = dom.replace(dup, one("type: user")).unwrap_err();
    let EditError::AmbiguousMac { matches, .. } = &e else {
        panic!("expected ambiguous: {e}");
    };
    assert_eq!(
        matches,
        &vec![
            (0, "devices/interface[1]".to_owned()),
            (2, "devices/interface[3]".to_owned())
        ]
    );
    assert!(
        e.to_string()
            .contains("devices/interface[1] (index 0), devices/interface[3] (index 2)"),
        "{e}"
    );
    // Failed edits change nothing.
    assert_eq!(dom.as_str(), src);
    assert!(dom.remove(Selector::Index(7)).is_err());
    assert_eq!(dom.as_str(), src);
}

#[test]
fn only_guest_documents_are_accepted() {
    for (src, needle) in [
        ("<interface type='user'/>", "found <interface>"),
        (
            "<interface type='user'/><interface type='user'/>",
            "found <interface>",
        ),
        ("<network><name>n</name></network>", "<network>"),
    ] {
        let e = Domain::parse(src).unwrap_err();
        assert!(e.has("xml.root"), "{src}: {e}");
        assert!(e.to_string().contains(needle), "{src}: {e}");
    }
    assert!(Domain::parse("<domain><devices><interface/></devices></domain>").is_err());
}

#[test]
fn several_edits_in_a_row() {
    let src = guest("  ", "\n");
    let mut dom = Domain::parse(&src).expect("parses");
    dom.add(ovs()).expect("add");
    assert_consistent(&dom, "add");
    dom.replace(
        Selector::Index(1),
        one("type: user\nmac: '52:54:00:00:00:04'"),
    )
    .expect("replace");
    assert_consistent(&dom, "replace");
    dom.remove("52:54:00:00:00:03".parse().expect("mac"))
        .expect("remove");
    assert_consistent(&dom, "remove");
    dom.add(one("type: direct\nsource: {dev: eth0, mode: passthrough}"))
        .expect("add");
    assert_consistent(&dom, "add again");
    let macs: Vec<String> = dom
        .interfaces()
        .iter()
        .map(|p| p.interface.mac.map(|m| m.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(macs, ["52:54:00:aa:bb:01", "52:54:00:00:00:04", ""]);
    // Outside <devices> nothing moved.
    let tail = &src[src.find("  </devices>").expect("devices")..];
    assert!(dom.as_str().ends_with(tail));
    let head = &src[..src.find("<interface").expect("interface")];
    assert!(dom.as_str().starts_with(head));
    insta::assert_snapshot!("several_edits_in_a_row", dom.as_str());
}

#[test]
fn snapshot_ovs_migration_on_a_crlf_tab_document() {
    let src = guest("\t", "\r\n");
    let mut dom = Domain::parse(&src).expect("parses");
    dom.replace("52:54:00:AA:BB:02".parse().expect("mac"), ovs())
        .expect("replaced");
    // Shown with visible line ends so the snapshot proves CRLF is kept.
    insta::assert_snapshot!(
        "ovs_migration_crlf_tabs",
        dom.as_str().replace("\r\n", "␍\n")
    );
}

#[test]
fn validate_reports_findings_with_offsets_in_the_edited_text() {
    let src = guest("  ", "\n");
    let mut dom = Domain::parse(&src).expect("parses");
    dom.add(one("type: user\ntarget: {dev: vnet1}"))
        .expect("added");
    let f = dom.validate();
    let dup = f
        .iter()
        .find(|d| d.rule == "devices.duplicate-target")
        .expect("duplicate target found");
    assert_eq!(dup.path, "devices/interface[3]/target/@dev");
    let (line, _) = dup.line_col(dom.as_str()).expect("offset");
    let text_line = dom.as_str().lines().nth(line - 1).expect("line");
    assert!(text_line.contains("<target dev='vnet1'/>"), "{text_line}");
}

// ------------------------------------------------------------------------------------ CLI

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Self {
        Files {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn put(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

const OVS_SPEC: &str = "type: bridge\nsource: {bridge: br-int}\nmac: '52:54:00:00:00:03'\nvirtualport:\n  type: openvswitch\n  interfaceid: 09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f\nmodel: virtio\n";

fn lib_edit(src: &str, f: impl FnOnce(&mut Domain)) -> String {
    let mut d = Domain::parse(src).expect("parses");
    f(&mut d);
    d.into_string()
}

#[test]
fn cli_list() {
    let fs = Files::new();
    let g = fs.put("guest.xml", &guest("  ", "\n"));
    let o = run(&["domain", "list", &g], None);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(
        out(&o),
        "INDEX  TYPE     MAC                SOURCE   TARGET\n\
         0      bridge   52:54:00:aa:bb:01  br0      -\n\
         1      network  52:54:00:aa:bb:02  default  vnet1\n"
    );
    let o = run(
        &["domain", "list", "--format", "json", "-"],
        Some(guest("  ", "\n").as_bytes()),
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v[1]["path"], "devices/interface[2]");
    assert_eq!(v[1]["index"], 1);
    assert_eq!(v[1]["line"], 17);
    assert_eq!(v[1]["target"], "vnet1");
    assert_eq!(v[0]["target"], serde_json::Value::Null);
    // Not a guest document: exit 1 with the finding.
    let o = run(&["domain", "list", "-"], Some(b"<interface type='user'/>"));
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("error[xml.root]"), "{}", err(&o));
}

#[test]
fn cli_edits_to_stdout() {
    let fs = Files::new();
    let src = guest("  ", "\r\n");
    let g = fs.put("guest.xml", &src);
    let spec = fs.put("ovs.yaml", OVS_SPEC);

    let o = run(&["domain", "add", &g, &spec], None);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(out(&o), lib_edit(&src, |d| drop(d.add(ovs()))));

    let o = run(
        &["domain", "replace", &g, "--mac", "52:54:00:AA:BB:01", &spec],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(
        out(&o),
        lib_edit(&src, |d| drop(d.replace(Selector::Index(0), ovs())))
    );

    let o = run(
        &["domain", "remove", "-", "--index", "1"],
        Some(src.as_bytes()),
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(
        out(&o),
        lib_edit(&src, |d| drop(d.remove(Selector::Index(1))))
    );

    // Spec from stdin; XML interface as spec.
    let o = run(&["domain", "add", &g, "-"], Some(OVS_SPEC.as_bytes()));
    assert_eq!(code(&o), 0, "{}", err(&o));
    let x = fs.put("nic.xml", "<interface type='user'/>\n");
    let o = run(&["domain", "add", &g, &x], None);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains("<interface type='user'/>"));
    // The file itself is untouched without --in-place.
    assert_eq!(std::fs::read_to_string(&g).expect("read"), src);
}

#[test]
fn cli_errors_and_exit_codes() {
    let fs = Files::new();
    let src = guest("  ", "\n");
    let g = fs.put("guest.xml", &src);
    let two = fs.put("two.yaml", "- {type: user}\n- {type: user}\n");

    let o = run(&["domain", "remove", &g, "--index", "5"], None);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("no interface at index 5"), "{}", err(&o));
    let o = run(
        &["domain", "remove", &g, "--mac", "52:54:00:00:00:99"],
        None,
    );
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("no interface has mac address"),
        "{}",
        err(&o)
    );
    let o = run(&["domain", "replace", &g, "--index", "0", &two], None);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("exactly one interface"), "{}", err(&o));
    // Usage errors: 2.
    for args in [
        vec!["domain", "remove", &g],
        vec![
            "domain",
            "remove",
            &g,
            "--index",
            "0",
            "--mac",
            "52:54:00:00:00:01",
        ],
        vec!["domain", "remove", &g, "--mac", "zz"],
        vec!["domain", "remove", "-", "--index", "0", "--in-place"],
        vec!["domain", "add", "-", "-"],
    ] {
        let o = run(&args, Some(src.as_bytes()));
        assert_eq!(code(&o), 2, "{args:?}: {}", err(&o));
        assert!(out(&o).is_empty());
    }
    let o = run(&["domain", "list", "/nonexistent/guest.xml"], None);
    assert_eq!(code(&o), 2);
    let o = run(&["domain", "add", &g, "/nonexistent/spec.yaml"], None);
    assert_eq!(code(&o), 2);
    let bad = fs.put("bad.yaml", "type: bridge\nsource: {}\n");
    let o = run(&["domain", "add", &g, &bad], None);
    assert_eq!(code(&o), 1, "{}", err(&o));
}

#[cfg(unix)]
fn mode(p: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("stat").permissions().mode() & 0o7777
}

#[test]
fn cli_in_place_replaces_the_file_atomically() {
    let fs = Files::new();
    let src = guest("\t", "\n");
    let g = fs.put("guest.xml", &src);
    let spec = fs.put("ovs.yaml", OVS_SPEC);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&g, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    }
    let o = run(
        &["domain", "replace", &g, "--index", "1", &spec, "--in-place"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).is_empty());
    let now = std::fs::read_to_string(&g).expect("read");
    assert_eq!(
        now,
        lib_edit(&src, |d| drop(d.replace(Selector::Index(1), ovs())))
    );
    #[cfg(unix)]
    assert_eq!(mode(&g), 0o640);
    // No temporary file left behind.
    assert_eq!(fs.names(), ["guest.xml", "ovs.yaml"]);

    let o = run(
        &[
            "domain",
            "remove",
            &g,
            "--in-place",
            "--mac",
            "52:54:00:aa:bb:01",
        ],
        None,
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let after = std::fs::read_to_string(&g).expect("read");
    assert_eq!(
        after,
        lib_edit(&now, |d| drop(d.remove(Selector::Index(0))))
    );
}

#[test]
fn cli_refuses_an_edit_whose_result_is_invalid() {
    let fs = Files::new();
    let src = guest("  ", "\n");
    let g = fs.put("guest.xml", &src);
    // 802.1Qbh on a bridge: libvirt defines it, but it never works.
    let bad = fs.put(
        "bad.yaml",
        "type: bridge\nsource: {bridge: br1}\nvirtualport: {type: 802.1Qbh, profileid: finance}\n",
    );
    for extra in [&[][..], &["--in-place"][..]] {
        let mut args = vec!["domain", "add", g.as_str(), bad.as_str()];
        args.extend_from_slice(extra);
        let o = run(&args, None);
        assert_eq!(code(&o), 1, "{}", err(&o));
        assert!(out(&o).is_empty(), "{}", out(&o));
        let e = err(&o);
        assert!(
            e.contains(&format!("{g}:24:"))
                && e.contains(
                    "error[virtualport.placement] devices/interface[3]/virtualport/@type"
                ),
            "{e}"
        );
        assert!(e.contains("not changed"), "{e}");
        assert_eq!(std::fs::read(&g).expect("read"), src.as_bytes());
    }
    assert_eq!(fs.names(), ["bad.yaml", "guest.xml"]);
    // A duplicate target dev is an error across devices.
    let dup = fs.put("dup.yaml", "type: user\ntarget: {dev: vnet1}\n");
    let o = run(&["domain", "add", &g, &dup, "--in-place"], None);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("error[devices.duplicate-target]"),
        "{}",
        err(&o)
    );
    assert_eq!(std::fs::read(&g).expect("read"), src.as_bytes());
    // --no-validate writes it anyway, findings still on stderr.
    let o = run(&["domain", "add", &g, &bad, "--no-validate"], None);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).contains("error[virtualport.placement]"));
    assert!(out(&o).contains("<virtualport type='802.1Qbh'>"));
}

/// The structural fast path gives exactly what the full edit gives, by index and by MAC, on every
/// interface of the corpus; selection errors agree too.
#[test]
fn corpus_fast_replace_matches_domain_replace() {
    let (domains, _, _) = corpus_domains();
    let new = ovs();
    let (mut by_index, mut by_mac, mut mac_errors) = (0usize, 0usize, 0usize);
    for (rel, text, dom) in &domains {
        let n = dom.interfaces().len();
        for i in 0..n {
            let what = format!("{rel} interface {i}");
            let mut d = dom.clone();
            d.replace(Selector::Index(i), new.clone())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let fast = vifxml::domain::replace_interface(text, Selector::Index(i), &new)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(fast, d.as_str(), "{what}: fast path differs");
            by_index += 1;
            if let Some(mac) = dom.interfaces()[i].interface.mac {
                let sel = Selector::Mac(mac);
                let mut d = dom.clone();
                let full = d.replace(sel, new.clone()).map(|_| d.as_str().to_owned());
                let fast = vifxml::domain::replace_interface(text, sel, &new);
                match (&full, &fast) {
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a, b, "{what}: fast path by mac differs");
                        by_mac += 1;
                    }
                    (Err(a), Err(b)) => {
                        assert_eq!(a, b, "{what}: errors differ");
                        mac_errors += 1;
                    }
                    _ => panic!("{what}: full {full:?} vs fast {fast:?}"),
                }
            }
        }
        assert_eq!(
            vifxml::domain::replace_interface(text, Selector::Index(n), &new),
            Err(vifxml::domain::EditError::NoSuchIndex { index: n, count: n }),
            "{rel}"
        );
    }
    println!(
        "fast replace: {by_index} by index and {by_mac} by mac identical to Domain::replace, \
         {mac_errors} ambiguous macs refused alike"
    );
    assert!(by_index > 400 && by_mac > 100, "{by_index} {by_mac}");
}
