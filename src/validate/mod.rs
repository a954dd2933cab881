//! Validation: cross-field and cross-device rules over the model, all findings at once.
//!
//! Parsing already refuses what cannot be represented (out-of-range ids, unknown words); the
//! rules here need more than one field, or know what libvirt only finds out when the guest
//! starts. Every finding carries a rule id from [`crate::rules::RULES`].
//!
//! ```
//! use vifxml::validate::validate;
//! let iface = vifxml::xml::parse_interface(
//!     "<interface type='direct'><source dev='eth0' mode='vepa'/><mtu size='9000'/></interface>",
//! ).unwrap();
//! let findings = validate(&iface);
//! assert_eq!(findings[0].rule, "mtu.placement");
//! assert_eq!(findings[0].path, "mtu/@size");
//! ```
//!
//! Each concern's rules live in their own file and add their checks to `Checker`;
//! `Checker::run` calls them in a fixed order, which is the order of the findings.

mod acpi;
mod addresses;
mod alias;
mod attributes;
mod backend;
mod bandwidth;
mod boot;
mod coalesce;
mod common;
mod devices;
mod driver;
mod extras;
mod guest;
mod guest_model;
mod kept;
mod mtu;
mod names;
mod port;
mod rom;
mod source;
mod strings;
mod target;
mod teaming;
mod vdpa;
mod verbatim;
mod vhostuser;
mod virtualport;
mod vlan;

use crate::diag::Diagnostic;
use crate::model::Interface;
use crate::version::LibvirtVersion;
use crate::xml::{locate, ParsedDocument};

use devices::across;

impl Interface {
    /// Every validation finding (see [`validate`]).
    pub fn validate(&self) -> Vec<Diagnostic> {
        validate(self)
    }
}

/// What validation checks against: the libvirt version the guest will be defined on (rules that
/// libvirt changed follow it) and the rules whose errors the user accepts (reported as warnings).
///
/// ```
/// use vifxml::validate::{validate_with, Options};
/// use vifxml::version::LibvirtVersion;
/// let iface = vifxml::xml::parse_interface(
///     "<interface type='bridge'><source bridge='br0'/><vlan><tag id='42'/></vlan></interface>",
/// ).unwrap();
/// // A vlan on a plain Linux bridge: libvirt applies it from 11.0 on.
/// let old = Options::new().libvirt(LibvirtVersion::V9_0);
/// assert_eq!(validate_with(&iface, &old)[0].rule, "vlan.plain-bridge");
/// assert!(validate_with(&iface, &Options::new().libvirt(LibvirtVersion::V11_3)).is_empty());
/// let allowed = old.allow(&["vlan.plain-bridge"]).unwrap();
/// assert!(!validate_with(&iface, &allowed)[0].is_error());
/// assert!(Options::new().allow(&["no.such-rule"]).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    libvirt: LibvirtVersion,
    allow: Vec<&'static str>,
}

impl Options {
    /// The newest libvirt the catalog knows ([`LibvirtVersion::NEWEST`]), nothing allowed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates for this libvirt version.
    pub fn libvirt(mut self, version: LibvirtVersion) -> Self {
        self.libvirt = version;
        self
    }

    /// Reports these rules' errors as warnings. Refuses names that are not rule ids.
    pub fn allow<S: AsRef<str>>(mut self, rules: &[S]) -> Result<Self, String> {
        for r in rules {
            let r = r.as_ref();
            match crate::rules::find(r) {
                Some(rule) => {
                    if !self.allow.contains(&rule.id) {
                        self.allow.push(rule.id);
                    }
                }
                None => {
                    return Err(format!(
                        "unknown rule '{r}': `vifxml rules` lists the rule ids"
                    ))
                }
            }
        }
        Ok(self)
    }

    /// The libvirt version validated for.
    pub fn libvirt_version(&self) -> LibvirtVersion {
        self.libvirt
    }

    /// The rules whose errors are reported as warnings.
    pub fn allowed(&self) -> &[&'static str] {
        &self.allow
    }

    fn finish(&self, findings: &mut [Diagnostic]) {
        if self.allow.is_empty() {
            return;
        }
        for d in findings.iter_mut() {
            if self.allow.contains(&d.rule) {
                d.severity = crate::diag::Severity::Warning;
            }
        }
    }
}

/// Validates one interface for the newest libvirt. Paths are relative to the `<interface>`
/// element.
pub fn validate(iface: &Interface) -> Vec<Diagnostic> {
    validate_with(iface, &Options::default())
}

/// Validates one interface with these options.
pub fn validate_with(iface: &Interface, opts: &Options) -> Vec<Diagnostic> {
    let mut out = interface_findings(iface, opts.libvirt);
    opts.finish(&mut out);
    out
}

fn interface_findings(iface: &Interface, version: LibvirtVersion) -> Vec<Diagnostic> {
    let mut v = Checker {
        i: iface,
        version,
        out: Vec::new(),
    };
    v.run();
    v.out
}

/// Validates every interface of a parsed document, plus the rules that span devices, for the
/// newest libvirt. Paths are prefixed with each interface's path and carry byte offsets into
/// `src`.
pub fn validate_document(src: &str, doc: &ParsedDocument) -> Vec<Diagnostic> {
    validate_document_with(src, doc, &Options::default())
}

/// [`validate_document`] with these options.
pub fn validate_document_with(src: &str, doc: &ParsedDocument, opts: &Options) -> Vec<Diagnostic> {
    let mut out = document_findings(src, doc, opts.libvirt);
    opts.finish(&mut out);
    out
}

fn document_findings(src: &str, doc: &ParsedDocument, version: LibvirtVersion) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Status XML (`<domstatus>`) and a running guest's live XML are libvirt's own record of
    // the guest: they carry state a definition may not (the network's resolved port in
    // `<actual>`, status only; the bandwidth's class id; from 11.2 the guest's own change of
    // its MAC address, `currentAddress`).
    let status = doc.root == "domstatus";
    let live = doc.domain.live;
    let current_address = live && version >= LibvirtVersion::V11_2;
    for p in &doc.interfaces {
        out.extend(p.notes.iter().cloned());
        let mut found = interface_findings(&p.interface, version);
        if doc.root != "interface" {
            guest::guest_rules(&p.interface, &doc.domain, version, &mut found);
        }
        for mut d in found {
            if d.rule == "extras.unknown"
                && ((status && d.path == "actual")
                    || (live && d.path == "bandwidth/@classID")
                    || (current_address && d.path == "mac/@currentAddress"))
            {
                continue;
            }
            d.offset = Some(locate(src, p.span.start, &d.path));
            d.path = join(&p.path, &d.path);
            out.push(d);
        }
    }
    let mut cross = across(
        doc.interfaces
            .iter()
            .map(|p| (p.path.as_str(), &p.interface)),
        Some(&doc.domain),
    );
    for d in &mut cross {
        if let Some(p) = doc
            .interfaces
            .iter()
            .find(|p| d.path.starts_with(p.path.as_str()))
        {
            let rel = d.path[p.path.len()..].trim_start_matches('/');
            d.offset = Some(locate(src, p.span.start, rel));
        }
    }
    out.extend(cross);
    out
}

/// Validates a list of interfaces (a spec) including the cross-device rules, for the newest
/// libvirt. Paths start with `/N` (the index in the list) when there is more than one.
pub fn validate_all(ifaces: &[Interface]) -> Vec<Diagnostic> {
    validate_all_with(ifaces, &Options::default())
}

/// [`validate_all`] with these options.
pub fn validate_all_with(ifaces: &[Interface], opts: &Options) -> Vec<Diagnostic> {
    let paths: Vec<String> = (0..ifaces.len()).map(|n| format!("/{n}")).collect();
    let mut out = Vec::new();
    for (n, iface) in ifaces.iter().enumerate() {
        for mut d in interface_findings(iface, opts.libvirt) {
            d.path = join(&paths[n], &d.path);
            out.push(d);
        }
    }
    out.extend(across(
        paths.iter().map(String::as_str).zip(ifaces.iter()),
        None,
    ));
    opts.finish(&mut out);
    out
}

/// Turns the errors of the named rules into warnings, for users who know better
/// (`--allow virtualport.placement`). Refuses names that are not rule ids.
///
/// ```
/// use vifxml::diag::{Diagnostic, Severity};
/// let mut f = vec![Diagnostic::error("mtu.placement", "mtu/@size", "no")];
/// vifxml::validate::allow(&mut f, &["mtu.placement".to_string()]).unwrap();
/// assert_eq!(f[0].severity, Severity::Warning);
/// assert!(vifxml::validate::allow(&mut f, &["no.such-rule".to_string()]).is_err());
/// ```
pub fn allow<S: AsRef<str>>(findings: &mut [Diagnostic], rules: &[S]) -> Result<(), String> {
    Options::new().allow(rules)?.finish(findings);
    Ok(())
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}/{rel}"),
    }
}

struct Checker<'a> {
    i: &'a Interface,
    /// The libvirt version checked for: a rule the catalog limits to other versions reports
    /// nothing.
    version: LibvirtVersion,
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, rule: &'static str, path: &str, msg: String) {
        if crate::rules::applies(rule, self.version) {
            self.out.push(Diagnostic::error(rule, path, msg));
        }
    }

    fn warn(&mut self, rule: &'static str, path: &str, msg: String) {
        if crate::rules::applies(rule, self.version) {
            self.out.push(Diagnostic::warning(rule, path, msg));
        }
    }

    fn ty(&self) -> &'a str {
        self.i.kind.type_name()
    }

    /// Every concern's rules, in the order their findings are reported.
    fn run(&mut self) {
        self.virtualport();
        self.vlan();
        self.bandwidth();
        self.mtu();
        self.vhostuser();
        self.names();
        self.attributes();
        self.driver();
        self.verbatim_forms();
        self.interface_type();
        self.backend();
        self.port_isolated();
        self.hostdev_address();
        self.target_dev();
        self.name_syntax();
        self.rom();
        self.acpi();
        self.pci_domain();
        self.boot_order();
        self.teaming();
        self.coalesce();
        self.vdpa();
        self.alias();
        self.model_syntax();
        self.kept_values();
        self.strings();
        self.extras();
    }
}

#[cfg(test)]
mod tests;
