//! Writing the model as canonical libvirt `<interface>` XML.

use super::escape::escape_attr;
use super::grammar as g;
use crate::model::extras::Extras;
use crate::model::interface::{DeviceAddress, Interface, Rate};
use crate::model::kind::InterfaceKind;
use crate::model::virtualport::VirtualPort;

/// Renders an interface as canonical libvirt XML, starting at column 0, ending with a newline.
///
/// ```
/// use vifxml::model::{Interface, InterfaceKind, kind::BridgeSource};
/// let iface = Interface::new(InterfaceKind::Bridge(BridgeSource {
///     bridge: "br0".parse().unwrap(),
/// }));
/// assert_eq!(
///     vifxml::xml::render_interface(&iface),
///     "<interface type='bridge'>\n  <source bridge='br0'/>\n</interface>\n"
/// );
/// ```
pub fn render_interface(iface: &Interface) -> String {
    render_interface_indented(iface, "", "  ")
}

/// Renders an interface whose start tag sits at `indent`, with `step` added per nesting level.
pub fn render_interface_indented(iface: &Interface, indent: &str, step: &str) -> String {
    let mut out = String::with_capacity(512);
    render_interface_into(iface, indent, step, &mut out);
    out
}

/// Appends to `out` what [`render_interface_indented`] returns, without a buffer of its own.
///
/// ```
/// use vifxml::model::{Interface, InterfaceKind, kind::BridgeSource};
/// let iface = Interface::new(InterfaceKind::Bridge(BridgeSource {
///     bridge: "br0".parse().unwrap(),
/// }));
/// let mut out = String::from("<devices>\n");
/// vifxml::xml::render_interface_into(&iface, "  ", "  ", &mut out);
/// assert_eq!(
///     out,
///     "<devices>\n  <interface type='bridge'>\n    <source bridge='br0'/>\n  </interface>\n"
/// );
/// ```
pub fn render_interface_into(iface: &Interface, indent: &str, step: &str, out: &mut String) {
    let spaces = indent.bytes().all(|b| b == b' ') && step.bytes().all(|b| b == b' ');
    let ind = Indent {
        first: indent,
        step,
        spaces,
    };
    Writer::new(out, iface, ind, !iface.extras.is_empty()).interface(iface);
}

/// Tests: the paths (`alias/@name`, repeat indexes dropped) of the attributes whose written
/// value holds U+0001 — where free text goes.
#[cfg(test)]
pub(crate) fn marked_strings(iface: &Interface) -> Vec<String> {
    let mut out = String::new();
    let mut w = Writer::recording(&mut out, iface);
    w.interface(iface);
    w.marked
        .into_iter()
        .map(|p| {
            p.split('[')
                .map(|s| s.split_once(']').map_or(s, |(_, r)| r))
                .collect()
        })
        .collect()
}

/// The paths of the elements the writer writes for `iface` (`""` for `<interface>`,
/// `vlan/tag[2]` for repeated ones), in the order it writes them: where kept content can go.
/// Validation asks the writer itself rather than a list kept beside it.
pub(crate) fn written_paths(iface: &Interface) -> Vec<String> {
    let mut out = String::new();
    let mut w = Writer::recording(&mut out, iface);
    w.written = Some(Vec::new());
    w.interface(iface);
    w.written.unwrap_or_default()
}

/// Appends each of `ifaces` as [`render_interface_into`] does, one after another.
///
/// Faster than a loop over [`render_interface_into`] when the interfaces' strings are spread
/// over memory (as after reading a large spec): it reads ahead in batches, so the waits for
/// memory of a whole batch overlap instead of coming one string at a time.
///
/// ```
/// use vifxml::model::{Interface, InterfaceKind};
/// let ifaces = vec![Interface::new(InterfaceKind::Ethernet); 2];
/// let mut out = String::new();
/// vifxml::xml::render_interfaces_into(&ifaces, "", "  ", &mut out);
/// assert_eq!(out, "<interface type='ethernet'/>\n".repeat(2));
/// ```
pub fn render_interfaces_into(ifaces: &[Interface], indent: &str, step: &str, out: &mut String) {
    for batch in ifaces.chunks(BATCH) {
        let mut h = 0u8;
        for i in batch {
            h ^= read_ahead(i);
        }
        std::hint::black_box(h);
        for i in batch {
            render_interface_into(i, indent, step, out);
        }
    }
}

/// Interfaces read ahead at once by [`render_interfaces_into`].
const BATCH: usize = 16;

/// Reads a byte of each string and list that rendering `i` reads: the loads do not depend on
/// one another, so the processor waits for all of them at once.
fn read_ahead(i: &Interface) -> u8 {
    fn b(s: &str) -> u8 {
        s.as_bytes().first().copied().unwrap_or(0)
    }
    fn o<T: AsRef<str>>(s: &Option<T>) -> u8 {
        s.as_ref().map_or(0, |s| b(s.as_ref()))
    }
    let mut h = match &i.kind {
        InterfaceKind::Bridge(k) => b(k.bridge.as_str()),
        InterfaceKind::Network(k) => b(&k.network) ^ o(&k.portgroup),
        InterfaceKind::Direct(k) => b(k.dev.as_str()),
        InterfaceKind::VhostUser(k) => o(&k.path),
        InterfaceKind::Vdpa(k) => b(&k.dev),
        InterfaceKind::Other(k) => b(&k.type_name),
        InterfaceKind::Hostdev(_) | InterfaceKind::Ethernet | InterfaceKind::User => 0,
    };
    if let Some(v) = &i.vlan {
        h ^= v.tags.first().map_or(0, |t| t.id.get() as u8);
    }
    h ^= match &i.virtualport {
        Some(VirtualPort::Qbh(q)) => q.profileid.as_ref().map_or(0, |p| b(p.as_str())),
        Some(VirtualPort::OpenVSwitch(q)) => q.profileid.as_ref().map_or(0, |p| b(p.as_str())),
        Some(VirtualPort::Untyped(q)) => q.profileid.as_ref().map_or(0, |p| b(p.as_str())),
        _ => 0,
    };
    h ^= o(&i.script) ^ o(&i.downscript) ^ o(&i.model) ^ o(&i.alias);
    if let Some(t) = &i.target {
        h ^= t.dev.as_ref().map_or(0, |d| b(d.as_str()));
    }
    if let Some(d) = &i.driver {
        h ^= o(&d.name) ^ o(&d.txmode);
    }
    if let Some(x) = &i.backend {
        h ^= o(&x.backend_type) ^ o(&x.tap) ^ o(&x.vhost);
    }
    if let Some(f) = &i.filterref {
        h ^= b(&f.filter) ^ f.parameters.first().map_or(0, |p| b(&p.name));
    }
    if let Some(t) = &i.teaming {
        h ^= o(&t.persistent);
    }
    if let Some(r) = &i.rom {
        h ^= o(&r.file);
    }
    if let Some(DeviceAddress::Other { address_type }) = &i.address {
        h ^= b(address_type);
    }
    h
}

/// An attribute value to write, or nothing.
type AttrValue<'v> = (&'static str, Option<Value<'v>>);

#[derive(Clone, Copy)]
enum Value<'v> {
    S(&'v str),
    N(u64),
    /// `0x` and at least this many lowercase hex digits.
    Hex(u64, usize),
    Mac([u8; 6]),
    Uuid([u8; 16]),
}

fn yn(b: Option<bool>) -> Option<Value<'static>> {
    b.map(|b| Value::S(if b { "yes" } else { "no" }))
}

fn onoff(b: Option<bool>) -> Option<Value<'static>> {
    b.map(|b| Value::S(if b { "on" } else { "off" }))
}

fn num<T: Into<u64>>(n: Option<T>) -> Option<Value<'static>> {
    n.map(|n| Value::N(n.into()))
}

fn s<T: AsRef<str>>(v: &Option<T>) -> Option<Value<'_>> {
    v.as_ref().map(|v| Value::S(v.as_ref()))
}

fn profileid(p: &Option<crate::model::ids::ProfileId>) -> Option<Value<'_>> {
    p.as_ref().map(|p| Value::S(p.as_str()))
}

fn uuid(u: Option<crate::model::ids::Uuid>) -> Option<Value<'static>> {
    u.map(|u| Value::Uuid(*u.get().as_bytes()))
}

/// Indentation made of spaces only is cut from here when it is no longer.
const SPACES: &str = "                                                                ";

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends bytes the writer made itself (digits, hex, `:` and `-`), which are ASCII.
fn push_ascii(out: &mut String, b: &[u8]) {
    out.extend(b.iter().map(|&c| char::from(c)));
}

/// Appends `n` in decimal.
fn push_dec(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// Appends `0x` and `n` in lowercase hex, zero-padded to at least `width` digits.
fn push_hex(out: &mut String, n: u64, width: usize) {
    let digits = ((64 - n.leading_zeros() as usize).div_ceil(4)).max(1);
    out.push_str("0x");
    for _ in digits..width {
        out.push('0');
    }
    let mut buf = [0u8; 16];
    for (k, b) in buf[16 - digits..].iter_mut().enumerate() {
        let shift = 4 * (digits - 1 - k);
        *b = HEX[((n >> shift) & 0xf) as usize];
    }
    push_ascii(out, &buf[16 - digits..]);
}

/// Appends `octets` as lowercase hex pairs, with `sep` before the pairs at `seps`.
fn push_hex_bytes(out: &mut String, octets: &[u8], seps: &[usize], sep: u8) {
    let mut buf = [0u8; 48];
    let mut n = 0;
    for (k, &o) in octets.iter().enumerate() {
        if seps.contains(&k) {
            buf[n] = sep;
            n += 1;
        }
        buf[n] = HEX[usize::from(o >> 4)];
        buf[n + 1] = HEX[usize::from(o & 0xf)];
        n += 2;
    }
    push_ascii(out, &buf[..n]);
}

/// What [`Writer::open`] hands to [`Writer::close`] about the element it opened.
struct Scope {
    /// Length of `path` before this element's segment was pushed.
    path_len: usize,
    /// Length of the output right after this element's start tag.
    mark: usize,
}

#[derive(Clone, Copy)]
struct Indent<'m> {
    /// Indentation of the interface's start tag.
    first: &'m str,
    /// Added per nesting level.
    step: &'m str,
    /// True when `first` and `step` are spaces only.
    spaces: bool,
}

impl Indent<'_> {
    /// Appends the indentation of an element inside `depth` open ones.
    fn push(self, out: &mut String, depth: usize) {
        let len = self.first.len() + depth * self.step.len();
        if self.spaces && len <= SPACES.len() {
            out.push_str(&SPACES[..len]);
        } else {
            out.push_str(self.first);
            for _ in 0..depth {
                out.push_str(self.step);
            }
        }
    }
}

struct Writer<'m, 'o> {
    out: &'o mut String,
    ex: &'m Extras,
    has_extras: bool,
    ind: Indent<'m>,
    /// Elements open.
    depth: usize,
    /// Path of the element being written, relative to the interface (`""` for the interface).
    path: String,
    /// Known children whose trailing extras have been written, with the depth of their
    /// parent, innermost parent last (kept only with extras).
    emitted: Vec<(usize, &'static str)>,
    /// The path of every element written, when asked ([`written_paths`]).
    written: Option<Vec<String>>,
    /// Tests: where each free-text value holding U+0001 was written (`alias/@name`).
    #[cfg(test)]
    marked: Vec<String>,
}

impl<'m, 'o> Writer<'m, 'o> {
    /// A writer of `iface` into `out`; `has_extras` makes it track element paths (needed to put
    /// kept content back).
    fn new(out: &'o mut String, iface: &'m Interface, ind: Indent<'m>, has_extras: bool) -> Self {
        Writer {
            out,
            ex: &iface.extras,
            has_extras,
            ind,
            depth: 0,
            path: String::new(),
            emitted: Vec::new(),
            written: None,
            #[cfg(test)]
            marked: Vec::new(),
        }
    }

    /// A writer that tracks element paths whether or not anything is kept (for the questions
    /// asked of it: [`written_paths`]).
    fn recording(out: &'o mut String, iface: &'m Interface) -> Self {
        let ind = Indent {
            first: "",
            step: "",
            spaces: true,
        };
        Self::new(out, iface, ind, true)
    }
}

impl Writer<'_, '_> {
    fn write_value(&mut self, v: Value<'_>) {
        match v {
            Value::S(s) => escape_attr(s, self.out),
            Value::N(n) => push_dec(self.out, n),
            Value::Hex(n, width) => push_hex(self.out, n, width),
            Value::Mac(o) => push_hex_bytes(self.out, &o, &[1, 2, 3, 4, 5], b':'),
            Value::Uuid(u) => push_hex_bytes(self.out, &u, &[4, 6, 8, 10], b'-'),
        }
    }

    /// Writes `<name` and the known attributes that have a value.
    fn start_tag(&mut self, name: &'static str, attrs: &[AttrValue<'_>]) {
        self.ind.push(self.out, self.depth);
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = *v {
                #[cfg(test)]
                if matches!(v, Value::S(t) if t.contains('\u{1}')) {
                    let at = if self.path.is_empty() {
                        String::new()
                    } else {
                        format!("{}/", self.path)
                    };
                    self.marked.push(format!("{at}@{k}"));
                }
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("='");
                self.write_value(v);
                self.out.push('\'');
            }
        }
    }

    /// Writes the start tag of `name` (with the extras' attributes for it) and enters it.
    fn open(&mut self, name: &'static str, index: Option<usize>, attrs: &[AttrValue<'_>]) -> Scope {
        let path_len = self.path.len();
        if self.has_extras && self.depth > 0 {
            if !self.path.is_empty() {
                self.path.push('/');
            }
            self.path.push_str(name);
            if let Some(i) = index {
                self.path.push('[');
                push_dec(&mut self.path, i as u64);
                self.path.push(']');
            }
        }
        if let Some(w) = self.written.as_mut() {
            w.push(self.path.clone());
        }
        self.start_tag(name, attrs);
        if self.has_extras {
            let ex = self.ex;
            for a in ex.attributes_of(&self.path) {
                let n = a.name.as_str();
                if attrs.iter().any(|(k, v)| *k == n && v.is_some()) {
                    continue; // never write a duplicate attribute
                }
                self.out.push(' ');
                self.out.push_str(n);
                self.out.push_str("='");
                escape_attr(&a.value, self.out);
                self.out.push('\'');
            }
        }
        self.out.push_str(">\n");
        self.depth += 1;
        let scope = Scope {
            path_len,
            mark: self.out.len(),
        };
        if self.has_extras {
            self.write_extras(None);
        }
        scope
    }

    /// Writes the extra children of the current element that followed `after`.
    fn write_extras(&mut self, after: Option<&str>) {
        let ex = self.ex;
        for n in ex.children_of(&self.path, after) {
            self.ind.push(self.out, self.depth);
            self.out.push_str(n.xml.as_str());
            self.out.push('\n');
        }
    }

    /// Leaves the element `scope` came from: writes its remaining extras and its end tag, or
    /// turns the start tag into `<name .../>` when nothing went inside.
    fn close(&mut self, name: &'static str, scope: Scope) {
        let level = self.depth;
        if self.has_extras {
            // Children anchored to known siblings that were never written go last.
            let ex = self.ex;
            for n in ex.elements.iter().filter(|n| n.parent == self.path) {
                if let Some(a) = n.after.as_deref() {
                    if !self.emitted.iter().any(|&(l, e)| l == level && e == a) {
                        self.ind.push(self.out, self.depth);
                        self.out.push_str(n.xml.as_str());
                        self.out.push('\n');
                    }
                }
            }
        }
        self.depth = level.saturating_sub(1);
        if self.out.len() == scope.mark {
            self.out.truncate(self.out.len().saturating_sub(2));
            self.out.push_str("/>\n");
        } else {
            self.ind.push(self.out, self.depth);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        if self.has_extras {
            self.path.truncate(scope.path_len);
            // Forget what was written inside this element.
            let inside = self
                .emitted
                .iter()
                .position(|&(l, _)| l >= level)
                .unwrap_or(self.emitted.len());
            self.emitted.truncate(inside);
            let parent = self.depth;
            let first = parent > 0 && !self.emitted.iter().any(|&(l, e)| l == parent && e == name);
            if first {
                self.emitted.push((parent, name));
                self.write_extras(Some(name));
            }
        }
    }

    /// True when kept attributes or nodes belong to the element at `path` or inside it.
    fn extras_under(&self, path: &str) -> bool {
        let inside = |p: &str| {
            p.strip_prefix(path)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        self.has_extras
            && (self.ex.attributes.iter().any(|a| inside(&a.element))
                || self.ex.elements.iter().any(|n| inside(&n.parent)))
    }

    /// True when a kept node inside `parent` follows a `name` sibling: the writer then writes
    /// that sibling even empty, so the node reads back in the same place.
    fn anchored(&self, parent: &str, name: &str) -> bool {
        self.has_extras
            && self
                .ex
                .elements
                .iter()
                .any(|n| n.parent == parent && n.after.as_deref() == Some(name))
    }

    /// An element with attributes and no known children.
    fn leaf(&mut self, name: &'static str, attrs: &[AttrValue<'_>]) {
        if !self.has_extras {
            // What open and close write when nothing is kept.
            self.start_tag(name, attrs);
            self.out.push_str("/>\n");
            return;
        }
        let scope = self.open(name, None, attrs);
        self.close(name, scope);
    }

    fn leaf_indexed(&mut self, name: &'static str, index: usize, attrs: &[AttrValue<'_>]) {
        if !self.has_extras {
            self.leaf(name, attrs);
            return;
        }
        let scope = self.open(name, Some(index), attrs);
        self.close(name, scope);
    }

    fn interface(&mut self, i: &Interface) {
        let managed = yn(i.managed);
        let sc_interface = self.open(
            "interface",
            None,
            &g::INTERFACE.zip([
                Some(Value::S(i.kind.type_name())),
                managed,
                yn(i.trust_guest_rx_filters),
            ]),
        );
        if i.mac.is_some() || i.mac_type.is_some() || i.mac_check.is_some() {
            self.leaf(
                "mac",
                &g::MAC.zip([
                    i.mac.map(|m| Value::Mac(m.octets())),
                    i.mac_type.map(|t| Value::S(t.as_str())),
                    yn(i.mac_check),
                ]),
            );
        }
        self.source(i);
        if let Some(v) = &i.vlan {
            let sc_vlan = self.open("vlan", None, &g::VLAN.zip([yn(v.trunk)]));
            for (n, t) in v.tags.iter().enumerate() {
                self.leaf_indexed(
                    "tag",
                    n + 1,
                    &g::VLAN_TAG.zip([
                        num(Some(t.id.get())),
                        t.native_mode.map(|m| Value::S(m.as_str())),
                    ]),
                );
            }
            self.close("vlan", sc_vlan);
        }
        if let Some(vp) = &i.virtualport {
            self.virtualport(vp);
        }
        if let Some(bw) = &i.bandwidth {
            let sc_bandwidth = self.open("bandwidth", None, &[]);
            for (name, rate) in [("inbound", &bw.inbound), ("outbound", &bw.outbound)] {
                if let Some(r) = rate {
                    self.rate(name, r);
                }
            }
            self.close("bandwidth", sc_bandwidth);
        }
        if let Some(iso) = i.port_isolated {
            self.leaf("port", &g::PORT.zip([yn(Some(iso))]));
        }
        if let Some(p) = &i.script {
            self.leaf("script", &g::SCRIPT.zip([Some(Value::S(p))]));
        }
        if let Some(p) = &i.downscript {
            self.leaf("downscript", &g::DOWNSCRIPT.zip([Some(Value::S(p))]));
        }
        if let Some(d) = &i.backend_domain {
            self.leaf("backenddomain", &g::BACKENDDOMAIN.zip([Some(Value::S(d))]));
        }
        if let Some(t) = &i.target {
            self.leaf(
                "target",
                &g::TARGET.zip([t.dev.as_ref().map(|d| Value::S(d.as_str())), yn(t.managed)]),
            );
        }
        if let Some(gd) = &i.guest {
            self.leaf("guest", &g::GUEST.zip([s(&gd.dev), s(&gd.actual)]));
        }
        if let Some(m) = &i.model {
            self.leaf("model", &g::MODEL.zip([Some(Value::S(m))]));
        }
        if let Some(d) = &i.driver {
            if !matches!(i.kind, InterfaceKind::Hostdev(_)) {
                self.driver(d);
            }
        }
        if let Some(b) = &i.backend {
            self.leaf(
                "backend",
                &g::BACKEND.zip([
                    s(&b.backend_type),
                    s(&b.tap),
                    s(&b.vhost),
                    s(&b.log_file),
                    s(&b.hostname),
                    s(&b.fqdn),
                ]),
            );
        }
        if let Some(f) = &i.filterref {
            let sc_filterref = self.open(
                "filterref",
                None,
                &g::FILTERREF.zip([Some(Value::S(&f.filter))]),
            );
            // libvirt writes filter variables sorted by name (stable for repeated names).
            let mut params: Vec<&crate::model::FilterParameter> = f.parameters.iter().collect();
            params.sort_by(|a, b| a.name.cmp(&b.name));
            for (n, p) in params.into_iter().enumerate() {
                self.leaf_indexed(
                    "parameter",
                    n + 1,
                    &g::FILTERREF_PARAMETER
                        .zip([Some(Value::S(&p.name)), Some(Value::S(&p.value))]),
                );
            }
            self.close("filterref", sc_filterref);
        }
        if let Some(t) = &i.teaming {
            let ty = match t.teaming_type {
                crate::model::interface::TeamingType::Persistent => "persistent",
                crate::model::interface::TeamingType::Transient => "transient",
            };
            self.leaf(
                "teaming",
                &g::TEAMING.zip([Some(Value::S(ty)), s(&t.persistent)]),
            );
        }
        if let Some(l) = i.link {
            self.leaf("link", &g::LINK.zip([Some(Value::S(l.as_str()))]));
        }
        if let Some(m) = i.mtu {
            self.leaf("mtu", &g::MTU.zip([num(Some(m))]));
        }
        if let Some(c) = &i.coalesce {
            let sc_coalesce = self.open("coalesce", None, &[]);
            // Written, even empty, when kept content sits inside, so none of it is lost.
            if c.rx_max_frames.is_some()
                || self.extras_under("coalesce/rx")
                || self.anchored("coalesce", "rx")
            {
                let sc_rx = self.open("rx", None, &[]);
                if c.rx_max_frames.is_some()
                    || self.extras_under("coalesce/rx/frames")
                    || self.anchored("coalesce/rx", "frames")
                {
                    self.leaf("frames", &g::COALESCE_RX_FRAMES.zip([num(c.rx_max_frames)]));
                }
                self.close("rx", sc_rx);
            }
            self.close("coalesce", sc_coalesce);
        }
        if let Some(o) = i.boot {
            self.leaf("boot", &g::BOOT.zip([num(Some(o))]));
        }
        if let Some(a) = &i.alias {
            self.leaf("alias", &g::ALIAS.zip([Some(Value::S(a))]));
        }
        if let Some(r) = &i.rom {
            self.leaf(
                "rom",
                &g::ROM.zip([onoff(r.bar), s(&r.file), yn(r.enabled)]),
            );
        }
        if let Some(n) = i.acpi_index {
            self.leaf("acpi", &g::ACPI.zip([num(Some(n))]));
        }
        match &i.address {
            Some(DeviceAddress::Pci(p)) => self.leaf(
                "address",
                &g::ADDRESS.zip([
                    Some(Value::S("pci")),
                    Some(Value::Hex(p.domain.into(), 4)),
                    Some(Value::Hex(p.bus.into(), 2)),
                    Some(Value::Hex(p.slot.into(), 2)),
                    Some(Value::Hex(p.function.into(), 1)),
                    onoff(p.multifunction),
                ]),
            ),
            Some(DeviceAddress::Other { address_type }) => self.leaf(
                "address",
                &[(g::ADDRESS.attributes[0], Some(Value::S(address_type)))],
            ),
            None => {}
        }

        self.close("interface", sc_interface);
    }

    fn source(&mut self, i: &Interface) {
        match &i.kind {
            InterfaceKind::Bridge(b) => self.leaf(
                "source",
                &g::SOURCE_BRIDGE.zip([Some(Value::S(b.bridge.as_str()))]),
            ),
            InterfaceKind::Network(n) => self.leaf(
                "source",
                &g::SOURCE_NETWORK.zip([
                    Some(Value::S(&n.network)),
                    s(&n.portgroup),
                    uuid(n.portid),
                ]),
            ),
            InterfaceKind::Direct(d) => self.leaf(
                "source",
                &g::SOURCE_DIRECT.zip([
                    Some(Value::S(d.dev.as_str())),
                    d.mode.map(|m| Value::S(m.as_str())),
                ]),
            ),
            InterfaceKind::VhostUser(v) => {
                let has_source_extras = self.has_extras
                    && (self.ex.attributes.iter().any(|a| a.element == "source")
                        || self.ex.elements.iter().any(|n| n.parent == "source"));
                if v.is_empty() && !has_source_extras && !self.anchored("", "source") {
                    return;
                }
                let sc_source = self.open(
                    "source",
                    None,
                    &g::SOURCE_VHOSTUSER.zip([
                        v.path.as_ref().map(|_| Value::S("unix")),
                        s(&v.path),
                        v.mode.map(|m| Value::S(m.as_str())),
                    ]),
                );
                if let Some(r) = v.reconnect {
                    self.leaf(
                        "reconnect",
                        &g::SOURCE_RECONNECT.zip([yn(Some(r.enabled)), num(r.timeout)]),
                    );
                }
                self.close("source", sc_source);
            }
            InterfaceKind::Hostdev(h) => {
                if let Some(d) = &i.driver {
                    self.driver(d);
                }
                let sc_source = self.open("source", None, &[]);
                let a = h.address;
                self.leaf(
                    "address",
                    &g::SOURCE_ADDRESS.zip([
                        Some(Value::S("pci")),
                        Some(Value::Hex(a.domain.into(), 4)),
                        Some(Value::Hex(a.bus.into(), 2)),
                        Some(Value::Hex(a.slot.into(), 2)),
                        Some(Value::Hex(a.function.into(), 1)),
                    ]),
                );
                self.close("source", sc_source);
            }
            InterfaceKind::Vdpa(v) => {
                self.leaf("source", &g::SOURCE_VDPA.zip([Some(Value::S(&v.dev))]))
            }
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_) => {}
        }
    }

    fn virtualport(&mut self, vp: &VirtualPort) {
        const NO: AttrValue<'static> = ("", None);
        let (params, len): ([AttrValue<'_>; 6], usize) = match vp {
            VirtualPort::Qbg(q) => {
                let [a, b, c, d] = g::PARAMETERS_QBG.zip([
                    num(q.managerid.map(|v| v.get())),
                    num(q.typeid.map(|v| v.get())),
                    num(q.typeidversion.map(|v| v.get())),
                    uuid(q.instanceid),
                ]);
                ([a, b, c, d, NO, NO], 4)
            }
            VirtualPort::Qbh(q) => {
                let [a] = g::PARAMETERS_QBH.zip([profileid(&q.profileid)]);
                ([a, NO, NO, NO, NO, NO], 1)
            }
            VirtualPort::OpenVSwitch(o) => {
                let [a, b] = g::PARAMETERS_OVS.zip([uuid(o.interfaceid), profileid(&o.profileid)]);
                ([a, b, NO, NO, NO, NO], 2)
            }
            VirtualPort::Midonet(m) => {
                let [a] = g::PARAMETERS_MIDONET.zip([uuid(m.interfaceid)]);
                ([a, NO, NO, NO, NO, NO], 1)
            }
            VirtualPort::Untyped(u) => (
                g::PARAMETERS_UNTYPED.zip([
                    num(u.managerid.map(|v| v.get())),
                    num(u.typeid.map(|v| v.get())),
                    num(u.typeidversion.map(|v| v.get())),
                    uuid(u.instanceid),
                    uuid(u.interfaceid),
                    profileid(&u.profileid),
                ]),
                6,
            ),
        };
        let params = &params[..len];
        let sc_virtualport = self.open(
            "virtualport",
            None,
            &g::VIRTUALPORT.zip([vp.type_name().map(Value::S)]),
        );
        let any = params.iter().any(|(_, v)| v.is_some());
        let has_param_extras = self.extras_under("virtualport/parameters")
            || self.anchored("virtualport", "parameters");
        if any || has_param_extras {
            self.leaf("parameters", params);
        }
        self.close("virtualport", sc_virtualport);
    }

    fn rate(&mut self, name: &'static str, r: &Rate) {
        self.leaf(
            name,
            &g::BANDWIDTH_INBOUND.zip([num(r.average), num(r.peak), num(r.floor), num(r.burst)]),
        );
    }

    fn driver(&mut self, d: &crate::model::interface::Driver) {
        let sc_driver = self.open(
            "driver",
            None,
            &g::DRIVER.zip([
                s(&d.name),
                s(&d.txmode),
                onoff(d.ioeventfd),
                onoff(d.event_idx),
                num(d.queues),
                num(d.rx_queue_size),
                num(d.tx_queue_size),
                onoff(d.rss),
                onoff(d.rss_hash_report),
                onoff(d.iommu),
                onoff(d.ats),
                onoff(d.packed),
                onoff(d.page_per_vq),
            ]),
        );
        if let Some(h) = &d.host {
            self.leaf(
                "host",
                &g::DRIVER_HOST.zip([
                    onoff(h.csum),
                    onoff(h.gso),
                    onoff(h.tso4),
                    onoff(h.tso6),
                    onoff(h.ecn),
                    onoff(h.ufo),
                    onoff(h.mrg_rxbuf),
                ]),
            );
        }
        if let Some(gu) = &d.guest {
            self.leaf(
                "guest",
                &g::DRIVER_GUEST.zip([
                    onoff(gu.csum),
                    onoff(gu.tso4),
                    onoff(gu.tso6),
                    onoff(gu.ecn),
                    onoff(gu.ufo),
                ]),
            );
        }
        self.close("driver", sc_driver);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_format() {
        for n in [0, 1, 9, 10, 99, 100, 255, 4096, 65535, 1 << 32, u64::MAX] {
            let mut out = String::new();
            push_dec(&mut out, n);
            assert_eq!(out, n.to_string());
            for width in [0, 1, 2, 4, 8] {
                let mut out = String::new();
                push_hex(&mut out, n, width);
                assert_eq!(out, format!("0x{n:0width$x}"));
            }
        }
    }

    #[test]
    fn mac_and_uuid_read_like_display() {
        let mac = crate::model::ids::MacAddr::new([0x52, 0x54, 0, 0xab, 0xcd, 0xef]).unwrap();
        let mut out = String::new();
        push_hex_bytes(&mut out, &mac.octets(), &[1, 2, 3, 4, 5], b':');
        assert_eq!(out, mac.to_string());
        let u = crate::model::ids::Uuid::from_uuid(uuid::Uuid::from_u128(
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
        ));
        let mut out = String::new();
        push_hex_bytes(&mut out, u.get().as_bytes(), &[4, 6, 8, 10], b'-');
        assert_eq!(out, u.to_string());
    }
}
