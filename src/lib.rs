//! vifxml: typed, validated, lossless libvirt `<interface>` XML for guest network interfaces.
//!
//! Data flows one way: a spec (JSON/YAML) or XML becomes an [`Interface`], [`validate`] reports
//! every finding, [`xml::render_interface`] writes libvirt's canonical form, and reading it back
//! gives the same model.
//!
//! ```
//! use vifxml::{xml, validate};
//! let src = "<interface type='direct'>\
//!              <source dev='eth0' mode='vepa'/>\
//!              <virtualport type='802.1Qbg'>\
//!                <parameters managerid='11' typeid='0x123456' typeidversion='2'/>\
//!              </virtualport>\
//!            </interface>";
//! let iface = xml::parse_interface(src).unwrap();
//! assert!(validate::validate(&iface).iter().all(|d| !d.is_error()));
//! let out = xml::render_interface(&iface);
//! assert!(out.contains("typeid='1193046'"));
//! assert_eq!(xml::parse_interface(&out).unwrap(), iface);
//! ```

pub mod diag;
pub mod domain;
#[cfg(feature = "libvirt")]
pub mod libvirt;
pub mod model;
pub mod rules;
pub mod schema;
pub mod spec;
pub mod validate;
pub mod xml;

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use model::{Interface, InterfaceKind, VirtualPort};
