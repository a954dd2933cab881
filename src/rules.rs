//! The catalog of rules: every finding vifxml reports carries one of these stable ids.
//!
//! `vifxml rules` prints this table. Rules marked *start* are ones libvirt accepts when the
//! domain is defined but that fail, or silently do nothing, when the guest starts.

use serde::Serialize;

use crate::diag::Severity;
use crate::model::ids::IdErrorKind;
use crate::version::LibvirtVersion;

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// When it is checked: `parse` (reading XML or a spec) or `validate` (the model).
    pub phase: &'static str,
    /// What libvirt does with input that breaks it: `define` (refused when defined), `start`
    /// (accepted at define, fails or is ignored when the guest starts), `schema` (refused by
    /// libvirt's RelaxNG schema), `qemu` (refused by the QEMU driver), or `advice`.
    pub libvirt: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// The first libvirt version the rule applies to (`None`: every version).
    pub since: Option<LibvirtVersion>,
    /// The first libvirt version it no longer applies to (`None`: still applies).
    pub until: Option<LibvirtVersion>,
}

impl Rule {
    /// Whether the rule applies to guests defined on this libvirt version.
    pub fn applies_to(&self, version: LibvirtVersion) -> bool {
        self.since.is_none_or(|s| version >= s) && self.until.is_none_or(|u| version < u)
    }

    /// The versions it applies to, for people: `all`, `>= 11.2`, `< 11.0`, `9.0 .. 11.0`.
    pub fn versions(&self) -> String {
        match (self.since, self.until) {
            (None, None) => "all".into(),
            (Some(s), None) => format!(">= {s}"),
            (None, Some(u)) => format!("< {u}"),
            (Some(s), Some(u)) => format!("{s} .. {u}"),
        }
    }
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

macro_rules! rules {
    (@v) => { None };
    (@v $a:literal, $b:literal) => { Some(LibvirtVersion::new($a, $b)) };
    ($($id:literal $sev:ident $phase:literal $lv:literal $sum:literal
       $(since($sa:literal, $sb:literal))? $(until($ua:literal, $ub:literal))?;)*) => {
        /// Every rule, in a stable order.
        pub const RULES: &[Rule] = &[
            $(Rule {
                id: $id,
                severity: $sev,
                phase: $phase,
                libvirt: $lv,
                summary: $sum,
                since: rules!(@v $($sa, $sb)?),
                until: rules!(@v $($ua, $ub)?),
            },)*
        ];
    };
}

rules! {
    "xml.syntax" E "parse" "define" "malformed xml, undefined entity or character xml does not allow";
    "xml.doctype" E "parse" "define" "doctype and entity declarations are refused";
    "xml.too-large" E "parse" "define" "document larger than the size limit (10 MiB)";
    "xml.too-many-attributes" E "parse" "advice" "element with more attributes than the attribute limit (1024; libvirt's elements have a few dozen at most)";
    "xml.too-deep" E "parse" "define" "elements nested deeper than the depth limit (256, libxml2's own: libvirt refuses deeper documents)";
    "xml.noncanonical" E "parse" "schema" "value in a form libvirt's parser reads but its schema refuses (one-digit mac group, 0X, octal, odd uuid dashes, vhost-user source without type='unix'); vifxml writes the canonical form";
    "xml.root" E "parse" "define" "root element is not <domain>, <domstatus> or <interface>";
    "spec.syntax" E "parse" "advice" "spec is not valid json or yaml";
    "spec.shape" E "parse" "advice" "spec is not an interface object or an array of them";
    "spec.schema" E "parse" "advice" "spec does not match the json schema (path is a json pointer)";
    "spec.invalid" E "parse" "advice" "spec field has the wrong name, type or value";
    "spec.too-large" E "parse" "advice" "spec larger than the size limit (10 MiB)";
    "interface.type-missing" E "parse" "define" "<interface> without a type attribute";
    "source.missing" E "parse" "define" "interface type needs a <source> with its required attribute";
    "value.number" E "parse" "define" "attribute is not a number in range";
    "value.enum" E "parse" "define" "attribute is not one of its allowed words";
    "mac.syntax" E "parse" "define" "mac address is not six hex groups";
    "mac.multicast" E "parse" "define" "mac address is multicast (first octet odd)";
    "uuid.syntax" E "parse" "define" "instanceid, interfaceid or portid is not a uuid";
    "name.syntax" E "parse" "start" "device name is empty or uses characters outside [a-zA-Z0-9_.-\\:/]: the schema refuses it, except a bridge name, which passes define and fails when the guest starts (no such device)";
    "direct.mode" E "parse" "define" "direct mode is not vepa, bridge, private or passthrough (case-sensitive)";
    "vhostuser.socket-type" E "parse" "define" "vhost-user source type is not unix";
    "hostdev.address-type" E "parse" "define" "hostdev source address is not a pci address";
    "pci.domain-range" E "parse" "define" "pci domain above 0xffffffff";
    "address.pci-reserved" E "validate" "qemu" "guest pci address the x86 machine has for itself (00:01 on i440fx, 00:1f on q35)";
    "address.machine" E "validate" "qemu" "ccw address on a guest that is not s390x, spapr-vio on one that is not ppc64";
    "vhostuser.shared-memory" E "validate" "qemu" "vhost-user in a guest whose memory is not shared" since(11, 2);
    "address.pci-domain" E "validate" "qemu" "guest pci address in a domain other than 0, which the qemu driver does not have";
    "pci.bus-range" E "parse" "define" "pci bus above 0xff";
    "pci.slot-range" E "parse" "define" "pci slot above 0x1f";
    "pci.function-range" E "parse" "define" "pci function above 7";
    "vlan.tag-range" E "parse" "define" "vlan tag above 4095";
    "virtualport.type" E "parse" "define" "unknown virtualport type";
    "virtualport.extra-parameter" E "parse" "define" "parameter that the virtualport type does not take";
    "virtualport.managerid-range" E "parse" "define" "802.1Qbg managerid above 255";
    "virtualport.typeid-range" E "parse" "define" "802.1Qbg typeid above 0xffffff";
    "virtualport.typeidversion-range" E "parse" "define" "802.1Qbg typeidversion above 255";
    "virtualport.profileid-length" E "parse" "define" "profileid empty or longer than 39 bytes";
    "virtualport.placement" E "validate" "start" "virtualport type not usable on this interface type: the guest fails to start, or starts with the port profile ignored (802.1Qbh on a bridge)";
    "virtualport.untyped" E "validate" "define" "untyped virtualport outside a network interface";
    "virtualport.incomplete" E "validate" "define" "virtualport lacks a parameter its type needs here (midonet needs interfaceid everywhere)";
    "virtualport.managerid-reserved" W "validate" "advice" "802.1Qbg managerid 0 is reserved by IEEE";
    "vlan.placement" E "validate" "start" "vlan tags on an interface type that cannot apply them: the guest fails to start";
    "vlan.plain-bridge" E "validate" "start" "vlan on a plain linux bridge: libvirt before 11.0 fails to start the guest" until(11, 0);
    "vlan.empty" E "validate" "schema" "<vlan> without a tag";
    "vlan.trunk" E "validate" "schema" "trunk='no' (the schema only takes trunk='yes'; leave it out for one tag)";
    "vlan.native-mode" E "validate" "define" "more than one tag with nativeMode";
    "bandwidth.rate-required" E "validate" "define" "bandwidth direction without average (or floor)";
    "bandwidth.range" E "validate" "schema" "bandwidth value outside 1..=4294967295 (from 11.3 rates up to 2^54)";
    "bandwidth.burst" E "validate" "define" "bandwidth burst above 4194303, which libvirt refuses from 11.3 on" since(11, 3);
    "bandwidth.floor" E "validate" "define" "floor outside an inbound rate of a network interface";
    "bandwidth.placement" E "validate" "start" "bandwidth on hostdev or vhost-user: ignored when the guest starts (no host tap to shape)";
    "mtu.placement" E "validate" "qemu" "mtu on a type the qemu driver sets no mtu on: anything but network, bridge, ethernet, vhostuser and passt-backed user";
    "coalesce.placement" E "validate" "qemu" "coalesce on a type other than network or bridge";
    "vdpa.model" E "validate" "qemu" "vdpa interface without a virtio model";
    "rom.placement" E "validate" "qemu" "rom settings on a device whose guest address is not pci";
    "backend.port-forward" E "validate" "define" "<portForward> without the passt backend, or on a type passt does not serve";
    "backend.port-forward-range" E "validate" "schema" "portForward range without start while it has end, to or exclude, or a port outside 0..=65535";
    "rom.file" E "validate" "schema" "rom file='' (the old way to turn the rom off)";
    "backend.hostname" E "validate" "schema" "backend hostname or fqdn, which libvirt has from 11.8 on" until(11, 8);
    "backend.hostname-passt" E "validate" "define" "backend hostname or fqdn without the passt backend" since(11, 8);
    "backend.log-file" W "validate" "advice" "backend logFile without the passt backend: nothing writes it";
    "backend.tap-placement" E "validate" "start" "backend tap on a type other than network, bridge or ethernet: the guest fails to start";
    "mtu.range" E "validate" "schema" "mtu above 65535";
    "vhostuser.model" E "validate" "define" "vhost-user without a virtio model";
    "vhostuser.path" E "validate" "define" "vhost-user socket path missing or not absolute";
    "vhostuser.mode" E "validate" "define" "vhost-user socket without mode client or server";
    "vhostuser.reconnect" E "validate" "define" "reconnect on a vhost-user server socket, or reconnect enabled without timeout";
    "name.length" E "validate" "start" "host device name longer than 15 bytes (kernel limit): the guest fails to start";
    "target.reserved-prefix" W "validate" "advice" "target dev starting vnet, macvtap or macvlan is replaced by libvirt";
    "target.managed" E "validate" "define" "target managed='no' on a type other than ethernet";
    "target.dev" E "validate" "schema" "<target> without dev";
    "interface.managed" E "validate" "schema" "managed attribute on a type other than hostdev";
    "model.verbatim-form" E "validate" "advice" "a verbatim form (other interface type, other address type) naming what the model has its own form for (type='bridge', address type='pci'): it would read back as that form (only reachable through the library API)";
    "interface.type" E "validate" "define" "interface type libvirt does not know (type names are lowercase)";
    "source.shape" E "validate" "schema" "<source> of a type kept verbatim (ethernet, user, mcast, udp, ...) missing required attributes or carrying others";
    "port.isolated" E "validate" "define" "port isolated='yes' on a type other than bridge or network, or with a typed virtualport";
    "address.hostdev" E "validate" "define" "hostdev interface with a guest address that is not pci (or unassigned)";
    "interface.trust-guest-rx-filters" E "validate" "start" "trustGuestRxFilters on a type other than direct or network: ignored when the guest starts";
    "acpi.index" E "validate" "define" "acpi index 0";
    "acpi.index-range" E "validate" "start" "acpi index above 16383: QEMU refuses to start the guest";
    "acpi.placement" E "validate" "qemu" "acpi index on a device whose guest address is not pci";
    "rom.disabled" E "validate" "define" "rom enabled='no' together with bar or file";
    "boot.order" E "validate" "schema" "boot order 0";
    "driver.hostdev" E "validate" "define" "hostdev driver name other than vfio, kvm, xen";
    "driver.hostdev-options" E "validate" "advice" "virtio driver settings on a hostdev interface: libvirt silently drops them (its schema refuses them next to a name)";
    "driver.virtio-options" E "validate" "define" "iommu, ats, packed or page_per_vq on a model that is not virtio";
    "driver.non-virtio" W "validate" "define" "driver settings on a non-virtio model, which libvirt drops";
    "driver.name" E "validate" "schema" "driver name that is not a backend libvirt knows, or a hostdev backend (vfio, kvm, xen) on a virtio model";
    "driver.txmode" E "validate" "schema" "txmode other than iothread or timer";
    "backend.type" E "validate" "schema" "backend type other than passt (no type means the default backend)";
    "backend.passt" E "validate" "define" "backend type='passt' on libvirt 9.0: Debian 12's build refuses it at define (libvirt issue #462); allow it for an upstream 9.0" until(9, 1);
    "backend.passt-placement" E "validate" "define" "backend type='passt' on a type other than user (and vhostuser from libvirt 11.1)";
    "backend.path" E "validate" "schema" "backend tap, vhost or logFile path that is not absolute";
    "driver.queues" E "validate" "schema" "driver queues 0";
    "driver.queue-size" E "validate" "qemu" "rx/tx queue size 0 (the schema), or not a power of two on a virtio model (the qemu driver)";
    "driver.queue-size-range" E "validate" "start" "rx/tx queue size of a virtio model outside 256..=1024: QEMU refuses to start the guest";
    "teaming.persistent" E "validate" "schema" "teaming transient without persistent, or persistent with it";
    "teaming.model" E "validate" "qemu" "teaming persistent on a model other than virtio";
    "teaming.type" E "validate" "qemu" "teaming transient on a type other than hostdev or network";
    "alias.syntax" E "validate" "schema" "alias uses characters outside [a-zA-Z0-9_.-]";
    "alias.user-prefix" W "validate" "qemu" "alias not starting with ua-, which the QEMU driver drops";
    "model.syntax" E "validate" "schema" "model type uses characters outside [a-zA-Z0-9_-]";
    "string.xml-char" E "validate" "define" "text with a character xml cannot carry";
    "devices.duplicate-mac" W "validate" "advice" "two interfaces with the same mac address";
    "devices.duplicate-target" E "validate" "start" "two interfaces with the same target dev: the guest fails to start";
    "devices.duplicate-alias" E "validate" "define" "two interfaces with the same alias";
    "devices.duplicate-boot-order" E "validate" "define" "two interfaces with the same boot order";
    "devices.duplicate-pci-address" E "validate" "qemu" "two devices at one guest pci address (the qemu driver refuses it at define, the test driver does not look)";
    "devices.duplicate-acpi-index" E "validate" "start" "two devices with one acpi index: QEMU refuses to start the guest";
    "devices.duplicate-hostdev" E "validate" "define" "one host pci device given to the guest twice";
    "devices.boot-os" E "validate" "define" "interface boot order while <os> has <boot dev>";
    "devices.teaming-mac" W "validate" "advice" "the two members of a failover pair with different macs";
    "ip.address" E "validate" "schema" "guest-side <ip> without an IPv4 or IPv6 address";
    "ip.prefix" E "validate" "define" "guest-side <ip> prefix above 32 (IPv4) or 128 (IPv6)";
    "ip.placement" E "validate" "qemu" "guest-side <ip> on a type other than user (or passt-backed vhost-user from 11.1)";
    "ip.count" E "validate" "qemu" "more than one guest-side IPv4 or IPv6 address";
    "ip.prefix-qemu" E "validate" "qemu" "user networking prefix outside 4..=27 (IPv4) or not 64 (IPv6)";
    "ip.peer" E "validate" "qemu" "peer on a guest-side <ip>";
    "route.placement" E "validate" "qemu" "a guest-side <route>, which the qemu driver never sets";
    "mac.attributes" E "validate" "schema" "mac type or check without a mac address";
    "tune.sndbuf" E "validate" "schema" "tune sndbuf that is not a byte count";
    "source.port" E "validate" "schema" "port of a udp, mcast, server or client source outside 0..=65535";
    "source.local" E "validate" "schema" "udp source without <local address port>";
    "source.network-attributes" E "validate" "schema" "portgroup or portid on a bridge or direct source without network, or a portid that is no uuid";
    "extras.duplicate-attribute" E "validate" "advice" "kept attribute that the model already writes";
    "extras.orphan" W "validate" "advice" "kept attribute or child of an element the model does not write";
    "extras.unknown" E "validate" "schema" "kept attribute, element or text that libvirt's schema does not allow there";
}

/// Looks a rule up by id (a hash lookup: findings are looked up one by one).
pub fn find(id: &str) -> Option<&'static Rule> {
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, &'static Rule>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| RULES.iter().map(|r| (r.id, r)).collect())
        .get(id)
        .copied()
}

/// Whether the rule `id` applies on this libvirt version (unknown ids apply everywhere).
pub fn applies(id: &str, version: LibvirtVersion) -> bool {
    find(id).is_none_or(|r| r.applies_to(version))
}

/// The stable rule id under which a refused identifier ([`IdErrorKind`]) is reported.
pub fn for_id_error(kind: IdErrorKind) -> &'static str {
    match kind {
        IdErrorKind::MacSyntax => "mac.syntax",
        IdErrorKind::MacMulticast => "mac.multicast",
        IdErrorKind::NumberSyntax => "value.number",
        IdErrorKind::ManagerIdRange => "virtualport.managerid-range",
        IdErrorKind::TypeIdRange => "virtualport.typeid-range",
        IdErrorKind::TypeIdVersionRange => "virtualport.typeidversion-range",
        IdErrorKind::UuidSyntax => "uuid.syntax",
        IdErrorKind::ProfileIdLength => "virtualport.profileid-length",
        IdErrorKind::VlanTagRange => "vlan.tag-range",
        IdErrorKind::PciDomainRange => "pci.domain-range",
        IdErrorKind::PciBusRange => "pci.bus-range",
        IdErrorKind::PciSlotRange => "pci.slot-range",
        IdErrorKind::PciFunctionRange => "pci.function-range",
        IdErrorKind::DeviceNameSyntax => "name.syntax",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'.'
                    || b == b'-'),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn every_id_error_kind_has_a_rule() {
        use crate::model::ids::IdErrorKind as K;
        for k in [
            K::MacSyntax,
            K::MacMulticast,
            K::NumberSyntax,
            K::ManagerIdRange,
            K::TypeIdRange,
            K::TypeIdVersionRange,
            K::UuidSyntax,
            K::ProfileIdLength,
            K::VlanTagRange,
            K::PciDomainRange,
            K::PciBusRange,
            K::PciSlotRange,
            K::PciFunctionRange,
            K::DeviceNameSyntax,
        ] {
            assert!(
                find(for_id_error(k)).is_some(),
                "{:?} -> {}",
                k,
                for_id_error(k)
            );
        }
    }
}
