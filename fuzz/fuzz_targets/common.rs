//! Shared by the fuzz targets and by tests/regressions.rs and tests/mutation.rs
//! (`#[path]`-included there).

use vifxml::model::{ExtraNode, RawXml};
use vifxml::Interface;

/// The model in the form a round trip must keep: kept extras in the order rendering writes
/// them, kept text compared by its words.
///
/// - The reader keeps extras in document order; the writer groups them by the element they
///   belong to and the known sibling they follow, in libvirt's element order. Two models that
///   differ only in how different groups interleave render to the same bytes.
/// - The writer puts each kept node on its own indented line, so kept text nodes that end up
///   next to each other read back as one node, with the indentation between them. Text is never
///   allowed inside an interface by libvirt's schema (validation reports `extras.unknown`).
///
/// Round trips compare models in this form and, exactly, the bytes rendered twice.
pub fn canonical(mut i: Interface) -> Interface {
    i.extras
        .attributes
        .sort_by(|a, b| a.element.cmp(&b.element));
    i.extras
        .elements
        .sort_by(|a, b| (&a.parent, &a.after).cmp(&(&b.parent, &b.after)));
    let mut out: Vec<ExtraNode> = Vec::with_capacity(i.extras.elements.len());
    for n in i.extras.elements {
        let text = !n.xml.as_str().starts_with('<');
        if let Some(last) = out.last_mut() {
            if text
                && !last.xml.as_str().starts_with('<')
                && last.parent == n.parent
                && last.after == n.after
            {
                let joined = format!("{} {}", last.xml.as_str(), n.xml.as_str());
                last.xml = words(&joined);
                continue;
            }
        }
        let mut n = n;
        if text {
            n.xml = words(n.xml.as_str());
        }
        out.push(n);
    }
    i.extras.elements = out;
    i
}

fn words(s: &str) -> RawXml {
    let joined = s.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    RawXml::new(&joined).unwrap_or_else(|_| RawXml::new("<!-- unreadable -->").unwrap())
}
