//! Hostile inputs, shared by tests/hostile.rs and benches/hostile.rs (`#[path]`-included).

#![allow(dead_code)]

use vifxml::xml::{parse_document, ParsedDocument};

/// What must happen to an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Refused with a finding of this rule (`"utf-8"`: not text, refused before parsing).
    Refused(&'static str),
    /// Legal: read, with this many interfaces.
    Accepted(usize),
}

pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

/// The library's entry for bytes: `parse_document` takes `&str`, so bytes that are not UTF-8
/// are refused by the caller (the CLI does this) before any parsing.
pub fn run(bytes: &[u8]) -> Result<ParsedDocument, Vec<&'static str>> {
    let src = std::str::from_utf8(bytes).map_err(|_| vec!["utf-8"])?;
    parse_document(src).map_err(|d| d.iter().map(|d| d.rule).collect())
}

const IFACE: &str = "<interface type='user'><model type='virtio'/></interface>";

fn domain(devices_extra: &str, elsewhere: &str) -> String {
    format!(
        "<domain type='kvm'><name>g</name>{elsewhere}<devices>{IFACE}{devices_extra}</devices></domain>"
    )
}

fn case(name: &'static str, s: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        name,
        bytes: s.into(),
        expect,
    }
}

/// `n` distinct attribute names, shortest first.
fn attr_names(n: usize) -> impl Iterator<Item = String> {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    (0..n).map(|mut i| {
        let mut s = String::from("a");
        loop {
            s.push(A[i % 26] as char);
            i /= 26;
            if i == 0 {
                break s;
            }
        }
    })
}

fn many_attrs(n: usize) -> String {
    attr_names(n).map(|a| format!(" {a}=''")).collect()
}

pub fn cases() -> Vec<Case> {
    use Expect::{Accepted, Refused};
    // Tags whose values hide the characters a quick look for tag bounds would stop at.
    let in_values = |c: char| {
        let attrs: String = attr_names(700_000).map(|a| format!(" {a}='{c}'")).collect();
        format!("<interface type='user'{attrs}/>")
    };
    let lt_in_values = in_values('<');
    let gt_in_values = in_values('>');
    let lt_gt_in_values = {
        let attrs: String = attr_names(700_000).map(|a| format!(" {a}='<>'")).collect();
        format!("<interface type='user'{attrs}/>")
    };
    let laughs = {
        let mut s =
            String::from("<?xml version='1.0'?>\n<!DOCTYPE domain [\n<!ENTITY lol0 'lol'>\n");
        for i in 1..10 {
            let prev = format!("&lol{};", i - 1);
            s.push_str(&format!("<!ENTITY lol{i} '{}'>\n", prev.repeat(10)));
        }
        s.push_str("]>\n");
        s.push_str(&domain("", "<description>&lol9;</description>"));
        s
    };
    let deep = |n: usize, inner: bool| {
        let nest = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        if inner {
            format!("<interface type='user'>{nest}</interface>")
        } else {
            domain("", &format!("<metadata>{nest}</metadata>"))
        }
    };
    let fifty_mib = {
        let pad = "<!-- padding -->\n".repeat(50 * 1024 * 1024 / 17 + 1);
        domain("", &format!("<metadata>{pad}</metadata>"))
    };
    let million_on_interface = format!("<interface type='user'{}/>", many_attrs(1_000_000));
    let million_on_skipped = domain(
        "",
        &format!("<metadata><x{}/></metadata>", many_attrs(1_000_000)),
    );
    let value = |n: usize| {
        domain(
            "",
            &format!("<metadata><x v='{}'/></metadata>", "v".repeat(n)),
        )
    };
    let mut utf16le = vec![0xFF, 0xFE];
    let mut utf16be = vec![0xFE, 0xFF];
    let mut utf16le_no_bom = Vec::new();
    for u in IFACE.encode_utf16() {
        utf16le.extend(u.to_le_bytes());
        utf16be.extend(u.to_be_bytes());
        utf16le_no_bom.extend(u.to_le_bytes());
    }
    let mut invalid_utf8 = IFACE.as_bytes().to_vec();
    invalid_utf8.splice(22..22, [0xC3, 0x28, 0xFF]);
    vec![
        case("billion laughs", laughs, Refused("xml.doctype")),
        case("external entity (SYSTEM)", format!("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>{}", domain("", "<description>&x;</description>")), Refused("xml.doctype")),
        case("external entity (PUBLIC)", format!("<!DOCTYPE d [<!ENTITY x PUBLIC '-//x' 'http://example.invalid/x'>]>{}", domain("", "<description>&x;</description>")), Refused("xml.doctype")),
        case("external DTD", format!("<!DOCTYPE domain SYSTEM 'http://example.invalid/d.dtd'>{}", domain("", "")), Refused("xml.doctype")),
        case("parameter entity", format!("<!DOCTYPE d [<!ENTITY % p SYSTEM 'http://example.invalid/p'> %p;]>{}", domain("", "")), Refused("xml.doctype")),
        case("internal entity", "<!DOCTYPE interface [<!ENTITY br 'br0'>]><interface type='bridge'><source bridge='&br;'/></interface>", Refused("xml.doctype")),
        case("undefined entity in an attribute", "<interface type='bridge'><source bridge='&br;'/></interface>", Refused("xml.syntax")),
        case("undefined entity in kept content", "<interface type='user'><x>&x;</x></interface>", Refused("xml.syntax")),
        case("undefined entity in skipped content", domain("", "<description>&x;</description>"), Refused("xml.syntax")),
        case("DOCTYPE after the declaration", format!("<?xml version='1.0'?><!DOCTYPE domain>{}", domain("", "")), Refused("xml.doctype")),
        case("DOCTYPE after a comment", format!("<!-- c --><!DOCTYPE domain>{}", domain("", "")), Refused("xml.doctype")),
        case("DOCTYPE after the root", format!("{}<!DOCTYPE domain>", domain("", "")), Refused("xml.doctype")),
        case("DOCTYPE inside the root", domain("", "<!DOCTYPE domain>"), Refused("xml.doctype")),
        case("DOCTYPE inside devices", domain("<!DOCTYPE domain>", ""), Refused("xml.doctype")),
        case("DOCTYPE inside skipped content", domain("", "<os><!DOCTYPE domain></os>"), Refused("xml.doctype")),
        case("DOCTYPE inside an interface", "<interface type='user'><!DOCTYPE i></interface>", Refused("xml.doctype")),
        case("DOCTYPE inside kept content", "<interface type='user'><x><!DOCTYPE i></x></interface>", Refused("xml.doctype")),
        case("nesting 100 000 deep in an interface", deep(100_000, true), Refused("xml.too-deep")),
        case("nesting 100 000 deep in a domain", deep(100_000, false), Refused("xml.too-deep")),
        case("nesting 100 000 deep, unclosed", "<domain>".to_owned() + &"<a>".repeat(100_000), Refused("xml.too-deep")),
        case("nesting 255 deep (legal)", deep(253, false), Accepted(1)),
        case("50 MiB document", fifty_mib, Refused("xml.too-large")),
        case("a million attributes on <interface>", million_on_interface, Refused("xml.too-many-attributes")),
        case("a million attributes on a skipped element", million_on_skipped, Refused("xml.too-many-attributes")),
        case("700 000 attributes with '<' in every value", lt_in_values, Refused("xml.syntax")),
        case("700 000 attributes with '<>' in every value", lt_gt_in_values, Refused("xml.syntax")),
        case("700 000 attributes with '>' in every value", gt_in_values, Refused("xml.too-many-attributes")),
        case("10 MiB attribute value", value(10 * 1024 * 1024), Refused("xml.too-large")),
        case("9 MiB attribute value (legal)", value(9 * 1024 * 1024), Accepted(1)),
        case("invalid UTF-8", invalid_utf8, Refused("utf-8")),
        case("NUL byte in text", "<interface type='user'>\0</interface>", Refused("xml.syntax")),
        case("NUL byte in an attribute", "<interface type='user'><model type='vir\0tio'/></interface>", Refused("xml.syntax")),
        case("NUL byte in skipped content", domain("", "<name>\0</name>"), Refused("xml.syntax")),
        case("character reference to NUL", "<interface type='user'><model type='&#0;'/></interface>", Refused("xml.syntax")),
        case("UTF-16LE with BOM", utf16le, Refused("utf-8")),
        case("UTF-16BE with BOM", utf16be, Refused("utf-8")),
        case("UTF-16LE without BOM", utf16le_no_bom, Refused("xml.syntax")),
        case("UTF-8 BOM (legal)", format!("\u{FEFF}{}", domain("", "")), Accepted(1)),
        case("UTF-8 BOM on an interface (legal)", format!("\u{FEFF}{IFACE}"), Accepted(1)),
        case("CDATA inside an interface (legal)", "<interface type='user'><![CDATA[<interface type='bridge'>]]><model type='virtio'/></interface>", Accepted(1)),
        case("comments inside an interface (legal)", "<interface type='user'><!-- <mac address='52:54:00:00:00:01'/> --><model type='virtio'/><!--x--></interface>", Accepted(1)),
        case("comment with '--' inside", "<interface type='user'><!-- a -- b --></interface>", Refused("xml.syntax")),
        case("CDATA not closed", "<interface type='user'><![CDATA[x</interface>", Refused("xml.syntax")),
        case("duplicate attribute on <interface>", "<interface type='user' type='bridge'/>", Refused("xml.syntax")),
        case("duplicate attribute on a known child", "<interface type='user'><model type='virtio' type='e1000'/></interface>", Refused("xml.syntax")),
        case("duplicate attribute on kept content", "<interface type='user'><x a='1' a='2'/></interface>", Refused("xml.syntax")),
        case("duplicate attribute in skipped content", domain("", "<os><type a='1' a='1'>hvm</type></os>"), Refused("xml.syntax")),
        case("invalid attribute name", "<interface type='user'><mac ad*dress='52:54:00:00:00:01'/></interface>", Refused("xml.syntax")),
        case("mismatched end tag", "<interface type='user'><model type='virtio'></mdl></interface>", Refused("xml.syntax")),
        case("mismatched end tag in skipped content", domain("", "<os><type>hvm</os></type>"), Refused("xml.syntax")),
        case("unclosed root", "<domain><devices>", Refused("xml.syntax")),
        case("stray end tag", format!("{IFACE}</interface>"), Refused("xml.syntax")),
        case("two roots", format!("{}{}", domain("", ""), domain("", "")), Refused("xml.syntax")),
        case("xml declaration inside an interface", "<interface type='user'><?xml version='1.0'?></interface>", Refused("xml.syntax")),
        case("'<' in an attribute value", "<interface type='user'><model type='a<b'/></interface>", Refused("xml.syntax")),
    ]
}
