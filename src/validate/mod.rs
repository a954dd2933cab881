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

mod addresses;
mod alias;
mod attributes;
mod backend;
mod bandwidth;
mod boot;
mod common;
mod devices;
mod driver;
mod extras;
mod guest_model;
mod mtu;
mod names;
mod port;
mod rom;
mod source;
mod strings;
mod target;
mod teaming;
mod verbatim;
mod vhostuser;
mod virtualport;
mod vlan;

use crate::diag::Diagnostic;
use crate::model::Interface;
use crate::xml::{locate, ParsedDocument};

use devices::across;

impl Interface {
    /// Every validation finding (see [`validate`]).
    pub fn validate(&self) -> Vec<Diagnostic> {
        validate(self)
    }
}

/// Validates one interface. Paths are relative to the `<interface>` element.
pub fn validate(iface: &Interface) -> Vec<Diagnostic> {
    let mut v = Checker {
        i: iface,
        out: Vec::new(),
    };
    v.run();
    v.out
}

/// Validates every interface of a parsed document, plus the rules that span devices. Paths are
/// prefixed with each interface's path and carry byte offsets into `src`.
pub fn validate_document(src: &str, doc: &ParsedDocument) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Status XML (`<domstatus>`) is libvirt's own record of a running guest: it carries
    // `<actual>` (the network's resolved port), which the domain schema does not have.
    let status = doc.root == "domstatus";
    for p in &doc.interfaces {
        out.extend(p.notes.iter().cloned());
        for mut d in validate(&p.interface) {
            if status && d.rule == "extras.unknown" && d.path == "actual" {
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

/// Validates a list of interfaces (a spec) including the cross-device rules. Paths start with
/// `/N` (the index in the list) when there is more than one.
pub fn validate_all(ifaces: &[Interface]) -> Vec<Diagnostic> {
    let paths: Vec<String> = (0..ifaces.len()).map(|n| format!("/{n}")).collect();
    let mut out = Vec::new();
    for (n, iface) in ifaces.iter().enumerate() {
        for mut d in validate(iface) {
            d.path = join(&paths[n], &d.path);
            out.push(d);
        }
    }
    out.extend(across(paths.iter().map(String::as_str).zip(ifaces.iter())));
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
pub fn allow(findings: &mut [Diagnostic], rules: &[String]) -> Result<(), String> {
    if let Some(bad) = rules.iter().find(|r| crate::rules::find(r).is_none()) {
        return Err(format!(
            "unknown rule '{bad}': `vifxml rules` lists the rule ids"
        ));
    }
    for d in findings.iter_mut() {
        if rules.iter().any(|r| r == d.rule) {
            d.severity = crate::diag::Severity::Warning;
        }
    }
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
    out: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, rule: &'static str, path: &str, msg: String) {
        self.out.push(Diagnostic::error(rule, path, msg));
    }

    fn warn(&mut self, rule: &'static str, path: &str, msg: String) {
        self.out.push(Diagnostic::warning(rule, path, msg));
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
        self.pci_domain();
        self.boot_order();
        self.teaming();
        self.alias();
        self.model_syntax();
        self.strings();
        self.extras();
    }
}

#[cfg(test)]
mod tests;
