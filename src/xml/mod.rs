//! The XML side: `<interface>` elements and domain documents to and from the model.
//!
//! Built on quick-xml events (no DOM, no serde derive). Parsing is lenient like libvirt and keeps
//! what it does not model in [`crate::model::Extras`]; rendering writes libvirt's canonical form.

mod escape;
mod forms;
pub mod grammar;
mod lex;
mod locate;
mod read;
mod write;

pub use escape::escape_attr;
pub use locate::locate;
pub use read::{parse_document, parse_interface, ParseOptions, ParsedDocument, ParsedInterface};
pub(crate) use write::written_paths;
pub use write::{
    render_interface, render_interface_indented, render_interface_into, render_interfaces_into,
};

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::model::{Interface, RawXml};

/// Largest document accepted by default (libvirt's own cap), in bytes.
pub const MAX_DOCUMENT_SIZE: usize = 10 * 1024 * 1024;

/// Deepest element nesting accepted by default (the root element is depth 1): libxml2's own
/// limit without `XML_PARSE_HUGE`, so libvirt refuses anything deeper. [`ParseOptions`] sets
/// another; kept fragments ([`check_fragment`]) are held to this one.
pub const MAX_DEPTH: usize = 256;

/// Most attributes accepted on one element by default; libvirt's elements have a few dozen at
/// most. [`ParseOptions`] sets another; kept fragments ([`check_fragment`]) are held to this one.
pub const MAX_ATTRIBUTES: usize = 1024;

/// Checks that `s` is one well-formed XML node: an element (balanced), a comment, CDATA, a
/// processing instruction, or text (with only predefined or numeric entity references), with
/// blanks around it allowed, no DOCTYPE and no XML declaration. One node, because the reader
/// keeps one node per [`crate::model::ExtraNode`]: a second node could be an element the model
/// reads (`<!-- --><mac address='...'/>`), which validation would not see.
pub fn check_fragment(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("empty xml fragment".into());
    }
    if s.len() > MAX_DOCUMENT_SIZE {
        return Err("xml fragment larger than 10 MiB".into());
    }
    if let Some(c) = s.chars().find(|&c| !is_xml_char(c)) {
        return Err(format!(
            "character U+{:04X} is not allowed in xml",
            c as u32
        ));
    }
    let mut r = Reader::from_str(s);
    let mut depth: usize = 0;
    // Top-level markup nodes, and whether top-level text was seen.
    let (mut nodes, mut text) = (0usize, false);
    loop {
        let ev = r.read_event();
        if depth == 0 {
            match &ev {
                Ok(Event::Start(_) | Event::Empty(_) | Event::CData(_))
                | Ok(Event::Comment(_) | Event::PI(_)) => nodes += 1,
                Ok(Event::Text(t)) if !t.iter().all(u8::is_ascii_whitespace) => text = true,
                Ok(Event::GeneralRef(_)) => text = true,
                _ => {}
            }
            if nodes > 1 || (nodes == 1 && text) {
                return Err("more than one node in a kept xml fragment".into());
            }
        }
        match ev {
            Ok(Event::Start(e)) => {
                check_attrs(&e)?;
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep"));
                }
            }
            Ok(Event::Empty(e)) => check_attrs(&e)?,
            Ok(Event::End(_)) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| "unbalanced end tag".to_string())?;
            }
            Ok(Event::Text(t)) => {
                t.decode().map_err(|e| e.to_string())?;
            }
            Ok(Event::GeneralRef(r)) => {
                if r.resolve_char_ref().map_err(|e| e.to_string())?.is_none()
                    && escape::predefined_entity(&r).is_none()
                {
                    return Err(format!(
                        "undefined entity '&{};'",
                        String::from_utf8_lossy(&r)
                    ));
                }
            }
            Ok(Event::CData(_)) | Ok(Event::Comment(_)) => {}
            Ok(Event::PI(p)) => {
                if p.target().eq_ignore_ascii_case(b"xml") {
                    return Err("xml declaration inside a fragment".into());
                }
            }
            Ok(Event::Decl(_)) => return Err("xml declaration inside a fragment".into()),
            Ok(Event::DocType(_)) => return Err("doctype is not allowed".into()),
            Ok(Event::Eof) => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    if depth != 0 {
        return Err("unclosed element".into());
    }
    Ok(())
}

fn check_attrs(e: &quick_xml::events::BytesStart<'_>) -> Result<(), String> {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    if !crate::xmlchar::is_xml_name(&name) {
        return Err(format!("invalid element name '{name}'"));
    }
    let mut seen: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    let mut it = e.attributes();
    it.with_checks(false);
    for a in it {
        let a = a.map_err(|e| e.to_string())?;
        if seen.len() >= MAX_ATTRIBUTES {
            return Err(format!(
                "more than {MAX_ATTRIBUTES} attributes on one element"
            ));
        }
        let key = a.key.as_ref().to_vec();
        if !crate::xmlchar::is_xml_name(&String::from_utf8_lossy(&key)) {
            return Err(format!(
                "invalid attribute name '{}'",
                String::from_utf8_lossy(&key)
            ));
        }
        if !seen.insert(key.clone()) {
            return Err(format!(
                "duplicate attribute '{}'",
                String::from_utf8_lossy(&key)
            ));
        }
        if a.value.contains(&b'<') {
            return Err("'<' is not allowed in an attribute value".into());
        }
        a.unescape_value().map_err(|e| e.to_string())?;
    }
    Ok(())
}

pub use crate::xmlchar::is_xml_char;

impl RawXml {
    /// Checks and wraps a fragment (see [`check_fragment`]).
    pub fn new(s: &str) -> Result<Self, String> {
        check_fragment(s)?;
        Ok(RawXml::from_parsed(s))
    }
}

impl<'de> serde::Deserialize<'de> for RawXml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RawXml::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Interface {
    /// Canonical XML (see [`render_interface`]).
    pub fn to_xml(&self) -> String {
        render_interface(self)
    }

    /// Reads one `<interface>` element (see [`parse_interface`]).
    pub fn from_xml(xml: &str) -> Result<Self, crate::Diagnostics> {
        parse_interface(xml)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments() {
        for ok in [
            "<a/>",
            "<a b='1'><c/></a>",
            "<!-- x -->",
            "text &amp; more",
            "<a>&#10;</a>",
            "<![CDATA[<x>]]>",
            "<x:y xmlns:x='u'/>",
            "  <a/>\n",
            "a &amp; b",
        ] {
            assert_eq!(check_fragment(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "<a>",
            "</a>",
            "<a></b>",
            "<a b='1' b='2'/>",
            "&foo;",
            "<!DOCTYPE a>",
            "<?xml version='1.0'?><a/>",
            "<a b='<'/>",
            "a\u{1}b",
            "<a/><b/>",
            "<!-- c --><mac address='52:54:00:00:00:01'/>",
            "x<a/>",
            "<a/>&amp;",
            "<a b*c='1'/>",
            "<a*b/>",
        ] {
            assert!(check_fragment(bad).is_err(), "{bad:?}");
        }
    }
}
