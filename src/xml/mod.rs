//! The XML side: `<interface>` elements and domain documents to and from the model.
//!
//! Built on quick-xml events (no DOM, no serde derive). Parsing is lenient like libvirt and keeps
//! what it does not model in [`crate::model::Extras`]; rendering writes libvirt's canonical form.

mod escape;
mod forms;
mod locate;
mod read;
mod write;

pub use escape::escape_attr;
pub use locate::locate;
pub use read::{parse_document, parse_interface, ParseOptions, ParsedDocument, ParsedInterface};
pub use write::{render_interface, render_interface_indented};

use quick_xml::events::Event;
use quick_xml::Reader;

/// Largest document accepted by default (libvirt's own cap), in bytes.
pub const MAX_DOCUMENT_SIZE: usize = 10 * 1024 * 1024;

/// Checks that `s` is a balanced, well-formed XML fragment of elements, comments, text, CDATA and
/// processing instructions, with no DOCTYPE, no XML declaration and only predefined or numeric
/// entity references.
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
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                check_attrs(&e)?;
                depth += 1;
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
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = a.key.as_ref().to_vec();
        if seen.contains(&key) {
            return Err(format!(
                "duplicate attribute '{}'",
                String::from_utf8_lossy(&key)
            ));
        }
        seen.push(key);
        if a.value.contains(&b'<') {
            return Err("'<' is not allowed in an attribute value".into());
        }
        a.unescape_value().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// True for characters XML 1.0 allows in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
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
        ] {
            assert!(check_fragment(bad).is_err(), "{bad:?}");
        }
    }
}
