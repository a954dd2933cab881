//! Reading `<interface>` elements and domain documents into the model.

use std::borrow::Cow;
use std::ops::Range;
use std::str::FromStr;

use smallvec::SmallVec;

use super::forms::{schema_accepts, Form};
use super::grammar as g;
use super::lex::{same, Attr, Fatal, Lexer, Tag, Tok};
use super::{is_xml_char, MAX_ATTRIBUTES, MAX_DEPTH, MAX_DOCUMENT_SIZE};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::extras::{ExtraAttribute, ExtraNode, Extras, RawXml, XmlName};
use crate::model::ids::{hex_value, parse_decimal, DeviceName, IdError, IdErrorKind, PciAddress};
use crate::model::interface::{
    Backend, Bandwidth, Coalesce, DeviceAddress, Driver, FilterParameter, FilterRef, GuestDevice,
    GuestOffloads, GuestPciAddress, HostOffloads, Interface, LinkState, MacType, NativeMode, Rate,
    Rom, Target, Teaming, TeamingType, Vlan, VlanTagSpec,
};
use crate::model::kind::{
    BridgeSource, DirectMode, DirectSource, HostdevSource, InterfaceKind, NetworkSource, OtherKind,
    Reconnect, VdpaSource, VhostUserMode, VhostUserSource,
};
use crate::model::virtualport::{Midonet, OpenVSwitch, Qbg, Qbh, Untyped, VirtualPort};
use smol_str::SmolStr;

/// Limits applied while reading.
///
/// ```
/// use vifxml::xml::ParseOptions;
/// let opts = ParseOptions { max_depth: 3, ..ParseOptions::default() };
/// let err = opts.parse_document("<domain><devices><a><b/></a></devices></domain>").unwrap_err();
/// assert!(err.has("xml.too-deep"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Largest accepted document, in bytes (default 10 MiB, libvirt's cap).
    pub max_size: usize,
    /// Deepest accepted element nesting, the root element being depth 1 (default 256,
    /// [`MAX_DEPTH`]: libxml2's own limit, so libvirt refuses anything deeper). Checked
    /// everywhere, including inside content that is skipped or kept verbatim (`xml.too-deep`).
    pub max_depth: usize,
    /// Most attributes accepted on one element (default 1024, [`super::MAX_ATTRIBUTES`];
    /// libvirt's elements have a few dozen at most), `xml.too-many-attributes`.
    pub max_attributes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_size: MAX_DOCUMENT_SIZE,
            max_depth: MAX_DEPTH,
            max_attributes: MAX_ATTRIBUTES,
        }
    }
}

/// One interface read from a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedInterface {
    /// The interface.
    pub interface: Interface,
    /// Byte range of the whole `<interface>` element in the source.
    pub span: Range<usize>,
    /// Element path of the interface: `devices/interface[2]` in a domain, `interface[1]` in a
    /// sequence of bare interfaces.
    pub path: SmolStr,
    /// Values read in a lenient form that libvirt's schema refuses (`xml.noncanonical`), with
    /// paths and offsets; [`crate::validate::validate_document`] reports them. Rendering writes
    /// the canonical form.
    pub notes: Vec<Diagnostic>,
}

/// Every interface of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDocument {
    /// Root element name: `domain`, `domstatus` or `interface`.
    pub root: String,
    /// The interfaces under `<devices>` (or the bare interfaces), in document order.
    pub interfaces: Vec<ParsedInterface>,
    /// What the rest of the guest says that interface rules need (empty for bare interfaces).
    pub domain: DomainFacts,
}

/// What the rest of a guest says that interface rules need: the machine, how its memory is
/// shared, how it boots, and the other devices' guest addresses, boot orders and acpi indexes.
///
/// ```
/// let doc = vifxml::xml::parse_document(
///     "<domain type='kvm'><os><type arch='x86_64' machine='q35'>hvm</type></os>\
///      <memoryBacking><access mode='shared'/></memoryBacking>\
///      <devices><disk type='file'><boot order='1'/>\
///      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/></disk>\
///      <interface type='user'/></devices></domain>",
/// ).unwrap();
/// assert_eq!(doc.domain.machine.as_deref(), Some("q35"));
/// assert_eq!(doc.domain.memory_access.as_deref(), Some("shared"));
/// assert_eq!(doc.domain.devices[0].path, "devices/disk[1]");
/// assert_eq!(doc.domain.devices[0].boot_order, Some(1));
/// assert_eq!(doc.domain.devices[0].pci, Some([0, 0, 4, 0]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainFacts {
    /// `<domain type>`: `kvm`, `qemu`, ...
    pub domain_type: Option<String>,
    /// Whether this is a running guest's live XML (`<domain id='N'>`, what `virsh dumpxml`
    /// prints for a running guest) or status XML (`<domstatus>`): libvirt writes state there
    /// that a definition may not carry.
    pub live: bool,
    /// `<os><type arch>`.
    pub arch: Option<String>,
    /// `<os><type machine>`.
    pub machine: Option<String>,
    /// Whether `<os>` has `<boot dev>` elements.
    pub os_boot: bool,
    /// `<memoryBacking><access mode>`.
    pub memory_access: Option<String>,
    /// The `memAccess` of each `<cpu><numa><cell>` (`None` where a cell has none).
    pub numa_cells: Vec<Option<String>>,
    /// The devices other than interfaces that have a guest PCI address, a boot order, an acpi
    /// index or a host PCI source, in document order.
    pub devices: Vec<DeviceFacts>,
}

/// One device other than an interface, as the interface rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFacts {
    /// Element path, `devices/disk[1]`.
    pub path: String,
    /// Byte offset of its start tag.
    pub offset: usize,
    /// `<boot order>`.
    pub boot_order: Option<u32>,
    /// Guest `<address type='pci'>`: domain, bus, slot, function.
    pub pci: Option<[u32; 4]>,
    /// `<acpi index>`.
    pub acpi_index: Option<u32>,
    /// `<hostdev>`'s `<source><address type='pci'>`: the host device it takes.
    pub host_pci: Option<[u32; 4]>,
}

/// A PCI address's four parts from an `<address>`'s attributes, when it is a readable PCI one
/// (`untyped`: an address without `type` counts, as in a `<hostdev>`'s source, which libvirt
/// writes without it).
fn pci_parts(attrs: &[Attr<'_>], untyped: bool) -> Option<[u32; 4]> {
    match find(attrs, "type").map(|a| a.value.as_ref()) {
        Some("pci") => {}
        None if untyped => {}
        _ => return None,
    }
    let part = |name: &str| -> Option<u32> {
        match find(attrs, name) {
            None => Some(0),
            Some(a) => crate::model::ids::parse_base0(&a.value)
                .ok()
                .and_then(|v| u32::try_from(v).ok()),
        }
    };
    Some([
        part("domain")?,
        part("bus")?,
        part("slot")?,
        part("function")?,
    ])
}

/// Reads exactly one `<interface>` element.
///
/// ```
/// let iface = vifxml::xml::parse_interface(
///     "<interface type='direct'><source dev='eth0' mode='passthrough'/></interface>",
/// ).unwrap();
/// assert_eq!(iface.kind.type_name(), "direct");
/// ```
pub fn parse_interface(src: &str) -> Result<Interface, Diagnostics> {
    let doc = parse_document(src)?;
    if doc.root != "interface" || doc.interfaces.len() != 1 {
        return Err(Diagnostics::one(Diagnostic::error(
            "xml.root",
            "",
            format!(
                "expected exactly one <interface> element, found {} under <{}>",
                doc.interfaces.len(),
                doc.root
            ),
        )));
    }
    let mut doc = doc;
    Ok(doc.interfaces.remove(0).interface)
}

/// Reads a `<domain>` (or `<domstatus>`) document, one `<interface>`, or a sequence of
/// `<interface>` elements, with the default limits.
pub fn parse_document(src: &str) -> Result<ParsedDocument, Diagnostics> {
    ParseOptions::default().parse_document(src)
}

impl ParseOptions {
    /// Reads a document with these limits. All findings are reported together; any finding
    /// makes this an error.
    pub fn parse_document(&self, src: &str) -> Result<ParsedDocument, Diagnostics> {
        if src.len() > self.max_size {
            return Err(Diagnostics::one(Diagnostic::error(
                "xml.too-large",
                "",
                format!(
                    "document is {} bytes, more than the limit of {} bytes",
                    src.len(),
                    self.max_size
                ),
            )));
        }
        let pre = prescan(src.as_bytes());
        if let Some(off) = find_bad_char(src, pre.suspicious) {
            return Err(Diagnostics::one(
                Diagnostic::error(
                    "xml.syntax",
                    "",
                    "character not allowed in xml (control character or non-character)",
                )
                .at(off),
            ));
        }
        let mut cx = DocReader::new(src);
        cx.lx.max_depth = self.max_depth;
        cx.lx.max_attributes = self.max_attributes;
        let res = cx.document(pre.interfaces);
        match res {
            Err(fatal) => {
                cx.rep.diags.push(*fatal);
                Err(Diagnostics(cx.rep.diags))
            }
            Ok(doc) if cx.rep.diags.is_empty() => Ok(doc),
            Ok(_) => Err(Diagnostics(cx.rep.diags)),
        }
    }
}

/// What one pass over the bytes tells before reading.
struct Prescan {
    /// Whether a byte that may start a character xml refuses occurs: a control character, or
    /// 0xEF (which starts U+FFFE and U+FFFF).
    suspicious: bool,
    /// How many `<i` with an `e` three bytes on the document has: at least as many as its
    /// `<interface>` elements.
    interfaces: usize,
}

/// One branch-free pass over 64-byte blocks, which the compiler turns into vector code: the
/// characters, and how many `<i` have an `e` three bytes on (at least one per `<interface`;
/// `<inbound`, `<input` and the other `<i` elements of a guest do not count).
fn prescan(b: &[u8]) -> Prescan {
    let bad = |x: u8| (x < 0x20 && x != b'\t' && x != b'\n' && x != b'\r') | (x == 0xEF);
    let mut p = Prescan {
        suspicious: false,
        interfaces: 0,
    };
    let mut i = 0;
    while let Some(block) = b.get(i..i + 68) {
        let Ok(c) = <&[u8; 68]>::try_from(block) else {
            break;
        };
        let (mut int, mut sus) = (0u8, false);
        for j in 0..64 {
            sus |= bad(c[j]);
            int += u8::from((c[j] == b'<') & (c[j + 1] == b'i') & (c[j + 4] == b'e'));
        }
        p.interfaces += usize::from(int);
        p.suspicious |= sus;
        i += 64;
    }
    for (j, &x) in b.iter().enumerate().skip(i) {
        p.suspicious |= bad(x);
        let r = &b[j..];
        p.interfaces += usize::from(r.starts_with(b"<i") && r.get(4) == Some(&b'e'));
    }
    p
}

fn find_bad_char(src: &str, suspicious: bool) -> Option<usize> {
    if !suspicious {
        return None;
    }
    src.char_indices()
        .find(|&(_, c)| !is_xml_char(c))
        .map(|(i, _)| i)
}

/// The value of `0x` followed by one to `digits` hex digits, if `s` is that.
fn canonical_hex(s: &str, digits: usize) -> Option<u64> {
    let h = s.strip_prefix("0x")?;
    if h.is_empty() || h.len() > digits {
        return None;
    }
    h.bytes()
        .try_fold(0u64, |v, b| Some(v << 4 | u64::from(hex_value(b)?)))
}

fn find<'b, 'a>(attrs: &'b [Attr<'a>], name: &str) -> Option<&'b Attr<'a>> {
    attrs.iter().find(|a| same(a.name, name))
}

/// `prefix` followed by `n` and `]`, e.g. `devices/interface[2]`: inline (no allocation) up
/// to 23 bytes, so for the first 9 999 interfaces of a domain.
fn indexed(prefix: &str, n: usize) -> SmolStr {
    let mut digits = [0u8; 20];
    let (mut k, mut v) = (digits.len(), n);
    loop {
        k -= 1;
        digits[k] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &digits[k..];
    let mut buf = [0u8; 23];
    let len = prefix.len() + digits.len() + 1;
    if let Some(out) = buf.get_mut(..len) {
        out[..prefix.len()].copy_from_slice(prefix.as_bytes());
        out[prefix.len()..len - 1].copy_from_slice(digits);
        out[len - 1] = b']';
        if let Ok(s) = std::str::from_utf8(out) {
            return SmolStr::new(s);
        }
    }
    let mut s = String::with_capacity(len);
    s.push_str(prefix);
    s.extend(digits.iter().map(|&d| char::from(d)));
    s.push(']');
    SmolStr::from(s)
}

struct DocReader<'a> {
    src: &'a str,
    /// The tokenizer; it holds the attributes of the last start tag, which handlers borrow
    /// (`cx.lx.attrs_of(tag)`) while reporting through `rep`.
    lx: Lexer<'a>,
    rep: Findings,
}

/// Where findings go while reading, apart from the tokenizer so that a handler can report
/// while it holds the attributes it reads.
struct Findings {
    diags: Vec<Diagnostic>,
    /// Non-fatal findings about value forms, for the interface being read.
    notes: Vec<Diagnostic>,
    /// Path of the interface being read, e.g. `devices/interface[2]`.
    base: SmolStr,
}

/// The known children an element has had, without allocating for the usual few.
type Seen = SmallVec<[&'static str; 24]>;

/// What a child handler did with a child element.
enum ChildRead {
    /// Read as a known element with this name (the handler consumed it whole).
    Known(&'static str),
    /// Not known here: keep it verbatim.
    Unknown,
    /// Read whole by the handler, which found it is a form the model keeps verbatim (a
    /// hostdev interface's USB source): keep its text.
    ReadKept,
}

impl Findings {
    fn path(&self, rel: &str) -> String {
        match (self.base.is_empty(), rel.is_empty()) {
            (_, true) => self.base.to_string(),
            (true, false) => rel.to_owned(),
            (false, false) => format!("{}/{}", self.base, rel),
        }
    }

    fn attr_path(&self, rel: &str, attr: &str) -> String {
        if rel.is_empty() {
            self.path(&format!("@{attr}"))
        } else {
            self.path(&format!("{rel}/@{attr}"))
        }
    }

    fn report(&mut self, rule: &'static str, rel: &str, a: &Attr<'_>, msg: String) {
        let d = Diagnostic::error(rule, self.attr_path(rel, a.name), msg).at(a.off);
        self.diags.push(d);
    }

    fn id<T: FromStr<Err = IdError>>(&mut self, rel: &str, a: &Attr<'_>) -> Option<T> {
        match a.value.parse::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                self.report(
                    crate::rules::for_id_error(e.kind),
                    rel,
                    a,
                    format!("{}: {}", a.name, e),
                );
                None
            }
        }
    }

    /// [`Findings::form`] with the form the grammar declares for the attribute, if any.
    fn declared_form(&mut self, decl: &g::Element, rel: &str, a: &Attr<'_>) {
        if let Some(f) = decl.form_of(a.name) {
            self.form(rel, a, f);
        }
    }

    /// Notes a value libvirt's parser reads but its schema refuses in this form.
    fn form(&mut self, rel: &str, a: &Attr<'_>, form: Form) {
        if !schema_accepts(form, &a.value) {
            let d = Diagnostic::error(
                "xml.noncanonical",
                self.attr_path(rel, a.name),
                format!(
                    "{}='{}' reads, but libvirt's schema refuses this form (expected {}): \
                     vifxml writes the canonical form",
                    a.name,
                    a.value,
                    form.expected()
                ),
            )
            .at(a.off);
            self.notes.push(d);
        }
    }

    fn num<T: TryFrom<u64>>(&mut self, rel: &str, a: &Attr<'_>) -> Option<T> {
        match parse_decimal(&a.value)
            .ok()
            .and_then(|v| T::try_from(v).ok())
        {
            Some(v) => Some(v),
            None => {
                let msg = format!(
                    "{}: invalid value '{}': expected a decimal number in range",
                    a.name, a.value
                );
                self.report("value.number", rel, a, msg);
                None
            }
        }
    }

    fn choice<T>(&mut self, rel: &str, a: &Attr<'_>, table: &[(&str, T)]) -> Option<T>
    where
        T: Copy,
    {
        if let Some((_, v)) = table.iter().find(|(k, _)| *k == a.value) {
            return Some(*v);
        }
        let expected: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
        let msg = format!(
            "{}: invalid value '{}': expected one of {}",
            a.name,
            a.value,
            expected.join(", ")
        );
        self.report("value.enum", rel, a, msg);
        None
    }

    fn yes_no(&mut self, rel: &str, a: &Attr<'_>) -> Option<bool> {
        self.choice(rel, a, &[("yes", true), ("no", false)])
    }

    fn on_off(&mut self, rel: &str, a: &Attr<'_>) -> Option<bool> {
        self.choice(rel, a, &[("on", true), ("off", false)])
    }

    fn pci(&mut self, rel: &str, a: &[Attr<'_>]) -> Option<PciAddress> {
        let mut parts = [0u64; 4];
        let mut ok = true;
        // Each part: its attribute, error kind, schema form, and the hex digits and value the
        // schema takes after `0x`.
        const PARTS: [(&str, IdErrorKind, Form, usize, u64); 4] = [
            (
                "domain",
                IdErrorKind::PciDomainRange,
                Form::Uint32,
                8,
                PciAddress::DOMAIN_MAX,
            ),
            (
                "bus",
                IdErrorKind::PciBusRange,
                Form::Uint8,
                2,
                PciAddress::BUS_MAX,
            ),
            (
                "slot",
                IdErrorKind::PciSlotRange,
                Form::PciSlot,
                2,
                PciAddress::SLOT_MAX,
            ),
            (
                "function",
                IdErrorKind::PciFunctionRange,
                Form::PciFunc,
                1,
                PciAddress::FUNCTION_MAX,
            ),
        ];
        // Index of the next attribute to look at first: documents give the parts in order.
        let mut next = 0;
        for (i, (name, kind, form, digits, max)) in PARTS.into_iter().enumerate() {
            let k = match a.get(next) {
                Some(v) if same(v.name, name) => Some(next),
                _ => a.iter().position(|v| same(v.name, name)),
            };
            let Some(v) = k.and_then(|k| a.get(k)) else {
                continue;
            };
            next = k.map_or(0, |k| k + 1);
            // What libvirt writes, `0x` and a few hex digits in range: the schema takes it,
            // and it reads as it is.
            if let Some(n) = canonical_hex(&v.value, digits).filter(|&n| n <= max) {
                parts[i] = n;
                continue;
            }
            self.form(rel, v, form);
            match PciAddress::parse_part(kind, &v.value) {
                Ok(n) => parts[i] = n,
                Err(e) => {
                    self.report(
                        crate::rules::for_id_error(e.kind),
                        rel,
                        v,
                        format!("{name}: {e}"),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        PciAddress::new(parts[0], parts[1], parts[2], parts[3]).ok()
    }
}

impl<'a> DocReader<'a> {
    fn new(src: &'a str) -> Self {
        DocReader {
            src,
            lx: Lexer::new(src),
            rep: Findings {
                diags: Vec::new(),
                notes: Vec::new(),
                base: SmolStr::default(),
            },
        }
    }

    /// Offset in `src` of the reader's position.
    fn pos(&self) -> usize {
        self.lx.pos
    }

    fn syntax(&self, at: usize, msg: impl std::fmt::Display) -> Fatal {
        Box::new(Diagnostic::error("xml.syntax", "", format!("malformed xml: {msg}")).at(at))
    }

    fn next(&mut self) -> Result<(usize, Tok<'a>), Fatal> {
        self.lx.next()
    }

    /// Keeps every attribute not in `known` as an extra of the element at `rel`.
    #[inline]
    fn keep_attrs(ex: &mut Extras, rel: &str, attrs: &[Attr<'_>], known: &[&str]) {
        // Most tags give some of `known`, in its order (libvirt's): nothing to keep.
        let mut rest = known.iter();
        if attrs.iter().all(|a| rest.by_ref().any(|k| same(k, a.name))) {
            return;
        }
        Self::keep_other_attrs(ex, rel, attrs, known);
    }

    /// [`DocReader::keep_attrs`] for any order.
    fn keep_other_attrs(ex: &mut Extras, rel: &str, attrs: &[Attr<'_>], known: &[&str]) {
        for a in attrs {
            if known.iter().any(|k| same(k, a.name)) {
                continue;
            }
            if let Ok(name) = XmlName::new(a.name) {
                ex.attributes.push(ExtraAttribute {
                    element: rel.to_owned(),
                    name,
                    value: a.value.clone().into_owned(),
                });
            }
        }
    }

    /// Reads the children of the element at `rel` (whose start tag was just read) up to its end
    /// tag. `f` reads known children whole; everything else is kept verbatim in `ex`.
    fn children<F>(
        &mut self,
        rel: &str,
        empty: bool,
        ex: &mut Extras,
        mut f: F,
    ) -> Result<(), Fatal>
    where
        F: FnMut(&mut Self, &mut Extras, &Tag<'a>, bool) -> Result<ChildRead, Fatal>,
    {
        if empty {
            return Ok(());
        }
        let mut after: Option<&'static str> = None;
        // Known children read, and where this element's kept nodes start in `ex.elements`.
        let mut seen = Seen::default();
        let first = ex.elements.len();
        loop {
            let (start, ev) = self.next()?;
            let keep = match ev {
                Tok::Start(e) => match f(self, ex, &e, false)? {
                    ChildRead::Known(n) => {
                        after = Some(n);
                        seen.push(n);
                        false
                    }
                    ChildRead::Unknown => {
                        self.skip(&e, start)?;
                        true
                    }
                    ChildRead::ReadKept => true,
                },
                Tok::Empty(e) => match f(self, ex, &e, true)? {
                    ChildRead::Known(n) => {
                        after = Some(n);
                        seen.push(n);
                        false
                    }
                    ChildRead::Unknown | ChildRead::ReadKept => true,
                },
                Tok::End => {
                    if ex.elements.len() > first {
                        anchor_copies(&mut ex.elements[first..], rel, &seen);
                    }
                    return Ok(());
                }
                Tok::Text(t) => !t.bytes().all(|b| b.is_ascii_whitespace()),
                Tok::CData | Tok::Other => true,
                Tok::Decl => return Err(self.syntax(start, "xml declaration inside an element")),
                Tok::Eof => return Err(self.syntax(start, "unexpected end of document")),
            };
            if keep {
                // Kept text loses its surrounding blanks (nothing else starts or ends with
                // one): the writer puts each kept node on its own indented line, so blanks
                // kept around text would grow on every render and read.
                let raw = self.src[start..self.pos()]
                    .trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
                ex.elements.push(ExtraNode {
                    parent: rel.to_owned(),
                    after: after.map(str::to_owned),
                    xml: RawXml::from_parsed(raw),
                });
            }
        }
    }

    /// Reads an element's children when none of them is known.
    fn opaque_children(&mut self, rel: &str, empty: bool, ex: &mut Extras) -> Result<(), Fatal> {
        self.children(rel, empty, ex, |_, _, _, _| Ok(ChildRead::Unknown))
    }

    // ----------------------------------------------------------------- documents

    /// Reads the document; `interfaces` is at least how many interfaces it has, so the list
    /// of large models is allocated once and never grown and copied.
    fn document(&mut self, interfaces: usize) -> Result<ParsedDocument, Fatal> {
        let mut doc = ParsedDocument {
            root: String::new(),
            interfaces: Vec::with_capacity(interfaces),
            domain: DomainFacts::default(),
        };
        loop {
            let (start, ev) = self.next()?;
            match ev {
                Tok::Start(e) | Tok::Empty(e) => {
                    let empty = matches!(ev, Tok::Empty(_));
                    let name = e.name;
                    if !doc.root.is_empty() && (doc.root != "interface" || name != "interface") {
                        return Err(self.syntax(start, "more than one root element"));
                    }
                    match name {
                        "interface" => {
                            doc.root = "interface".into();
                            self.interface(&e, empty, start, "interface[", &mut doc)?;
                        }
                        "domain" => {
                            doc.root = "domain".into();
                            self.domain(&e, empty, &mut doc)?;
                        }
                        "domstatus" => {
                            doc.root = "domstatus".into();
                            self.domstatus(empty, &mut doc)?;
                        }
                        other => {
                            return Err(Box::new(
                                Diagnostic::error(
                                    "xml.root",
                                    "",
                                    format!(
                                        "expected <domain>, <domstatus> or <interface> as root, \
                                     found <{other}>"
                                    ),
                                )
                                .at(start),
                            ))
                        }
                    }
                }
                Tok::Text(t) => {
                    if !t.bytes().all(|b| b.is_ascii_whitespace()) {
                        return Err(self.syntax(start, "text outside the root element"));
                    }
                }
                Tok::CData => return Err(self.syntax(start, "text outside the root element")),
                Tok::End => return Err(self.syntax(start, "unexpected end tag")),
                Tok::Decl | Tok::Other => {}
                Tok::Eof => break,
            }
        }
        if doc.root.is_empty() {
            return Err(self.syntax(self.src.len(), "no root element"));
        }
        Ok(doc)
    }

    /// Skips the rest of an element whose start tag was just read, within the depth limit.
    fn skip(&mut self, _e: &Tag<'_>, start: usize) -> Result<(), Fatal> {
        let outer = self.lx.depth().saturating_sub(1);
        loop {
            match self.next()? {
                (_, Tok::End) if self.lx.depth() == outer => return Ok(()),
                (_, Tok::Eof) => return Err(self.syntax(start, "unclosed element")),
                _ => {}
            }
        }
    }

    fn domstatus(&mut self, empty: bool, doc: &mut ParsedDocument) -> Result<(), Fatal> {
        if empty {
            return Ok(());
        }
        loop {
            let (start, ev) = self.next()?;
            match ev {
                Tok::Start(e) if e.name == "domain" => {
                    doc.domain.live = true;
                    self.domain(&e, false, doc)?
                }
                Tok::Start(e) => self.skip(&e, start)?,
                Tok::End => return Ok(()),
                Tok::Eof => return Err(self.syntax(start, "unexpected end of document")),
                _ => {}
            }
        }
    }

    fn domain(&mut self, e: &Tag<'a>, empty: bool, doc: &mut ParsedDocument) -> Result<(), Fatal> {
        let attrs = self.lx.attrs_of(e);
        doc.domain.domain_type = find(attrs, "type").map(|a| a.value.to_string());
        doc.domain.live = doc.domain.live || find(attrs, "id").is_some();
        if empty {
            return Ok(());
        }
        loop {
            let (start, ev) = self.next()?;
            match ev {
                Tok::Start(e) => match e.name {
                    "devices" => self.devices(doc)?,
                    "os" => {
                        let facts = &mut doc.domain;
                        self.walk(start, |path, attrs| match path {
                            "type" => {
                                facts.arch = find(attrs, "arch").map(|a| a.value.to_string());
                                facts.machine = find(attrs, "machine").map(|a| a.value.to_string());
                            }
                            "boot" => facts.os_boot = true,
                            _ => {}
                        })?
                    }
                    "memoryBacking" => {
                        let facts = &mut doc.domain;
                        self.walk(start, |path, attrs| {
                            if path == "access" {
                                facts.memory_access =
                                    find(attrs, "mode").map(|a| a.value.to_string());
                            }
                        })?
                    }
                    "cpu" => {
                        let facts = &mut doc.domain;
                        self.walk(start, |path, attrs| {
                            if path == "numa/cell" {
                                facts
                                    .numa_cells
                                    .push(find(attrs, "memAccess").map(|a| a.value.to_string()));
                            }
                        })?
                    }
                    _ => self.skip(&e, start)?,
                },
                Tok::End => return Ok(()),
                Tok::Eof => return Err(self.syntax(start, "unexpected end of document")),
                _ => {}
            }
        }
    }

    /// Walks the subtree of the element just opened (a start tag, not an empty one), calling
    /// `f` with each element's path below it (`numa/cell`) and its attributes.
    fn walk(&mut self, start: usize, mut f: impl FnMut(&str, &[Attr<'a>])) -> Result<(), Fatal> {
        let outer = self.lx.depth().saturating_sub(1);
        let mut path = String::new();
        let mut lens: SmallVec<[usize; 8]> = SmallVec::new();
        loop {
            let (_, ev) = self.next()?;
            match ev {
                Tok::Start(e) | Tok::Empty(e) => {
                    let empty = matches!(ev, Tok::Empty(_));
                    lens.push(path.len());
                    if !path.is_empty() {
                        path.push('/');
                    }
                    path.push_str(e.name);
                    f(&path, self.lx.attrs_of(&e));
                    if empty {
                        path.truncate(lens.pop().unwrap_or(0));
                    }
                }
                Tok::End if self.lx.depth() == outer => return Ok(()),
                Tok::End => path.truncate(lens.pop().unwrap_or(0)),
                Tok::Eof => return Err(self.syntax(start, "unclosed element")),
                _ => {}
            }
        }
    }

    /// Notes what a device other than an interface says that interface rules need.
    fn device_facts(
        &mut self,
        e: &Tag<'a>,
        start: usize,
        counts: &mut rustc_hash::FxHashMap<String, usize>,
        doc: &mut ParsedDocument,
    ) -> Result<(), Fatal> {
        let n = counts.entry(e.name.to_owned()).or_insert(0);
        *n += 1;
        let mut d = DeviceFacts {
            path: format!("devices/{}[{n}]", e.name),
            offset: start,
            ..DeviceFacts::default()
        };
        let hostdev = e.name == "hostdev";
        let number = |attrs: &[Attr<'_>], name: &str| {
            find(attrs, name)
                .and_then(|a| crate::model::ids::parse_base0(&a.value).ok())
                .and_then(|v| u32::try_from(v).ok())
        };
        self.walk(start, |path, attrs| match path {
            "boot" => d.boot_order = number(attrs, "order"),
            "address" => d.pci = pci_parts(attrs, false),
            "acpi" => d.acpi_index = number(attrs, "index"),
            "source/address" if hostdev => d.host_pci = pci_parts(attrs, true),
            _ => {}
        })?;
        if d.boot_order.is_some()
            || d.pci.is_some()
            || d.acpi_index.is_some()
            || d.host_pci.is_some()
        {
            doc.domain.devices.push(d);
        }
        Ok(())
    }

    fn devices(&mut self, doc: &mut ParsedDocument) -> Result<(), Fatal> {
        let mut counts = rustc_hash::FxHashMap::default();
        loop {
            let (start, ev) = self.next()?;
            match ev {
                Tok::Start(e) if e.name == "interface" => {
                    self.interface(&e, false, start, "devices/interface[", doc)?;
                }
                Tok::Empty(e) if e.name == "interface" => {
                    self.interface(&e, true, start, "devices/interface[", doc)?;
                }
                Tok::Start(e) => self.device_facts(&e, start, &mut counts, doc)?,
                Tok::Empty(e) => *counts.entry(e.name.to_owned()).or_insert(0) += 1,
                Tok::End => return Ok(()),
                Tok::Eof => return Err(self.syntax(start, "unexpected end of document")),
                _ => {}
            }
        }
    }

    // ----------------------------------------------------------------- interface

    /// Reads one `<interface>` into a new last entry of `doc.interfaces`, built where it will
    /// stay (an interface is some 600 bytes: moving each one into the vector showed up as a
    /// few per cent of reading a large guest).
    fn interface(
        &mut self,
        e: &Tag<'a>,
        empty: bool,
        start: usize,
        path_prefix: &str,
        doc: &mut ParsedDocument,
    ) -> Result<(), Fatal> {
        self.rep.base = indexed(path_prefix, doc.interfaces.len() + 1);
        self.rep.notes.clear();
        doc.interfaces.push(ParsedInterface {
            interface: Interface::new(InterfaceKind::Ethernet),
            span: start..start,
            path: SmolStr::default(),
            notes: Vec::new(),
        });
        let Some(slot) = doc.interfaces.last_mut() else {
            return Ok(());
        };
        let attrs = self.lx.attrs_of(e);
        let mut ex = Extras::default();
        let ty = match find(attrs, "type") {
            Some(a) if a.value.is_empty() => {
                self.rep.diags.push(
                    Diagnostic::error(
                        "interface.type-missing",
                        self.rep.path("@type"),
                        "empty type attribute: expected <interface type='...'>",
                    )
                    .at(a.off),
                );
                Cow::Borrowed("")
            }
            Some(a) => a.value.clone(),
            None => {
                self.rep.diags.push(
                    Diagnostic::error(
                        "interface.type-missing",
                        self.rep.path(""),
                        "missing type attribute: expected <interface type='...'>",
                    )
                    .at(start),
                );
                Cow::Borrowed("")
            }
        };
        let iface = &mut slot.interface;
        if let Some(a) = find(attrs, "trustGuestRxFilters") {
            iface.trust_guest_rx_filters = self.rep.yes_no("", a);
        }
        // Read on every type so nothing is lost; validation says where it belongs.
        if let Some(a) = find(attrs, "managed") {
            iface.managed = self.rep.yes_no("", a);
        }
        Self::keep_attrs(&mut ex, "", attrs, g::INTERFACE.attributes);

        let mut source: Option<InterfaceKind> = None;
        self.children("", empty, &mut ex, |cx, ex, c, cempty| {
            cx.interface_child(&ty, iface, &mut source, ex, c, cempty)
        })?;
        let end = self.pos();

        iface.kind = match (&*ty, source) {
            (_, Some(k)) => k,
            ("ethernet", None) => InterfaceKind::Ethernet,
            ("user", None) => InterfaceKind::User,
            ("vhostuser", None) => InterfaceKind::VhostUser(VhostUserSource::default()),
            ("", None) => InterfaceKind::Ethernet,
            (t, None) if !InterfaceKind::is_modelled(t) => InterfaceKind::Other(OtherKind {
                type_name: SmolStr::new(t),
            }),
            (t, None) => {
                let what = match t {
                    "bridge" => "a <source bridge='...'/>",
                    "network" => "a <source network='...'/>",
                    "direct" => "a <source dev='...'/>",
                    "hostdev" => "a <source> with a pci <address/>",
                    _ => "a <source dev='...'/>",
                };
                self.rep.diags.push(
                    Diagnostic::error(
                        "source.missing",
                        self.rep.path(""),
                        format!("interface type='{t}' requires {what}"),
                    )
                    .at(start),
                );
                InterfaceKind::Ethernet
            }
        };
        writer_order(&mut ex);
        iface.extras = ex;
        slot.span = start..end;
        slot.path = std::mem::take(&mut self.rep.base);
        slot.notes = std::mem::take(&mut self.rep.notes);
        Ok(())
    }

    /// Reads one child of `<interface>`: the known ones into `iface` (the source into
    /// `source`, for the type to decide), anything else is left to be kept verbatim.
    fn interface_child(
        &mut self,
        ty: &str,
        iface: &mut Interface,
        source: &mut Option<InterfaceKind>,
        ex: &mut Extras,
        c: &Tag<'a>,
        cempty: bool,
    ) -> Result<ChildRead, Fatal> {
        let cx = self;
        match c.name {
            "source" if source.is_none() => match cx.source(ty, c, cempty, ex)? {
                // A USB hostdev: the interface is kept in the verbatim form, source and all.
                Some(k @ InterfaceKind::Other(_)) => {
                    *source = Some(k);
                    Ok(ChildRead::ReadKept)
                }
                Some(k) => {
                    *source = Some(k);
                    Ok(ChildRead::Known("source"))
                }
                None => Ok(ChildRead::Unknown),
            },
            "mac" if iface.mac.is_none() => {
                let a = cx.lx.attrs_of(c);
                let addr = find(a, "address");
                // A <mac> with none of its attributes is kept verbatim (the schema refuses it).
                if addr.is_none() && find(a, "type").is_none() && find(a, "check").is_none() {
                    return Ok(ChildRead::Unknown);
                }
                if let Some(addr) = addr {
                    iface.mac = cx.rep.id("mac", addr);
                    if iface.mac.is_some() {
                        cx.rep.declared_form(&g::MAC, "mac", addr);
                    }
                }
                if let Some(t) = find(a, "type") {
                    iface.mac_type = cx.rep.choice(
                        "mac",
                        t,
                        &[
                            ("generated", MacType::Generated),
                            ("static", MacType::Static),
                        ],
                    );
                }
                if let Some(c) = find(a, "check") {
                    iface.mac_check = cx.rep.yes_no("mac", c);
                }
                Self::keep_attrs(ex, "mac", a, g::MAC.attributes);
                cx.opaque_children("mac", cempty, ex)?;
                Ok(ChildRead::Known("mac"))
            }
            "vlan" if iface.vlan.is_none() => {
                iface.vlan = Some(cx.vlan(c, cempty, ex)?);
                Ok(ChildRead::Known("vlan"))
            }
            "virtualport" if iface.virtualport.is_none() => {
                iface.virtualport = cx.virtualport(c, cempty, ex)?;
                Ok(ChildRead::Known("virtualport"))
            }
            "bandwidth" if iface.bandwidth.is_none() => {
                iface.bandwidth = Some(Box::new(cx.bandwidth(c, cempty, ex)?));
                Ok(ChildRead::Known("bandwidth"))
            }
            "port" if iface.port_isolated.is_none() => {
                cx.simple(c, cempty, ex, &g::PORT, |rep, v| {
                    iface.port_isolated = rep.yes_no("port", v)
                })
            }
            "script" if iface.script.is_none() => cx.simple(c, cempty, ex, &g::SCRIPT, |_, v| {
                iface.script = Some(SmolStr::new(&v.value))
            }),
            "downscript" if iface.downscript.is_none() => {
                cx.simple(c, cempty, ex, &g::DOWNSCRIPT, |_, v| {
                    iface.downscript = Some(SmolStr::new(&v.value))
                })
            }
            "backenddomain" if iface.backend_domain.is_none() => {
                cx.simple(c, cempty, ex, &g::BACKENDDOMAIN, |_, v| {
                    iface.backend_domain = Some(v.value.as_ref().into())
                })
            }
            "guest" if iface.guest.is_none() => {
                let a = cx.lx.attrs_of(c);
                let guest = GuestDevice {
                    dev: find(a, "dev").map(|v| v.value.to_string()),
                    actual: find(a, "actual").map(|v| v.value.to_string()),
                };
                Self::keep_attrs(ex, "guest", a, g::GUEST.attributes);
                cx.opaque_children("guest", cempty, ex)?;
                iface.guest = Some(Box::new(guest));
                Ok(ChildRead::Known("guest"))
            }
            "target" if iface.target.is_none() => {
                let a = cx.lx.attrs_of(c);
                let mut t = Target::default();
                if let Some(d) = find(a, "dev") {
                    t.dev = cx.rep.id::<DeviceName>("target", d);
                }
                if let Some(m) = find(a, "managed") {
                    t.managed = cx.rep.yes_no("target", m);
                }
                Self::keep_attrs(ex, "target", a, g::TARGET.attributes);
                cx.opaque_children("target", cempty, ex)?;
                iface.target = Some(t);
                Ok(ChildRead::Known("target"))
            }
            "model" if iface.model.is_none() => cx.simple(c, cempty, ex, &g::MODEL, |_, v| {
                iface.model = Some(SmolStr::new(&v.value))
            }),
            "driver" if iface.driver.is_none() => {
                iface.driver = Some(cx.driver(c, cempty, ex)?);
                Ok(ChildRead::Known("driver"))
            }
            "backend" if iface.backend.is_none() => {
                let a = cx.lx.attrs_of(c);
                let b = Backend {
                    backend_type: find(a, "type").map(|v| v.value.clone().into_owned()),
                    tap: find(a, "tap").map(|v| v.value.clone().into_owned()),
                    vhost: find(a, "vhost").map(|v| v.value.clone().into_owned()),
                    log_file: find(a, "logFile").map(|v| v.value.clone().into_owned()),
                    hostname: find(a, "hostname").map(|v| v.value.clone().into_owned()),
                    fqdn: find(a, "fqdn").map(|v| v.value.clone().into_owned()),
                };
                Self::keep_attrs(ex, "backend", a, g::BACKEND.attributes);
                cx.opaque_children("backend", cempty, ex)?;
                iface.backend = Some(Box::new(b));
                Ok(ChildRead::Known("backend"))
            }
            "filterref" if iface.filterref.is_none() => {
                let a = cx.lx.attrs_of(c);
                let Some(f) = find(a, "filter") else {
                    return Ok(ChildRead::Unknown);
                };
                let mut fr = FilterRef {
                    filter: f.value.clone().into_owned(),
                    parameters: Vec::new(),
                };
                Self::keep_attrs(ex, "filterref", a, g::FILTERREF.attributes);
                cx.children("filterref", cempty, ex, |cx, ex, p, pempty| {
                    if p.name != "parameter" {
                        return Ok(ChildRead::Unknown);
                    }
                    let a = cx.lx.attrs_of(p);
                    let (Some(n), Some(v)) = (find(a, "name"), find(a, "value")) else {
                        return Ok(ChildRead::Unknown);
                    };
                    fr.parameters.push(FilterParameter {
                        name: n.value.clone().into_owned(),
                        value: v.value.clone().into_owned(),
                    });
                    let rel = indexed("filterref/parameter[", fr.parameters.len());
                    Self::keep_attrs(ex, &rel, a, g::FILTERREF_PARAMETER.attributes);
                    cx.opaque_children(&rel, pempty, ex)?;
                    Ok(ChildRead::Known("parameter"))
                })?;
                // libvirt keeps filter variables sorted by name.
                fr.parameters.sort_by(|a, b| a.name.cmp(&b.name));
                iface.filterref = Some(Box::new(fr));
                Ok(ChildRead::Known("filterref"))
            }
            "teaming" if iface.teaming.is_none() => {
                let a = cx.lx.attrs_of(c);
                let Some(t) = find(a, "type") else {
                    return Ok(ChildRead::Unknown);
                };
                let tt = cx.rep.choice(
                    "teaming",
                    t,
                    &[
                        ("persistent", TeamingType::Persistent),
                        ("transient", TeamingType::Transient),
                    ],
                );
                if let Some(tt) = tt {
                    iface.teaming = Some(Box::new(Teaming {
                        teaming_type: tt,
                        persistent: find(a, "persistent").map(|v| v.value.clone().into_owned()),
                    }));
                }
                Self::keep_attrs(ex, "teaming", a, g::TEAMING.attributes);
                cx.opaque_children("teaming", cempty, ex)?;
                Ok(ChildRead::Known("teaming"))
            }
            "link" if iface.link.is_none() => cx.simple(c, cempty, ex, &g::LINK, |rep, v| {
                iface.link = rep.choice(
                    "link",
                    v,
                    &[("up", LinkState::Up), ("down", LinkState::Down)],
                )
            }),
            "mtu" if iface.mtu.is_none() => cx.simple(c, cempty, ex, &g::MTU, |rep, v| {
                iface.mtu = rep.num("mtu", v)
            }),
            "coalesce" if iface.coalesce.is_none() => {
                iface.coalesce = Some(cx.coalesce(c, cempty, ex)?);
                Ok(ChildRead::Known("coalesce"))
            }
            "boot" if iface.boot.is_none() => cx.simple(c, cempty, ex, &g::BOOT, |rep, v| {
                iface.boot = rep.num("boot", v)
            }),
            "alias" if iface.alias.is_none() => cx.simple(c, cempty, ex, &g::ALIAS, |_, v| {
                iface.alias = Some(SmolStr::new(&v.value))
            }),
            "acpi" if iface.acpi_index.is_none() => cx.simple(c, cempty, ex, &g::ACPI, |rep, v| {
                iface.acpi_index = rep.num("acpi", v)
            }),
            "rom" if iface.rom.is_none() => {
                let a = cx.lx.attrs_of(c);
                let mut rom = Rom::default();
                if let Some(b) = find(a, "bar") {
                    rom.bar = cx.rep.on_off("rom", b);
                }
                if let Some(en) = find(a, "enabled") {
                    rom.enabled = cx.rep.yes_no("rom", en);
                }
                rom.file = find(a, "file").map(|v| v.value.clone().into_owned());
                Self::keep_attrs(ex, "rom", a, g::ROM.attributes);
                cx.opaque_children("rom", cempty, ex)?;
                iface.rom = Some(Box::new(rom));
                Ok(ChildRead::Known("rom"))
            }
            "address" if iface.address.is_none() => {
                let a = cx.lx.attrs_of(c);
                let Some(t) = find(a, "type") else {
                    return Ok(ChildRead::Unknown);
                };
                if t.value == "pci" {
                    let p = cx.rep.pci("address", a);
                    Self::keep_attrs(ex, "address", a, g::ADDRESS.attributes);
                    if let Some(p) = p {
                        let multifunction = match find(a, "multifunction") {
                            Some(m) => cx.rep.on_off("address", m),
                            None => None,
                        };
                        iface.address = Some(DeviceAddress::Pci(GuestPciAddress {
                            domain: p.domain,
                            bus: p.bus,
                            slot: p.slot,
                            function: p.function,
                            multifunction,
                        }));
                    }
                } else {
                    iface.address = Some(DeviceAddress::Other {
                        address_type: t.value.clone().into_owned(),
                    });
                    Self::keep_attrs(ex, "address", a, &g::ADDRESS.attributes[..1]);
                }
                cx.opaque_children("address", cempty, ex)?;
                Ok(ChildRead::Known("address"))
            }
            _ => Ok(ChildRead::Unknown),
        }
    }

    /// An element with one known attribute (model, alias, script, ...). Without that attribute
    /// the element is kept verbatim.
    fn simple(
        &mut self,
        c: &Tag<'a>,
        empty: bool,
        ex: &mut Extras,
        decl: &g::Element,
        mut set: impl FnMut(&mut Findings, &Attr<'a>),
    ) -> Result<ChildRead, Fatal> {
        let rel = decl.path;
        let a = self.lx.attrs_of(c);
        let Some(v) = decl.attributes.first().and_then(|attr| find(a, attr)) else {
            return Ok(ChildRead::Unknown);
        };
        set(&mut self.rep, v);
        Self::keep_attrs(ex, rel, a, decl.attributes);
        self.opaque_children(rel, empty, ex)?;
        Ok(ChildRead::Known(rel))
    }

    fn source(
        &mut self,
        ty: &str,
        c: &Tag<'a>,
        empty: bool,
        ex: &mut Extras,
    ) -> Result<Option<InterfaceKind>, Fatal> {
        let a = self.lx.attrs_of(c);
        let at = c.at;
        let missing = |cx: &mut Findings, what: &str| source_missing(cx, ty, at, what);
        let kind = match ty {
            "bridge" => {
                let br = match find(a, "bridge") {
                    Some(b) => self.rep.id::<DeviceName>("source", b),
                    None => {
                        missing(&mut self.rep, "a bridge attribute");
                        None
                    }
                };
                Self::keep_attrs(ex, "source", a, g::SOURCE_BRIDGE.attributes);
                self.opaque_children("source", empty, ex)?;
                br.map(|bridge| InterfaceKind::Bridge(BridgeSource { bridge }))
            }
            "network" => {
                let net = find(a, "network").map(|n| SmolStr::new(&n.value));
                if net.is_none() {
                    missing(&mut self.rep, "a network attribute");
                }
                let portid = match find(a, "portid") {
                    Some(p) => {
                        self.rep.declared_form(&g::SOURCE_NETWORK, "source", p);
                        self.rep.id("source", p)
                    }
                    None => None,
                };
                let portgroup = find(a, "portgroup").map(|p| SmolStr::new(&p.value));
                Self::keep_attrs(ex, "source", a, g::SOURCE_NETWORK.attributes);
                self.opaque_children("source", empty, ex)?;
                net.map(|network| {
                    InterfaceKind::Network(NetworkSource {
                        network,
                        portgroup,
                        portid,
                    })
                })
            }
            "direct" => {
                let dev = match find(a, "dev") {
                    Some(d) => self.rep.id::<DeviceName>("source", d),
                    None => {
                        missing(&mut self.rep, "a dev attribute");
                        None
                    }
                };
                let mode = match find(a, "mode") {
                    Some(m) => {
                        let table = [
                            ("vepa", DirectMode::Vepa),
                            ("bridge", DirectMode::Bridge),
                            ("private", DirectMode::Private),
                            ("passthrough", DirectMode::Passthrough),
                        ];
                        match self.rep.choice("source", m, &table) {
                            Some(v) => Some(v),
                            None => {
                                // Reported under the direct-mode rule, not the generic one.
                                if let Some(d) = self.rep.diags.last_mut() {
                                    d.rule = "direct.mode";
                                }
                                None
                            }
                        }
                    }
                    None => None,
                };
                Self::keep_attrs(ex, "source", a, g::SOURCE_DIRECT.attributes);
                self.opaque_children("source", empty, ex)?;
                dev.map(|dev| InterfaceKind::Direct(DirectSource { dev, mode }))
            }
            "vdpa" => {
                let dev = find(a, "dev").map(|d| SmolStr::new(&d.value));
                if dev.is_none() {
                    missing(&mut self.rep, "a dev attribute");
                }
                Self::keep_attrs(ex, "source", a, g::SOURCE_VDPA.attributes);
                self.opaque_children("source", empty, ex)?;
                dev.map(|dev| InterfaceKind::Vdpa(VdpaSource { dev }))
            }
            "vhostuser" => {
                return self
                    .vhostuser_source(c, empty, ex)
                    .map(|k| k.or(Some(InterfaceKind::Ethernet)))
            }
            "hostdev" => {
                return self
                    .hostdev_source(c, empty, ex, ty)
                    .map(|k| Some(k.unwrap_or(InterfaceKind::Ethernet)))
            }
            _ => return Ok(None),
        };
        // A source that was read but was invalid still counts as the source (errors recorded).
        Ok(Some(kind.unwrap_or(InterfaceKind::Ethernet)))
    }

    /// The `<source>` of `type='vhostuser'`: socket type, path, mode and `<reconnect>`.
    fn vhostuser_source(
        &mut self,
        c: &Tag<'a>,
        empty: bool,
        ex: &mut Extras,
    ) -> Result<Option<InterfaceKind>, Fatal> {
        let a = self.lx.attrs_of(c);
        let at = c.at;
        if let Some(t) = find(a, "type") {
            if t.value != "unix" {
                let msg = format!(
                    "type: invalid value '{}': expected unix (the only vhost-user \
                     socket type)",
                    t.value
                );
                self.rep.report("vhostuser.socket-type", "source", t, msg);
            }
        }
        let path = find(a, "path").map(|p| SmolStr::new(&p.value));
        if path.is_some() && find(a, "type").is_none() {
            let d = Diagnostic::error(
                "xml.noncanonical",
                self.rep.path("source"),
                "vhost-user <source> without type='unix': libvirt's schema requires it; \
                 vifxml writes it",
            )
            .at(at);
            self.rep.notes.push(d);
        }
        let mode = match find(a, "mode") {
            Some(m) => self.rep.choice(
                "source",
                m,
                &[
                    ("client", VhostUserMode::Client),
                    ("server", VhostUserMode::Server),
                ],
            ),
            None => None,
        };
        Self::keep_attrs(ex, "source", a, g::SOURCE_VHOSTUSER.attributes);
        let mut reconnect = None;
        self.children("source", empty, ex, |cx, ex, r, rempty| {
            if r.name != "reconnect" || reconnect.is_some() {
                return Ok(ChildRead::Unknown);
            }
            let ra = cx.lx.attrs_of(r);
            let Some(en) = find(ra, "enabled") else {
                return Ok(ChildRead::Unknown);
            };
            let rel = "source/reconnect";
            let enabled = cx.rep.yes_no(rel, en);
            let timeout = match find(ra, "timeout") {
                Some(t) => cx.rep.num(rel, t),
                None => None,
            };
            Self::keep_attrs(ex, rel, ra, g::SOURCE_RECONNECT.attributes);
            cx.opaque_children(rel, rempty, ex)?;
            reconnect = Some(enabled.map(|enabled| Reconnect { enabled, timeout }));
            Ok(ChildRead::Known("reconnect"))
        })?;
        Ok(Some(InterfaceKind::VhostUser(VhostUserSource {
            path,
            mode,
            reconnect: reconnect.flatten(),
        })))
    }

    /// The `<source>` of `type='hostdev'`: the VF's pci `<address>`.
    fn hostdev_source(
        &mut self,
        c: &Tag<'a>,
        empty: bool,
        ex: &mut Extras,
        ty: &str,
    ) -> Result<Option<InterfaceKind>, Fatal> {
        let a = self.lx.attrs_of(c);
        let at = c.at;
        // A USB device is kept in the verbatim form: what this reads of it is dropped again.
        let (kept_attrs, kept_nodes) = (ex.attributes.len(), ex.elements.len());
        Self::keep_attrs(ex, "source", a, g::SOURCE_HOSTDEV.attributes);
        let mut addr: Option<Option<PciAddress>> = None;
        let mut usb = false;
        self.children("source", empty, ex, |cx, ex, c, cempty| {
            if c.name != "address" || addr.is_some() || usb {
                return Ok(ChildRead::Unknown);
            }
            let aa = cx.lx.attrs_of(c);
            let rel = "source/address";
            match find(aa, "type") {
                Some(t) if t.value == "pci" => {}
                Some(t) if t.value == "usb" => {
                    usb = true;
                    return Ok(ChildRead::Unknown);
                }
                Some(t) => {
                    let msg = format!(
                        "type: invalid value '{}': a hostdev interface needs a pci or usb address",
                        t.value
                    );
                    cx.rep.report("hostdev.address-type", rel, t, msg);
                }
                None => return Ok(ChildRead::Unknown),
            }
            addr = Some(cx.rep.pci(rel, aa));
            Self::keep_attrs(ex, rel, aa, g::SOURCE_ADDRESS.attributes);
            cx.opaque_children(rel, cempty, ex)?;
            Ok(ChildRead::Known("address"))
        })?;
        if usb && addr.is_none() {
            ex.attributes.truncate(kept_attrs);
            ex.elements.truncate(kept_nodes);
            return Ok(Some(InterfaceKind::Other(OtherKind {
                type_name: SmolStr::new_static("hostdev"),
            })));
        }
        Ok(match addr {
            Some(Some(address)) => Some(InterfaceKind::Hostdev(HostdevSource { address })),
            Some(None) => None,
            None => {
                source_missing(&mut self.rep, ty, at, "a pci <address/>");
                None
            }
        })
    }

    fn vlan(&mut self, c: &Tag<'a>, empty: bool, ex: &mut Extras) -> Result<Vlan, Fatal> {
        let a = self.lx.attrs_of(c);
        let mut vlan = Vlan::default();
        if let Some(t) = find(a, "trunk") {
            vlan.trunk = self.rep.yes_no("vlan", t);
        }
        Self::keep_attrs(ex, "vlan", a, g::VLAN.attributes);
        let mut n = 0usize;
        self.children("vlan", empty, ex, |cx, ex, t, tempty| {
            if t.name != "tag" {
                return Ok(ChildRead::Unknown);
            }
            let ta = cx.lx.attrs_of(t);
            let Some(id) = find(ta, "id") else {
                return Ok(ChildRead::Unknown);
            };
            n += 1;
            // `vlan/tag[N]`, inline: no allocation.
            let rel = indexed("vlan/tag[", n);
            let id = cx.rep.id(&rel, id);
            let native_mode = match find(ta, "nativeMode") {
                Some(m) => cx.rep.choice(
                    &rel,
                    m,
                    &[
                        ("tagged", NativeMode::Tagged),
                        ("untagged", NativeMode::Untagged),
                    ],
                ),
                None => None,
            };
            if let Some(id) = id {
                vlan.tags.push(VlanTagSpec { id, native_mode });
            }
            Self::keep_attrs(ex, &rel, ta, g::VLAN_TAG.attributes);
            cx.opaque_children(&rel, tempty, ex)?;
            Ok(ChildRead::Known("tag"))
        })?;
        Ok(vlan)
    }

    fn virtualport(
        &mut self,
        c: &Tag<'a>,
        empty: bool,
        ex: &mut Extras,
    ) -> Result<Option<VirtualPort>, Fatal> {
        let a = self.lx.attrs_of(c);
        let ty = find(a, "type").map(|t| (t.value.clone(), t.off));
        Self::keep_attrs(ex, "virtualport", a, g::VIRTUALPORT.attributes);
        let mut params: Option<Untyped> = None;
        // The known parameters given, with their offsets: each at most once (the tokenizer
        // refuses repeated attributes), so six places suffice.
        let mut given: [(&'static str, usize); 6] = [("", 0); 6];
        let mut ngiven = 0usize;
        self.children("virtualport", empty, ex, |cx, ex, p, pempty| {
            if p.name != "parameters" || params.is_some() {
                return Ok(ChildRead::Unknown);
            }
            let rel = "virtualport/parameters";
            let pa = cx.lx.attrs_of(p);
            let mut u = Untyped::default();
            for attr in pa.iter() {
                cx.rep.declared_form(&g::PARAMETERS_UNTYPED, rel, attr);
                if attr.name == "profileid" && attr.value.is_empty() {
                    // libvirt treats an empty profileid as absent.
                    continue;
                }
                let name: &'static str = match attr.name {
                    "managerid" => {
                        u.managerid = cx.rep.id(rel, attr);
                        "managerid"
                    }
                    "typeid" => {
                        u.typeid = cx.rep.id(rel, attr);
                        "typeid"
                    }
                    "typeidversion" => {
                        u.typeidversion = cx.rep.id(rel, attr);
                        "typeidversion"
                    }
                    "instanceid" => {
                        u.instanceid = cx.rep.id(rel, attr);
                        "instanceid"
                    }
                    "interfaceid" => {
                        u.interfaceid = cx.rep.id(rel, attr);
                        "interfaceid"
                    }
                    "profileid" => {
                        u.profileid = cx.rep.id(rel, attr);
                        "profileid"
                    }
                    _ => continue,
                };
                if let Some(g) = given.get_mut(ngiven) {
                    *g = (name, attr.off);
                    ngiven += 1;
                }
            }
            // Every parameter is read on every virtualport type (validation says where each
            // belongs): the untyped form declares them all.
            Self::keep_attrs(ex, rel, pa, g::PARAMETERS_UNTYPED.attributes);
            cx.opaque_children(rel, pempty, ex)?;
            params = Some(u);
            Ok(ChildRead::Known("parameters"))
        })?;
        let u = params.unwrap_or_default();
        let allowed: &[&str] = match ty.as_ref().map(|(t, _)| &**t) {
            None => return Ok(Some(VirtualPort::Untyped(u))),
            Some("802.1Qbg") => &["managerid", "typeid", "typeidversion", "instanceid"],
            Some("802.1Qbh") => &["profileid"],
            Some("openvswitch") => &["interfaceid", "profileid"],
            Some("midonet") => &["interfaceid"],
            Some(other) => {
                let off = ty.as_ref().map_or(0, |(_, o)| *o);
                self.rep.diags.push(
                    Diagnostic::error(
                        "virtualport.type",
                        self.rep.path("virtualport/@type"),
                        format!(
                            "unknown virtualport type '{other}': expected 802.1Qbg, 802.1Qbh, \
                             openvswitch or midonet"
                        ),
                    )
                    .at(off),
                );
                return Ok(None);
            }
        };
        let tname = ty.as_ref().map_or("", |(t, _)| &**t);
        for (name, off) in &given[..ngiven] {
            if !allowed.contains(name) {
                self.rep.diags.push(
                    Diagnostic::error(
                        "virtualport.extra-parameter",
                        self.rep.path(&format!("virtualport/parameters/@{name}")),
                        format!(
                            "{name} is not a parameter of a {tname} virtualport: expected only {}",
                            allowed.join(", ")
                        ),
                    )
                    .at(*off),
                );
            }
        }
        Ok(Some(match tname {
            "802.1Qbg" => VirtualPort::Qbg(Qbg {
                managerid: u.managerid,
                typeid: u.typeid,
                typeidversion: u.typeidversion,
                instanceid: u.instanceid,
            }),
            "802.1Qbh" => VirtualPort::Qbh(Qbh {
                profileid: u.profileid,
            }),
            "openvswitch" => VirtualPort::OpenVSwitch(OpenVSwitch {
                interfaceid: u.interfaceid,
                profileid: u.profileid,
            }),
            _ => VirtualPort::Midonet(Midonet {
                interfaceid: u.interfaceid,
            }),
        }))
    }

    fn bandwidth(&mut self, c: &Tag<'a>, empty: bool, ex: &mut Extras) -> Result<Bandwidth, Fatal> {
        let a = self.lx.attrs_of(c);
        Self::keep_attrs(ex, "bandwidth", a, g::BANDWIDTH.attributes);
        let mut bw = Bandwidth::default();
        self.children("bandwidth", empty, ex, |cx, ex, d, dempty| {
            let (rel, name) = match d.name {
                "inbound" if bw.inbound.is_none() => ("bandwidth/inbound", "inbound"),
                "outbound" if bw.outbound.is_none() => ("bandwidth/outbound", "outbound"),
                _ => return Ok(ChildRead::Unknown),
            };
            let da = cx.lx.attrs_of(d);
            let mut rate = Rate::default();
            for attr in da.iter() {
                cx.rep.declared_form(&g::BANDWIDTH_INBOUND, rel, attr);
                match attr.name {
                    "average" => rate.average = cx.rep.num(rel, attr),
                    "peak" => rate.peak = cx.rep.num(rel, attr),
                    "burst" => rate.burst = cx.rep.num(rel, attr),
                    "floor" => rate.floor = cx.rep.num(rel, attr),
                    _ => {}
                }
            }
            Self::keep_attrs(ex, rel, da, g::BANDWIDTH_INBOUND.attributes);
            cx.opaque_children(rel, dempty, ex)?;
            if name == "inbound" {
                bw.inbound = Some(rate);
                Ok(ChildRead::Known("inbound"))
            } else {
                bw.outbound = Some(rate);
                Ok(ChildRead::Known("outbound"))
            }
        })?;
        Ok(bw)
    }

    fn driver(&mut self, c: &Tag<'a>, empty: bool, ex: &mut Extras) -> Result<Driver, Fatal> {
        let a = self.lx.attrs_of(c);
        let mut d = Driver::default();
        let rel = "driver";
        for attr in a.iter() {
            match attr.name {
                "name" => d.name = Some(SmolStr::new(&attr.value)),
                "txmode" => d.txmode = Some(SmolStr::new(&attr.value)),
                "queues" => d.queues = self.rep.num(rel, attr),
                "rx_queue_size" => d.rx_queue_size = self.rep.num(rel, attr),
                "tx_queue_size" => d.tx_queue_size = self.rep.num(rel, attr),
                "ioeventfd" => d.ioeventfd = self.rep.on_off(rel, attr),
                "event_idx" => d.event_idx = self.rep.on_off(rel, attr),
                "packed" => d.packed = self.rep.on_off(rel, attr),
                "page_per_vq" => d.page_per_vq = self.rep.on_off(rel, attr),
                "iommu" => d.iommu = self.rep.on_off(rel, attr),
                "ats" => d.ats = self.rep.on_off(rel, attr),
                "rss" => d.rss = self.rep.on_off(rel, attr),
                "rss_hash_report" => d.rss_hash_report = self.rep.on_off(rel, attr),
                _ => {}
            }
        }
        Self::keep_attrs(ex, rel, a, g::DRIVER.attributes);
        self.children(rel, empty, ex, |cx, ex, o, oempty| match o.name {
            "host" if d.host.is_none() => {
                let rel = "driver/host";
                let oa = cx.lx.attrs_of(o);
                let mut h = HostOffloads::default();
                for attr in oa.iter() {
                    match attr.name {
                        "csum" => h.csum = cx.rep.on_off(rel, attr),
                        "gso" => h.gso = cx.rep.on_off(rel, attr),
                        "tso4" => h.tso4 = cx.rep.on_off(rel, attr),
                        "tso6" => h.tso6 = cx.rep.on_off(rel, attr),
                        "ecn" => h.ecn = cx.rep.on_off(rel, attr),
                        "ufo" => h.ufo = cx.rep.on_off(rel, attr),
                        "mrg_rxbuf" => h.mrg_rxbuf = cx.rep.on_off(rel, attr),
                        _ => {}
                    }
                }
                Self::keep_attrs(ex, rel, oa, g::DRIVER_HOST.attributes);
                cx.opaque_children(rel, oempty, ex)?;
                d.host = Some(h);
                Ok(ChildRead::Known("host"))
            }
            "guest" if d.guest.is_none() => {
                let rel = "driver/guest";
                let oa = cx.lx.attrs_of(o);
                let mut g = GuestOffloads::default();
                for attr in oa.iter() {
                    match attr.name {
                        "csum" => g.csum = cx.rep.on_off(rel, attr),
                        "tso4" => g.tso4 = cx.rep.on_off(rel, attr),
                        "tso6" => g.tso6 = cx.rep.on_off(rel, attr),
                        "ecn" => g.ecn = cx.rep.on_off(rel, attr),
                        "ufo" => g.ufo = cx.rep.on_off(rel, attr),
                        _ => {}
                    }
                }
                Self::keep_attrs(ex, rel, oa, g::DRIVER_GUEST.attributes);
                cx.opaque_children(rel, oempty, ex)?;
                d.guest = Some(g);
                Ok(ChildRead::Known("guest"))
            }
            _ => Ok(ChildRead::Unknown),
        })?;
        Ok(d)
    }

    fn coalesce(&mut self, c: &Tag<'a>, empty: bool, ex: &mut Extras) -> Result<Coalesce, Fatal> {
        let mut co = Coalesce::default();
        Self::keep_attrs(ex, "coalesce", self.lx.attrs_of(c), g::COALESCE.attributes);
        let mut rx_seen = false;
        self.children("coalesce", empty, ex, |cx, ex, rx, rxempty| {
            if rx.name != "rx" || rx_seen {
                return Ok(ChildRead::Unknown);
            }
            rx_seen = true;
            let ra = cx.lx.attrs_of(rx);
            Self::keep_attrs(ex, "coalesce/rx", ra, g::COALESCE_RX.attributes);
            let mut frames_seen = false;
            cx.children("coalesce/rx", rxempty, ex, |cx, ex, f, fempty| {
                if f.name != "frames" || frames_seen {
                    return Ok(ChildRead::Unknown);
                }
                frames_seen = true;
                let rel = "coalesce/rx/frames";
                let fa = cx.lx.attrs_of(f);
                if let Some(m) = find(fa, "max") {
                    co.rx_max_frames = cx.rep.num(rel, m);
                }
                Self::keep_attrs(ex, rel, fa, g::COALESCE_RX_FRAMES.attributes);
                cx.opaque_children(rel, fempty, ex)?;
                Ok(ChildRead::Known("frames"))
            })?;
            Ok(ChildRead::Known("rx"))
        })?;
        Ok(co)
    }
}

/// Reports a `<source>` that lacks what its interface type requires.
fn source_missing(rep: &mut Findings, ty: &str, at: usize, what: &str) {
    let d = Diagnostic::error(
        "source.missing",
        rep.path("source"),
        format!("interface type='{ty}' requires {what} on <source>"),
    )
    .at(at);
    rep.diags.push(d);
}

/// Puts kept content in the order the writer writes it (the grammar's element order; each
/// element's kept attributes in the order they were read), so that a document whose elements
/// came in another order reads back the same after a render.
fn writer_order(ex: &mut Extras) {
    sort_by_rank(&mut ex.attributes, |a| g::anchor_rank(&a.element, None));
    sort_by_rank(&mut ex.elements, |n| {
        g::anchor_rank(&n.parent, n.after.as_deref())
    });
}

/// Sorts `items` stably by `rank` when they are not in its order already (each rank computed
/// once for the check; again only when a sort is needed, which documents in libvirt's order
/// never need).
fn sort_by_rank<T>(items: &mut [T], rank: impl Fn(&T) -> Vec<(u32, u32)>) {
    if items.len() < 2 {
        return;
    }
    let ranks: Vec<_> = items.iter().map(&rank).collect();
    if !ranks.is_sorted() {
        items.sort_by_cached_key(rank);
    }
}

/// Anchors every kept copy of a known child (a second `<mac>`, a `<model>` without type, ...)
/// right after the known one, wherever it stood: the writer then never puts a copy first, where
/// it would be read instead, and the anchor is the same when the output is read again.
fn anchor_copies(kept: &mut [ExtraNode], rel: &str, known: &[&'static str]) {
    if known.is_empty() {
        return;
    }
    for n in kept.iter_mut().filter(|n| n.parent == rel) {
        let name = n.xml.as_str().strip_prefix('<').and_then(|s| {
            s.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                .next()
        });
        if let Some(k) = name.and_then(|name| known.iter().find(|k| **k == name)) {
            n.after = Some((*k).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{canonical_hex, indexed};
    use crate::model::ids::{IdErrorKind, PciAddress};
    use crate::xml::forms::{schema_accepts, Form};

    /// The PCI parts' schema forms are the grammar's (guest and host addresses alike).
    #[test]
    fn pci_part_forms_are_the_grammars() {
        use crate::xml::grammar as g;
        for decl in [g::ADDRESS, g::SOURCE_ADDRESS] {
            for (name, form) in [
                ("domain", Form::Uint32),
                ("bus", Form::Uint8),
                ("slot", Form::PciSlot),
                ("function", Form::PciFunc),
            ] {
                assert_eq!(decl.form_of(name), Some(form), "{} {name}", decl.path);
            }
        }
    }

    /// The shortcut for PCI address parts takes only what the schema takes, and reads it as the
    /// general reader does.
    #[test]
    fn canonical_hex_agrees_with_the_general_reader() {
        let parts = [
            (
                IdErrorKind::PciDomainRange,
                Form::Uint32,
                8,
                PciAddress::DOMAIN_MAX,
            ),
            (
                IdErrorKind::PciBusRange,
                Form::Uint8,
                2,
                PciAddress::BUS_MAX,
            ),
            (
                IdErrorKind::PciSlotRange,
                Form::PciSlot,
                2,
                PciAddress::SLOT_MAX,
            ),
            (
                IdErrorKind::PciFunctionRange,
                Form::PciFunc,
                1,
                PciAddress::FUNCTION_MAX,
            ),
        ];
        let values = [
            "0x0",
            "0x7",
            "0x8",
            "0x00",
            "0x1f",
            "0x1F",
            "0x20",
            "0xff",
            "0x100",
            "0x0000",
            "0xffffffff",
            "0x100000000",
            "0x",
            "0X1",
            "0x-1",
            "0x1g",
            "7",
            "010",
            " 0x1",
            "0x01",
        ];
        for (kind, form, digits, max) in parts {
            for v in values {
                if let Some(n) = canonical_hex(v, digits).filter(|&n| n <= max) {
                    assert!(schema_accepts(form, v), "{kind:?} {v}");
                    assert_eq!(
                        PciAddress::parse_part(kind, v).ok(),
                        Some(n),
                        "{kind:?} {v}"
                    );
                }
            }
        }
        assert_eq!(canonical_hex("0x1f", 2), Some(31));
        assert_eq!(canonical_hex("0x01f", 2), None);
    }

    /// The prescan's count is at least the number of interfaces (so the list is never grown),
    /// and exact on a guest whose only `<i` elements are interfaces.
    #[test]
    fn prescan_counts_interfaces() {
        for n in [0, 1, 7, 100, 333] {
            let ifaces = crate::generate::interfaces(0..n).unwrap();
            let doc = crate::generate::domain_xml("count", &ifaces);
            let p = super::prescan(doc.as_bytes());
            assert_eq!(p.interfaces, n, "{n}");
            assert!(!p.suspicious);
        }
        let p = super::prescan(b"<domain><devices><input/><interface/></devices></domain>\x01");
        assert_eq!((p.interfaces, p.suspicious), (1, true));
    }

    /// Element paths are the same text whether they fit inline (up to 23 bytes) or not.
    #[test]
    fn indexed_paths() {
        for n in [0, 1, 9, 10, 99, 9_999, 10_000, 123_456_789, usize::MAX] {
            for prefix in ["devices/interface[", "interface[", "vlan/tag[", ""] {
                assert_eq!(indexed(prefix, n), format!("{prefix}{n}]"));
            }
        }
    }
}
