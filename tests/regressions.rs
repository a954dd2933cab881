//! Crashes and wrong results found by fuzzing (fuzz/) and by the hostile-input and injection
//! suites, one named test each, with the root cause. The fuzz targets' property: what parses
//! renders and reads back the same model (compared by `common::canonical`), and rendering that
//! again gives the same bytes.

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use vifxml::domain::{Domain, Selector};
use vifxml::model::{ExtraNode, RawXml};
use vifxml::xml::{self, ParseOptions};
use vifxml::{Interface, InterfaceKind};

/// The interface_roundtrip property, with the reason when it does not hold.
fn round_trip(src: &str) -> Interface {
    let iface = xml::parse_interface(src).unwrap_or_else(|e| panic!("does not parse: {e}\n{src}"));
    let out = xml::render_interface(&iface);
    let back =
        xml::parse_interface(&out).unwrap_or_else(|e| panic!("does not read back: {e}\n{out}"));
    assert_eq!(
        common::canonical(back.clone()),
        common::canonical(iface.clone()),
        "round trip changed the model:\n{out}"
    );
    assert_eq!(
        xml::render_interface(&back),
        out,
        "rendering is not a fixpoint"
    );
    iface
}

/// interface_roundtrip and domain_noop_edit, first seconds, on corpus documents with a stray
/// word in an interface (`mode` or `(` before `<source>`).
/// Root cause (src/xml/read.rs): kept text was stored with the blanks around it; the writer
/// puts every kept node on its own indented line, so each render added blanks to the text and
/// the model read back differed. Fix: kept text is stored without surrounding blanks.
#[test]
fn kept_text_keeps_no_surrounding_blanks() {
    let src = "<interface type='bridge'>\n  <mac address='aa:bb:cc:dd:ee:fe'/>\nmode      <source bridge='br0'/>\n</interface>";
    let iface = round_trip(src);
    assert_eq!(iface.extras.elements[0].xml.as_str(), "mode");
}

/// interface_roundtrip (a corpus `<interface type='server'>` with its `<bandwidth>` repeated
/// before `<mac>`). Root cause (src/xml/read.rs): an unread second copy of a known element was
/// anchored after whatever known sibling preceded it, and the writer, which writes known
/// elements in libvirt's order, could then put the copy *before* the known one: the output
/// meant something else (libvirt, and vifxml, read the first `<model>`). Fix: every kept copy of
/// a known child is anchored right after it, wherever it stood, so it is always written after.
#[test]
fn kept_copy_of_a_known_element_is_written_after_it() {
    let src = "<interface type='user'><model type='e1000'/><mac address='52:54:00:00:00:01'/><model type='virtio'/></interface>";
    let iface = round_trip(src);
    assert_eq!(iface.model.as_deref(), Some("e1000"));
    let out = xml::render_interface(&iface);
    assert!(
        out.find("e1000").unwrap() < out.find("virtio").unwrap(),
        "the copy must come after the element the model reads:\n{out}"
    );
    assert_eq!(
        xml::parse_interface(&out).unwrap().model.as_deref(),
        Some("e1000")
    );
    // Same for a copy that came first, before the known element was seen.
    let iface = round_trip("<interface type='user'><mac/><model type='virtio'/><mac address='52:54:00:00:00:01'/></interface>");
    assert_eq!(iface.extras.elements[0].after.as_deref(), Some("mac"));
}

/// interface_roundtrip, crash-6e02163e (a mutated `<interface type='user'>` with `<mac>` and
/// `<model>` copies between stray text). Root cause: the anchor of a copy depended on whether
/// the known element had been read before it, which differs between the input and the
/// rendered output (known elements move to libvirt's order). Fixed with the test above; the
/// artifact's `ad*dress` attribute name is now refused (see `invalid_names_are_refused`).
#[test]
fn copies_anchor_the_same_way_in_any_order() {
    let src = "<interface type='user'>\n<x/>\n<model type='virtio'/>\ntext\n<mac type='static'/>\n<mac address='52:54:00:e5:48:58'/>\n<model type='e1000'/>\nmore\n</interface>";
    round_trip(src);
    let artifact = "<interface type='user'>\n      <mac address='52:54:00:e5:48:58'/>\n      <model type='virtio'/>\n      4driver namce type='user'>\n      <mac ad*dress='52:54:00:e5:48:58'/>\n iothread' ioeventfd='off'/>\n e='vhost' txmode='iothread' ioeventfd='off'/>\n    </interface>";
    assert!(xml::parse_document(artifact).unwrap_err().has("xml.syntax"));
}

/// interface_roundtrip crash-344e34ed and domain_noop_edit crash-88d9/… (`<coalesce><rx>` with
/// no `<frames max>` but other content). Root cause (src/xml/write.rs): the writer wrote
/// `<rx>` only for a frame count, so kept content inside `<rx>` (or inside a `<frames>` without
/// max, or inside a `<parameters>` without parameters) was silently dropped. Fix: those
/// elements are written, even empty, when kept content sits inside them.
#[test]
fn content_inside_coalesce_rx_is_written() {
    let iface = round_trip("<interface type='user'><coalesce><rx><x/></rx></coalesce></interface>");
    assert!(xml::render_interface(&iface).contains("<rx>"));
    round_trip(
        "<interface type='user'><coalesce><rx><frames><y/></frames></rx></coalesce></interface>",
    );
    round_trip("<interface type='user'><coalesce><rx><frames z='1'/></rx></coalesce></interface>");
    round_trip("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters><p/></parameters></virtualport></interface>");
}

/// interface_roundtrip crash-51b334f6 and crash-1e3ebe3e, domain_noop_edit crash-d140f308
/// (`<rx></rx>2`, `<frames/>ufo`, `<parameters/>1`). Root cause (src/xml/write.rs): content kept
/// after an empty known child (`<frames/>`, `<rx/>`, `<parameters/>`, an empty vhost-user
/// `<source/>`) is anchored after it, but the writer left the empty child out, so the content
/// moved and read back with another anchor. Fix: such a child is written when content is
/// anchored after it.
#[test]
fn content_after_an_empty_known_child_stays_after_it() {
    let artifact = "<interface type='network'>\n      <source network='default'/>\n      <mac address='52:54:00:e5:48:60'/>\n      <model type='virtio'/>\n      <coalesce>\n        <rx>\n        </rx>\n     2 </coalesce>\n    </interface>";
    round_trip(artifact);
    round_trip("<interface type='user'><coalesce><rx><frames/>ufo</rx></coalesce></interface>");
    round_trip("<interface type='network'><source network='default'/><virtualport type='802.1Qbh'><parameters/>1</virtualport></interface>");
    round_trip("<interface type='vhostuser'><source/><x/><model type='virtio'/></interface>");
}

/// domain_noop_edit crash-67797a77, interface_roundtrip crash-a0126b27: kept nodes in
/// different groups interleaved differently once rendered, so the model read back from a render
/// held them in another order (the fuzz targets compare through `common::canonical` for it).
/// Since the reader puts kept content in the order the writer writes it
/// (`grammar::anchor_rank`), the model read back is the same.
#[test]
fn kept_nodes_compare_in_render_order() {
    let src = "<interface type='user'><model type='virtio'/>a<mac address='52:54:00:00:00:01'/><x/><model/>b</interface>";
    let iface = round_trip(src);
    let back = xml::parse_interface(&xml::render_interface(&iface)).unwrap();
    assert_eq!(
        back.extras, iface.extras,
        "kept nodes read back in the order written"
    );
}

/// Found writing tests/hostile.rs. Root cause (src/xml/read.rs, src/domain.rs): quick-xml
/// drops a leading UTF-8 byte order mark without counting it in its positions, so every
/// offset was 3 bytes short: `<interface .../>` was taken for an unclosed element ("unexpected
/// end of document") and domain edits would have spliced 3 bytes early. Fix: positions add
/// the mark's length.
#[test]
fn utf8_bom_is_counted_in_offsets() {
    let src = "\u{FEFF}<interface type='user'/>";
    let doc = xml::parse_document(src).unwrap();
    assert_eq!(doc.interfaces[0].span, 3..src.len());
    let mut dom = Domain::parse("\u{FEFF}<domain><devices/></domain>").unwrap();
    dom.add(Interface::new(InterfaceKind::User)).unwrap();
    assert!(dom.to_string().starts_with("\u{FEFF}<domain>"), "{dom}");
    dom.remove(Selector::Index(0)).unwrap();
}

/// Found writing tests/hostile.rs. Root cause (src/xml/read.rs): unknown and skipped elements
/// were passed over with quick-xml's `read_to_end`, which reads no attributes and resolves no
/// references, so duplicate attributes, undefined entities and bad names inside them were
/// accepted and written back out as malformed XML. Fix: every start tag is checked as it is
/// read, including in skipped and kept content.
#[test]
fn skipped_and_kept_content_is_checked() {
    for bad in [
        "<interface type='user'><x a='1' a='2'/></interface>",
        "<interface type='user'><x><y b='&xxe;'/></x></interface>",
        "<interface type='user'><x>&xxe;</x></interface>",
        "<domain><os><type a='1' a='1'>hvm</type></os></domain>",
        "<domain><description>&xxe;</description></domain>",
    ] {
        assert!(
            xml::parse_document(bad).unwrap_err().has("xml.syntax"),
            "{bad}"
        );
    }
}

/// Found by the fuzz artifacts above (`ad*dress`, `-ax`, `prof)leid`). Root cause
/// (src/xml/read.rs): quick-xml takes any bytes before `=` as an attribute name; known
/// elements then dropped the attribute silently (not an xml name, so not kept), kept ones
/// wrote it back malformed. Fix: element and attribute names must be xml names.
#[test]
fn invalid_names_are_refused() {
    for bad in [
        "<interface type='user'><mac ad*dress='52:54:00:00:00:01'/></interface>",
        "<interface type='user'><coalesce><rx><frames -ax='7'/></rx></coalesce></interface>",
        "<interface type='direct'><source dev='e'/><virtualport type='802.1Qbh'><parameters prof)leid='p'/></virtualport></interface>",
    ] {
        assert!(xml::parse_document(bad).unwrap_err().has("xml.syntax"), "{bad}");
    }
}

/// Found writing tests/hostile.rs: a million attributes on one element took quadratic time
/// (quick-xml's duplicate check and the reader's own both compare every pair). Root cause
/// (src/xml/read.rs, src/xml/mod.rs). Fix: duplicates found with a hash set past 16
/// attributes, and an attribute limit (`ParseOptions::max_attributes`, 1024 by default).
#[test]
fn many_attributes_take_linear_time() {
    let attrs: String = (0..50_000).map(|i| format!(" a{i}=''")).collect();
    let src = format!("<domain><metadata><x{attrs}/></metadata></domain>");
    assert!(xml::parse_document(&src)
        .unwrap_err()
        .has("xml.too-many-attributes"));
    let lax = ParseOptions {
        max_attributes: usize::MAX,
        ..ParseOptions::default()
    };
    let t = std::time::Instant::now();
    lax.parse_document(&src).unwrap();
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
}

/// Found by tests/injection.rs. Root cause (src/xml/mod.rs, src/validate/mod.rs): a kept
/// fragment (`RawXml`, from a spec) could hold several nodes, and validation looked only at
/// the first, after no blanks: `<!-- --><mac address='...'/>` or `  <mac .../>` smuggled an
/// element the reader reads past validation, so the output meant something the model did not
/// say. Fix: a kept fragment is one node (blanks around it allowed), and validation classifies
/// it after its leading blanks.
#[test]
fn a_kept_fragment_cannot_smuggle_a_known_element() {
    assert!(RawXml::new("<!-- --><mac address='52:54:00:00:00:01'/>").is_err());
    assert!(RawXml::new("<guest/><mac address='52:54:00:00:00:01'/>").is_err());
    let mut iface = Interface::new(InterfaceKind::User);
    iface.extras.elements.push(ExtraNode {
        parent: String::new(),
        after: None,
        xml: RawXml::new("  <mac address='52:54:00:00:00:01'/>").unwrap(),
    });
    let f = iface.validate();
    assert!(
        f.iter()
            .any(|d| d.rule == "extras.unknown" && d.path == "mac"),
        "{f:#?}"
    );
}

/// Found by tests/injection.rs. Root cause (src/validate/mod.rs): a verbatim interface type or
/// address type naming a modelled one (`OtherKind { type_name: "bridge" }`,
/// `DeviceAddress::Other { address_type: "pci" }`) validated cleanly but read back as the
/// modelled form (or not at all); and a kept attribute value with a character xml cannot carry
/// was reported at path "", not at the attribute. Fix: rule `model.verbatim-form`; the finding
/// names the attribute.
#[test]
fn verbatim_forms_and_kept_attribute_paths() {
    let i = Interface::new(InterfaceKind::Other(vifxml::model::kind::OtherKind {
        type_name: "bridge".into(),
    }));
    assert!(i.validate().iter().any(|d| d.rule == "model.verbatim-form"));
    let mut i = Interface::new(InterfaceKind::User);
    i.mac = Some("52:54:00:00:00:01".parse().unwrap());
    i.extras.attributes.push(vifxml::model::ExtraAttribute {
        element: "mac".into(),
        name: vifxml::model::XmlName::new("check").unwrap(),
        value: "a\u{0}b".into(),
    });
    let f = i.validate();
    assert!(
        f.iter()
            .any(|d| d.rule == "string.xml-char" && d.path == "mac/@check"),
        "{f:#?}"
    );
}
