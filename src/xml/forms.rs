//! The lexical forms libvirt's RelaxNG schema takes for values the reader accepts more leniently.
//!
//! The reader reads numbers the way libvirt's parser does (`0X` hex, octal, leading `+`), MACs
//! with one-digit groups and UUIDs with dashes anywhere. libvirt's schema — which
//! `virsh define --validate` and `VIR_DOMAIN_DEFINE_VALIDATE` apply — takes fewer forms. A value
//! in such a form still reads; validation reports it under `xml.noncanonical`, and rendering
//! writes the canonical form, which the schema takes.

/// A schema datatype of libvirt's `basictypes.rng`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `uint8`: `0x` and one or two hex digits, or an xsd:int in 0..=255.
    Uint8,
    /// `uint24`: `0x` and one to six hex digits, or an xsd:int in 0..=16777215.
    Uint24,
    /// `uint32`: optional `0x` and one to eight hex digits, or an xsd:unsignedInt.
    Uint32,
    /// `pciSlot`: optional `0x`, an optional 0 or 1 and a hex digit, or an xsd:int in 0..=31.
    PciSlot,
    /// `pciFunc`: optional `0x` and a digit 0..=7, or an xsd:int in 0..=7.
    PciFunc,
    /// `uniMacAddr`: six two-digit hex groups.
    Mac,
    /// `UUID`: 32 hex digits, or 8-4-4-4-12 with dashes.
    Uuid,
    /// `speed` / `BurstSize`: digits only (pattern `[0-9]+`, no blanks or sign).
    Digits,
}

impl Form {
    /// What the schema takes, for messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Form::Uint8 => "a decimal number or 0x and up to two hex digits",
            Form::Uint24 => "a decimal number or 0x and up to six hex digits",
            Form::Uint32 => "a decimal number or up to eight hex digits",
            Form::PciSlot => "a decimal number up to 31 or 0x and a hex number up to 0x1f",
            Form::PciFunc => "a digit 0..7, optionally after 0x",
            Form::Mac => "six groups of two hex digits",
            Form::Uuid => "32 hex digits, bare or as 8-4-4-4-12",
            Form::Digits => "decimal digits only",
        }
    }
}

fn hex(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An xsd:int (or unsignedInt) lexical value after white space collapsing, within `max`.
fn xsd_int(s: &str, max: u64) -> bool {
    let t = s.trim_matches([' ', '\t', '\n', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let trimmed = digits.trim_start_matches('0');
    if neg {
        return trimmed.is_empty();
    }
    trimmed.len() <= 20
        && trimmed
            .parse::<u64>()
            .map_or(trimmed.is_empty(), |v| v <= max)
}

/// True when libvirt's schema takes `s` for this datatype.
/// True when `s` is exactly groups of hex digits of these lengths joined by `sep`.
fn grouped(s: &str, sep: u8, lens: &[usize]) -> bool {
    let b = s.as_bytes();
    if b.len() != lens.iter().sum::<usize>() + lens.len() - 1 {
        return false;
    }
    let mut i = 0;
    for (k, &n) in lens.iter().enumerate() {
        if k > 0 {
            if b[i] != sep {
                return false;
            }
            i += 1;
        }
        if !b[i..i + n].iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        i += n;
    }
    true
}

pub(crate) fn schema_accepts(form: Form, s: &str) -> bool {
    match form {
        Form::Uint8 => s.strip_prefix("0x").is_some_and(|h| hex(h, 1, 2)) || xsd_int(s, 255),
        Form::Uint24 => s.strip_prefix("0x").is_some_and(|h| hex(h, 1, 6)) || xsd_int(s, 0xFF_FFFF),
        Form::Uint32 => {
            hex(s.strip_prefix("0x").unwrap_or(s), 1, 8) || xsd_int(s, u64::from(u32::MAX))
        }
        Form::PciSlot => {
            let h = s.strip_prefix("0x").unwrap_or(s);
            let short = match h.len() {
                1 => hex(h, 1, 1),
                2 => matches!(h.as_bytes()[0], b'0' | b'1') && hex(&h[1..], 1, 1),
                _ => false,
            };
            short || xsd_int(s, 31)
        }
        Form::PciFunc => {
            let h = s.strip_prefix("0x").unwrap_or(s);
            (h.len() == 1 && (b'0'..=b'7').contains(&h.as_bytes()[0])) || xsd_int(s, 7)
        }
        Form::Digits => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        Form::Mac => grouped(s, b':', &[2, 2, 2, 2, 2, 2]),
        Form::Uuid => hex(s, 32, 32) || grouped(s, b'-', &[8, 4, 4, 4, 12]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_match_libvirts_schema() {
        let table: &[(Form, &str, bool)] = &[
            (Form::Uint8, "11", true),
            (Form::Uint8, "0x0b", true),
            (Form::Uint8, "0X0b", false),
            (Form::Uint8, "010", true), // xsd:int 10; libvirt's parser reads 8
            (Form::Uint8, "0377", false),
            (Form::Uint8, "+11", true),
            (Form::Uint8, " 11", true),
            (Form::Uint8, "256", false),
            (Form::Uint8, "0x100", false),
            (Form::Uint24, "0x123456", true),
            (Form::Uint24, "16777215", true),
            (Form::Uint24, "077777777", false),
            (Form::Uint32, "ffff", true),
            (Form::Uint32, "0x10000", true),
            (Form::PciSlot, "0x1f", true),
            (Form::PciSlot, "0x20", false),
            (Form::PciSlot, "31", true),
            (Form::PciSlot, "037", false),
            (Form::PciSlot, "0X1f", false),
            (Form::PciFunc, "0x7", true),
            (Form::PciFunc, "7", true),
            (Form::PciFunc, "0x8", false),
            (Form::Digits, "10", true),
            (Form::Digits, " 10", false),
            (Form::Digits, "+10", false),
            (Form::Mac, "52:54:00:aa:BB:01", true),
            (Form::Mac, "52:54:0:aa:bb:01", false),
            (Form::Uuid, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f", true),
            (Form::Uuid, "09b11c538b5c4eeb8f00d84eaa0aaa4f", true),
            (Form::Uuid, "09b11c538b5c-4eeb-8f00-d84eaa0aaa4f", false),
        ];
        for (form, s, want) in table {
            assert_eq!(schema_accepts(*form, s), *want, "{form:?} {s:?}");
        }
    }
}
