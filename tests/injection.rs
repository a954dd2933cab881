//! No markup injection: any string in any string field of the model either is refused (by
//! validation, with an error at that field, or by the field's constructor) or renders to
//! well-formed XML that reads back to the same string. Every String-bearing field of
//! src/model is covered, with a fixed table of nasty strings and with proptest strategies.

use proptest::prelude::*;
use vifxml::model::ids::{DeviceName, ProfileId};
use vifxml::model::interface::{
    Backend, DeviceAddress, Driver, FilterParameter, FilterRef, Rom, Teaming, TeamingType,
};
use vifxml::model::kind::{
    BridgeSource, DirectMode, DirectSource, NetworkSource, OtherKind, VdpaSource, VhostUserMode,
    VhostUserSource,
};
use vifxml::model::virtualport::{Qbh, VirtualPort};
use vifxml::model::{ExtraAttribute, ExtraNode, RawXml, XmlName};
use vifxml::{xml, Interface, InterfaceKind};

/// Strings that have broken XML writers somewhere.
const NASTY: &[&str] = &[
    "",
    " ",
    "'",
    "\"",
    "''",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#10;",
    "&#0;",
    "&xxe;",
    "]]>",
    "<![CDATA[x]]>",
    "<!--",
    "-->",
    "<?xml version='1.0'?>",
    "'/><mac address='52:54:00:00:00:01'/><x a='",
    "\"/><mac address=\"52:54:00:00:00:01\"/><x a=\"",
    "</interface><interface type='bridge'><source bridge='br0'/>",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "a\r\nb",
    "a\tb\nc\rd",
    " leading",
    "trailing ",
    "  both  ",
    "\u{0}",
    "a\u{0}b",
    "\u{1}\u{8}\u{B}\u{C}\u{1F}",
    "\u{7F}",
    "\u{85}",
    "\u{2028}\u{2029}",
    "\u{FEFF}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{D7FF}\u{E000}\u{FFFD}",
    "\u{10FFFF}",
    "é ü ß 中文 😀",
    "e\u{301}",
    "%p;",
    "${x}",
    "virtio",
    "br0",
    "/var/run/vhost.sock",
    // Words a reader gives another meaning to.
    "pci",
    "bridge",
    "network",
    "direct",
    "hostdev",
    "vhostuser",
    "ethernet",
    "user",
];

/// One string field: how to put a string into a model that validates cleanly without it, the
/// path validation reports it at, and how to read it back.
struct Field {
    name: &'static str,
    /// A value the field takes (the model with it validates without errors).
    benign: &'static str,
    /// The element path validation findings about this field start with.
    path: &'static str,
    /// `Err` when the field's own constructor refuses the string.
    set: fn(&str) -> Result<Interface, String>,
    get: fn(&Interface) -> Option<String>,
}

fn user() -> Interface {
    Interface::new(InterfaceKind::User)
}

fn ethernet() -> Interface {
    Interface::new(InterfaceKind::Ethernet)
}

fn bridge() -> Interface {
    Interface::new(InterfaceKind::Bridge(BridgeSource {
        bridge: DeviceName::new("br0").unwrap(),
    }))
}

fn network(net: &str, pg: Option<&str>) -> Interface {
    Interface::new(InterfaceKind::Network(NetworkSource {
        network: net.into(),
        portgroup: pg.map(Into::into),
        portid: None,
    }))
}

fn with_mac(mut i: Interface) -> Interface {
    i.mac = Some("52:54:00:00:00:01".parse().unwrap());
    i
}

fn fields() -> Vec<Field> {
    vec![
        Field {
            name: "script",
            benign: "x1",
            path: "script",
            set: |s| {
                Ok(Interface {
                    script: Some(s.into()),
                    ..ethernet()
                })
            },
            get: |i| i.script.as_deref().map(str::to_owned),
        },
        Field {
            name: "downscript",
            benign: "x1",
            path: "downscript",
            set: |s| {
                Ok(Interface {
                    downscript: Some(s.into()),
                    ..ethernet()
                })
            },
            get: |i| i.downscript.as_deref().map(str::to_owned),
        },
        Field {
            name: "model",
            benign: "x1",
            path: "model",
            set: |s| {
                Ok(Interface {
                    model: Some(s.into()),
                    ..user()
                })
            },
            get: |i| i.model.as_deref().map(str::to_owned),
        },
        Field {
            name: "alias",
            benign: "x1",
            path: "alias",
            set: |s| {
                Ok(Interface {
                    alias: Some(s.into()),
                    ..user()
                })
            },
            get: |i| i.alias.as_deref().map(str::to_owned),
        },
        Field {
            name: "driver name",
            benign: "vhost",
            path: "driver",
            set: |s| {
                let d = Driver {
                    name: Some(s.into()),
                    ..Driver::default()
                };
                Ok(Interface {
                    driver: Some(d),
                    model: Some("virtio".into()),
                    ..user()
                })
            },
            get: |i| {
                i.driver
                    .as_ref()
                    .and_then(|d| d.name.as_deref().map(str::to_owned))
            },
        },
        Field {
            name: "driver txmode",
            benign: "iothread",
            path: "driver",
            set: |s| {
                let d = Driver {
                    txmode: Some(s.into()),
                    ..Driver::default()
                };
                Ok(Interface {
                    driver: Some(d),
                    model: Some("virtio".into()),
                    ..user()
                })
            },
            get: |i| {
                i.driver
                    .as_ref()
                    .and_then(|d| d.txmode.as_deref().map(str::to_owned))
            },
        },
        Field {
            name: "backend type",
            // Only `passt` is taken, and validation warns about libvirt versions for it.
            benign: "",
            path: "backend",
            set: |s| {
                let b = Backend {
                    backend_type: Some(s.into()),
                    ..Backend::default()
                };
                Ok(Interface {
                    backend: Some(Box::new(b)),
                    ..user()
                })
            },
            get: |i| i.backend.as_ref().and_then(|b| b.backend_type.clone()),
        },
        Field {
            name: "backend tap",
            benign: "/dev/net/tun",
            path: "backend",
            set: |s| {
                let b = Backend {
                    tap: Some(s.into()),
                    ..Backend::default()
                };
                Ok(Interface {
                    backend: Some(Box::new(b)),
                    ..ethernet()
                })
            },
            get: |i| i.backend.as_ref().and_then(|b| b.tap.clone()),
        },
        Field {
            name: "backend vhost",
            benign: "/dev/vhost-net",
            path: "backend",
            set: |s| {
                let b = Backend {
                    vhost: Some(s.into()),
                    ..Backend::default()
                };
                Ok(Interface {
                    backend: Some(Box::new(b)),
                    model: Some("virtio".into()),
                    ..ethernet()
                })
            },
            get: |i| i.backend.as_ref().and_then(|b| b.vhost.clone()),
        },
        Field {
            name: "filterref filter",
            benign: "x1",
            path: "filterref",
            set: |s| {
                let f = FilterRef {
                    filter: s.into(),
                    parameters: Vec::new(),
                };
                Ok(Interface {
                    filterref: Some(Box::new(f)),
                    ..bridge()
                })
            },
            get: |i| i.filterref.as_ref().map(|f| f.filter.clone()),
        },
        Field {
            name: "filterref parameter name",
            benign: "x1",
            path: "filterref",
            set: |s| {
                let p = FilterParameter {
                    name: s.into(),
                    value: "10.0.0.1".into(),
                };
                let f = FilterRef {
                    filter: "clean-traffic".into(),
                    parameters: vec![p],
                };
                Ok(Interface {
                    filterref: Some(Box::new(f)),
                    ..bridge()
                })
            },
            get: |i| {
                i.filterref
                    .as_ref()
                    .and_then(|f| f.parameters.first())
                    .map(|p| p.name.clone())
            },
        },
        Field {
            name: "filterref parameter value",
            benign: "x1",
            path: "filterref",
            set: |s| {
                let p = FilterParameter {
                    name: "IP".into(),
                    value: s.into(),
                };
                let f = FilterRef {
                    filter: "clean-traffic".into(),
                    parameters: vec![p],
                };
                Ok(Interface {
                    filterref: Some(Box::new(f)),
                    ..bridge()
                })
            },
            get: |i| {
                i.filterref
                    .as_ref()
                    .and_then(|f| f.parameters.first())
                    .map(|p| p.value.clone())
            },
        },
        Field {
            name: "teaming persistent",
            benign: "x1",
            path: "teaming",
            set: |s| {
                let t = Teaming {
                    teaming_type: TeamingType::Transient,
                    persistent: Some(s.into()),
                };
                // A transient member is a hostdev or, as here, a network of them.
                Ok(Interface {
                    teaming: Some(Box::new(t)),
                    model: Some("virtio".into()),
                    ..network("hostdev-net", None)
                })
            },
            get: |i| i.teaming.as_ref().and_then(|t| t.persistent.clone()),
        },
        Field {
            name: "rom file",
            benign: "x1",
            path: "rom",
            set: |s| {
                let r = Rom {
                    file: Some(s.into()),
                    ..Rom::default()
                };
                Ok(Interface {
                    rom: Some(Box::new(r)),
                    ..user()
                })
            },
            get: |i| i.rom.as_ref().and_then(|r| r.file.clone()),
        },
        Field {
            name: "address type",
            benign: "ccw",
            path: "address",
            set: |s| {
                Ok(Interface {
                    address: Some(DeviceAddress::Other {
                        address_type: s.into(),
                    }),
                    ..user()
                })
            },
            get: |i| match &i.address {
                Some(DeviceAddress::Other { address_type }) => Some(address_type.clone()),
                Some(DeviceAddress::Pci(_)) => Some("<pci address>".into()),
                None => None,
            },
        },
        Field {
            name: "other interface type",
            benign: "null",
            path: "@type",
            set: |s| {
                Ok(Interface::new(InterfaceKind::Other(OtherKind {
                    type_name: s.into(),
                })))
            },
            get: |i| Some(i.kind.type_name().to_owned()),
        },
        Field {
            name: "network",
            benign: "x1",
            path: "source",
            set: |s| Ok(network(s, None)),
            get: |i| match &i.kind {
                InterfaceKind::Network(n) => Some(n.network.to_string()),
                _ => None,
            },
        },
        Field {
            name: "network portgroup",
            benign: "x1",
            path: "source",
            set: |s| Ok(network("default", Some(s))),
            get: |i| match &i.kind {
                InterfaceKind::Network(n) => n.portgroup.as_deref().map(str::to_owned),
                _ => None,
            },
        },
        Field {
            name: "vhost-user path",
            benign: "/run/vhost.sock",
            path: "source",
            set: |s| {
                let v = VhostUserSource {
                    path: Some(s.into()),
                    mode: Some(VhostUserMode::Client),
                    reconnect: None,
                };
                Ok(Interface {
                    model: Some("virtio".into()),
                    ..Interface::new(InterfaceKind::VhostUser(v))
                })
            },
            get: |i| match &i.kind {
                InterfaceKind::VhostUser(v) => v.path.as_deref().map(str::to_owned),
                _ => None,
            },
        },
        Field {
            name: "vdpa dev",
            benign: "x1",
            path: "source",
            set: |s| {
                Ok(Interface::new(InterfaceKind::Vdpa(VdpaSource {
                    dev: s.into(),
                })))
            },
            get: |i| match &i.kind {
                InterfaceKind::Vdpa(v) => Some(v.dev.to_string()),
                _ => None,
            },
        },
        Field {
            name: "bridge name (DeviceName)",
            benign: "x1",
            path: "source",
            set: |s| {
                let bridge = DeviceName::new(s).map_err(|e| e.to_string())?;
                Ok(Interface::new(InterfaceKind::Bridge(BridgeSource {
                    bridge,
                })))
            },
            get: |i| match &i.kind {
                InterfaceKind::Bridge(b) => Some(b.bridge.as_str().to_owned()),
                _ => None,
            },
        },
        Field {
            name: "direct dev (DeviceName)",
            benign: "x1",
            path: "source",
            set: |s| {
                let dev = DeviceName::new(s).map_err(|e| e.to_string())?;
                Ok(Interface::new(InterfaceKind::Direct(DirectSource {
                    dev,
                    mode: Some(DirectMode::Vepa),
                })))
            },
            get: |i| match &i.kind {
                InterfaceKind::Direct(d) => Some(d.dev.as_str().to_owned()),
                _ => None,
            },
        },
        Field {
            name: "profileid (ProfileId)",
            benign: "x1",
            path: "virtualport",
            set: |s| {
                let p = ProfileId::new(s).map_err(|e| e.to_string())?;
                let dev = DeviceName::new("eth0").unwrap();
                let mut i = Interface::new(InterfaceKind::Direct(DirectSource {
                    dev,
                    mode: Some(DirectMode::Private),
                }));
                i.virtualport = Some(VirtualPort::Qbh(Qbh { profileid: Some(p) }));
                Ok(i)
            },
            get: |i| match &i.virtualport {
                Some(VirtualPort::Qbh(q)) => q.profileid.as_ref().map(|p| p.as_str().to_owned()),
                _ => None,
            },
        },
        Field {
            name: "kept attribute value",
            benign: "net",
            path: "boot",
            set: |s| {
                // <boot loadparm> is kept verbatim (s390 only, no model field).
                let mut i = user();
                i.boot = Some(1);
                i.extras.attributes.push(ExtraAttribute {
                    element: "boot".into(),
                    name: XmlName::new("loadparm").unwrap(),
                    value: s.into(),
                });
                Ok(i)
            },
            get: |i| i.extras.attributes.first().map(|a| a.value.clone()),
        },
        Field {
            name: "kept attribute name (XmlName)",
            benign: "loadparm",
            path: "boot",
            set: |s| {
                let name = XmlName::new(s)?;
                let mut i = user();
                i.boot = Some(1);
                i.extras.attributes.push(ExtraAttribute {
                    element: "boot".into(),
                    name,
                    value: "net".into(),
                });
                Ok(i)
            },
            get: |i| {
                i.extras
                    .attributes
                    .first()
                    .map(|a| a.name.as_str().to_owned())
            },
        },
        Field {
            name: "kept node (RawXml)",
            benign: "<tune><sndbuf>1600</sndbuf></tune>",
            path: "",
            set: |s| {
                let xml = RawXml::new(s)?;
                let mut i = user();
                i.extras.elements.push(ExtraNode {
                    parent: String::new(),
                    after: None,
                    xml,
                });
                Ok(i)
            },
            // The reader keeps a node without the blanks around it.
            get: |i| {
                i.extras.elements.first().map(|n| {
                    n.xml
                        .as_str()
                        .trim_matches([' ', '\t', '\r', '\n'])
                        .to_owned()
                })
            },
        },
    ]
}

/// Paths of kept content are names, not text: whatever they hold, the output stays well formed.
fn kept_paths(s: &str) -> Vec<Interface> {
    let mut a = with_mac(user());
    a.extras.attributes.push(ExtraAttribute {
        element: s.into(),
        name: XmlName::new("check").unwrap(),
        value: "v".into(),
    });
    let mut b = with_mac(user());
    b.extras.elements.push(ExtraNode {
        parent: s.into(),
        after: Some(s.into()),
        xml: RawXml::new("<tune><sndbuf>1600</sndbuf></tune>").unwrap(),
    });
    vec![a, b]
}

/// The property, for one field and one string. Returns what happened, for the summary.
fn check(f: &Field, s: &str) -> Result<&'static str, String> {
    let iface = match (f.set)(s) {
        Ok(i) => i,
        Err(msg) => {
            if msg.is_empty() {
                return Err(format!("{}: {s:?} refused without a message", f.name));
            }
            return Ok("refused by its constructor");
        }
    };
    let findings = iface.validate();
    let errors: Vec<_> = findings.iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        if errors
            .iter()
            .any(|d| d.path.starts_with(f.path) && !d.message.is_empty())
        {
            return Ok("refused by validation");
        }
        return Err(format!(
            "{}: {s:?} refused, but not at {}: {errors:#?}",
            f.name, f.path
        ));
    }
    let out = xml::render_interface(&iface);
    xml::check_fragment(&out)
        .map_err(|e| format!("{}: {s:?} renders malformed xml ({e}):\n{out}", f.name))?;
    let back = xml::parse_interface(&out)
        .map_err(|e| format!("{}: {s:?} does not read back: {e}\n{out}", f.name))?;
    let want = (f.get)(&iface);
    let got = (f.get)(&back);
    if got != want || want.as_deref() != Some(s) && f.name != "kept node (RawXml)" {
        return Err(format!(
            "{}: {s:?} read back as {got:?} (model had {want:?}):\n{out}",
            f.name
        ));
    }
    Ok("round trip")
}

#[test]
fn every_field_bases_validate_cleanly() {
    let mut failures = Vec::new();
    for f in fields() {
        let benign = f.benign;
        if benign.is_empty() {
            continue;
        }
        let i = (f.set)(benign).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let errors: Vec<_> = i.validate().into_iter().filter(|d| d.is_error()).collect();
        if !errors.is_empty() {
            failures.push(format!("{}: base does not validate: {errors:#?}", f.name));
        } else if check(&f, benign) != Ok("round trip") {
            failures.push(format!("{}: {:?}", f.name, check(&f, benign)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nasty_strings_in_every_field() {
    let mut failures = Vec::new();
    for f in fields() {
        for s in NASTY {
            if let Err(e) = check(&f, s) {
                failures.push(e);
            }
        }
    }
    for s in NASTY {
        for i in kept_paths(s) {
            let out = xml::render_interface(&i);
            if let Err(e) = xml::check_fragment(&out).and_then(|_| {
                xml::parse_interface(&out)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }) {
                failures.push(format!("kept path {s:?}: {e}\n{out}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Strings built from the characters that matter to XML, plus anything.
fn nasty_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("&".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("]]>".to_owned()),
        Just("<!--".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#".to_owned()),
        Just(";".to_owned()),
        Just("/>".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just(" ".to_owned()),
        Just("interface".to_owned()),
        proptest::char::range('\u{0}', '\u{20}').prop_map(String::from),
        proptest::char::any().prop_map(String::from),
        "[a-z0-9_.-]{1,4}",
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn generated_strings_in_every_field(s in nasty_string()) {
        for f in fields() {
            let r = check(&f, &s);
            prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
        }
    }
}
