//! Kept (extra) content: attributes the model writes itself, content on elements that are
//! not written, and content libvirt's schema does not allow (`extras.duplicate-attribute`,
//! `extras.orphan`, `extras.unknown`).

use super::Checker;
use crate::model::interface::{
    DRIVER_ATTRIBUTES, GUEST_OFFLOAD_ATTRIBUTES, HOST_OFFLOAD_ATTRIBUTES,
};
use crate::model::kind::InterfaceKind;
use crate::model::Interface;

impl Checker<'_> {
    pub(super) fn extras(&mut self) {
        if self.i.extras.is_empty() {
            // Nothing kept: only the types whose source is kept verbatim have anything to say.
            self.source_shape(None);
            return;
        }
        // Attribute names the writer produces for each element path.
        fn modelled(kind: &InterfaceKind, element: &str, name: &str) -> bool {
            let known: &[&str] = match element {
                "source" => match kind {
                    InterfaceKind::Bridge(_) => &["bridge"],
                    InterfaceKind::Network(_) => &["network", "portgroup", "portid"],
                    InterfaceKind::Direct(_) => &["dev", "mode"],
                    InterfaceKind::VhostUser(_) => &["type", "path", "mode"],
                    InterfaceKind::Vdpa(_) => &["dev"],
                    _ => &[],
                },
                "" => &["type", "managed", "trustGuestRxFilters"],
                "mac" => &["address"],
                "source/reconnect" => &["enabled", "timeout"],
                "source/address" => &["type", "domain", "bus", "slot", "function"],
                "vlan" => &["trunk"],
                "virtualport" => &["type"],
                "virtualport/parameters" => &[
                    "managerid",
                    "typeid",
                    "typeidversion",
                    "instanceid",
                    "interfaceid",
                    "profileid",
                ],
                "bandwidth/inbound" | "bandwidth/outbound" => {
                    &["average", "peak", "burst", "floor"]
                }
                "port" => &["isolated"],
                "script" | "downscript" => &["path"],
                "target" => &["dev", "managed"],
                "model" => &["type"],
                "driver" => DRIVER_ATTRIBUTES,
                "driver/host" => HOST_OFFLOAD_ATTRIBUTES,
                "driver/guest" => GUEST_OFFLOAD_ATTRIBUTES,
                "backend" => &["type", "tap", "vhost"],
                "filterref" => &["filter"],
                "teaming" => &["type", "persistent"],
                "link" => &["state"],
                "mtu" => &["size"],
                "coalesce/rx/frames" => &["max"],
                "boot" => &["order"],
                "alias" => &["name"],
                "rom" => &["bar", "file", "enabled"],
                "address" => &["type", "domain", "bus", "slot", "function", "multifunction"],
                e if e.starts_with("vlan/tag[") => &["id", "nativeMode"],
                e if e.starts_with("filterref/parameter[") => &["name", "value"],
                _ => &[],
            };
            known.contains(&name)
        }
        let i = self.i;
        let mut dups = Vec::new();
        for a in &i.extras.attributes {
            let n = a.name.as_str();
            if modelled(&i.kind, &a.element, n) {
                dups.push((a.element.clone(), n.to_owned()));
            }
        }
        for (el, n) in dups {
            let path = if el.is_empty() {
                format!("@{n}")
            } else {
                format!("{el}/@{n}")
            };
            self.err(
                "extras.duplicate-attribute",
                &path,
                format!(
                    "kept attribute '{n}' is one the model writes itself: set the model field \
                     instead"
                ),
            );
        }
        // Extras attached to elements the model does not write are never emitted.
        let rendered = rendered_paths(i);
        let mut orphans = Vec::new();
        for a in &i.extras.attributes {
            if !rendered.contains(&a.element) {
                orphans.push(a.element.clone());
            }
        }
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                orphans.push(n.parent.clone());
            }
        }
        orphans.dedup();
        for el in orphans {
            self.warn(
                "extras.orphan",
                &el,
                format!("kept content belongs to <{el}>, which this interface does not have: it is not written"),
            );
        }
        self.unknown_extras(&rendered, modelled);
    }

    /// Kept (written) content that libvirt's schema does not allow where it sits: unknown
    /// attributes and elements, text, a second copy of an element the model reads, or one the
    /// reader could not read (a `<mac/>` without address, a `<tag/>` without id, ...).
    fn unknown_extras(
        &mut self,
        rendered: &[String],
        modelled: fn(&InterfaceKind, &str, &str) -> bool,
    ) {
        let i = self.i;
        let mut found: Vec<(String, String)> = Vec::new();
        for a in &i.extras.attributes {
            let (el, n) = (a.element.as_str(), a.name.as_str());
            if !rendered.iter().any(|r| r == el) || modelled(&i.kind, el, n) {
                continue;
            }
            if !schema_attribute(i, el, n) {
                let path = if el.is_empty() {
                    format!("@{n}")
                } else {
                    format!("{el}/@{n}")
                };
                let on = if el.is_empty() { "interface" } else { el };
                found.push((
                    path,
                    format!(
                        "kept attribute '{n}' on <{on}> is not in libvirt's schema: libvirt \
                         refuses the document"
                    ),
                ));
            }
        }
        let keeps_source = matches!(
            i.kind,
            InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_)
        );
        let mut sources = 0;
        for n in &i.extras.elements {
            if !rendered.contains(&n.parent) {
                continue;
            }
            let at = if n.parent.is_empty() {
                "interface".to_owned()
            } else {
                n.parent.clone()
            };
            match classify(n.xml.as_str()) {
                Kept::Ignorable => {}
                Kept::Text => found.push((
                    n.parent.clone(),
                    format!("kept text inside <{at}>: libvirt's schema allows none there"),
                )),
                Kept::Element(name, attrs) => {
                    if n.parent.is_empty() && name == "source" && keeps_source {
                        sources += 1;
                        if sources == 1 {
                            self.source_shape(Some(&attrs));
                            continue;
                        }
                    }
                    if !schema_element(&n.parent, &name) {
                        let path = if n.parent.is_empty() {
                            name.clone()
                        } else {
                            format!("{}/{name}", n.parent)
                        };
                        found.push((
                            path,
                            format!(
                                "kept element <{name}> inside <{at}> is not in libvirt's schema \
                                 there (unknown, repeated, or missing the attribute that makes \
                                 it readable): libvirt refuses the document"
                            ),
                        ));
                    }
                }
            }
        }
        if sources == 0 {
            self.source_shape(None);
        }
        for (path, msg) in found {
            self.err("extras.unknown", &path, msg);
        }
    }
}

/// What a kept node is, for the schema check.
enum Kept {
    /// A comment, a processing instruction or blank CDATA: libvirt ignores it.
    Ignorable,
    /// Character data.
    Text,
    /// An element: its name and attribute names.
    Element(String, Vec<String>),
}

fn classify(raw: &str) -> Kept {
    use quick_xml::events::Event;
    // Blanks before the node are no node: classify what follows them.
    let mut r = quick_xml::Reader::from_str(raw.trim_start_matches([' ', '\t', '\r', '\n']));
    match r.read_event() {
        Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let attrs = e
                .attributes()
                .flatten()
                .map(|a| String::from_utf8_lossy(a.key.as_ref()).into_owned())
                .collect();
            Kept::Element(name, attrs)
        }
        Ok(Event::Comment(_)) | Ok(Event::PI(_)) => Kept::Ignorable,
        Ok(Event::CData(c)) if c.iter().all(u8::is_ascii_whitespace) => Kept::Ignorable,
        Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => Kept::Ignorable,
        _ => Kept::Text,
    }
}

/// Attributes libvirt's schema allows that the model does not name, by element path.
fn schema_attribute(i: &Interface, element: &str, name: &str) -> bool {
    let allowed: &[&str] = match element {
        "mac" => &["type", "check"],
        "backend" => &["logFile"],
        "driver" => &["page_per_vq"],
        "boot" => &["loadparm"],
        "bandwidth" => &["classID"],
        "source" => match i.kind {
            InterfaceKind::Bridge(_) => &["macTableManager", "network", "portgroup", "portid"],
            InterfaceKind::Network(_) => &["bridge", "macTableManager"],
            InterfaceKind::Direct(_) => &["network", "portgroup", "portid"],
            InterfaceKind::Hostdev(_) => &["missing"],
            // libvirt 11's passt-served vhost-user names the host interface on <source>.
            InterfaceKind::VhostUser(_)
                if i.backend.as_ref().and_then(|b| b.backend_type.as_deref()) == Some("passt") =>
            {
                &["dev"]
            }
            _ => &[],
        },
        "source/address" => &["multifunction"],
        // Non-pci addresses (ccw, virtio-mmio, ...) keep all their attributes as extras.
        "address" => return matches!(i.address, Some(crate::model::DeviceAddress::Other { .. })),
        _ => &[],
    };
    allowed.contains(&name)
}

/// Child elements libvirt's schema allows that the model does not name, by parent path.
fn schema_element(parent: &str, name: &str) -> bool {
    let allowed: &[&str] = match parent {
        "" => &[
            "guest",
            "ip",
            "route",
            "portForward",
            "backenddomain",
            "acpi",
            "tune",
        ],
        "address" => &["zpci"],
        _ => &[],
    };
    allowed.contains(&name)
}

/// Paths of the elements the writer produces for this interface.
fn rendered_paths(i: &Interface) -> Vec<String> {
    let mut p: Vec<String> = vec![String::new()];
    let mut add = |s: &str| p.push(s.to_owned());
    if i.mac.is_some() {
        add("mac");
    }
    match &i.kind {
        InterfaceKind::Bridge(_)
        | InterfaceKind::Network(_)
        | InterfaceKind::Direct(_)
        | InterfaceKind::Vdpa(_) => add("source"),
        InterfaceKind::VhostUser(v) => {
            add("source");
            if v.reconnect.is_some() {
                add("source/reconnect");
            }
        }
        InterfaceKind::Hostdev(_) => {
            add("source");
            add("source/address");
        }
        _ => {}
    }
    if let Some(v) = &i.vlan {
        add("vlan");
        for n in 1..=v.tags.len() {
            add(&format!("vlan/tag[{n}]"));
        }
    }
    if i.virtualport.is_some() {
        add("virtualport");
        add("virtualport/parameters");
    }
    if let Some(bw) = &i.bandwidth {
        add("bandwidth");
        if bw.inbound.is_some() {
            add("bandwidth/inbound");
        }
        if bw.outbound.is_some() {
            add("bandwidth/outbound");
        }
    }
    for (present, name) in [
        (i.port_isolated.is_some(), "port"),
        (i.script.is_some(), "script"),
        (i.downscript.is_some(), "downscript"),
        (i.target.is_some(), "target"),
        (i.model.is_some(), "model"),
        (i.backend.is_some(), "backend"),
        (i.teaming.is_some(), "teaming"),
        (i.link.is_some(), "link"),
        (i.mtu.is_some(), "mtu"),
        (i.boot.is_some(), "boot"),
        (i.alias.is_some(), "alias"),
        (i.rom.is_some(), "rom"),
        (i.address.is_some(), "address"),
    ] {
        if present {
            add(name);
        }
    }
    if let Some(d) = &i.driver {
        add("driver");
        if d.host.is_some() {
            add("driver/host");
        }
        if d.guest.is_some() {
            add("driver/guest");
        }
    }
    if let Some(f) = &i.filterref {
        add("filterref");
        for n in 1..=f.parameters.len() {
            add(&format!("filterref/parameter[{n}]"));
        }
    }
    if let Some(c) = &i.coalesce {
        add("coalesce");
        if c.rx_max_frames.is_some() {
            add("coalesce/rx");
            add("coalesce/rx/frames");
        }
    }
    p
}
