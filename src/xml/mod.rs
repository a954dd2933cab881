//! The XML side: `<interface>` elements and domain documents to and from the model.
//!
//! Built on the crate's own tokenizer (`lex`: no DOM, no serde derive), which every reading of
//! XML in the crate goes through. Parsing is lenient like libvirt and keeps
//! what it does not model in [`crate::model::Extras`]; rendering writes libvirt's canonical form.

mod escape;
mod forms;
pub mod grammar;
pub(crate) mod lex;
mod locate;
mod read;
mod write;

pub use escape::escape_attr;
pub use locate::locate;
pub use read::{
    parse_document, parse_interface, DeviceFacts, DomainFacts, ParseOptions, ParsedDocument,
    ParsedInterface,
};
#[cfg(test)]
pub(crate) use write::marked_strings;
pub(crate) use write::written_paths;
pub use write::{
    render_interface, render_interface_indented, render_interface_into, render_interfaces_into,
};

use lex::{Lexer, Tok};

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
/// reads (`<!-- --><mac address='...'/>`), which validation would not see. Well-formed as the
/// reader sees it: the reader's tokenizer checks it, so a kept fragment reads back.
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
    let mut lx = Lexer::fragment(s);
    // The depth is checked here, on start tags: an empty element may stand one level below the
    // deepest element that can hold content.
    lx.max_depth = MAX_DEPTH + 1;
    let mut depth: usize = 0;
    // Top-level markup nodes, and whether top-level text was seen.
    let (mut nodes, mut text) = (0usize, false);
    loop {
        let (_, tok) = lx.next().map_err(|d| d.message)?;
        if depth == 0 {
            match tok {
                Tok::Start(_) | Tok::Empty(_) | Tok::CData | Tok::Other => nodes += 1,
                // Never blank only: the tokenizer skips blank runs.
                Tok::Text(_) => text = true,
                Tok::End | Tok::Decl | Tok::Eof => {}
            }
            if nodes > 1 || (nodes == 1 && text) {
                return Err("more than one node in a kept xml fragment".into());
            }
        }
        match tok {
            Tok::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep"));
                }
            }
            // The tokenizer refuses an end tag with no element open.
            Tok::End => depth -= 1,
            Tok::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unclosed element".into());
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
            "\u{FEFF}<a/>",
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
            // What the reader refuses, so a kept fragment always reads back.
            "<!-- a -- b -->",
            "<?1 x?>",
            "<a>]]></a>",
            "<a>&#1;</a>",
            "<a x='1'y='2'/>",
        ] {
            assert!(check_fragment(bad).is_err(), "{bad:?}");
        }
    }
}
