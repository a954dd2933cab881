//! Editing the interfaces of an existing guest document without touching anything else.
//!
//! A [`Domain`] is the document text as read plus the byte span of every `<interface>` under
//! `<devices>`. [`Domain::add`], [`Domain::replace`] and [`Domain::remove`] splice only those
//! spans (and, for `add`, the point where the new element goes); every other byte — comments,
//! processing instructions, namespaced elements such as `<qemu:commandline>`, white space,
//! attribute quoting, CRLF line ends — is written back exactly as read.
//!
//! ```
//! use vifxml::domain::{Domain, Selector};
//! let src = "<domain type='kvm'>\n  <!-- keep me -->\n  <devices>\n    \
//!            <interface type=\"user\"/>\n  </devices>\n</domain>\n";
//! let mut dom = Domain::parse(src).unwrap();
//! let new = vifxml::spec::from_str("type: bridge\nsource: {bridge: br0}\nmac: '52:54:00:00:00:02'")
//!     .unwrap()
//!     .remove(0);
//! dom.add(new).unwrap();
//! dom.remove(Selector::Index(0)).unwrap();
//! assert_eq!(
//!     dom.to_string(),
//!     "<domain type='kvm'>\n  <!-- keep me -->\n  <devices>\n    \
//!      <interface type='bridge'>\n      <mac address='52:54:00:00:00:02'/>\n      \
//!      <source bridge='br0'/>\n    </interface>\n  </devices>\n</domain>\n"
//! );
//! assert!(dom.validate().iter().all(|d| !d.is_error()));
//! ```

use smol_str::SmolStr;
use std::fmt;
use std::ops::Range;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::ids::MacAddr;
use crate::model::Interface;
use crate::xml::lex::{Lexer, Tok};
use crate::xml::{ParsedDocument, ParsedInterface};

/// A `<domain>` (or `<domstatus>`) document open for interface edits.
///
/// ```
/// let dom = vifxml::domain::Domain::parse(
///     "<domain><devices><interface type='user'/></devices></domain>",
/// ).unwrap();
/// assert_eq!(dom.interfaces().len(), 1);
/// assert_eq!(dom.interfaces()[0].path, "devices/interface[1]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The current text: the original buffer with the edits spliced in.
    text: String,
    /// Root name and the interfaces, with spans into `text`.
    doc: ParsedDocument,
}

/// Which interface an edit applies to.
///
/// ```
/// use vifxml::domain::Selector;
/// let by_index = Selector::Index(0); // the first <interface> under <devices>
/// let by_mac: Selector = "52:54:00:AB:CD:EF".parse().unwrap(); // any case, 1- or 2-digit groups
/// assert_eq!(by_mac.to_string(), "mac 52:54:00:ab:cd:ef");
/// assert_eq!(by_index.to_string(), "index 0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selector {
    /// 0-based position among the `<interface>` elements under `<devices>`, in document order
    /// (`devices/interface[1]` is index 0).
    Index(usize),
    /// The interface whose `<mac address='...'/>` is this address; it must match exactly one.
    Mac(MacAddr),
}

impl From<usize> for Selector {
    /// `Selector::from(2)` selects `devices/interface[3]`.
    fn from(i: usize) -> Self {
        Selector::Index(i)
    }
}

impl From<MacAddr> for Selector {
    /// Selects by MAC address.
    fn from(m: MacAddr) -> Self {
        Selector::Mac(m)
    }
}

impl std::str::FromStr for Selector {
    type Err = crate::model::ids::IdError;

    /// All digits: an index (`"0"`); anything else: a MAC address (`"52:54:00:00:00:01"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse::<usize>() {
                return Ok(Selector::Index(i));
            }
        }
        s.parse::<MacAddr>().map(Selector::Mac)
    }
}

impl fmt::Display for Selector {
    /// `index 0` or `mac 52:54:00:00:00:01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Index(i) => write!(f, "index {i}"),
            Selector::Mac(m) => write!(f, "mac {m}"),
        }
    }
}

/// Why an edit was not made. The document is unchanged when an edit fails.
///
/// ```
/// use vifxml::domain::{Domain, EditError, Selector};
/// let mut dom = Domain::parse("<domain><devices/></domain>").unwrap();
/// assert_eq!(
///     dom.remove(Selector::Index(0)),
///     Err(EditError::NoSuchIndex { index: 0, count: 0 })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// `Selector::Index` past the last interface.
    #[error(
        "no interface at index {index}: the document has {count} interface(s), indices start at 0"
    )]
    NoSuchIndex {
        /// The index asked for.
        index: usize,
        /// How many interfaces there are.
        count: usize,
    },
    /// No interface has this MAC address.
    #[error("no interface has mac address {mac}")]
    NoSuchMac {
        /// The address asked for.
        mac: MacAddr,
    },
    /// Several interfaces have this MAC address.
    #[error(
        "mac address {mac} matches {} interfaces: {}; select one with its index",
        .matches.len(),
        .matches.iter().map(|(i, p)| format!("{p} (index {i})")).collect::<Vec<_>>().join(", ")
    )]
    AmbiguousMac {
        /// The address asked for.
        mac: MacAddr,
        /// Index and element path of every interface that has it.
        matches: Vec<(usize, String)>,
    },
    /// The document has no place for a new interface (a `<domstatus>` without `<domain>`).
    #[error("cannot edit the document: {0}")]
    Structure(String),
    /// The new interface, as written, does not read back (a model value the reader refuses).
    #[error("the new interface does not read back: {0}")]
    Reparse(Diagnostics),
}

impl Domain {
    /// Reads a `<domain>` or `<domstatus>` document (`virsh dumpxml`, a status file). Any other
    /// root, including a bare `<interface>`, is refused with rule `xml.root`.
    ///
    /// ```
    /// use vifxml::domain::Domain;
    /// assert!(Domain::parse("<domain><devices/></domain>").is_ok());
    /// let err = Domain::parse("<interface type='user'/>").unwrap_err();
    /// assert!(err.has("xml.root"));
    /// ```
    pub fn parse(src: &str) -> Result<Domain, Diagnostics> {
        let doc = crate::xml::parse_document(src)?;
        if doc.root != "domain" && doc.root != "domstatus" {
            let mut d = Diagnostic::error(
                "xml.root",
                "",
                format!(
                    "expected a <domain> or <domstatus> document (virsh dumpxml), found <{}>: \
                     interfaces can only be edited inside a guest's devices",
                    doc.root
                ),
            );
            if let Some(off) = root_offset(src) {
                d = d.at(off);
            }
            return Err(Diagnostics::one(d));
        }
        Ok(Domain {
            text: src.to_owned(),
            doc,
        })
    }

    /// The root element name: `domain` or `domstatus`.
    ///
    /// ```
    /// let dom = vifxml::domain::Domain::parse("<domain/>").unwrap();
    /// assert_eq!(dom.root(), "domain");
    /// ```
    pub fn root(&self) -> &str {
        &self.doc.root
    }

    /// The interfaces under `<devices>` in document order, each with its element path
    /// (`devices/interface[N]`, 1-based as in XPath) and byte span in [`Domain::as_str`]. The
    /// position in this slice is the index a [`Selector::Index`] uses (0-based).
    ///
    /// ```
    /// let src = "<domain><devices><interface type='user'/></devices></domain>";
    /// let dom = vifxml::domain::Domain::parse(src).unwrap();
    /// let first = &dom.interfaces()[0];
    /// assert_eq!(&src[first.span.clone()], "<interface type='user'/>");
    /// assert_eq!(first.interface.kind.type_name(), "user");
    /// ```
    pub fn interfaces(&self) -> &[ParsedInterface] {
        &self.doc.interfaces
    }

    /// The document as a [`ParsedDocument`], for [`crate::validate::validate_document`].
    ///
    /// ```
    /// let dom = vifxml::domain::Domain::parse("<domain><devices/></domain>").unwrap();
    /// assert_eq!(dom.document().root, "domain");
    /// ```
    pub fn document(&self) -> &ParsedDocument {
        &self.doc
    }

    /// The current text (what [`ToString::to_string`] returns).
    ///
    /// ```
    /// let src = "<?xml version='1.0'?>\r\n<domain><!-- c --></domain>\r\n";
    /// assert_eq!(vifxml::domain::Domain::parse(src).unwrap().as_str(), src);
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The current text, by value.
    ///
    /// ```
    /// let dom = vifxml::domain::Domain::parse("<domain/>").unwrap();
    /// assert_eq!(dom.into_string(), "<domain/>");
    /// ```
    pub fn into_string(self) -> String {
        self.text
    }

    /// The 0-based index of the interface a selector names.
    ///
    /// ```
    /// use vifxml::domain::{Domain, Selector};
    /// let dom = Domain::parse(
    ///     "<domain><devices><interface type='user'><mac address='52:54:00:00:00:0a'/>\
    ///      </interface></devices></domain>",
    /// ).unwrap();
    /// assert_eq!(dom.select(&"52:54:0:0:0:A".parse().unwrap()), Ok(0));
    /// assert!(dom.select(&Selector::Index(1)).is_err());
    /// ```
    pub fn select(&self, sel: &Selector) -> Result<usize, EditError> {
        let ifaces = &self.doc.interfaces;
        select_among(
            *sel,
            ifaces.len(),
            |i| ifaces[i].interface.mac,
            |i| ifaces[i].path.to_string(),
        )
    }

    /// Adds an interface after the last `<interface>` (and after any comments that follow it on
    /// its line). Without interfaces it becomes the last child of `<devices>`; an empty
    /// `<devices/>` is expanded and a missing `<devices>` is created. It is indented like its
    /// siblings, with the document's indent step and line ends. Returns its index.
    ///
    /// ```
    /// use vifxml::domain::Domain;
    /// let mut dom = Domain::parse("<domain>\n\t<devices/>\n</domain>\n").unwrap();
    /// let iface = vifxml::xml::parse_interface("<interface type='user'/>").unwrap();
    /// assert_eq!(dom.add(iface), Ok(0));
    /// assert_eq!(
    ///     dom.as_str(),
    ///     "<domain>\n\t<devices>\n\t\t<interface type='user'/>\n\t</devices>\n</domain>\n"
    /// );
    /// ```
    pub fn add(&mut self, iface: Interface) -> Result<usize, EditError> {
        let nl = newline(&self.text);
        let lay = scan(&self.text, false)?;
        let step = lay.step.as_str();
        // (range replaced, new text, offset of the interface's start tag in the new text,
        //  rendered element).
        let (range, new, at, elem) = if let Some(last) = self.doc.interfaces.last() {
            let indent = match line_indent(&self.text, last.span.start) {
                Some(i) => i.to_owned(),
                None => lay.child_indent(&self.text, lay.devices.as_ref()),
            };
            let elem = render_element(&iface, &indent, step, nl);
            let pos = after_trailing_comments(&self.text, last.span.end);
            let mut s = String::with_capacity(nl.len() + indent.len() + elem.len());
            s.push_str(nl);
            s.push_str(&indent);
            let at = s.len();
            s.push_str(&elem);
            (pos..pos, s, at, elem)
        } else if let Some(dev) = &lay.devices {
            let indent = lay.child_indent(&self.text, Some(dev));
            let elem = render_element(&iface, &indent, step, nl);
            let block = format!("{indent}{elem}{nl}");
            let (range, s, off) = insert_into(&self.text, dev, "devices", &block, nl);
            (range, s, off + indent.len(), elem)
        } else if let Some(dom) = &lay.domain {
            let dev_indent = lay.child_indent(&self.text, Some(dom));
            let indent = format!("{dev_indent}{step}");
            let elem = render_element(&iface, &indent, step, nl);
            let head = format!("{dev_indent}<devices>{nl}{indent}");
            let block = format!("{head}{elem}{nl}{dev_indent}</devices>{nl}");
            let (range, s, off) = insert_into(&self.text, dom, "domain", &block, nl);
            (range, s, off + head.len(), elem)
        } else {
            return Err(EditError::Structure(format!(
                "no <domain> element inside <{}> to add the interface to",
                self.doc.root
            )));
        };
        let model = crate::xml::parse_interface(&elem).map_err(EditError::Reparse)?;
        debug_assert_eq!(new.get(at..at + elem.len()), Some(elem.as_str()));
        let start = range.start + at;
        let span = start..start + elem.len();
        self.splice(range, &new);
        let index = self
            .doc
            .interfaces
            .iter()
            .take_while(|p| p.span.start < span.start)
            .count();
        self.doc.interfaces.insert(
            index,
            ParsedInterface {
                interface: model,
                span,
                path: SmolStr::default(),
                notes: Vec::new(),
            },
        );
        self.renumber();
        Ok(index)
    }

    /// Replaces the selected interface with `iface`, written at the replaced element's own
    /// indentation. Returns the interface that was replaced.
    ///
    /// ```
    /// use vifxml::domain::{Domain, Selector};
    /// let mut dom = Domain::parse(
    ///     "<domain>\n  <devices>\n    <interface type='user'/> <!-- nic -->\n  </devices>\n</domain>",
    /// ).unwrap();
    /// let ovs = vifxml::spec::from_str(
    ///     r#"{"type": "bridge", "source": {"bridge": "br-int"}, "virtualport": {"type": "openvswitch"}}"#,
    /// ).unwrap().remove(0);
    /// let old = dom.replace(Selector::Index(0), ovs).unwrap();
    /// assert_eq!(old.kind.type_name(), "user");
    /// assert_eq!(
    ///     dom.as_str(),
    ///     "<domain>\n  <devices>\n    <interface type='bridge'>\n      \
    ///      <source bridge='br-int'/>\n      <virtualport type='openvswitch'/>\n    \
    ///      </interface> <!-- nic -->\n  </devices>\n</domain>"
    /// );
    /// ```
    pub fn replace(&mut self, sel: Selector, iface: Interface) -> Result<Interface, EditError> {
        let idx = self.select(&sel)?;
        let span = self.doc.interfaces[idx].span.clone();
        let lay = scan(&self.text, false)?;
        let (elem, model) = replacement(&self.text, &lay, span.start, &iface)?;
        let start = span.start;
        self.splice(span, &elem);
        let p = &mut self.doc.interfaces[idx];
        p.span = start..start + elem.len();
        Ok(std::mem::replace(&mut p.interface, model))
    }

    /// Removes the selected interface. When it is alone on its line, the line goes too (its
    /// indentation and line end); nothing else is touched. Returns the removed interface.
    ///
    /// ```
    /// use vifxml::domain::{Domain, Selector};
    /// let mut dom = Domain::parse(
    ///     "<domain>\r\n  <devices>\r\n    <interface type='user'>\r\n      \
    ///      <mac address='52:54:00:00:00:01'/>\r\n    </interface>\r\n  </devices>\r\n</domain>\r\n",
    /// ).unwrap();
    /// dom.remove("52:54:00:00:00:01".parse().unwrap()).unwrap();
    /// assert_eq!(dom.as_str(), "<domain>\r\n  <devices>\r\n  </devices>\r\n</domain>\r\n");
    /// ```
    pub fn remove(&mut self, sel: Selector) -> Result<Interface, EditError> {
        let idx = self.select(&sel)?;
        let span = self.doc.interfaces[idx].span.clone();
        let range = removal_range(&self.text, span);
        self.splice(range, "");
        let removed = self.doc.interfaces.remove(idx);
        self.renumber();
        Ok(removed.interface)
    }

    /// Validates the current document: every interface plus the rules across devices, with
    /// line:column offsets into [`Domain::as_str`] (see [`crate::validate::validate_document`]).
    ///
    /// ```
    /// let dom = vifxml::domain::Domain::parse(
    ///     "<domain><devices>\
    ///        <interface type='user'><target dev='tap0'/></interface>\
    ///        <interface type='user'><target dev='tap0'/></interface>\
    ///      </devices></domain>",
    /// ).unwrap();
    /// assert_eq!(dom.validate()[0].rule, "devices.duplicate-target");
    /// ```
    pub fn validate(&self) -> Vec<Diagnostic> {
        crate::validate::validate_document(&self.text, &self.doc)
    }

    /// Replaces `range` of the text and moves the spans after it.
    fn splice(&mut self, range: Range<usize>, new: &str) {
        let (old_end, removed) = (range.end, range.len());
        self.text.replace_range(range, new);
        for p in &mut self.doc.interfaces {
            if p.span.start >= old_end {
                p.span = (p.span.start - removed + new.len())..(p.span.end - removed + new.len());
            }
        }
    }

    /// Paths follow document order: `devices/interface[1]`, `[2]`, ...
    fn renumber(&mut self) {
        for (i, p) in self.doc.interfaces.iter_mut().enumerate() {
            p.path = format!("devices/interface[{}]", i + 1).into();
        }
    }
}

/// Replaces one interface of a guest document without reading the others: a structural pass
/// finds the `<interface>` elements under `<devices>` (and, to select by MAC, their first
/// `<mac address>`), and only the new element is written and read back. Returns the new text;
/// every byte outside the replaced element is kept, as with [`Domain::replace`].
///
/// This is the fast path for large guests: fewer instructions than a bare quick-xml scan of the
/// document, because the elements that cannot change the layout are stepped over (their
/// structure and character data checked, their attributes not). It checks the new interface, not
/// the document: validate `iface` first ([`crate::validate::validate`]), and use [`Domain`] when
/// the whole guest should be checked, including rules across devices such as duplicate MACs.
///
/// ```
/// use vifxml::domain::{replace_interface, Selector};
/// let src = "<domain>\n  <devices>\n    <interface type='user'>\n      \
///            <mac address='52:54:00:00:00:01'/>\n    </interface>\n  </devices>\n</domain>\n";
/// let new = vifxml::xml::parse_interface("<interface type='ethernet'/>").unwrap();
/// let out = replace_interface(src, "52:54:00:00:00:01".parse().unwrap(), &new).unwrap();
/// assert_eq!(
///     out,
///     "<domain>\n  <devices>\n    <interface type='ethernet'/>\n  </devices>\n</domain>\n"
/// );
/// assert!(replace_interface(src, Selector::Index(1), &new).is_err());
/// ```
pub fn replace_interface(
    text: &str,
    sel: Selector,
    iface: &Interface,
) -> Result<String, EditError> {
    let lay = scan(text, matches!(sel, Selector::Mac(_)))?;
    let found = &lay.interfaces;
    let index = select_among(
        sel,
        found.len(),
        |i| found[i].1,
        |i| format!("devices/interface[{}]", i + 1),
    )?;
    let span = found[index].0.clone();
    let (elem, _) = replacement(text, &lay, span.start, iface)?;
    let mut out = String::with_capacity(text.len() - span.len() + elem.len());
    out.push_str(&text[..span.start]);
    out.push_str(&elem);
    out.push_str(&text[span.end..]);
    Ok(out)
}

/// The interface `sel` names among `count`, given each one's MAC and element path.
fn select_among(
    sel: Selector,
    count: usize,
    mac_of: impl Fn(usize) -> Option<MacAddr>,
    path_of: impl Fn(usize) -> String,
) -> Result<usize, EditError> {
    match sel {
        Selector::Index(index) if index < count => Ok(index),
        Selector::Index(index) => Err(EditError::NoSuchIndex { index, count }),
        Selector::Mac(mac) => {
            let matches: Vec<(usize, String)> = (0..count)
                .filter(|&i| mac_of(i) == Some(mac))
                .map(|i| (i, path_of(i)))
                .collect();
            match matches.as_slice() {
                [] => Err(EditError::NoSuchMac { mac }),
                [(i, _)] => Ok(*i),
                _ => Err(EditError::AmbiguousMac { mac, matches }),
            }
        }
    }
}

/// The element that replaces the interface starting at `start`, at that element's own
/// indentation, with the document's step and line ends, and the model it reads back as.
fn replacement(
    text: &str,
    lay: &Layout,
    start: usize,
    iface: &Interface,
) -> Result<(String, Interface), EditError> {
    let indent = match line_indent(text, start) {
        Some(i) => i.to_owned(),
        None => lay.child_indent(text, lay.devices.as_ref()),
    };
    let elem = render_element(iface, &indent, &lay.step, newline(text));
    let model = crate::xml::parse_interface(&elem).map_err(EditError::Reparse)?;
    Ok((elem, model))
}

impl fmt::Display for Domain {
    /// Writes the document: the original bytes with the edits spliced in.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Offset of the root element's start tag.
fn root_offset(src: &str) -> Option<usize> {
    let mut lx = Lexer::new(src);
    loop {
        match lx.next() {
            Ok((at, Tok::Start(_) | Tok::Empty(_))) => return Some(at),
            Ok((_, Tok::Eof)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// The document's line end: CRLF when most line ends are CRLF, else LF.
fn newline(text: &str) -> &'static str {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return "\n";
    }
    let lf = text.bytes().filter(|&b| b == b'\n').count();
    let crlf = text.matches("\r\n").count();
    if crlf > 0 && crlf * 2 >= lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// Start of the line that holds `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// The white space before `pos` on its line, when nothing else precedes it there.
fn line_indent(text: &str, pos: usize) -> Option<&str> {
    let ls = line_start(text, pos);
    let ws = text.get(ls..pos)?;
    is_blank(ws).then_some(ws)
}

/// Renders an interface whose start tag goes at `indent` (already in the text): the element
/// from `<interface` to `</interface>`, with `nl` line ends and no final line end.
fn render_element(iface: &Interface, indent: &str, step: &str, nl: &str) -> String {
    let out = crate::xml::render_interface_indented(iface, indent, step);
    let body = out.strip_prefix(indent).unwrap_or(&out);
    let body = body.strip_suffix('\n').unwrap_or(body);
    if nl == "\n" {
        return body.to_owned();
    }
    let mut s = String::with_capacity(body.len() + body.len() / 16);
    let mut prev = '\0';
    for c in body.chars() {
        if c == '\n' && prev != '\r' {
            s.push('\r');
        }
        s.push(c);
        prev = c;
    }
    s
}

/// Where a new sibling goes after an element ending at `pos`: after the comments that follow
/// it on the same line (`</interface> <!-- uplink -->`), which belong to it; else at `pos`.
fn after_trailing_comments(text: &str, pos: usize) -> usize {
    let mut p = pos;
    loop {
        let rest = text.get(p..).unwrap_or("");
        let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let rest = &rest[ws..];
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) if !rest[..end].contains('\n') => p += ws + end + 3,
                _ => return pos,
            }
        } else if rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n") {
            return if p == pos { pos } else { p };
        } else {
            return pos;
        }
    }
}

/// What to cut to remove the element at `span`: its whole line when it is alone there.
fn removal_range(text: &str, span: Range<usize>) -> Range<usize> {
    let ls = line_start(text, span.start);
    let before_blank = text.get(ls..span.start).is_some_and(is_blank);
    let tail = text.get(span.end..).unwrap_or("");
    let ws = tail.len() - tail.trim_start_matches([' ', '\t']).len();
    let rest = &tail[ws..];
    let eol = if rest.starts_with("\r\n") {
        Some(2)
    } else if rest.starts_with('\n') {
        Some(1)
    } else {
        None
    };
    match eol {
        Some(n) if before_blank => ls..span.end + ws + n,
        _ => span,
    }
}

/// An element that can take a new last child.
#[derive(Debug, Clone)]
struct Container {
    /// Offset of `<name`.
    start: usize,
    /// End of the start tag, or of the whole `<name/>`.
    tag_end: usize,
    /// Offset of `</name>`; `None` for an empty element `<name/>`.
    end_tag: Option<usize>,
    /// Offset of the last child element's start tag.
    last_child: Option<usize>,
}

/// Where things are and how the document indents.
struct Layout {
    /// The `<domain>` element (the root, or the one inside `<domstatus>`).
    domain: Option<Container>,
    /// Its first `<devices>` child.
    devices: Option<Container>,
    /// One level of indentation.
    step: String,
    /// The `<interface>` elements under `devices`: span and first `<mac address>`, if it reads.
    interfaces: Vec<(Range<usize>, Option<MacAddr>)>,
}

impl Layout {
    /// Indentation for a new last child of `c`: its last child's, or one step deeper than `c`.
    fn child_indent(&self, text: &str, c: Option<&Container>) -> String {
        let Some(c) = c else {
            return self.step.clone();
        };
        if let Some(i) = c.last_child.and_then(|p| line_indent(text, p)) {
            return i.to_owned();
        }
        format!("{}{}", line_indent(text, c.start).unwrap_or(""), self.step)
    }
}

/// Inserts `block` (whole lines, each ending in `nl`, the first at the child indentation) as the
/// last content of `c`. Returns the range replaced, its new text and where `block` starts in it.
fn insert_into(
    text: &str,
    c: &Container,
    name: &str,
    block: &str,
    nl: &str,
) -> (Range<usize>, String, usize) {
    let own = line_indent(text, c.start).unwrap_or("");
    match c.end_tag {
        None => {
            let tag = text.get(c.start..c.tag_end).unwrap_or("");
            let open = tag.strip_suffix("/>").unwrap_or(tag).trim_end();
            let mut s = format!("{open}>{nl}");
            let off = s.len();
            s.push_str(block);
            s.push_str(own);
            s.push_str("</");
            s.push_str(name);
            s.push('>');
            (c.start..c.tag_end, s, off)
        }
        Some(e) => {
            let ls = line_start(text, e);
            if ls > c.tag_end && text.get(ls..e).is_some_and(is_blank) {
                // `</devices>` starts its line: the block goes on the lines before it.
                (ls..ls, block.to_owned(), 0)
            } else {
                let mut s = nl.to_owned();
                s.push_str(block);
                s.push_str(own);
                (e..e, s, nl.len())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Status,
    Domain,
    Devices,
    Interface,
    Other,
}

struct Frame {
    role: Role,
    start: usize,
    tag_end: usize,
    last_child: Option<usize>,
    /// For an interface: the address of its first `<mac>` (`Some(None)` when it does not read).
    mac: Option<Option<MacAddr>>,
}

fn reread_error(e: &Diagnostic) -> EditError {
    EditError::Structure(format!("cannot read the document again: {}", e.message))
}

/// Finds `<domain>`, its `<devices>` and the indent step. Reads the text again (it was read
/// whole by [`Domain::parse`], so errors here are unexpected but reported, not panicked on), with
/// the reader's tokenizer, stepping over the elements whose content cannot change the layout.
fn scan(text: &str, want_macs: bool) -> Result<Layout, EditError> {
    let mut lx = Lexer::new(text);
    // A structural pass: the depth and attribute limits are the reader's to apply.
    lx.max_depth = usize::MAX;
    lx.max_attributes = usize::MAX;
    let mut stack: Vec<Frame> = Vec::new();
    let mut domain: Option<Container> = None;
    let mut devices: Option<Container> = None;
    // Indent steps seen under <interface>, <devices>, <domain>, anything else: first wins.
    let mut steps: [Option<String>; 4] = Default::default();
    let mut interfaces = Vec::new();
    loop {
        let (start, tok) = lx.next().map_err(|e| reread_error(&e))?;
        let end = lx.pos;
        let (tag, empty) = match tok {
            Tok::Start(t) => (t, false),
            Tok::Empty(t) => (t, true),
            Tok::End => {
                if let Some(f) = stack.pop() {
                    if f.role == Role::Interface {
                        interfaces.push((f.start..end, f.mac.flatten()));
                    }
                    let c = Container {
                        start: f.start,
                        tag_end: f.tag_end,
                        end_tag: Some(start),
                        last_child: f.last_child,
                    };
                    match f.role {
                        Role::Domain => domain = domain.or(Some(c)),
                        Role::Devices => devices = devices.or(Some(c)),
                        _ => {}
                    }
                }
                continue;
            }
            Tok::Eof => break,
            _ => continue,
        };
        let name = tag.name;
        let parent = stack.last().map(|f| f.role);
        let role = match (parent, name) {
            (None, "domain") => Role::Domain,
            (None, "domstatus") => Role::Status,
            (Some(Role::Status), "domain") if domain.is_none() => Role::Domain,
            (Some(Role::Domain), "devices") if devices.is_none() => Role::Devices,
            (Some(Role::Devices), "interface") => Role::Interface,
            _ => Role::Other,
        };
        if let Some(p) = stack.last_mut() {
            let slot = match p.role {
                Role::Interface => 0,
                Role::Devices => 1,
                Role::Domain => 2,
                _ => 3,
            };
            // The first step seen under an interface decides; until then, note the others.
            if steps[0].is_none() && steps[slot].is_none() {
                if let (Some(ci), Some(pi)) = (line_indent(text, start), line_indent(text, p.start))
                {
                    if ci.len() > pi.len() && ci.starts_with(pi) {
                        steps[slot] = Some(ci[pi.len()..].to_owned());
                    }
                }
            }
            if want_macs && p.role == Role::Interface && p.mac.is_none() && name == "mac" {
                // Like the reader: the first <mac> that has an address is the interface's.
                if let Some(a) = lx.attrs_of(&tag).iter().find(|a| a.name == "address") {
                    p.mac = Some(a.value.parse::<MacAddr>().ok());
                }
            }
            p.last_child = Some(start);
        }
        if empty {
            let c = Container {
                start,
                tag_end: end,
                end_tag: None,
                last_child: None,
            };
            match role {
                Role::Domain => domain = domain.or(Some(c)),
                Role::Devices => devices = devices.or(Some(c)),
                Role::Interface => interfaces.push((start..end, None)),
                _ => {}
            }
        } else if (role == Role::Other && (steps[0].is_some() || steps[3].is_some()))
            || (role == Role::Interface && steps[0].is_some() && !want_macs)
        {
            // Nothing inside this element can change the layout any more (the steps it could
            // give are known, and no MAC is wanted): step over it to its end tag.
            lx.skip_element().map_err(|e| reread_error(&e))?;
            if role == Role::Interface {
                interfaces.push((start..lx.pos, None));
            }
        } else {
            stack.push(Frame {
                role,
                start,
                tag_end: end,
                last_child: None,
                mac: None,
            });
        }
    }
    let step = steps
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| "  ".to_owned());
    Ok(Layout {
        domain,
        devices,
        step,
        interfaces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_detection() {
        assert_eq!(newline("<a/>"), "\n");
        assert_eq!(newline("<a>\r\n</a>\r\n"), "\r\n");
        assert_eq!(newline("<a>\n<b/>\n</a>\r\n"), "\n");
    }

    #[test]
    fn removal_takes_the_line_only_when_alone() {
        let t = "a\n  <x/>  \nb";
        let s = t.find("<x/>").unwrap();
        assert_eq!(removal_range(t, s..s + 4), 2..11);
        let t = "a <x/>\nb";
        assert_eq!(removal_range(t, 2..6), 2..6);
        let t = "a\n  <x/><y/>\nb";
        assert_eq!(removal_range(t, 4..8), 4..8);
    }

    #[test]
    fn trailing_comments_stay_with_their_element() {
        let t = "<a/> <!-- x --><!--y-->  \n<b/>";
        assert_eq!(after_trailing_comments(t, 4), 23);
        assert_eq!(after_trailing_comments("<a/> <c/>", 4), 4);
        assert_eq!(after_trailing_comments("<a/> <!-- x\n -->", 4), 4);
        assert_eq!(after_trailing_comments("<a/> <!-- x --> <c/>", 4), 4);
        assert_eq!(after_trailing_comments("<a/>  \n", 4), 4);
    }

    /// The structural pass finds the spans the reader finds, skipped interfaces included, and
    /// the MAC address as the reader reads it.
    #[test]
    fn scan_agrees_with_the_reader() {
        let t = "\u{FEFF}<?xml version='1.0'?>\r\n<domain>\r\n  <devices>\r\n    <!-- x -->\r\n    \
                 <interface type='user'>\r\n      <mac address='52&#58;54:00:00:00:01'/>\r\n      \
                 <model type='virtio'/>\r\n    </interface>\r\n    \
                 <interface type='user'><source x='>'/></interface>\r\n  </devices>\r\n</domain>\r\n";
        let doc = crate::xml::parse_document(t).unwrap();
        let spans: Vec<_> = doc.interfaces.iter().map(|p| p.span.clone()).collect();
        for want_macs in [false, true] {
            let lay = scan(t, want_macs).unwrap();
            let found: Vec<_> = lay.interfaces.iter().map(|(s, _)| s.clone()).collect();
            assert_eq!(found, spans);
            assert_eq!(lay.step, "  ");
        }
        let lay = scan(t, true).unwrap();
        assert_eq!(lay.interfaces[0].1, doc.interfaces[0].interface.mac);
        assert!(lay.interfaces[0].1.is_some());
        assert_eq!(root_offset(t), t.find("<domain"));
    }

    #[test]
    fn steps_prefer_the_interface() {
        let t = "<domain>\n    <devices>\n      <interface type='user'>\n        <x/>\n      </interface>\n    </devices>\n</domain>";
        let lay = scan(t, false).unwrap();
        assert_eq!(lay.step, "  ");
        assert!(lay.devices.is_some() && lay.domain.is_some());
    }
}
