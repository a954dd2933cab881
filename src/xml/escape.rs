//! Escaping for attribute values written in single quotes.

/// Appends `s` escaped for a single-quoted attribute value: markup characters become entities
/// and tab, newline and carriage return become character references so they survive attribute
/// value normalisation on the way back in. Runs that need nothing are copied whole.
pub fn escape_attr(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.bytes().position(|b| ESCAPED[usize::from(b)]) {
        // `p` is on an ASCII byte, so both slices start and end on character boundaries.
        let (run, tail) = rest.split_at(p);
        out.push_str(run);
        let mut tail = tail.bytes();
        out.push_str(match tail.next() {
            Some(b'&') => "&amp;",
            Some(b'<') => "&lt;",
            Some(b'>') => "&gt;",
            Some(b'\'') => "&apos;",
            Some(b'"') => "&quot;",
            Some(b'\t') => "&#9;",
            Some(b'\n') => "&#10;",
            _ => "&#13;",
        });
        rest = &rest[p + 1..];
    }
    out.push_str(rest);
}

/// The bytes [`escape_attr`] replaces.
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    let special = b"&<>'\"\t\n\r";
    while k < special.len() {
        t[special[k] as usize] = true;
        k += 1;
    }
    t
};

/// The character a predefined entity (`amp`, `lt`, `gt`, `apos`, `quot`) stands for.
pub(crate) fn predefined_entity(name: &[u8]) -> Option<char> {
    Some(match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"apos" => '\'',
        b"quot" => '"',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_whitespace() {
        let mut out = String::new();
        escape_attr("a&b<c>d'e\"f\tg\nh\ri", &mut out);
        assert_eq!(out, "a&amp;b&lt;c&gt;d&apos;e&quot;f&#9;g&#10;h&#13;i");
        let mut plain = String::new();
        escape_attr("plain", &mut plain);
        assert_eq!(plain, "plain");
        for (s, want) in [
            ("", ""),
            ("&", "&amp;"),
            ("<<é>>", "&lt;&lt;é&gt;&gt;"),
            ("\r\n", "&#13;&#10;"),
            ("ü'€\"", "ü&apos;€&quot;"),
        ] {
            let mut out = String::from(">");
            escape_attr(s, &mut out);
            assert_eq!(out, format!(">{want}"));
        }
    }
}
