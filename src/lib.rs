//! vifxml: typed, validated, lossless libvirt `<interface>` XML for guest network interfaces.
//!
//! Data flows one way: a spec (JSON/YAML), an os-vif object or XML becomes an [`Interface`];
//! [`validate`] reports every finding with a stable rule id ([`rules::RULES`]);
//! [`xml::render_interface`] writes libvirt's canonical form; reading it back gives the same
//! model. [`domain::Domain`] edits the interfaces of a whole guest document without touching any
//! other byte, and `libvirt` (feature `libvirt`) defines the result. `audit` (feature `audit`)
//! checks every XML file under some directories in parallel.
//!
//! # Render
//! ```
//! use vifxml::{spec, xml};
//! let ifaces = spec::from_str(r#"{"type": "bridge", "source": {"bridge": "br-int"},
//!     "virtualport": {"type": "openvswitch",
//!                     "interfaceid": "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"},
//!     "model": "virtio", "mtu": 1450}"#)?;
//! let out = xml::render_interface(&ifaces[0]);
//! assert!(out.starts_with("<interface type='bridge'>\n  <source bridge='br-int'/>\n"));
//! assert!(out.contains("<mtu size='1450'/>"));
//! # Ok::<(), vifxml::Diagnostics>(())
//! ```
//!
//! # Parse
//! ```
//! let doc = vifxml::xml::parse_document(
//!     "<domain type='kvm'><devices>\
//!        <interface type='direct'><source dev='eth0' mode='passthrough'/></interface>\
//!      </devices></domain>",
//! )?;
//! assert_eq!(doc.interfaces[0].path, "devices/interface[1]");
//! assert_eq!(doc.interfaces[0].interface.kind.type_name(), "direct");
//! # Ok::<(), vifxml::Diagnostics>(())
//! ```
//!
//! # Validate
//! ```
//! let src = "<interface type='bridge'>\n  <source bridge='br0'/>\n  \
//!            <virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport>\n\
//!            </interface>";
//! let doc = vifxml::xml::parse_document(src)?;
//! let findings = vifxml::validate::validate_document(src, &doc);
//! assert_eq!(findings[0].rule, "virtualport.placement");
//! assert_eq!(findings[0].line_col(src), Some((3, 16)));
//! # Ok::<(), vifxml::Diagnostics>(())
//! ```
//!
//! # Edit
//! ```
//! use vifxml::domain::{Domain, Selector};
//! use vifxml::model::kind::DirectMode;
//! use vifxml::Interface;
//! let mut dom = Domain::parse(
//!     "<domain type='kvm'>\n  <!-- keep me -->\n  <devices>\n    \
//!      <interface type='network'><source network='default'/></interface>\n  \
//!      </devices>\n</domain>\n",
//! )?;
//! let new = Interface::direct("eth0".parse().unwrap(), DirectMode::Passthrough);
//! dom.replace(Selector::Index(0), new).unwrap();
//! let out = dom.to_string();
//! assert!(out.contains("<!-- keep me -->"));
//! assert!(out.contains("    <interface type='direct'>\n      <source dev='eth0' mode='passthrough'/>"));
//! # Ok::<(), vifxml::Diagnostics>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "audit")]
pub mod audit;
pub mod diag;
pub mod domain;
pub mod generate;
#[cfg(feature = "libvirt")]
pub mod libvirt;
pub mod model;
pub mod osvif;
pub mod rules;
pub mod schema;
pub mod spec;
pub mod validate;
pub mod version;
pub mod xml;
pub mod xmlchar;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use model::{Interface, InterfaceKind, VirtualPort};
/// The VLAN tag list ([`model::Vlan::tags`]) is a `SmallVec` holding up to four tags without an
/// allocation; build one with `.into()` from a `Vec` or with `smallvec::smallvec!`.
pub use smallvec::SmallVec;
/// The model's text fields (`model`, `alias`, driver name, ...) are `SmolStr`: inline up to 23
/// bytes, built from a `&str` or `String` with `.into()`.
///
/// ```
/// let mut iface = vifxml::Interface::new(vifxml::InterfaceKind::Ethernet);
/// iface.model = Some("virtio".into());
/// assert_eq!(iface.model.as_deref(), Some("virtio"));
/// ```
pub use smol_str::SmolStr;
