//! Kept (extra) content: attributes the model writes itself, content on elements that are
//! not written, and content libvirt's schema does not allow (`extras.duplicate-attribute`,
//! `extras.orphan`, `extras.unknown`).

use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::model::Interface;
use crate::xml::lex::{Lexer, Tok};

/// True when the model reads and writes attribute `name` of the element at `element` (the
/// grammar says): a kept copy of it would be a duplicate. Virtualport parameters are read on
/// every virtualport type, so the untyped declaration (all of them) answers for each.
fn modelled(kind: &InterfaceKind, element: &str, name: &str) -> bool {
    crate::xml::grammar::modelled(kind.type_name(), Some(""), element, name)
}

impl Checker<'_> {
    pub(super) fn extras(&mut self) {
        if self.i.extras.is_empty() {
            // Nothing kept: only the types whose source is kept verbatim have anything to say.
            self.source_shape(None);
            return;
        }
        let i = self.i;
        let mut dups = Vec::new();
        for a in &i.extras.attributes {
            let n = a.name.as_str();
            if modelled(&i.kind, &a.element, n) {
                dups.push((a.element.clone(), n.to_owned()));
            }
        }
        for (el, n) in dups {
            let path = if el.is_empty() {
                format!("@{n}")
            } else {
                format!("{el}/@{n}")
            };
            self.err(
                "extras.duplicate-attribute",
                &path,
                format!(
                    "kept attribute '{n}' is one the model writes itself: set the model field \
                     instead"
                ),
            );
        }
        // Extras attached to elements the model does not write are never emitted.
        let rendered = crate::xml::written_paths(i);
        let mut orphans = Vec::new();
        for a in &i.extras.attributes {
            if !rendered.contains(&a.element) {
                orphans.push(a.element.clone());
            }
        }
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                orphans.push(n.parent.clone());
            }
        }
        orphans.dedup();
        for el in orphans {
            self.warn(
                "extras.orphan",
                &el,
                format!("kept content belongs to <{el}>, which this interface does not have: it is not written"),
            );
        }
        self.unknown_extras(&rendered, modelled);
    }

    /// Kept (written) content that libvirt's schema does not allow where it sits: unknown
    /// attributes and elements, text, a second copy of an element the model reads, or one the
    /// reader could not read (a `<mac/>` without address, a `<tag/>` without id, ...).
    fn unknown_extras(
        &mut self,
        rendered: &[String],
        modelled: fn(&InterfaceKind, &str, &str) -> bool,
    ) {
        let i = self.i;
        let mut found: Vec<(String, String)> = Vec::new();
        for a in &i.extras.attributes {
            let (el, n) = (a.element.as_str(), a.name.as_str());
            if !rendered.iter().any(|r| r == el) || modelled(&i.kind, el, n) {
                continue;
            }
            if !schema_attribute(i, el, n) {
                let path = if el.is_empty() {
                    format!("@{n}")
                } else {
                    format!("{el}/@{n}")
                };
                let on = if el.is_empty() { "interface" } else { el };
                found.push((
                    path,
                    format!(
                        "kept attribute '{n}' on <{on}> is not in libvirt's schema: libvirt \
                         refuses the document"
                    ),
                ));
            }
        }
        let keeps_source = matches!(
            i.kind,
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_)
        );
        let mut sources = 0;
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                continue;
            }
            let at = if n.parent.is_empty() {
                "interface".to_owned()
            } else {
                n.parent.clone()
            };
            match classify(n.xml.as_str()) {
                Kept::Ignorable => {}
                Kept::Text => found.push((
                    n.parent.clone(),
                    format!("kept text inside <{at}>: libvirt's schema allows none there"),
                )),
                Kept::Element(name, attrs) => {
                    if n.parent.is_empty() && name == "source" && keeps_source {
                        sources += 1;
                        if sources == 1 {
                            self.source_shape(Some(&attrs));
                            continue;
                        }
                    }
                    if !schema_element(&n.parent, &name) {
                        let path = if n.parent.is_empty() {
                            name.clone()
                        } else {
                            format!("{}/{name}", n.parent)
                        };
                        found.push((
                            path,
                            format!(
                                "kept element <{name}> inside <{at}> is not in libvirt's schema \
                                 there (unknown, repeated, or missing the attribute that makes \
                                 it readable): libvirt refuses the document"
                            ),
                        ));
                    }
                }
            }
        }
        if sources == 0 {
            self.source_shape(None);
        }
        for (path, msg) in found {
            self.err("extras.unknown", &path, msg);
        }
    }
}

/// What a kept node is, for the schema check.
enum Kept {
    /// A comment, a processing instruction or blank CDATA: libvirt ignores it.
    Ignorable,
    /// Character data.
    Text,
    /// An element: its name and attribute names.
    Element(String, Vec<String>),
}

fn classify(raw: &str) -> Kept {
    // Blanks before the node are no node: classify what follows them.
    let raw = raw.trim_start_matches([' ', '\t', '\r', '\n']);
    let mut lx = Lexer::fragment(raw);
    match lx.next() {
        Ok((_, Tok::Start(t) | Tok::Empty(t))) => Kept::Element(
            t.name.to_owned(),
            lx.attrs_of(&t).iter().map(|a| a.name.to_owned()).collect(),
        ),
        Ok((_, Tok::Other)) => Kept::Ignorable,
        // `<![CDATA[` and `]]>` around the content.
        Ok((at, Tok::CData))
            if raw[at + 9..lx.pos - 3]
                .bytes()
                .all(|c| c.is_ascii_whitespace()) =>
        {
            Kept::Ignorable
        }
        _ => Kept::Text,
    }
}

/// Attributes libvirt's schema allows that the model does not name, by element path.
fn schema_attribute(i: &Interface, element: &str, name: &str) -> bool {
    let allowed: &[&str] = match element {
        "backend" => &["logFile"],
        "boot" => &["loadparm"],
        // classID is live state (status XML only: `validate_document` lets it pass there);
        // libvirt refuses it in a definition.
        "bandwidth" => &[],
        "source" => match i.kind {
            InterfaceKind::Bridge(_) => &["macTableManager", "network", "portgroup", "portid"],
            InterfaceKind::Network(_) => &["bridge", "macTableManager"],
            InterfaceKind::Direct(_) => &["network", "portgroup", "portid"],
            InterfaceKind::Hostdev(_) => &["missing"],
            // libvirt 11's passt-served vhost-user names the host interface on <source>.
            InterfaceKind::VhostUser(_)
                if i.backend.as_ref().and_then(|b| b.backend_type.as_deref()) == Some("passt") =>
            {
                &["dev"]
            }
            _ => &[],
        },
        "source/address" => &["multifunction"],
        // Non-pci addresses (ccw, virtio-mmio, ...) keep all their attributes as extras.
        "address" => return matches!(i.address, Some(crate::model::DeviceAddress::Other { .. })),
        _ => &[],
    };
    allowed.contains(&name)
}

/// Child elements libvirt's schema allows that the model does not name, by parent path.
fn schema_element(parent: &str, name: &str) -> bool {
    let allowed: &[&str] = match parent {
        "" => &["ip", "route", "portForward", "tune"],
        "address" => &["zpci"],
        _ => &[],
    };
    allowed.contains(&name)
}
