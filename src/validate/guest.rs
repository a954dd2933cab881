//! Interface rules that need the rest of the guest: its machine and its memory
//! (`address.pci-reserved`, `address.machine`, `vhostuser.shared-memory`).

use crate::diag::Diagnostic;
use crate::model::interface::DeviceAddress;
use crate::model::kind::InterfaceKind;
use crate::model::Interface;
use crate::version::LibvirtVersion;
use crate::xml::DomainFacts;

/// The machine family of an x86 guest, when the document says it is one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum X86Machine {
    /// i440fx (`pc`, `pc-i440fx-*`, and the QEMU driver's default): slot 1 of bus 0 is the
    /// PIIX3 ISA bridge.
    I440fx,
    /// q35 (`q35`, `pc-q35-*`): slot 0x1f of bus 0 is the ICH9 LPC, SATA and SMBus functions.
    Q35,
}

fn x86_machine(g: &DomainFacts) -> Option<X86Machine> {
    let arch = g.arch.as_deref()?;
    if !matches!(arch, "x86_64" | "i686") {
        return None;
    }
    // No machine: the QEMU driver's x86 default, i440fx (`pc`).
    match g.machine.as_deref() {
        Some(m) if m.contains("q35") => Some(X86Machine::Q35),
        None | Some("pc") => Some(X86Machine::I440fx),
        Some(m) if m.starts_with("pc-") => Some(X86Machine::I440fx),
        Some(_) => None,
    }
}

/// Whether the guest's memory is shared with other processes, as vhost-user needs: without NUMA
/// cells `<memoryBacking><access mode='shared'/>`; with them every cell shared, by its own
/// `memAccess` or the domain's.
fn memory_shared(g: &DomainFacts) -> bool {
    let domain = g.memory_access.as_deref() == Some("shared");
    if g.numa_cells.is_empty() {
        return domain;
    }
    g.numa_cells.iter().all(|c| match c.as_deref() {
        Some(m) => m == "shared",
        None => domain,
    })
}

/// The rules of this file for one interface of a guest; paths are relative to the interface.
pub(super) fn guest_rules(
    i: &Interface,
    g: &DomainFacts,
    version: LibvirtVersion,
    out: &mut Vec<Diagnostic>,
) {
    let mut push = |d: Diagnostic| {
        if crate::rules::applies(d.rule, version) {
            out.push(d);
        }
    };
    if matches!(i.kind, InterfaceKind::VhostUser(_)) && !memory_shared(g) {
        push(Diagnostic::error(
            "vhostuser.shared-memory",
            "",
            format!(
                "vhost-user needs the guest's memory shared (<memoryBacking><access \
                 mode='shared'/></memoryBacking>, or memAccess='shared' on every NUMA cell): \
                 libvirt {version} refuses the guest at define ('interface' requires shared \
                 memory); before 11.2 libvirt only warned and the guest had no network"
            ),
        ));
    }
    match &i.address {
        Some(DeviceAddress::Pci(p)) if p.domain == 0 && p.bus == 0 => {
            let taken = match x86_machine(g) {
                Some(X86Machine::I440fx) if p.slot == 1 => Some("the PIIX3 ISA bridge of i440fx"),
                Some(X86Machine::Q35) if p.slot == 0x1f => {
                    Some("the ICH9 LPC, SATA and SMBus functions of q35")
                }
                _ => None,
            };
            if let Some(what) = taken {
                push(Diagnostic::error(
                    "address.pci-reserved",
                    "address",
                    format!(
                        "guest pci address 0000:00:{:02x}.{:x} is {what}: the qemu driver \
                         refuses the guest ('Attempted double use of PCI Address')",
                        p.slot, p.function
                    ),
                ));
            }
        }
        Some(DeviceAddress::Other { address_type }) => {
            let Some(arch) = g.arch.as_deref() else {
                return;
            };
            let needs = match address_type.as_str() {
                "ccw" => Some(("s390x", arch.starts_with("s390"))),
                "spapr-vio" => Some(("ppc64", arch.starts_with("ppc64"))),
                _ => None,
            };
            if let Some((wanted, false)) = needs {
                push(Diagnostic::error(
                    "address.machine",
                    "address/@type",
                    format!(
                        "a '{address_type}' address on an {arch} guest: the qemu driver refuses \
                         it at define (it belongs to {wanted} machines)"
                    ),
                ));
            }
        }
        _ => {}
    }
}
