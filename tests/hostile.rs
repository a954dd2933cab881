//! Hostile input: every case ends with a clear finding (or, where the input is legal, the
//! right result), in bounded time and memory. Limits are in `vifxml::xml::ParseOptions`;
//! docs/hardening.md lists them. benches/hostile.rs times the same inputs.

#[path = "hostile/inputs.rs"]
mod inputs;

use std::process::Command;

use inputs::{cases, run, Expect};
use vifxml::domain::{Domain, Selector};
use vifxml::xml::{self, ParseOptions};

#[test]
fn every_hostile_input_ends_as_expected() {
    for c in cases() {
        let got = run(&c.bytes);
        match (c.expect, &got) {
            (Expect::Refused(rule), Err(rules)) => assert!(
                rules.contains(&rule),
                "{}: expected {rule}, got {rules:?}",
                c.name
            ),
            (Expect::Accepted(n), Ok(doc)) => {
                assert_eq!(doc.interfaces.len(), n, "{}", c.name);
                let src = std::str::from_utf8(&c.bytes).unwrap();
                // Spans point at the elements, and the document validates without panicking.
                for p in &doc.interfaces {
                    assert!(src[p.span.clone()].starts_with("<interface"), "{}", c.name);
                    assert!(src[p.span.clone()].ends_with('>'), "{}", c.name);
                }
                let _ = vifxml::validate::validate_document(src, doc);
            }
            (_, got) => panic!(
                "{}: expected {:?}, got {:?}",
                c.name,
                c.expect,
                got.as_ref().map(|d| d.interfaces.len())
            ),
        }
    }
}

#[test]
fn refusals_say_what_and_where() {
    for c in cases() {
        let Ok(src) = std::str::from_utf8(&c.bytes) else {
            continue;
        };
        if let Err(d) = xml::parse_document(src) {
            for f in d.iter() {
                assert!(!f.message.is_empty(), "{}: empty message", c.name);
                assert!(
                    vifxml::rules::find(f.rule).is_some(),
                    "{}: {}",
                    c.name,
                    f.rule
                );
                if let Some(off) = f.offset {
                    assert!(off <= src.len(), "{}: offset {off} past the end", c.name);
                }
            }
        }
    }
}

#[test]
fn limits_are_configurable() {
    // Deeper than the default, within a raised limit: read without recursion, kept verbatim,
    // rendered and validated.
    let n = 100_000;
    let deep = format!(
        "<interface type='user'>{}{}</interface>",
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    assert!(xml::parse_document(&deep).unwrap_err().has("xml.too-deep"));
    let lax = ParseOptions {
        max_depth: n + 2,
        ..ParseOptions::default()
    };
    let doc = lax.parse_document(&deep).unwrap();
    let iface = &doc.interfaces[0].interface;
    assert_eq!(iface.extras.elements.len(), 1);
    let out = xml::render_interface(iface);
    assert!(out.len() > 7 * n);
    let f = vifxml::validate::validate_document(&deep, &doc);
    assert!(f.iter().any(|d| d.rule == "extras.unknown"), "{f:#?}");
    let strict = ParseOptions {
        max_depth: 2,
        ..ParseOptions::default()
    };
    assert!(strict
        .parse_document("<interface type='user'><model type='virtio'/></interface>")
        .is_ok());
    assert!(strict
        .parse_document("<interface type='user'><a><b/></a></interface>")
        .unwrap_err()
        .has("xml.too-deep"));

    let attrs: String = (0..5000).map(|i| format!(" a{i}='{i}'")).collect();
    let wide = format!("<domain><metadata><x{attrs}/></metadata></domain>");
    assert!(xml::parse_document(&wide)
        .unwrap_err()
        .has("xml.too-many-attributes"));
    let lax = ParseOptions {
        max_attributes: 5000,
        ..ParseOptions::default()
    };
    lax.parse_document(&wide).unwrap();
    let dup = format!("<domain><metadata><x{attrs} a4999='again'/></metadata></domain>");
    let lax = ParseOptions {
        max_attributes: 6000,
        ..ParseOptions::default()
    };
    let err = lax.parse_document(&dup).unwrap_err();
    assert!(
        err.iter()
            .any(|d| d.message.contains("duplicate attribute 'a4999'")),
        "{err}"
    );

    let big = format!(
        "<domain><metadata>{}</metadata></domain>",
        "<!-- x -->".repeat(1_200_000)
    );
    assert!(xml::parse_document(&big).unwrap_err().has("xml.too-large"));
    let lax = ParseOptions {
        max_size: 16 * 1024 * 1024,
        ..ParseOptions::default()
    };
    assert!(lax.parse_document(&big).is_ok());
}

#[test]
fn utf8_bom_is_read_and_kept_by_edits() {
    let src =
        "\u{FEFF}<domain>\n  <devices>\n    <interface type='user'/>\n  </devices>\n</domain>\n";
    let doc = xml::parse_document(src).unwrap();
    assert_eq!(
        &src[doc.interfaces[0].span.clone()],
        "<interface type='user'/>"
    );
    let mut dom = Domain::parse(src).unwrap();
    assert_eq!(dom.to_string(), src);
    let bridge =
        xml::parse_interface("<interface type='bridge'><source bridge='br0'/></interface>")
            .unwrap();
    dom.add(bridge.clone()).unwrap();
    dom.replace(Selector::Index(0), bridge).unwrap();
    assert_eq!(
        dom.to_string(),
        "\u{FEFF}<domain>\n  <devices>\n    <interface type='bridge'>\n      <source bridge='br0'/>\n    </interface>\n    <interface type='bridge'>\n      <source bridge='br0'/>\n    </interface>\n  </devices>\n</domain>\n"
    );
    let f = xml::parse_document("\u{FEFF}<interface type='user'>").unwrap_err();
    assert!(f.has("xml.syntax"));
    // Offsets count the mark: the finding points into the text as given.
    let src = "\u{FEFF}<interface type='user'><mtu size='x'/></interface>";
    let f = xml::parse_document(src).unwrap_err();
    let off = f.iter().next().and_then(|d| d.offset).unwrap();
    assert!(src[off..].starts_with("size"), "{}", &src[off..]);
}

#[test]
fn cdata_and_comments_in_interfaces_are_kept_not_read() {
    let src = "<interface type='user'>\n  <!-- <mac address='52:54:00:00:00:01'/> -->\n  <model type='virtio'/>\n  <![CDATA[<source bridge='x'/> ]]>\n</interface>\n";
    let iface = xml::parse_interface(src).unwrap();
    assert_eq!(iface.mac, None);
    assert_eq!(iface.model.as_deref(), Some("virtio"));
    let out = xml::render_interface(&iface);
    assert!(
        out.contains("<!-- <mac address='52:54:00:00:00:01'/> -->"),
        "{out}"
    );
    assert!(out.contains("<![CDATA[<source bridge='x'/> ]]>"), "{out}");
    assert_eq!(xml::parse_interface(&out).unwrap(), iface);
    // A ']]>' outside CDATA is not allowed in text (libxml2 refuses it too).
    let stray = src.replace("]]>\n", "]]> ]]>\n");
    assert!(xml::parse_interface(&stray).unwrap_err().has("xml.syntax"));
}

/// Runs the CLI on `bytes` with its address space capped at 1 GiB.
fn cli(args: &[&str], bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.xml");
    std::fs::write(&path, bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_vifxml");
    let mut cmd = format!("ulimit -v 1048576; exec '{bin}'");
    for a in args {
        cmd.push_str(&format!(" '{a}'"));
    }
    cmd.push_str(&format!(" '{}'", path.display()));
    let out = Command::new("sh").arg("-c").arg(&cmd).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn cli_refuses_hostile_input_clearly_in_bounded_memory() {
    for c in cases() {
        let wanted = match c.name {
            "invalid UTF-8" | "UTF-16LE with BOM" | "UTF-16BE with BOM" => "not utf-8",
            "billion laughs" => "xml.doctype",
            "50 MiB document" => "xml.too-large",
            "a million attributes on <interface>" => "xml.too-many-attributes",
            "nesting 100 000 deep in a domain" => "xml.too-deep",
            "NUL byte in text" => "xml.syntax",
            _ => continue,
        };
        let (code, text) = cli(&["validate"], &c.bytes);
        assert_eq!(code, 1, "{}: {text}", c.name);
        assert!(
            text.contains(wanted),
            "{}: expected {wanted} in\n{text}",
            c.name
        );
        assert!(!text.contains("panicked"), "{}: {text}", c.name);
    }
}

#[test]
fn cli_reads_a_utf8_bom() {
    let (code, text) = cli(
        &["parse"],
        "\u{FEFF}<interface type='bridge'><source bridge='br0'/></interface>".as_bytes(),
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("\"bridge\": \"br0\""), "{text}");
}
