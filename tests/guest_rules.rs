//! The rules that need the rest of the guest (machine, memory sharing, `<os><boot>`, other
//! devices' boot orders, PCI addresses and host devices) held against the QEMU driver of
//! libvirt 9.0 and 11.3 on whole guests: vifxml, validating for the version that answers,
//! refuses exactly what that driver refuses at define, but for rules whose column says libvirt
//! only finds out when the guest starts. Needs root for 11.3 (chroot).
#![cfg(feature = "libvirt")]

mod verdicts;

use verdicts::{ask, QEMU_TARGETS};

const HEAD: &str = "<domain type='qemu'><name>NAME</name><memory unit='MiB'>64</memory>";
const EMU: &str = "<emulator>/usr/bin/qemu-system-x86_64</emulator>";
const DISK_PCI5: &str = "<disk type='file' device='disk'><source file='/tmp/vifxml-guest-rules.img'/><target dev='vda' bus='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>";
const VF: &str =
    "<source><address type='pci' domain='0x0000' bus='0x81' slot='0x10' function='0x1'/></source>";
/// The same VF in a `<hostdev>`, whose source address libvirt writes without a type.
const VF_HOSTDEV: &str =
    "<source><address domain='0x0000' bus='0x81' slot='0x10' function='0x1'/></source>";

/// One guest: a label, its `<os>` and its devices.
fn guests() -> Vec<(&'static str, String)> {
    let os = |machine: &str, boot: &str| {
        format!("<os><type arch='x86_64' machine='{machine}'>hvm</type>{boot}</os><features><acpi/></features>")
    };
    let pc = os("pc", "");
    let q35 = os("q35", "");
    let pc_boot = os("pc", "<boot dev='network'/>");
    let shared = "<memoryBacking><access mode='shared'/></memoryBacking>";
    let nic_at = |slot: &str| {
        format!("<interface type='user'><address type='pci' domain='0x0000' bus='0x00' slot='{slot}' function='0x0'/></interface>")
    };
    let vhu = "<interface type='vhostuser'><source type='unix' path='/tmp/vifxml-vhu.sock' mode='client'/><model type='virtio'/></interface>";
    let disk_boot = |order: u32| {
        format!("<disk type='file' device='disk'><source file='/tmp/vifxml-guest-rules.img'/><target dev='vda' bus='virtio'/><boot order='{order}'/></disk>")
    };
    let nic_boot = "<interface type='user'><boot order='1'/></interface>";
    vec![
        ("nic boot order alone", format!("{pc}<devices>{EMU}{nic_boot}</devices>")),
        ("nic boot order beside os boot", format!("{pc_boot}<devices>{EMU}{nic_boot}</devices>")),
        ("nic and disk boot orders differ", format!("{pc}<devices>{EMU}{}{nic_boot}</devices>", disk_boot(2))),
        ("nic and disk boot orders equal", format!("{pc}<devices>{EMU}{}{nic_boot}</devices>", disk_boot(1))),
        ("nic and disk at different slots", format!("{pc}<devices>{EMU}{DISK_PCI5}{}</devices>", nic_at("0x06"))),
        ("nic and disk at one slot", format!("{pc}<devices>{EMU}{DISK_PCI5}{}</devices>", nic_at("0x05"))),
        ("two nics at one slot", format!("{pc}<devices>{EMU}{}{}</devices>", nic_at("0x07"), nic_at("0x07"))),
        ("i440fx slot 1", format!("{pc}<devices>{EMU}{}</devices>", nic_at("0x01"))),
        ("q35 slot 1", format!("{q35}<devices>{EMU}{}</devices>", nic_at("0x01"))),
        ("q35 slot 0x1f", format!("{q35}<devices>{EMU}{}</devices>", nic_at("0x1f"))),
        (
            "ccw address on x86",
            format!("{pc}<devices>{EMU}<interface type='user'><address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/></interface></devices>"),
        ),
        (
            "vf as hostdev and as nic",
            format!("{pc}<devices>{EMU}<hostdev mode='subsystem' type='pci' managed='yes'>{VF_HOSTDEV}</hostdev><interface type='hostdev' managed='yes'>{VF}</interface></devices>"),
        ),
        (
            "vf as two nics",
            format!("{pc}<devices>{EMU}<interface type='hostdev' managed='yes'>{VF}</interface><interface type='hostdev' managed='yes'>{VF}</interface></devices>"),
        ),
        ("vhost-user, memory not shared", format!("{pc}<devices>{EMU}{vhu}</devices>")),
        ("vhost-user, memory shared", format!("{shared}{pc}<devices>{EMU}{vhu}</devices>")),
        (
            "acpi index twice",
            format!("{pc}<devices>{EMU}<interface type='user'><acpi index='3'/></interface><interface type='user'><acpi index='3'/></interface></devices>"),
        ),
    ]
    .into_iter()
    .map(|(l, body)| (l, format!("{HEAD}{body}</domain>")))
    .collect()
}

#[test]
fn guest_wide_rules_agree_with_both_qemu_drivers() {
    let guests = guests();
    let docs: Vec<String> = guests
        .iter()
        .enumerate()
        .map(|(n, (_, d))| d.replace("NAME", &format!("vifxml-guest-{n}")))
        .collect();
    let mut failures = Vec::new();
    for target in QEMU_TARGETS {
        let (version, theirs) = ask(target, &docs);
        let v: vifxml::version::LibvirtVersion = version.parse().expect("libvirt version");
        let opts = vifxml::validate::Options::new().libvirt(v);
        println!("\n{} (libvirt {version})", target.name);
        for (((label, _), doc), lv) in guests.iter().zip(&docs).zip(&theirs) {
            let parsed = vifxml::xml::parse_document(doc).expect("guest parses");
            let errors: Vec<&'static str> =
                vifxml::validate::validate_document_with(doc, &parsed, &opts)
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.rule)
                    .collect();
            println!(
                "  {label:<32} vifxml {errors:?}, libvirt {}",
                match lv {
                    Ok(()) => "defines".to_string(),
                    Err(m) => format!("refuses: {}", m.chars().take(100).collect::<String>()),
                }
            );
            let at_start = |r: &&str| {
                vifxml::rules::find(r).is_some_and(|r| ["start", "advice"].contains(&r.libvirt))
            };
            match (errors.is_empty(), lv.is_ok()) {
                (true, false) => failures.push(format!(
                    "[{}] {label}: only libvirt refuses: {lv:?}",
                    target.name
                )),
                (false, true) if !errors.iter().all(at_start) => failures.push(format!(
                    "[{}] {label}: only vifxml refuses: {errors:?}",
                    target.name
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
