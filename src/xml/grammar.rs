//! The grammar of `<interface>` as the model knows it, declared once: every element the model
//! reads and writes, its attributes in the order libvirt writes them, a value libvirt accepts
//! for each, and its known children in libvirt's order.
//!
//! The reader takes its known-attribute lists from here ([`Element::attributes`]), the writer
//! names and orders the attributes it writes by it (`Element::zip`), the validator asks it
//! what the model writes itself ([`modelled`]), kept content is put in the order the writer
//! writes it ([`anchor_rank`]), and tests generate a document for every declared element from
//! it. Adding an attribute is one line here, the model field, and the line in the reader and
//! the writer that moves its value (`docs/architecture.md`).

/// Where an element is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// On every interface type.
    Any,
    /// On one interface type (the `<source>` of each type, and what sits in it).
    Type(&'static str),
    /// Inside a `<virtualport>` of this type (`""`: untyped, on `type='network'`).
    Virtualport(&'static str),
}

/// One element of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// Path from `<interface>` (`""` for it), without repeat indexes (`vlan/tag`).
    pub path: &'static str,
    /// Where the model reads it.
    pub context: Context,
    /// Attributes the model reads and writes, in libvirt's order.
    pub attributes: &'static [&'static str],
    /// A value libvirt accepts for each attribute, in the same order (for generated documents).
    pub samples: &'static [&'static str],
    /// Child elements the model reads and writes, in libvirt's order.
    pub children: &'static [&'static str],
    /// True when the element may repeat (its paths carry an index: `vlan/tag[2]`).
    pub repeats: bool,
    /// Children without which the element does not read (a hostdev `<source>` needs its
    /// `<address>`).
    pub required: &'static [&'static str],
    /// The lexical form libvirt's schema takes for each attribute (same order; empty when none
    /// has one): the reader notes other forms it reads (`xml.noncanonical`).
    pub(crate) forms: &'static [Option<Form>],
}

impl Element {
    const fn new(
        path: &'static str,
        context: Context,
        attributes: &'static [&'static str],
        samples: &'static [&'static str],
        children: &'static [&'static str],
    ) -> Element {
        assert!(attributes.len() == samples.len());
        Element {
            path,
            context,
            attributes,
            samples,
            children,
            repeats: false,
            required: &[],
            forms: &[],
        }
    }

    const fn with_forms(self, forms: &'static [Option<Form>]) -> Element {
        assert!(forms.len() == self.attributes.len());
        Element { forms, ..self }
    }

    /// The schema form of attribute `name`, if it has one.
    pub(crate) fn form_of(&self, name: &str) -> Option<Form> {
        let i = self.attributes.iter().position(|a| *a == name)?;
        self.forms.get(i).copied().flatten()
    }

    const fn requiring(self, required: &'static [&'static str]) -> Element {
        Element { required, ..self }
    }

    const fn repeated(self) -> Element {
        Element {
            repeats: true,
            ..self
        }
    }

    /// The element's own name (the last path segment; `interface` for the root).
    pub fn name(&self) -> &'static str {
        match self.path.rsplit_once('/') {
            Some((_, n)) => n,
            None if self.path.is_empty() => "interface",
            None => self.path,
        }
    }

    /// The declared attribute names paired with `values` (one per attribute, in order), for
    /// the writer.
    pub(crate) fn zip<V, const N: usize>(
        &self,
        values: [Option<V>; N],
    ) -> [(&'static str, Option<V>); N] {
        debug_assert_eq!(N, self.attributes.len(), "{}", self.path);
        let mut i = 0;
        values.map(|v| {
            let name = self.attributes.get(i).copied().unwrap_or("");
            i += 1;
            (name, v)
        })
    }
}

use super::forms::Form;
use Context::{Any, Type, Virtualport};

const PCI_FORMS: [Option<Form>; 5] = [
    None,
    Some(Form::Uint32),
    Some(Form::Uint8),
    Some(Form::PciSlot),
    Some(Form::PciFunc),
];
const RATE_FORMS: [Option<Form>; 4] = [Some(Form::Digits); 4];

const UUID: &str = "5d2a91c0-3b4e-4f7a-9c1d-2e3f4a5b6c7d";

/// `<interface type managed trustGuestRxFilters>`.
pub const INTERFACE: Element = Element::new(
    "",
    Any,
    &["type", "managed", "trustGuestRxFilters"],
    &["ethernet", "yes", "no"],
    &[
        "mac",
        "source",
        "vlan",
        "virtualport",
        "bandwidth",
        "port",
        "ip",
        "route",
        "portForward",
        "script",
        "downscript",
        "backenddomain",
        "target",
        "guest",
        "model",
        "driver",
        "backend",
        "filterref",
        "tune",
        "teaming",
        "link",
        "mtu",
        "coalesce",
        "boot",
        "alias",
        "rom",
        "acpi",
        "address",
    ],
);
/// `<mac address>`.
pub const MAC: Element = Element::new(
    "mac",
    Any,
    &["address", "type", "check"],
    &["52:54:00:12:34:56", "static", "no"],
    &[],
)
.with_forms(&[Some(Form::Mac), None, None]);
/// `<source bridge>` of `type='bridge'`.
pub const SOURCE_BRIDGE: Element =
    Element::new("source", Type("bridge"), &["bridge"], &["br0"], &[]);
/// `<source network portgroup portid>` of `type='network'`.
pub const SOURCE_NETWORK: Element = Element::new(
    "source",
    Type("network"),
    &["network", "portgroup", "portid"],
    &["default", "web", UUID],
    &[],
)
.with_forms(&[None, None, Some(Form::Uuid)]);
/// `<source dev mode>` of `type='direct'`.
pub const SOURCE_DIRECT: Element = Element::new(
    "source",
    Type("direct"),
    &["dev", "mode"],
    &["eth0", "vepa"],
    &[],
);
/// `<source type path mode>` of `type='vhostuser'`.
pub const SOURCE_VHOSTUSER: Element = Element::new(
    "source",
    Type("vhostuser"),
    &["type", "path", "mode"],
    &["unix", "/run/vhu0.sock", "client"],
    &["reconnect"],
);
/// `<source><reconnect enabled timeout/></source>` of `type='vhostuser'`.
pub const SOURCE_RECONNECT: Element = Element::new(
    "source/reconnect",
    Type("vhostuser"),
    &["enabled", "timeout"],
    &["yes", "10"],
    &[],
);
/// `<source dev>` of `type='vdpa'`.
pub const SOURCE_VDPA: Element = Element::new(
    "source",
    Type("vdpa"),
    &["dev"],
    &["/dev/vhost-vdpa-0"],
    &[],
);
/// `<source>` of `type='hostdev'`.
pub const SOURCE_HOSTDEV: Element =
    Element::new("source", Type("hostdev"), &[], &[], &["address"]).requiring(&["address"]);
/// `<source><address type='pci' .../></source>` of `type='hostdev'`.
pub const SOURCE_ADDRESS: Element = Element::new(
    "source/address",
    Type("hostdev"),
    &["type", "domain", "bus", "slot", "function"],
    &["pci", "0x0000", "0x81", "0x10", "0x2"],
    &[],
)
.with_forms(&PCI_FORMS);
/// `<vlan trunk>`.
pub const VLAN: Element = Element::new("vlan", Any, &["trunk"], &["yes"], &["tag"]);
/// `<vlan><tag id nativeMode/></vlan>`.
pub const VLAN_TAG: Element = Element::new(
    "vlan/tag",
    Any,
    &["id", "nativeMode"],
    &["42", "tagged"],
    &[],
)
.repeated();
/// `<virtualport type>`.
pub const VIRTUALPORT: Element = Element::new(
    "virtualport",
    Any,
    &["type"],
    &["openvswitch"],
    &["parameters"],
);
/// `<parameters>` of an 802.1Qbg virtualport.
pub const PARAMETERS_QBG: Element = Element::new(
    "virtualport/parameters",
    Virtualport("802.1Qbg"),
    &["managerid", "typeid", "typeidversion", "instanceid"],
    &["11", "1193046", "2", UUID],
    &[],
)
.with_forms(&[
    Some(Form::Uint8),
    Some(Form::Uint24),
    Some(Form::Uint8),
    Some(Form::Uuid),
]);
/// `<parameters>` of an 802.1Qbh virtualport.
pub const PARAMETERS_QBH: Element = Element::new(
    "virtualport/parameters",
    Virtualport("802.1Qbh"),
    &["profileid"],
    &["finance"],
    &[],
);
/// `<parameters>` of an openvswitch virtualport.
pub const PARAMETERS_OVS: Element = Element::new(
    "virtualport/parameters",
    Virtualport("openvswitch"),
    &["interfaceid", "profileid"],
    &[UUID, "menial"],
    &[],
)
.with_forms(&[Some(Form::Uuid), None]);
/// `<parameters>` of a midonet virtualport.
pub const PARAMETERS_MIDONET: Element = Element::new(
    "virtualport/parameters",
    Virtualport("midonet"),
    &["interfaceid"],
    &[UUID],
    &[],
)
.with_forms(&[Some(Form::Uuid)]);
/// `<parameters>` of an untyped virtualport (`type='network'`: merged with the network's).
pub const PARAMETERS_UNTYPED: Element = Element::new(
    "virtualport/parameters",
    Virtualport(""),
    &[
        "managerid",
        "typeid",
        "typeidversion",
        "instanceid",
        "interfaceid",
        "profileid",
    ],
    &["11", "1193046", "2", UUID, UUID, "finance"],
    &[],
)
.with_forms(&[
    Some(Form::Uint8),
    Some(Form::Uint24),
    Some(Form::Uint8),
    Some(Form::Uuid),
    Some(Form::Uuid),
    None,
]);
/// `<bandwidth>`.
pub const BANDWIDTH: Element = Element::new("bandwidth", Any, &[], &[], &["inbound", "outbound"]);
const RATE: [&str; 4] = ["average", "peak", "floor", "burst"];
const RATE_SAMPLES: [&str; 4] = ["1000", "2000", "500", "256"];
/// `<bandwidth><inbound average peak floor burst/></bandwidth>`.
pub const BANDWIDTH_INBOUND: Element =
    Element::new("bandwidth/inbound", Any, &RATE, &RATE_SAMPLES, &[]).with_forms(&RATE_FORMS);
/// `<bandwidth><outbound average peak floor burst/></bandwidth>`.
pub const BANDWIDTH_OUTBOUND: Element =
    Element::new("bandwidth/outbound", Any, &RATE, &RATE_SAMPLES, &[]).with_forms(&RATE_FORMS);
/// `<port isolated>`.
pub const PORT: Element = Element::new("port", Any, &["isolated"], &["yes"], &[]);
/// `<script path>`.
pub const SCRIPT: Element = Element::new("script", Any, &["path"], &["/etc/qemu-ifup"], &[]);
/// `<downscript path>`.
pub const DOWNSCRIPT: Element =
    Element::new("downscript", Any, &["path"], &["/etc/qemu-ifdown"], &[]);
/// `<backenddomain name>`.
pub const BACKENDDOMAIN: Element = Element::new("backenddomain", Any, &["name"], &["dom0"], &[]);
/// `<target dev managed>`.
pub const TARGET: Element = Element::new("target", Any, &["dev", "managed"], &["tap0", "no"], &[]);
/// `<guest dev actual>`.
pub const GUEST: Element = Element::new("guest", Any, &["dev", "actual"], &["eth0", "eth1"], &[]);
/// `<model type>`.
pub const MODEL: Element = Element::new("model", Any, &["type"], &["virtio"], &[]);
/// `<driver ...>` (on hostdev, before `<source>`, with only `name`).
pub const DRIVER: Element = Element::new(
    "driver",
    Any,
    &[
        "name",
        "txmode",
        "ioeventfd",
        "event_idx",
        "queues",
        "rx_queue_size",
        "tx_queue_size",
        "rss",
        "rss_hash_report",
        "iommu",
        "ats",
        "packed",
        "page_per_vq",
    ],
    &[
        "vhost", "iothread", "on", "off", "4", "512", "512", "on", "on", "on", "on", "on", "on",
    ],
    &["host", "guest"],
);
/// `<driver><host .../></driver>`.
pub const DRIVER_HOST: Element = Element::new(
    "driver/host",
    Any,
    &["csum", "gso", "tso4", "tso6", "ecn", "ufo", "mrg_rxbuf"],
    &["off", "off", "off", "off", "off", "off", "off"],
    &[],
);
/// `<driver><guest .../></driver>`.
pub const DRIVER_GUEST: Element = Element::new(
    "driver/guest",
    Any,
    &["csum", "tso4", "tso6", "ecn", "ufo"],
    &["off", "off", "off", "off", "off"],
    &[],
);
/// `<backend type tap vhost>`.
pub const BACKEND: Element = Element::new(
    "backend",
    Any,
    &["type", "tap", "vhost", "logFile", "hostname", "fqdn"],
    &[
        "default",
        "/dev/net/tun",
        "/dev/vhost-net",
        "/var/log/passt.log",
        "guest1",
        "guest1.example.org",
    ],
    &[],
);
/// `<filterref filter>`.
pub const FILTERREF: Element = Element::new(
    "filterref",
    Any,
    &["filter"],
    &["clean-traffic"],
    &["parameter"],
);
/// `<filterref><parameter name value/></filterref>`.
pub const FILTERREF_PARAMETER: Element = Element::new(
    "filterref/parameter",
    Any,
    &["name", "value"],
    &["IP", "10.0.0.1"],
    &[],
)
.repeated();
/// `<teaming type persistent>`.
pub const TEAMING: Element = Element::new(
    "teaming",
    Any,
    &["type", "persistent"],
    &["transient", "ua-net0"],
    &[],
);
/// `<link state>`.
pub const LINK: Element = Element::new("link", Any, &["state"], &["down"], &[]);
/// `<mtu size>`.
pub const MTU: Element = Element::new("mtu", Any, &["size"], &["9000"], &[]);
/// `<coalesce>`.
pub const COALESCE: Element = Element::new("coalesce", Any, &[], &[], &["rx"]);
/// `<coalesce><rx>`.
pub const COALESCE_RX: Element = Element::new("coalesce/rx", Any, &[], &[], &["frames"]);
/// `<coalesce><rx><frames max/></rx></coalesce>`.
pub const COALESCE_RX_FRAMES: Element =
    Element::new("coalesce/rx/frames", Any, &["max"], &["7"], &[]);
/// `<boot order>`.
pub const BOOT: Element = Element::new("boot", Any, &["order"], &["1"], &[]);
/// `<alias name>`.
pub const ALIAS: Element = Element::new("alias", Any, &["name"], &["ua-net0"], &[]);
/// `<rom bar file enabled>`.
pub const ROM: Element = Element::new(
    "rom",
    Any,
    &["bar", "file", "enabled"],
    &["on", "/usr/share/ipxe/1af41000.rom", "yes"],
    &[],
);
/// `<acpi index>`.
pub const ACPI: Element = Element::new("acpi", Any, &["index"], &["3"], &[]);
/// The guest `<address type='pci' .../>` (other address types are kept as they are, but for
/// their `type`).
pub const ADDRESS: Element = Element::new(
    "address",
    Any,
    &["type", "domain", "bus", "slot", "function", "multifunction"],
    &["pci", "0x0000", "0x00", "0x03", "0x0", "on"],
    &[],
)
.with_forms(&[
    None,
    Some(Form::Uint32),
    Some(Form::Uint8),
    Some(Form::PciSlot),
    Some(Form::PciFunc),
    None,
]);

/// Every element of the grammar.
pub const ELEMENTS: &[Element] = &[
    INTERFACE,
    MAC,
    SOURCE_BRIDGE,
    SOURCE_NETWORK,
    SOURCE_DIRECT,
    SOURCE_VHOSTUSER,
    SOURCE_RECONNECT,
    SOURCE_VDPA,
    SOURCE_HOSTDEV,
    SOURCE_ADDRESS,
    VLAN,
    VLAN_TAG,
    VIRTUALPORT,
    PARAMETERS_QBG,
    PARAMETERS_QBH,
    PARAMETERS_OVS,
    PARAMETERS_MIDONET,
    PARAMETERS_UNTYPED,
    BANDWIDTH,
    BANDWIDTH_INBOUND,
    BANDWIDTH_OUTBOUND,
    PORT,
    SCRIPT,
    DOWNSCRIPT,
    BACKENDDOMAIN,
    TARGET,
    GUEST,
    MODEL,
    DRIVER,
    DRIVER_HOST,
    DRIVER_GUEST,
    BACKEND,
    FILTERREF,
    FILTERREF_PARAMETER,
    TEAMING,
    LINK,
    MTU,
    COALESCE,
    COALESCE_RX,
    COALESCE_RX_FRAMES,
    BOOT,
    ALIAS,
    ROM,
    ACPI,
    ADDRESS,
];

/// A path without its repeat indexes (`vlan/tag[2]` → `vlan/tag`).
fn unindexed(path: &str) -> std::borrow::Cow<'_, str> {
    if path.contains('[') {
        let mut out = String::with_capacity(path.len());
        let mut skip = false;
        for c in path.chars() {
            match c {
                '[' => skip = true,
                ']' => skip = false,
                c if !skip => out.push(c),
                _ => {}
            }
        }
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// The declaration of the element at `path` on an interface of type `ty` whose virtualport
/// has type `virtualport` (`None` without one; `Some("")` untyped).
pub fn element(ty: &str, virtualport: Option<&str>, path: &str) -> Option<&'static Element> {
    let path = unindexed(path);
    ELEMENTS.iter().find(|e| {
        e.path == path
            && match e.context {
                Any => true,
                Type(t) => t == ty,
                Virtualport(v) => virtualport == Some(v),
            }
    })
}

/// True when the model reads and writes attribute `name` of the element at `path` (so a kept
/// copy of it would be a duplicate).
pub fn modelled(ty: &str, virtualport: Option<&str>, path: &str, name: &str) -> bool {
    element(ty, virtualport, path).is_some_and(|e| e.attributes.contains(&name))
}

/// Where in the writer's output kept content anchored at `parent` after its known child
/// `after` lands, as a sort key: the writer writes an element's kept children that came first,
/// then each known child (with everything inside it) followed by the kept children anchored
/// after it, in the grammar's order. Sorting kept content by this key puts it in the order the
/// writer writes it, so what was read in another order reads back the same after a render.
pub fn anchor_rank(parent: &str, after: Option<&str>) -> Vec<(u32, u32)> {
    let mut key = Vec::with_capacity(4);
    let mut decl = Some(&INTERFACE);
    let mut at = String::new();
    for seg in parent.split('/').filter(|s| !s.is_empty()) {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<u32>().unwrap_or(0)),
            None => (seg, 0),
        };
        key.push((child_index(decl, name), index));
        if !at.is_empty() {
            at.push('/');
        }
        at.push_str(name);
        decl = ELEMENTS.iter().find(|e| e.path == at);
    }
    match after {
        None => key.push((0, 0)),
        Some(a) => {
            // The writer writes what follows a repeated child after its first copy.
            let child = if at.is_empty() {
                a.to_owned()
            } else {
                format!("{at}/{a}")
            };
            let first = u32::from(ELEMENTS.iter().any(|e| e.path == child && e.repeats));
            key.push((child_index(decl, a), first));
            key.push((u32::MAX, u32::MAX));
        }
    }
    key
}

/// Position (from 1) of a known child in its parent's declaration; unknown names last.
fn child_index(decl: Option<&Element>, name: &str) -> u32 {
    decl.and_then(|d| d.children.iter().position(|c| *c == name))
        .map_or(u32::MAX - 1, |p| p as u32 + 1)
}

/// The interface type and virtualport type under which a declaration is read, for sample
/// documents: `ethernet` for elements of every type, the declared type otherwise; virtualport
/// parameters on the interface type that takes that virtualport.
pub fn sample_setting(e: &Element) -> (&'static str, Option<&'static str>) {
    match e.context {
        Any => ("ethernet", None),
        Type(t) => (t, None),
        Virtualport("") => ("network", Some("")),
        Virtualport(v @ ("802.1Qbg" | "802.1Qbh")) => ("direct", Some(v)),
        Virtualport(v) => ("bridge", Some(v)),
    }
}

/// ` name='sample'` for each declared attribute of `e` (`replace` swaps some values).
fn sample_attributes(
    e: &Element,
    ty: &str,
    vport: Option<&str>,
    replace: &[(&str, &str)],
) -> String {
    let mut out = String::new();
    for (name, sample) in e.attributes.iter().zip(e.samples) {
        let value = match (e.path, *name) {
            ("", "type") => ty,
            ("virtualport", "type") => match vport {
                Some("") => continue,
                Some(v) => v,
                None => sample,
            },
            _ => replace
                .iter()
                .find(|(n, _)| n == name)
                .map_or(*sample, |(_, v)| *v),
        };
        out.push_str(&format!(" {name}='{value}'"));
    }
    out
}

/// A sample `<interface>` carrying `target` with every declared attribute (sample values, some
/// swapped by `replace`), and what it needs around it: its parents with their attributes, the
/// children it does not read without, the source of its interface type. `extra_attributes` and
/// `extra_child` are added to `target` verbatim. For generated tests and examples.
///
/// ```
/// use vifxml::xml::grammar::{sample_document, MAC};
/// let doc = sample_document(&MAC, &[], "", "");
/// assert_eq!(doc, "<interface type='ethernet' managed='yes' trustGuestRxFilters='no'>\
///     <mac address='52:54:00:12:34:56' type='static' check='no'></mac></interface>");
/// ```
pub fn sample_document(
    target: &Element,
    replace: &[(&str, &str)],
    extra_attributes: &str,
    extra_child: &str,
) -> String {
    let (ty, vport) = sample_setting(target);
    let decl = |path: &str| element(ty, vport, path);
    // The chain of elements from the interface down to the target.
    let mut chain: Vec<String> = vec![String::new()];
    for seg in target.path.split('/').filter(|s| !s.is_empty()) {
        let prev = chain.last().cloned().unwrap_or_default();
        chain.push(if prev.is_empty() {
            seg.to_owned()
        } else {
            format!("{prev}/{seg}")
        });
    }
    let mut open = String::new();
    let mut close = Vec::new();
    for (n, path) in chain.iter().enumerate() {
        let Some(e) = decl(path) else {
            continue;
        };
        let last = n + 1 == chain.len();
        let swap = if last { replace } else { &[] };
        open.push_str(&format!(
            "<{}{}",
            e.name(),
            sample_attributes(e, ty, vport, swap)
        ));
        if last {
            open.push_str(extra_attributes);
        }
        open.push('>');
        if last {
            open.push_str(extra_child);
        }
        for r in e.required {
            let child = if path.is_empty() {
                (*r).to_owned()
            } else {
                format!("{path}/{r}")
            };
            if chain.get(n + 1) != Some(&child) {
                if let Some(c) = decl(&child) {
                    open.push_str(&format!("<{r}{}/>", sample_attributes(c, ty, vport, &[])));
                }
            }
        }
        close.push(format!("</{}>", e.name()));
        // The interface type's source, when the chain does not go through it.
        if n == 0 && !target.path.starts_with("source") {
            if let Some(src) = element(ty, vport, "source") {
                open.push_str(&format!(
                    "<source{}/>",
                    sample_attributes(src, ty, vport, &[])
                ));
            }
        }
    }
    close.reverse();
    open + &close.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_consistent() {
        for e in ELEMENTS {
            assert_eq!(e.attributes.len(), e.samples.len(), "{}", e.path);
            let mut names = e.attributes.to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                e.attributes.len(),
                "{}: repeated attribute",
                e.path
            );
            // Every element but the root is a declared child of a declared parent.
            if let Some((parent, name)) = e
                .path
                .rsplit_once('/')
                .or((!e.path.is_empty()).then_some(("", e.path)))
            {
                let ok = ELEMENTS
                    .iter()
                    .any(|p| p.path == parent && p.children.contains(&name));
                assert!(ok, "{} is not a declared child of '{parent}'", e.path);
            }
        }
    }

    #[test]
    fn lookups() {
        assert!(modelled("direct", None, "source", "mode"));
        assert!(!modelled("bridge", None, "source", "mode"));
        assert!(modelled("bridge", None, "vlan/tag[3]", "nativeMode"));
        assert!(modelled(
            "direct",
            Some("802.1Qbg"),
            "virtualport/parameters",
            "typeid"
        ));
        assert!(!modelled(
            "direct",
            Some("802.1Qbh"),
            "virtualport/parameters",
            "typeid"
        ));
        assert!(modelled(
            "network",
            Some(""),
            "virtualport/parameters",
            "typeid"
        ));
        assert_eq!(
            element("user", None, "").map(Element::name),
            Some("interface")
        );
        assert_eq!(
            element("user", None, "driver/host").map(Element::name),
            Some("host")
        );
    }

    /// Every attribute with a declared schema form, given in another form the reader takes, is
    /// noted as `xml.noncanonical` at its path; in the sample (canonical) form it is not.
    #[test]
    fn declared_forms_are_the_forms_the_reader_notes() {
        let other = |f: Form| match f {
            Form::Uint8 => "0X0b",
            Form::Uint24 => "0X12",
            Form::Uint32 => "0X0",
            Form::PciSlot => "0X1f",
            Form::PciFunc => "0X2",
            Form::Digits => "+10",
            Form::Mac => "52:54:0:12:34:56",
            Form::Uuid => "5d2a91c03b4e-4f7a-9c1d-2e3f4a5b6c7d",
        };
        let mut checked = 0;
        for e in ELEMENTS {
            let notes = |doc: &str| -> Vec<String> {
                let parsed =
                    crate::xml::parse_document(doc).unwrap_or_else(|d| panic!("{doc}: {d:?}"));
                parsed.interfaces[0]
                    .notes
                    .iter()
                    .filter(|d| d.rule == "xml.noncanonical")
                    .map(|d| d.path.clone())
                    .collect()
            };
            let canonical = sample_document(e, &[], "", "");
            assert!(notes(&canonical).is_empty(), "{canonical}");
            for (name, form) in e.attributes.iter().zip(e.forms) {
                let Some(form) = form else { continue };
                let doc = sample_document(e, &[(name, other(*form))], "", "");
                let at = if e.path.is_empty() {
                    format!("interface[1]/@{name}")
                } else {
                    format!("interface[1]/{}/@{name}", e.path)
                };
                assert_eq!(notes(&doc), vec![at], "{doc}");
                checked += 1;
            }
        }
        assert!(checked >= 25, "{checked}");
    }

    #[test]
    fn ranks_follow_the_writer() {
        let mut anchors = vec![
            ("address", None),
            ("", Some("address")),
            ("boot", None),
            ("", Some("mac")),
            ("", None),
            ("driver/host", None),
            ("driver", Some("host")),
            ("driver", None),
            ("vlan/tag[2]", None),
            ("vlan", Some("tag")),
            ("vlan/tag[1]", None),
        ];
        anchors.sort_by_key(|(p, a)| anchor_rank(p, *a));
        assert_eq!(
            anchors,
            vec![
                ("", None),
                ("", Some("mac")),
                ("vlan/tag[1]", None),
                ("vlan", Some("tag")),
                ("vlan/tag[2]", None),
                ("driver", None),
                ("driver/host", None),
                ("driver", Some("host")),
                ("boot", None),
                ("address", None),
                ("", Some("address")),
            ]
        );
    }
}
