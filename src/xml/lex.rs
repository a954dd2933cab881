//! The crate's one XML tokenizer. One pass over the bytes splits the markup, checks that it is
//! well-formed (names, attributes, matching end tags, comments, references, no DOCTYPE) and
//! hands each start tag's attributes over already split, checked and normalised, so nothing is
//! read twice.
//!
//! Everything that reads XML goes through it: the reader (documents and interfaces), the check
//! of kept fragments ([`Lexer::fragment`]), the classification of a kept node for validation,
//! the paths-to-offsets walk for findings ([`Lexer::at`]) and the domain editor's structural
//! pass, which steps over the elements it has no use for with [`Lexer::skip_element`]. A leading
//! byte order mark is skipped in one place, [`bom_len`], and offsets count it.
//!
//! The characters themselves are checked before (the reader's `find_bad_char` pre-pass), and
//! the size and attribute-count limits too; this pass enforces the depth limit and the
//! attribute limit per tag.

use std::borrow::Cow;
use std::collections::HashSet;

use super::escape::predefined_entity;
use super::is_xml_char;
use crate::diag::Diagnostic;
use crate::xmlchar::is_xml_name;

/// A fatal finding: reading cannot go on.
pub(crate) type Fatal = Box<Diagnostic>;

/// One attribute of a start tag: its name, its normalised value and the offset of its name.
#[derive(Clone)]
pub(crate) struct Attr<'a> {
    pub name: &'a str,
    pub value: Cow<'a, str>,
    pub off: usize,
}

impl Attr<'_> {
    const NONE: Attr<'static> = Attr {
        name: "",
        value: Cow::Borrowed(""),
        off: 0,
    };
}

/// How many attributes [`Attrs`] holds without allocating (libvirt's elements have fewer).
const INLINE_ATTRS: usize = 8;

/// The attributes of one start tag: inline up to [`INLINE_ATTRS`], on the heap beyond.
pub(crate) struct Attrs<'a> {
    len: usize,
    inline: [Attr<'a>; INLINE_ATTRS],
    spill: Vec<Attr<'a>>,
}

impl<'a> Attrs<'a> {
    pub fn new() -> Self {
        Attrs {
            len: 0,
            inline: [const { Attr::NONE }; INLINE_ATTRS],
            spill: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.spill.clear();
    }

    fn push(&mut self, a: Attr<'a>) {
        if self.len < INLINE_ATTRS {
            self.inline[self.len] = a;
        } else {
            if self.spill.is_empty() {
                self.spill.extend(self.inline.iter().cloned());
            }
            self.spill.push(a);
        }
        self.len += 1;
    }
}

impl<'s, 'a> IntoIterator for &'s Attrs<'a> {
    type Item = &'s Attr<'a>;
    type IntoIter = std::slice::Iter<'s, Attr<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> std::ops::Deref for Attrs<'a> {
    type Target = [Attr<'a>];
    fn deref(&self) -> &[Attr<'a>] {
        if self.len <= INLINE_ATTRS {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
}

/// A start tag: its element name and the offset of its `<`.
#[derive(Clone, Copy)]
pub(crate) struct Tag<'a> {
    pub name: &'a str,
    pub at: usize,
}

/// One piece of the document.
pub(crate) enum Tok<'a> {
    /// `<name ...>`; the attributes are in [`Lexer::attrs`].
    Start(Tag<'a>),
    /// `<name .../>`; the attributes are in [`Lexer::attrs`].
    Empty(Tag<'a>),
    /// `</name>`, matching the innermost open element.
    End,
    /// Character data up to the next markup, references checked; never blank only (blank
    /// runs between markup are skipped).
    Text(&'a str),
    /// `<![CDATA[...]]>`.
    CData,
    /// A comment or a processing instruction.
    Other,
    /// The XML declaration (only ever at the very start).
    Decl,
    /// The end of the input.
    Eof,
}

/// Name bytes by table: [`NAME_START`] may start a name, [`NAME_CHAR`] may follow, and
/// [`NAME_WIDE`] is a byte of a multi-byte character (the whole name is then checked by
/// [`is_xml_name`]).
const NAME_START: u8 = 1;
const NAME_CHAR: u8 = 2;
const NAME_WIDE: u8 = 4;
static NAME_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() || b == b'_' || b == b':' {
            NAME_START | NAME_CHAR
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            NAME_CHAR
        } else if b >= 0x80 {
            NAME_START | NAME_CHAR | NAME_WIDE
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Bytes that end a run of plain text: markup, references, and `]` (for `]]>`).
static TEXT_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Eight bytes at a time: the masks below have the high bit of a byte set where the byte
/// matches, exact for the first match (a borrow can only mark bytes after it), which is all
/// the scans use.
const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

fn word(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// Bytes of `x` equal to `c`.
fn eq_mask(x: u64, c: u8) -> u64 {
    let y = x ^ (LO * u64::from(c));
    y.wrapping_sub(LO) & !y & HI
}

/// Bytes of `x` below 0x20 (control characters: tab, line ends).
fn control_mask(x: u64) -> u64 {
    x.wrapping_sub(LO * 0x20) & !x & HI
}

/// Index of the first marked byte in a mask.
fn first(m: u64) -> usize {
    (m.trailing_zeros() / 8) as usize
}

/// String equality for the short names of attributes and elements, without a call to compare
/// memory: lengths first, then two overlapping loads from each end (a name of 4 to 16 bytes is
/// compared with two or four loads and no loop).
///
/// Kept over `==` by measurement: with `a == b` here, parse + validate of the benchmark guest
/// (N = 100) took 2 042k instructions instead of 1 981k (+3.1%, callgrind, `examples/prof pv`).
#[inline]
pub(super) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn w8(s: &[u8], i: usize) -> u64 {
        s.get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
            .map_or(0, u64::from_ne_bytes)
    }
    fn w4(s: &[u8], i: usize) -> u32 {
        s.get(i..i + 4)
            .and_then(|c| <[u8; 4]>::try_from(c).ok())
            .map_or(0, u32::from_ne_bytes)
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if w8(a, i) != w8(b, i) {
                    return false;
                }
                i += 8;
            }
            w8(a, n - 8) == w8(b, n - 8)
        }
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Length of a leading UTF-8 byte order mark (U+FEFF, three bytes; 0 without one). The one
/// place a byte order mark is recognised: every reading starts after it, and offsets, which are
/// into the text as given, count it.
pub(crate) fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    }
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    /// Offset of the next byte to read.
    pub pos: usize,
    /// Where an XML declaration may stand: the start of the document, after a byte order mark;
    /// nowhere in a fragment.
    decl_at: Option<usize>,
    /// Names of the open elements, outermost first.
    open: Vec<&'a str>,
    pub max_depth: usize,
    pub max_attributes: usize,
    /// The attributes of the last start tag, and the offset of that tag.
    pub attrs: Attrs<'a>,
    pub attrs_at: usize,
}

impl<'a> Lexer<'a> {
    /// A document: it may start with a byte order mark and an XML declaration.
    pub fn new(src: &'a str) -> Self {
        let first = bom_len(src);
        Lexer {
            src,
            pos: first,
            decl_at: Some(first),
            open: Vec::with_capacity(16),
            max_depth: super::MAX_DEPTH,
            max_attributes: super::MAX_ATTRIBUTES,
            attrs: Attrs::new(),
            attrs_at: usize::MAX,
        }
    }

    /// A fragment (kept content): any number of top-level nodes, text included, and no XML
    /// declaration anywhere. A leading byte order mark is skipped as in a document.
    pub fn fragment(src: &'a str) -> Self {
        Lexer {
            decl_at: None,
            ..Lexer::new(src)
        }
    }

    /// The markup from offset `start` of the document `src` on (an element's `<`, for a walk
    /// over that element alone); offsets stay offsets into `src`.
    pub fn at(src: &'a str, start: usize) -> Self {
        let mut lx = Lexer::new(src);
        lx.pos = lx.pos.max(start);
        lx
    }

    /// The attributes of `tag`, which must be the start tag read last (they are replaced by
    /// the next one's: the borrow keeps the reader from going on while they are in use).
    pub fn attrs_of(&self, tag: &Tag<'_>) -> &Attrs<'a> {
        debug_assert_eq!(self.attrs_at, tag.at, "attributes of an earlier tag");
        &self.attrs
    }

    /// How many elements are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    fn syntax(at: usize, msg: impl std::fmt::Display) -> Fatal {
        Box::new(Diagnostic::error("xml.syntax", "", format!("malformed xml: {msg}")).at(at))
    }

    /// The next piece and the offset where it starts.
    pub fn next(&mut self) -> Result<(usize, Tok<'a>), Fatal> {
        let b = self.src.as_bytes();
        let mut start = self.pos;
        // A blank run up to the next markup (a line end and indentation, mostly) is no token:
        // every reader ignores it, so it is skipped here rather than handed over and scanned
        // again.
        if b.get(start).is_some_and(|&c| is_ws(c)) {
            let mut i = start + 1;
            loop {
                // Indentation: spaces eight at a time, then the first other byte.
                if let Some(x) = word(b, i) {
                    let y = x ^ (LO * u64::from(b' '));
                    if y == 0 {
                        i += 8;
                        continue;
                    }
                    i += (y.trailing_zeros() / 8) as usize;
                }
                if i < b.len() && is_ws(b[i]) {
                    i += 1;
                    continue;
                }
                break;
            }
            if b.get(i).is_none_or(|&c| c == b'<') {
                start = i;
                self.pos = i;
            }
        }
        match b.get(start) {
            None => Ok((start, Tok::Eof)),
            Some(b'<') => match b.get(start + 1) {
                Some(b'/') => self.end_tag(start),
                Some(b'!') => self.bang(start),
                Some(b'?') => self.pi(start),
                _ => self.start_tag(start),
            },
            Some(_) => {
                // Text between tags is mostly a line end and indentation.
                let mut end = start;
                loop {
                    let Some(x) = word(b, end) else {
                        while end < b.len() && !TEXT_STOP[usize::from(b[end])] {
                            end += 1;
                        }
                        break;
                    };
                    let m = eq_mask(x, b'<') | eq_mask(x, b'&') | eq_mask(x, b']');
                    if m != 0 {
                        end += first(m);
                        break;
                    }
                    end += 8;
                }
                if end < b.len() && b[end] != b'<' {
                    end = memchr::memchr(b'<', &b[end..]).map_or(b.len(), |k| end + k);
                    check_text(&self.src[start..end], start)?;
                }
                self.pos = end;
                Ok((start, Tok::Text(&self.src[start..end])))
            }
        }
    }

    /// End of the name starting at `i`, and whether it is an xml name.
    fn name(&self, i: usize) -> (usize, bool) {
        let b = self.src.as_bytes();
        let Some(&first) = b.get(i) else {
            return (i, false);
        };
        let kind = NAME_BYTE[usize::from(first)];
        if kind & NAME_START == 0 {
            return (i, false);
        }
        let (mut j, mut wide) = (i + 1, kind);
        while j < b.len() {
            let k = NAME_BYTE[usize::from(b[j])];
            if k == 0 {
                break;
            }
            wide |= k;
            j += 1;
        }
        if wide & NAME_WIDE != 0 {
            return (j, is_xml_name(&self.src[i..j]));
        }
        (j, true)
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        let b = self.src.as_bytes();
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        i
    }

    fn end_tag(&mut self, start: usize) -> Result<(usize, Tok<'a>), Fatal> {
        let b = self.src.as_bytes();
        let n0 = start + 2;
        // The usual case: the open element's name, then '>'.
        if let Some(&open) = self.open.last() {
            let n1 = n0 + open.len();
            if b.get(n1) == Some(&b'>') && b.get(n0..n1) == Some(open.as_bytes()) {
                self.open.pop();
                self.pos = n1 + 1;
                return Ok((start, Tok::End));
            }
        }
        let (n1, valid) = self.name(n0);
        let name = &self.src[n0..n1];
        let i = self.skip_ws(n1);
        if b.get(i) != Some(&b'>') || !valid {
            return Err(Self::syntax(start, "malformed end tag: expected </name>"));
        }
        match self.open.pop() {
            Some(open) if same(open, name) => {}
            Some(open) => {
                return Err(Self::syntax(
                    start,
                    format!("expected </{open}>, found </{name}>"),
                ))
            }
            None => return Err(Self::syntax(start, format!("unexpected end tag </{name}>"))),
        }
        self.pos = i + 1;
        Ok((start, Tok::End))
    }

    /// Offset just past the first `end` at or after `from`.
    fn past(&self, from: usize, end: &[u8]) -> Option<usize> {
        let b = self.src.as_bytes().get(from..)?;
        memchr::memmem::find(b, end).map(|k| from + k + end.len())
    }

    fn bang(&mut self, start: usize) -> Result<(usize, Tok<'a>), Fatal> {
        let rest = &self.src.as_bytes()[start..];
        if rest.starts_with(b"<!--") {
            let Some(end) = self.past(start + 4, b"-->") else {
                return Err(Self::syntax(start, "comment not closed: expected -->"));
            };
            let body = &rest[4..end - start - 3];
            if memchr::memmem::find(body, b"--").is_some() || body.ends_with(b"-") {
                return Err(Self::syntax(start, "'--' is not allowed inside a comment"));
            }
            self.pos = end;
            Ok((start, Tok::Other))
        } else if rest.starts_with(b"<![CDATA[") {
            let Some(end) = self.past(start + 9, b"]]>") else {
                return Err(Self::syntax(
                    start,
                    "CDATA section not closed: expected ]]>",
                ));
            };
            self.pos = end;
            Ok((start, Tok::CData))
        } else if rest.starts_with(b"<!DOCTYPE") {
            Err(Box::new(
                Diagnostic::error(
                    "xml.doctype",
                    "",
                    "doctype and entity declarations are not accepted",
                )
                .at(start),
            ))
        } else {
            Err(Self::syntax(
                start,
                "unknown markup: expected a comment, CDATA or an element",
            ))
        }
    }

    fn pi(&mut self, start: usize) -> Result<(usize, Tok<'a>), Fatal> {
        let b = self.src.as_bytes();
        let (t1, valid) = self.name(start + 2);
        let target = &self.src[start + 2..t1];
        let Some(end) = self.past(start + 2, b"?>") else {
            return Err(Self::syntax(
                start,
                "processing instruction not closed: expected ?>",
            ));
        };
        let after_ok = t1 + 2 == end || b.get(t1).is_some_and(|&c| is_ws(c));
        if !valid || !after_ok {
            return Err(Self::syntax(
                start,
                "malformed processing instruction: expected <?target ...?>",
            ));
        }
        self.pos = end;
        if target.eq_ignore_ascii_case("xml") {
            if self.decl_at.is_none() {
                return Err(Self::syntax(start, "xml declaration inside a fragment"));
            }
            if self.decl_at != Some(start) || target != "xml" {
                return Err(Self::syntax(
                    start,
                    "xml declaration allowed only at the start of the document",
                ));
            }
            return Ok((start, Tok::Decl));
        }
        Ok((start, Tok::Other))
    }

    /// A start tag: `<name (S attr S? = S? quoted-value)* S? /?>`, attributes checked (xml
    /// names, no duplicates, values without '<' or undefined references, at most
    /// `max_attributes`) and kept in `attrs`.
    fn start_tag(&mut self, start: usize) -> Result<(usize, Tok<'a>), Fatal> {
        let src = self.src;
        let b = src.as_bytes();
        let (n1, valid) = self.name(start + 1);
        let name = &src[start + 1..n1];
        if !valid {
            return Err(self.bad_element_name(start));
        }
        self.attrs.clear();
        self.attrs_at = usize::MAX;
        let mut i = n1;
        let mut n = 0usize;
        // Names seen, for duplicate checks on tags with many attributes (made when needed).
        let mut many: Option<HashSet<&str>> = None;
        let empty = loop {
            let blank = i;
            i = self.skip_ws(i);
            match b.get(i) {
                None => return Err(Self::syntax(start, format!("<{name}> is not closed"))),
                Some(b'>') => {
                    i += 1;
                    break false;
                }
                Some(b'/') => {
                    if b.get(i + 1) != Some(&b'>') {
                        return Err(Self::syntax(i, "expected '/>'"));
                    }
                    i += 2;
                    break true;
                }
                Some(_) => {}
            }
            if i == blank {
                return Err(Self::syntax(i, "expected white space before an attribute"));
            }
            let k0 = i;
            let valid;
            (i, valid) = self.name(i);
            let key = &src[k0..i];
            if !valid {
                let shown: String = src[k0..]
                    .chars()
                    .take_while(|&c| c != '=' && c != '>' && !c.is_whitespace())
                    .take(40)
                    .collect();
                return Err(Self::syntax(
                    k0,
                    format!("invalid attribute name '{shown}'"),
                ));
            }
            i = self.skip_ws(i);
            if b.get(i) != Some(&b'=') {
                return Err(Self::syntax(
                    k0,
                    format!("attribute '{key}' has no value: expected {key}='...'"),
                ));
            }
            i = self.skip_ws(i + 1);
            let q = match b.get(i) {
                Some(&q @ (b'\'' | b'"')) => q,
                _ => {
                    return Err(Self::syntax(
                        i,
                        format!("the value of attribute '{key}' must be in quotes"),
                    ))
                }
            };
            let v0 = i + 1;
            // Find the closing quote, eight bytes at a time; a byte that needs normalising
            // ('&', '<', tab, line ends) on the way makes the value not plain.
            let mut j = v0;
            let mut plain = true;
            loop {
                let Some(x) = word(b, j) else {
                    while j < b.len() && b[j] != q {
                        plain &= !matches!(b[j], b'&' | b'<' | b'\t' | b'\n' | b'\r');
                        j += 1;
                    }
                    break;
                };
                let m = eq_mask(x, q) | eq_mask(x, b'&') | eq_mask(x, b'<') | control_mask(x);
                if m == 0 {
                    j += 8;
                    continue;
                }
                j += first(m);
                if b[j] != q {
                    plain = false;
                    j = memchr::memchr(q, &b[j..]).map_or(b.len(), |k| j + k);
                }
                break;
            }
            if j == b.len() {
                return Err(Self::syntax(
                    i,
                    format!("the value of attribute '{key}' is not closed"),
                ));
            }
            i = j + 1;
            if n >= self.max_attributes {
                return Err(Box::new(
                    Diagnostic::error(
                        "xml.too-many-attributes",
                        "",
                        format!(
                            "<{name}> has more than {} attributes (the attribute limit)",
                            self.max_attributes
                        ),
                    )
                    .at(start),
                ));
            }
            let dup = if n < 16 {
                self.attrs.iter().any(|a| same(a.name, key))
            } else {
                !many
                    .get_or_insert_with(|| self.attrs.iter().map(|a| a.name).collect())
                    .insert(key)
            };
            if dup {
                return Err(Self::syntax(k0, format!("duplicate attribute '{key}'")));
            }
            n += 1;
            let raw = &src[v0..j];
            let value = if plain {
                Cow::Borrowed(raw)
            } else {
                normalize_attr(raw).map_err(|msg| Self::syntax(v0, msg))?
            };
            self.attrs.push(Attr {
                name: key,
                value,
                off: k0,
            });
        };
        if self.open.len() >= self.max_depth {
            return Err(self.too_deep(start));
        }
        self.pos = i;
        self.attrs_at = start;
        let tag = Tag { name, at: start };
        if empty {
            Ok((start, Tok::Empty(tag)))
        } else {
            self.open.push(name);
            Ok((start, Tok::Start(tag)))
        }
    }

    fn bad_element_name(&self, start: usize) -> Fatal {
        let shown: String = self.src[start + 1..]
            .chars()
            .take_while(|&c| c != '>' && !c.is_whitespace())
            .take(40)
            .collect();
        Self::syntax(start, format!("invalid element name '{shown}'"))
    }

    fn too_deep(&self, start: usize) -> Fatal {
        Box::new(
            Diagnostic::error(
                "xml.too-deep",
                "",
                format!(
                    "elements nested more than {} deep (the depth limit)",
                    self.max_depth
                ),
            )
            .at(start),
        )
    }

    /// Reads past the end tag of the element whose start tag ([`Tok::Start`]) was read last,
    /// for a pass that has no use for what is inside. It checks the structure (element names,
    /// end tags matching, tags, comments, CDATA sections and processing instructions closed, no
    /// DOCTYPE, the depth limit) and the references in character data; attributes are stepped
    /// over (quoted values may hold `>`), not split or checked. The end of the input ends the
    /// skip, as [`Lexer::next`] ends there with elements open.
    pub fn skip_element(&mut self) -> Result<(), Fatal> {
        let depth = self.open.len();
        debug_assert!(depth > 0, "skip_element after a start tag only");
        let b = self.src.as_bytes();
        while self.open.len() >= depth {
            let Some(lt) = b
                .get(self.pos..)
                .and_then(|rest| memchr::memchr3(b'<', b'&', b']', rest))
                .map(|k| self.pos + k)
            else {
                self.pos = b.len();
                break;
            };
            if b[lt] != b'<' {
                // Character data with a reference or a ']': checked up to the next markup.
                let end = memchr::memchr(b'<', &b[lt..]).map_or(b.len(), |k| lt + k);
                check_text(&self.src[lt..end], lt)?;
                self.pos = end;
                continue;
            }
            match b.get(lt + 1) {
                Some(b'/') => {
                    self.end_tag(lt)?;
                }
                Some(b'!') => {
                    self.bang(lt)?;
                }
                Some(b'?') => {
                    self.pi(lt)?;
                }
                _ => self.skip_start_tag(lt)?,
            }
        }
        Ok(())
    }

    /// A start tag for [`Lexer::skip_element`]: its name checked and, unless it is empty,
    /// opened; the rest stepped over up to the `>` that closes it.
    fn skip_start_tag(&mut self, start: usize) -> Result<(), Fatal> {
        let src = self.src;
        let b = src.as_bytes();
        let (n1, valid) = self.name(start + 1);
        // A name cut short by a character no name holds is no name either.
        if !valid
            || !b
                .get(n1)
                .is_some_and(|&c| c == b'>' || c == b'/' || is_ws(c))
        {
            return Err(self.bad_element_name(start));
        }
        let name = &src[start + 1..n1];
        let mut i = n1;
        let end = loop {
            let Some(k) = memchr::memchr3(b'>', b'\'', b'"', &b[i..]) else {
                return Err(Self::syntax(start, format!("<{name}> is not closed")));
            };
            let j = i + k;
            let q = b[j];
            if q == b'>' {
                break j;
            }
            let Some(m) = memchr::memchr(q, &b[j + 1..]) else {
                return Err(Self::syntax(start, format!("<{name}> is not closed")));
            };
            i = j + 1 + m + 1;
        };
        if self.open.len() >= self.max_depth {
            return Err(self.too_deep(start));
        }
        self.pos = end + 1;
        if b[end - 1] != b'/' {
            self.open.push(name);
        }
        Ok(())
    }
}

/// Checks the references in character data (predefined entities and character references to
/// xml characters only) and that it holds no `]]>`.
fn check_text(text: &str, at: usize) -> Result<(), Fatal> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr2(b'&', b']', &b[from..]).map(|k| from + k) {
        if b[k] == b']' {
            if b[k..].starts_with(b"]]>") {
                return Err(Lexer::syntax(at + k, "']]>' is not allowed in text"));
            }
            from = k + 1;
            continue;
        }
        let len = reference_len(&text[k..]).map_err(|msg| Lexer::syntax(at + k, msg))?;
        from = k + len;
    }
    Ok(())
}

/// Length of the reference at the start of `s` (which starts with `&`), if it is one xml
/// allows without a DOCTYPE: `&amp;`, `&lt;`, `&gt;`, `&apos;`, `&quot;`, `&#N;`, `&#xH;`.
fn reference_len(s: &str) -> Result<usize, String> {
    let Some(semi) = s.bytes().take(64).position(|c| c == b';') else {
        return Err("'&' must start a reference such as &amp;".into());
    };
    let name = &s[1..semi];
    let ok = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x') {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()
            }
            None if !num.is_empty() && num.bytes().all(|c| c.is_ascii_digit()) => num.parse().ok(),
            _ => return Err(format!("malformed character reference '&{name};'")),
        };
        match code.and_then(char::from_u32) {
            Some(c) if is_xml_char(c) => true,
            _ => {
                return Err(format!(
                    "character reference '&{name};' is to a character xml does not allow"
                ))
            }
        }
    } else {
        predefined_entity(name.as_bytes()).is_some()
    };
    if !ok {
        return Err(format!("undefined entity '&{name};'"));
    }
    Ok(semi + 1)
}

/// Attribute value normalisation (line ends and white space become spaces) and unescaping.
pub(super) fn normalize_attr(raw: &str) -> Result<Cow<'_, str>, String> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r' | b'<'))
    {
        return Ok(Cow::Borrowed(raw));
    }
    if raw.contains('<') {
        return Err("'<' is not allowed in an attribute value".into());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(k) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        out.push_str(&rest[..k]);
        match rest.as_bytes()[k] {
            b'&' => {
                let len = reference_len(&rest[k..])?;
                let name = &rest[k + 1..k + len - 1];
                let c = match name.strip_prefix('#') {
                    Some(num) => match num.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    }
                    .and_then(char::from_u32),
                    None => predefined_entity(name.as_bytes()),
                };
                out.push(c.unwrap_or('\u{FFFD}'));
                rest = &rest[k + len..];
            }
            b'\r' => {
                // A CR LF pair is one line end, one space.
                out.push(' ');
                let skip = if rest.as_bytes().get(k + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[k + skip..];
            }
            _ => {
                out.push(' ');
                rest = &rest[k + 1..];
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Result<Vec<String>, String> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let (at, t) = lx
                .next()
                .map_err(|d| format!("{}@{:?}", d.message, d.offset))?;
            out.push(match t {
                Tok::Start(t) => format!("{at}<{}{}>", t.name, attrs(&lx)),
                Tok::Empty(t) => format!("{at}<{}{}/>", t.name, attrs(&lx)),
                Tok::End => format!("{at}end"),
                Tok::Text(s) => format!("{at}text{s:?}"),
                Tok::CData => format!("{at}cdata"),
                Tok::Other => format!("{at}other"),
                Tok::Decl => format!("{at}decl"),
                Tok::Eof => break,
            });
        }
        Ok(out)
    }

    fn attrs(lx: &Lexer<'_>) -> String {
        lx.attrs
            .iter()
            .map(|a| format!(" {}={:?}@{}", a.name, a.value, a.off))
            .collect()
    }

    #[test]
    fn splits_markup() {
        assert_eq!(
            toks(
                "<?xml version='1.0'?><a x='1' y = \"2\"><!-- c --><b/>t &amp; u<![CDATA[<]]></a>"
            )
            .unwrap(),
            [
                "0decl",
                "21<a x=\"1\"@24 y=\"2\"@30>",
                "38other",
                "48<b/>",
                "52text\"t &amp; u\"",
                "61cdata",
                "74end",
            ]
        );
        assert_eq!(
            toks("\u{FEFF}<?xml version='1.0'?><é ü='&#x9;a&#10;&lt;\tb\r\nc'/>").unwrap(),
            ["3decl", "24<é ü=\"\\ta\\n< b c\"@28/>"]
        );
    }

    #[test]
    fn refuses_what_xml_refuses() {
        for bad in [
            "<a>",
            "<a></b>",
            "</a>",
            "<a x='1'x='2'/>",
            "<a x='1' x='2'/>",
            "<a x=1/>",
            "<a x/>",
            "<a x='<'/>",
            "<a x='&y;'/>",
            "<a x='&#0;'/>",
            "<a x='&'/>",
            "<a x='1'",
            "<a/ >",
            "<1a/>",
            "< a/>",
            "<a 1x='1'/>",
            "<a>&nbsp;</a>",
            "<a>&#xD800;</a>",
            "<a>&#;</a>",
            "<a>]]></a>",
            "<a><!-- x -- y --></a>",
            "<a><!-- x ---></a>",
            "<a><!-- x</a>",
            "<a><![CDATA[x</a>",
            "<a><!ELEMENT a></a>",
            "<!DOCTYPE a><a/>",
            "<a/><?xml version='1.0'?>",
            "<?XML version='1.0'?><a/>",
            "<a><?pi x</a>",
            "<a><?1 x?></a>",
            "<a></a >x</b>",
        ] {
            let mut lx = Lexer::new(bad);
            let mut err = None;
            for _ in 0..20 {
                match lx.next() {
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                    Ok((_, Tok::Eof)) => break,
                    Ok(_) => {}
                }
            }
            // Unclosed elements are the reader's to report; everything else is the lexer's.
            if bad == "<a>" {
                assert!(err.is_none() && lx.depth() == 1);
                continue;
            }
            assert!(err.is_some(), "{bad} accepted");
        }
    }

    /// The eight-byte scans find what a byte loop finds wherever the byte falls.
    #[test]
    fn values_and_text_at_every_offset() {
        for k in 0..20 {
            let pad = "x".repeat(k);
            for (raw, want) in [
                (pad.clone(), pad.clone()),
                (format!("{pad}&amp;{pad}"), format!("{pad}&{pad}")),
                (format!("{pad}\t{pad}"), format!("{pad} {pad}")),
                (format!("{pad}\r\n"), format!("{pad} ")),
                (format!("{pad}\"{pad}"), format!("{pad}\"{pad}")),
            ] {
                for tail in ["/>", "/><b/>          "] {
                    let doc = format!("<a v='{raw}'{tail}");
                    let mut lx = Lexer::new(&doc);
                    assert!(matches!(lx.next(), Ok((0, Tok::Empty(_)))), "{doc}");
                    assert_eq!(lx.attrs[0].value, want, "{doc}");
                    assert_eq!(lx.pos, doc.find("/>").unwrap() + 2, "{doc}");
                }
                let doc = format!("<a v='{pad}<{pad}'/>");
                assert!(Lexer::new(&doc).next().is_err(), "{doc}");
            }
            for tail in ["", "<b/>"] {
                for stop in ["", "&lt;", "]"] {
                    let text = format!("{pad}{stop}{pad}");
                    if text.is_empty() {
                        continue;
                    }
                    let doc = format!("<a>{text}</a>{tail}");
                    let mut lx = Lexer::new(&doc);
                    lx.next().unwrap();
                    let (at, t) = lx.next().unwrap();
                    assert!(matches!(t, Tok::Text(s) if s == text), "{doc}");
                    assert_eq!((at, lx.pos), (3, 3 + text.len()), "{doc}");
                }
            }
        }
    }

    /// Blank runs of any length and mix are skipped, wherever they end; a run that ends in
    /// text is text, blanks included.
    #[test]
    fn blank_runs_are_skipped() {
        for k in 0..20 {
            for blank in [
                " ".repeat(k),
                format!("\n{}", " ".repeat(k)),
                format!("\r\n\t{}", " ".repeat(k)),
            ] {
                if blank.is_empty() {
                    continue;
                }
                let doc = format!("<a>{blank}<b/>{blank}</a>{blank}");
                assert_eq!(
                    toks(&doc).unwrap(),
                    [
                        "0<a>".to_string(),
                        format!("{}<b/>", 3 + blank.len()),
                        format!("{}end", 7 + 2 * blank.len()),
                    ],
                    "{doc:?}"
                );
                let doc = format!("<a>{blank}x{blank}</a>");
                let text = format!("{blank}x{blank}");
                assert_eq!(
                    toks(&doc).unwrap(),
                    [
                        "0<a>".to_string(),
                        format!("3text{text:?}"),
                        format!("{}end", 3 + text.len())
                    ],
                    "{doc:?}"
                );
            }
        }
    }

    /// The word-at-a-time name comparison agrees with `==` for every length and every place a
    /// difference can sit.
    #[test]
    fn same_agrees_with_eq() {
        let base = "abcdefghijklmnopqrstuvwxyz0123";
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(same(a, a), "{a}");
            for k in 0..len {
                let mut b = a.as_bytes().to_vec();
                b[k] = b'_';
                let b = String::from_utf8(b).unwrap();
                assert!(!same(a, &b), "{a} {b}");
            }
            assert!(!same(a, &base[..len + 1]), "{a}");
        }
    }

    #[test]
    fn byte_order_mark_in_one_place() {
        assert_eq!(bom_len("\u{FEFF}<a/>"), 3);
        assert_eq!((bom_len("<a/>\u{FEFF}"), bom_len("")), (0, 0));
        let doc = "\u{FEFF}<a/>";
        for lx in [Lexer::new(doc), Lexer::fragment(doc), Lexer::at(doc, 0)] {
            assert_eq!(lx.pos, 3);
        }
        // Anywhere else U+FEFF is a character.
        assert_eq!(
            toks("<a>\u{FEFF}</a>").unwrap(),
            ["0<a>", "3text\"\\u{feff}\"", "6end"]
        );
    }

    #[test]
    fn fragments_and_walks_from_an_element() {
        let mut lx = Lexer::fragment("t<a/><!-- c -->x");
        let mut got = Vec::new();
        loop {
            match lx.next().unwrap() {
                (_, Tok::Eof) => break,
                (at, _) => got.push(at),
            }
        }
        assert_eq!(got, [0, 1, 5, 15]);
        let decl = "<?xml version='1.0'?><a/>";
        assert!(matches!(Lexer::new(decl).next(), Ok((0, Tok::Decl))));
        let e = Lexer::fragment(decl).next().err().unwrap();
        assert!(
            e.message.contains("xml declaration inside a fragment"),
            "{e:?}"
        );
        let doc = "<r><a x='1'/></r>";
        let mut lx = Lexer::at(doc, 3);
        assert!(matches!(lx.next(), Ok((3, Tok::Empty(t))) if t.name == "a"));
        assert_eq!(lx.attrs[0].off, 6);
    }

    #[test]
    fn skip_element_steps_over_content() {
        let doc = "<r><a x='>'><b><c/></b>t &amp; u<!-- <x> --><![CDATA[</a>]]><?p i?>\
                   </a><z/></r>";
        let mut lx = Lexer::new(doc);
        assert!(matches!(lx.next(), Ok((0, Tok::Start(_)))));
        assert!(matches!(lx.next(), Ok((3, Tok::Start(_)))));
        lx.skip_element().unwrap();
        assert_eq!(lx.pos, doc.find("<z/>").unwrap());
        assert!(matches!(lx.next(), Ok((_, Tok::Empty(t))) if t.name == "z"));
        assert!(matches!(lx.next(), Ok((_, Tok::End))));
        assert!(matches!(lx.next(), Ok((_, Tok::Eof))));
        // The end of the input ends the skip.
        let mut lx = Lexer::new("<a><b>");
        lx.next().unwrap();
        assert!(lx.skip_element().is_ok() && lx.pos == 6);
        for bad in [
            "<a><b></c></a>",
            "<a>&x;</a>",
            "<a>&#0;</a>",
            "<a>]]></a>",
            "<a><!DOCTYPE x></a>",
            "<a><b x='>",
            "<a><b*c/></a>",
            "<a><!-- -- --></a>",
            "<a><?xml version='1.0'?></a>",
            "<a><![CDATA[</a>",
        ] {
            let mut lx = Lexer::new(bad);
            lx.next().unwrap();
            assert!(lx.skip_element().is_err(), "{bad}");
        }
        let mut lx = Lexer::new("<a><b><c/></b></a>");
        lx.max_depth = 2;
        lx.next().unwrap();
        assert_eq!(
            lx.skip_element().err().map(|e| e.rule),
            Some("xml.too-deep")
        );
    }

    #[test]
    fn limits() {
        let mut lx = Lexer::new("<a><b><c/></b></a>");
        lx.max_depth = 2;
        assert!(lx.next().is_ok() && lx.next().is_ok());
        assert_eq!(lx.next().err().map(|e| e.rule), Some("xml.too-deep"));
        let mut lx = Lexer::new("<a x='1' y='2' z='3'/>");
        lx.max_attributes = 2;
        assert_eq!(
            lx.next().err().map(|e| e.rule),
            Some("xml.too-many-attributes")
        );
        let many: String = (0..40).map(|i| format!(" a{i}='{i}'")).collect();
        let doc = format!("<a{many} a39='x'/>");
        assert!(Lexer::new(&doc).next().is_err(), "duplicate past 16");
    }
}
