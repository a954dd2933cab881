//! Generated from the grammar (`vifxml::xml::grammar`): for every declared element, a document
//! carrying it with every declared attribute parses with nothing kept verbatim, renders, and
//! reads back equal, and validation finds no `extras.*` finding; the same document with unknown
//! attributes and an unknown child on that element keeps them in document order, and writes
//! the kept attributes back in the order they were read. A document whose elements come in
//! another order than libvirt's reads back the same after a render.

use vifxml::xml::grammar::{self, Element, ELEMENTS};
use vifxml::{xml, Interface};

fn setting(e: &Element) -> (&'static str, Option<&'static str>) {
    grammar::sample_setting(e)
}

/// A document with `target` (every declared attribute set) and what it needs around it;
/// `unknown` adds attributes and a child the model does not know to `target`.
fn document(target: &Element, unknown: bool) -> String {
    if unknown {
        grammar::sample_document(target, &[], " zz='1' aa='2'", "<x-child/>")
    } else {
        grammar::sample_document(target, &[], "", "")
    }
}

fn parse(name: &str, doc: &str) -> Interface {
    xml::parse_interface(doc).unwrap_or_else(|e| panic!("{name}: {doc}\n{e:?}"))
}

#[test]
fn every_declared_element_and_attribute_round_trips() {
    let mut n = 0;
    for e in ELEMENTS {
        let name = format!("{} {:?}", e.path, e.context);
        let doc = document(e, false);
        let model = parse(&name, &doc);
        assert!(
            model.extras.is_empty(),
            "{name}: the model kept declared content verbatim: {:?}\n{doc}",
            model.extras
        );
        let rendered = xml::render_interface(&model);
        let back = parse(&name, &rendered);
        assert_eq!(
            back, model,
            "{name}: render -> parse changed the model\n{rendered}"
        );
        // Every declared attribute is written.
        for a in e.attributes {
            if (e.path, *a) == ("virtualport", "type") && setting(e).1 == Some("") {
                continue;
            }
            assert!(
                rendered.contains(&format!(" {a}='")),
                "{name}: @{a} not written\n{rendered}"
            );
        }
        let extras: Vec<String> = model
            .validate()
            .into_iter()
            .filter(|d| d.rule.starts_with("extras."))
            .map(|d| d.to_string())
            .collect();
        assert!(extras.is_empty(), "{name}: {extras:?}\n{doc}");
        n += 1;
    }
    assert_eq!(n, ELEMENTS.len());
}

#[test]
fn unknown_attributes_and_children_are_kept_in_document_order() {
    for e in ELEMENTS {
        let name = format!("{} {:?}", e.path, e.context);
        let doc = document(e, true);
        let model = parse(&name, &doc);
        let kept: Vec<(&str, &str)> = model
            .extras
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(kept, [("zz", "1"), ("aa", "2")], "{name}: {doc}");
        assert_eq!(model.extras.elements.len(), 1, "{name}: {doc}");
        assert_eq!(
            model.extras.elements[0].xml.as_str(),
            "<x-child/>",
            "{name}"
        );
        let rendered = xml::render_interface(&model);
        assert!(
            rendered.contains(" zz='1' aa='2'"),
            "{name}: kept attributes not written in the order read\n{rendered}"
        );
        assert_eq!(parse(&name, &rendered), model, "{name}\n{rendered}");
    }
}

/// Kept content on elements that came in another order than libvirt's (a `ccw` address before
/// `<boot order loadparm>`, as virt-install writes them) reads back the same after a render.
#[test]
fn kept_content_reads_back_the_same_whatever_the_element_order() {
    let doc = "<interface type='user'>\
        <address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>\
        <boot order='1' loadparm='SYSTEM1'/><!-- after boot -->\
        <mac address='52:54:00:11:22:33'/>\
        <driver><x-in-driver/><host csum='off' x='1'/><x-after-host/></driver>\
        <model type='virtio'/>\
        </interface>";
    let first = parse("virt-install order", doc);
    let rendered = xml::render_interface(&first);
    let second = parse("virt-install order", &rendered);
    assert_eq!(second, first, "{rendered}");
    assert_eq!(xml::render_interface(&second), rendered);
}

/// A `<coalesce><rx>` holding only kept content is written, and validation knows it is.
#[test]
fn kept_content_inside_coalesce_rx_is_written_and_not_an_orphan() {
    let doc = "<interface type='ethernet'><coalesce><rx><!-- kept --></rx></coalesce></interface>";
    let model = parse("coalesce", doc);
    let rendered = xml::render_interface(&model);
    assert!(rendered.contains("<!-- kept -->"), "{rendered}");
    let orphans: Vec<_> = model
        .validate()
        .into_iter()
        .filter(|d| d.rule == "extras.orphan")
        .collect();
    assert!(orphans.is_empty(), "{orphans:?}");
}
