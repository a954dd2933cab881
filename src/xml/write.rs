//! Writing the model as canonical libvirt `<interface>` XML.

use std::fmt::Write as _;

use super::escape::escape_attr;
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
    let mut w = W {
        out: String::with_capacity(512),
        ex: &iface.extras,
        has_extras: !iface.extras.is_empty(),
        indent: indent.to_owned(),
        step,
        path: String::new(),
        scopes: Vec::new(),
    };
    w.interface(iface);
    w.out
}

/// An attribute value to write, or nothing.
type A<'v> = (&'static str, Option<V<'v>>);

enum V<'v> {
    S(&'v str),
    N(u64),
    Hex(u64, usize),
    Owned(String),
}

fn yn(b: Option<bool>) -> Option<V<'static>> {
    b.map(|b| V::S(if b { "yes" } else { "no" }))
}

fn onoff(b: Option<bool>) -> Option<V<'static>> {
    b.map(|b| V::S(if b { "on" } else { "off" }))
}

fn num<T: Into<u64>>(n: Option<T>) -> Option<V<'static>> {
    n.map(|n| V::N(n.into()))
}

fn s(v: &Option<String>) -> Option<V<'_>> {
    v.as_deref().map(V::S)
}

struct Scope {
    /// Length of `path` before this element's segment was pushed.
    path_len: usize,
    /// Length of the output right after this element's start tag.
    mark: usize,
    /// Known children whose trailing extras have been written.
    emitted: Vec<&'static str>,
}

struct W<'m> {
    out: String,
    ex: &'m Extras,
    has_extras: bool,
    indent: String,
    step: &'m str,
    /// Path of the element being written, relative to the interface (`""` for the interface).
    path: String,
    scopes: Vec<Scope>,
}

impl W<'_> {
    fn write_value(&mut self, v: &V<'_>) {
        match v {
            V::S(s) => escape_attr(s, &mut self.out),
            V::N(n) => {
                let _ = write!(self.out, "{n}");
            }
            V::Hex(n, width) => {
                let _ = write!(self.out, "0x{n:0width$x}", width = *width);
            }
            V::Owned(s) => escape_attr(s, &mut self.out),
        }
    }

    /// Writes the start tag of `name` (with the extras' attributes for it) and enters it.
    fn open(&mut self, name: &'static str, index: Option<usize>, attrs: &[A<'_>]) {
        let path_len = self.path.len();
        if self.has_extras && !self.scopes.is_empty() {
            if !self.path.is_empty() {
                self.path.push('/');
            }
            self.path.push_str(name);
            if let Some(i) = index {
                let _ = write!(self.path, "[{i}]");
            }
        }
        self.out.push_str(&self.indent);
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("='");
                self.write_value(v);
                self.out.push('\'');
            }
        }
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
                escape_attr(&a.value, &mut self.out);
                self.out.push('\'');
            }
        }
        self.out.push_str(">\n");
        self.indent.push_str(self.step);
        self.scopes.push(Scope {
            path_len,
            mark: self.out.len(),
            emitted: Vec::new(),
        });
        if self.has_extras {
            self.write_extras(None);
        }
    }

    /// Writes the extra children of the current element that followed `after`.
    fn write_extras(&mut self, after: Option<&str>) {
        let ex = self.ex;
        for n in ex.children_of(&self.path, after) {
            self.out.push_str(&self.indent);
            self.out.push_str(n.xml.as_str());
            self.out.push('\n');
        }
    }

    /// Leaves the current element: writes its remaining extras and its end tag, or turns the
    /// start tag into `<name .../>` when nothing went inside.
    fn close(&mut self, name: &'static str) {
        if self.has_extras {
            // Children anchored to known siblings that were never written go last.
            let ex = self.ex;
            if let Some(scope) = self.scopes.last() {
                for n in ex.elements.iter().filter(|n| n.parent == self.path) {
                    if let Some(a) = n.after.as_deref() {
                        if !scope.emitted.contains(&a) {
                            self.out.push_str(&self.indent);
                            self.out.push_str(n.xml.as_str());
                            self.out.push('\n');
                        }
                    }
                }
            }
        }
        let Some(scope) = self.scopes.pop() else {
            return;
        };
        let new_len = self.indent.len().saturating_sub(self.step.len());
        self.indent.truncate(new_len);
        if self.out.len() == scope.mark {
            self.out.truncate(self.out.len() - 2);
            self.out.push_str("/>\n");
        } else {
            self.out.push_str(&self.indent);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
        if self.has_extras {
            self.path.truncate(scope.path_len);
            let first = match self.scopes.last_mut() {
                Some(parent) if !parent.emitted.contains(&name) => {
                    parent.emitted.push(name);
                    true
                }
                _ => false,
            };
            if first {
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
    fn leaf(&mut self, name: &'static str, attrs: &[A<'_>]) {
        self.open(name, None, attrs);
        self.close(name);
    }

    fn leaf_indexed(&mut self, name: &'static str, index: usize, attrs: &[A<'_>]) {
        self.open(name, Some(index), attrs);
        self.close(name);
    }

    fn interface(&mut self, i: &Interface) {
        let managed = yn(i.managed);
        self.open(
            "interface",
            None,
            &[
                ("type", Some(V::S(i.kind.type_name()))),
                ("managed", managed),
                ("trustGuestRxFilters", yn(i.trust_guest_rx_filters)),
            ],
        );
        if let Some(mac) = i.mac {
            self.leaf("mac", &[("address", Some(V::Owned(mac.to_string())))]);
        }
        self.source(i);
        if let Some(v) = &i.vlan {
            self.open("vlan", None, &[("trunk", yn(v.trunk))]);
            for (n, t) in v.tags.iter().enumerate() {
                self.leaf_indexed(
                    "tag",
                    n + 1,
                    &[
                        ("id", num(Some(t.id.get()))),
                        ("nativeMode", t.native_mode.map(|m| V::S(m.as_str()))),
                    ],
                );
            }
            self.close("vlan");
        }
        if let Some(vp) = &i.virtualport {
            self.virtualport(vp);
        }
        if let Some(bw) = &i.bandwidth {
            self.open("bandwidth", None, &[]);
            for (name, rate) in [("inbound", &bw.inbound), ("outbound", &bw.outbound)] {
                if let Some(r) = rate {
                    self.rate(name, r);
                }
            }
            self.close("bandwidth");
        }
        if let Some(iso) = i.port_isolated {
            self.leaf("port", &[("isolated", yn(Some(iso)))]);
        }
        if let Some(p) = &i.script {
            self.leaf("script", &[("path", Some(V::S(p)))]);
        }
        if let Some(p) = &i.downscript {
            self.leaf("downscript", &[("path", Some(V::S(p)))]);
        }
        if let Some(t) = &i.target {
            self.leaf(
                "target",
                &[
                    ("dev", t.dev.as_ref().map(|d| V::S(d.as_str()))),
                    ("managed", yn(t.managed)),
                ],
            );
        }
        if let Some(m) = &i.model {
            self.leaf("model", &[("type", Some(V::S(m)))]);
        }
        if let Some(d) = &i.driver {
            if !matches!(i.kind, InterfaceKind::Hostdev(_)) {
                self.driver(d);
            }
        }
        if let Some(b) = &i.backend {
            self.leaf(
                "backend",
                &[
                    ("type", s(&b.backend_type)),
                    ("tap", s(&b.tap)),
                    ("vhost", s(&b.vhost)),
                ],
            );
        }
        if let Some(f) = &i.filterref {
            self.open("filterref", None, &[("filter", Some(V::S(&f.filter)))]);
            // libvirt writes filter variables sorted by name (stable for repeated names).
            let mut params: Vec<&crate::model::FilterParameter> = f.parameters.iter().collect();
            params.sort_by(|a, b| a.name.cmp(&b.name));
            for (n, p) in params.into_iter().enumerate() {
                self.leaf_indexed(
                    "parameter",
                    n + 1,
                    &[
                        ("name", Some(V::S(&p.name))),
                        ("value", Some(V::S(&p.value))),
                    ],
                );
            }
            self.close("filterref");
        }
        if let Some(t) = &i.teaming {
            let ty = match t.teaming_type {
                crate::model::interface::TeamingType::Persistent => "persistent",
                crate::model::interface::TeamingType::Transient => "transient",
            };
            self.leaf(
                "teaming",
                &[("type", Some(V::S(ty))), ("persistent", s(&t.persistent))],
            );
        }
        if let Some(l) = i.link {
            self.leaf("link", &[("state", Some(V::S(l.as_str())))]);
        }
        if let Some(m) = i.mtu {
            self.leaf("mtu", &[("size", num(Some(m)))]);
        }
        if let Some(c) = &i.coalesce {
            self.open("coalesce", None, &[]);
            // Written, even empty, when kept content sits inside, so none of it is lost.
            if c.rx_max_frames.is_some()
                || self.extras_under("coalesce/rx")
                || self.anchored("coalesce", "rx")
            {
                self.open("rx", None, &[]);
                if c.rx_max_frames.is_some()
                    || self.extras_under("coalesce/rx/frames")
                    || self.anchored("coalesce/rx", "frames")
                {
                    self.leaf("frames", &[("max", num(c.rx_max_frames))]);
                }
                self.close("rx");
            }
            self.close("coalesce");
        }
        if let Some(o) = i.boot {
            self.leaf("boot", &[("order", num(Some(o)))]);
        }
        if let Some(a) = &i.alias {
            self.leaf("alias", &[("name", Some(V::S(a)))]);
        }
        if let Some(r) = &i.rom {
            self.leaf(
                "rom",
                &[
                    ("bar", onoff(r.bar)),
                    ("file", s(&r.file)),
                    ("enabled", yn(r.enabled)),
                ],
            );
        }
        match &i.address {
            Some(DeviceAddress::Pci(p)) => self.leaf(
                "address",
                &[
                    ("type", Some(V::S("pci"))),
                    ("domain", Some(V::Hex(p.domain.into(), 4))),
                    ("bus", Some(V::Hex(p.bus.into(), 2))),
                    ("slot", Some(V::Hex(p.slot.into(), 2))),
                    ("function", Some(V::Hex(p.function.into(), 1))),
                    ("multifunction", onoff(p.multifunction)),
                ],
            ),
            Some(DeviceAddress::Other { address_type }) => {
                self.leaf("address", &[("type", Some(V::S(address_type)))])
            }
            None => {}
        }

        self.close("interface");
    }

    fn source(&mut self, i: &Interface) {
        match &i.kind {
            InterfaceKind::Bridge(b) => {
                self.leaf("source", &[("bridge", Some(V::S(b.bridge.as_str())))])
            }
            InterfaceKind::Network(n) => self.leaf(
                "source",
                &[
                    ("network", Some(V::S(&n.network))),
                    ("portgroup", s(&n.portgroup)),
                    ("portid", n.portid.map(|u| V::Owned(u.to_string()))),
                ],
            ),
            InterfaceKind::Direct(d) => self.leaf(
                "source",
                &[
                    ("dev", Some(V::S(d.dev.as_str()))),
                    ("mode", d.mode.map(|m| V::S(m.as_str()))),
                ],
            ),
            InterfaceKind::VhostUser(v) => {
                let has_source_extras = self.has_extras
                    && (self.ex.attributes.iter().any(|a| a.element == "source")
                        || self.ex.elements.iter().any(|n| n.parent == "source"));
                if v.is_empty() && !has_source_extras && !self.anchored("", "source") {
                    return;
                }
                self.open(
                    "source",
                    None,
                    &[
                        ("type", v.path.as_ref().map(|_| V::S("unix"))),
                        ("path", s(&v.path)),
                        ("mode", v.mode.map(|m| V::S(m.as_str()))),
                    ],
                );
                if let Some(r) = v.reconnect {
                    self.leaf(
                        "reconnect",
                        &[
                            ("enabled", yn(Some(r.enabled))),
                            ("timeout", num(r.timeout)),
                        ],
                    );
                }
                self.close("source");
            }
            InterfaceKind::Hostdev(h) => {
                if let Some(d) = &i.driver {
                    self.driver(d);
                }
                self.open("source", None, &[]);
                let a = h.address;
                self.leaf(
                    "address",
                    &[
                        ("type", Some(V::S("pci"))),
                        ("domain", Some(V::Hex(a.domain.into(), 4))),
                        ("bus", Some(V::Hex(a.bus.into(), 2))),
                        ("slot", Some(V::Hex(a.slot.into(), 2))),
                        ("function", Some(V::Hex(a.function.into(), 1))),
                    ],
                );
                self.close("source");
            }
            InterfaceKind::Vdpa(v) => self.leaf("source", &[("dev", Some(V::S(&v.dev)))]),
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_) => {}
        }
    }

    fn virtualport(&mut self, vp: &VirtualPort) {
        let uuid = |u: Option<crate::model::ids::Uuid>| u.map(|u| V::Owned(u.to_string()));
        let params: Vec<A<'_>> = match vp {
            VirtualPort::Qbg(q) => vec![
                ("managerid", num(q.managerid.map(|v| v.get()))),
                ("typeid", num(q.typeid.map(|v| v.get()))),
                ("typeidversion", num(q.typeidversion.map(|v| v.get()))),
                ("instanceid", uuid(q.instanceid)),
            ],
            VirtualPort::Qbh(q) => {
                vec![("profileid", q.profileid.as_ref().map(|p| V::S(p.as_str())))]
            }
            VirtualPort::OpenVSwitch(o) => vec![
                ("interfaceid", uuid(o.interfaceid)),
                ("profileid", o.profileid.as_ref().map(|p| V::S(p.as_str()))),
            ],
            VirtualPort::Midonet(m) => vec![("interfaceid", uuid(m.interfaceid))],
            VirtualPort::Untyped(u) => vec![
                ("managerid", num(u.managerid.map(|v| v.get()))),
                ("typeid", num(u.typeid.map(|v| v.get()))),
                ("typeidversion", num(u.typeidversion.map(|v| v.get()))),
                ("instanceid", uuid(u.instanceid)),
                ("interfaceid", uuid(u.interfaceid)),
                ("profileid", u.profileid.as_ref().map(|p| V::S(p.as_str()))),
            ],
        };
        self.open("virtualport", None, &[("type", vp.type_name().map(V::S))]);
        let any = params.iter().any(|(_, v)| v.is_some());
        let has_param_extras = self.extras_under("virtualport/parameters")
            || self.anchored("virtualport", "parameters");
        if any || has_param_extras {
            self.leaf("parameters", &params);
        }
        self.close("virtualport");
    }

    fn rate(&mut self, name: &'static str, r: &Rate) {
        self.leaf(
            name,
            &[
                ("average", num(r.average)),
                ("peak", num(r.peak)),
                ("floor", num(r.floor)),
                ("burst", num(r.burst)),
            ],
        );
    }

    fn driver(&mut self, d: &crate::model::interface::Driver) {
        self.open(
            "driver",
            None,
            &[
                ("name", s(&d.name)),
                ("txmode", s(&d.txmode)),
                ("ioeventfd", onoff(d.ioeventfd)),
                ("event_idx", onoff(d.event_idx)),
                ("queues", num(d.queues)),
                ("rx_queue_size", num(d.rx_queue_size)),
                ("tx_queue_size", num(d.tx_queue_size)),
                ("rss", onoff(d.rss)),
                ("rss_hash_report", onoff(d.rss_hash_report)),
                ("iommu", onoff(d.iommu)),
                ("ats", onoff(d.ats)),
                ("packed", onoff(d.packed)),
            ],
        );
        if let Some(h) = &d.host {
            self.leaf(
                "host",
                &[
                    ("csum", onoff(h.csum)),
                    ("gso", onoff(h.gso)),
                    ("tso4", onoff(h.tso4)),
                    ("tso6", onoff(h.tso6)),
                    ("ecn", onoff(h.ecn)),
                    ("ufo", onoff(h.ufo)),
                    ("mrg_rxbuf", onoff(h.mrg_rxbuf)),
                ],
            );
        }
        if let Some(g) = &d.guest {
            self.leaf(
                "guest",
                &[
                    ("csum", onoff(g.csum)),
                    ("tso4", onoff(g.tso4)),
                    ("tso6", onoff(g.tso6)),
                    ("ecn", onoff(g.ecn)),
                    ("ufo", onoff(g.ufo)),
                ],
            );
        }
        self.close("driver");
    }
}
