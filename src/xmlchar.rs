//! XML 1.0's character and name rules: the one place the model (names it keeps) and the XML
//! layer (the tokenizer, fragments) both read them. Uses nothing else of the crate.

/// True for characters XML 1.0 allows in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// True for an XML 1.0 name (letters, digits, `_ - . :`, not starting with a digit, `-` or `.`),
/// including non-ASCII name characters.
pub fn is_xml_name(s: &str) -> bool {
    // ASCII names (all of libvirt's) by table: 1 may start a name, 2 may follow.
    const T: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut c = 0;
        while c < 128 {
            let b = c as u8;
            if b.is_ascii_alphabetic() || b == b'_' || b == b':' {
                t[c] = 3;
            } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
                t[c] = 2;
            }
            c += 1;
        }
        t
    };
    if let [first, rest @ ..] = s.as_bytes() {
        if *first < 128 && rest.iter().all(|&b| b < 128) {
            return T[usize::from(*first)] & 1 != 0 && rest.iter().all(|&b| T[usize::from(b)] != 0);
        }
    }
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_alphabetic() || c == '_' || c == ':';
    start(first) && chars.all(|c| start(c) || c.is_alphanumeric() || c == '-' || c == '.')
}
