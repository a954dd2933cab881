//! Escaping for attribute values written in single quotes.

/// Appends `s` escaped for a single-quoted attribute value: markup characters become entities
/// and tab, newline and carriage return become character references so they survive attribute
/// value normalisation on the way back in.
pub fn escape_attr(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&apos;",
            b'"' => "&quot;",
            b'\t' => "&#9;",
            b'\n' => "&#10;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

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
    }
}
