//! `vifxml from-osvif FILE`: os-vif VIF objects (JSON primitives) → interface XML, through the
//! same validation as `render`.
//!
//! ```text
//! vifxml from-osvif vif.json                               # one object or an array
//! nova-dump-vifs | vifxml from-osvif -                     # standard input
//! vifxml from-osvif --pci-netdev 0000:81:00.0=ens1f0 direct.json
//! vifxml from-osvif --queues 4 --rx-queue-size 512 --extra-spec quota:vif_inbound_average=1024 ovs.json
//! vifxml from-osvif --vnic-type vdpa --vdpa-device 0000:81:10.2=/dev/vhost-vdpa-3 vf.json
//! ```

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;

use vifxml::diag::Diagnostic;
use vifxml::model::ids::PciAddress;
use vifxml::osvif::{self, Frontend, Options, OsVifErrorKind, VirtType, VnicType};

use super::{display_name, read_input, report, write_stdout, Fail, RuleArgs};

/// Arguments of `from-osvif`.
#[derive(Args)]
pub struct FromOsvifArgs {
    /// JSON file: one os-vif VIF as obj_to_primitive() writes it, or an array; - for stdin.
    file: String,
    /// The host network device on a PCI address, for a VIFDirect that names only its
    /// dev_address (repeatable). Addresses not given here are looked up in
    /// SYSFS/bus/pci/devices/ADDR/net/.
    #[arg(long = "pci-netdev", value_name = "PCI=NETDEV")]
    pci_netdev: Vec<String>,
    /// The vDPA device of a VF, for a VIFHostDevice of a vdpa port (repeatable). Addresses not
    /// given here are looked up in SYSFS/bus/pci/devices/ADDR/vdpa*/vhost-vdpa-N.
    #[arg(long = "vdpa-device", value_name = "PCI=PATH")]
    vdpa_device: Vec<String>,
    /// Where sysfs is mounted (for the lookups above).
    #[arg(long = "sysfs-root", value_name = "DIR", default_value = "/sys")]
    sysfs_root: PathBuf,
    /// The neutron port's vnic type (normal, direct, macvtap, vdpa, ...): vdpa turns a
    /// VIFHostDevice into type='vdpa'.
    #[arg(long = "vnic-type", value_name = "TYPE", default_value = "normal")]
    vnic_type: String,
    /// nova's [libvirt]virt_type: kvm writes driver name 'vhost' with queues or an rx queue
    /// size, qemu writes driver name 'qemu' on every virtio NIC.
    #[arg(long = "virt-type", value_name = "kvm|qemu", default_value = "kvm")]
    virt_type: String,
    /// The guest NIC model (nova: the image's hw_vif_model); virtio when not given.
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// Queue pairs (nova: the flavor's vcpus with hw:vif_multiqueue_enabled); required when a
    /// profile asks os-vif for a multiqueue tap.
    #[arg(long, value_name = "N")]
    queues: Option<u32>,
    /// Receive virtqueue size: 256, 512 or 1024 (nova's [libvirt]rx_queue_size).
    #[arg(long = "rx-queue-size", value_name = "N")]
    rx_queue_size: Option<u32>,
    /// Transmit virtqueue size for vhost-user and vDPA: 256, 512 or 1024 (nova's
    /// [libvirt]tx_queue_size).
    #[arg(long = "tx-queue-size", value_name = "N")]
    tx_queue_size: Option<u32>,
    /// Packed virtqueues (nova: hw:virtio_packed_ring).
    #[arg(long)]
    packed: bool,
    /// A flavor extra spec (repeatable); the quota:vif_* ones become <bandwidth>, as nova
    /// writes them, others are skipped.
    #[arg(long = "extra-spec", value_name = "KEY=VALUE")]
    extra_spec: Vec<String>,
    #[command(flatten)]
    rules: RuleArgs,
}

fn usage(message: String) -> Fail {
    Fail {
        code: 2,
        message: format!("vifxml: {message}"),
    }
}

/// `PCI=VALUE` pairs of a repeatable option.
fn pci_pairs(
    flag: &str,
    example: &str,
    given: &[String],
) -> Result<HashMap<PciAddress, String>, Fail> {
    let mut out = HashMap::new();
    for spec in given {
        let parsed = spec.split_once('=').and_then(|(pci, v)| {
            let pci = osvif::parse_pci_address(pci)?;
            (!v.is_empty()).then(|| (pci, v.to_owned()))
        });
        let Some((pci, v)) = parsed else {
            return Err(usage(format!("{flag} '{spec}': expected {example}")));
        };
        out.insert(pci, v);
    }
    Ok(out)
}

/// Runs `from-osvif`.
pub fn run(args: FromOsvifArgs) -> Result<u8, Fail> {
    let rules = args.rules.options(None)?;
    let netdevs = pci_pairs(
        "--pci-netdev",
        "PCI=NETDEV, e.g. 0000:81:00.0=ens1f0",
        &args.pci_netdev,
    )?;
    let vdpas = pci_pairs(
        "--vdpa-device",
        "PCI=PATH, e.g. 0000:81:10.2=/dev/vhost-vdpa-3",
        &args.vdpa_device,
    )?;
    let vnic_type: VnicType = args
        .vnic_type
        .parse()
        .map_err(|e| usage(format!("--vnic-type: {e}")))?;
    let virt_type: VirtType = args
        .virt_type
        .parse()
        .map_err(|e| usage(format!("--virt-type: {e}")))?;
    let mut specs = Vec::new();
    for spec in &args.extra_spec {
        let Some((k, v)) = spec.split_once('=') else {
            return Err(usage(format!(
                "--extra-spec '{spec}': expected KEY=VALUE, e.g. quota:vif_inbound_average=1024"
            )));
        };
        specs.push((k, v));
    }
    let option_error = |e: osvif::OsVifError| usage(e.to_string());
    let frontend = Frontend {
        virt_type,
        model: args.model.as_deref().map(Into::into),
        queues: args.queues,
        rx_queue_size: args.rx_queue_size,
        tx_queue_size: args.tx_queue_size,
        packed: args.packed,
        bandwidth: osvif::bandwidth_from_extra_specs(specs).map_err(option_error)?,
    };
    frontend.check().map_err(option_error)?;
    let text = read_input(&args.file)?;
    let name = display_name(&args.file);
    let root = &args.sysfs_root;
    let netdev = |pci: &PciAddress| {
        netdevs
            .get(pci)
            .cloned()
            .or_else(|| osvif::sysfs::netdev(root, pci))
    };
    let vdpa = |pci: &PciAddress| {
        vdpas
            .get(pci)
            .cloned()
            .or_else(|| osvif::sysfs::vdpa_device(root, pci))
    };
    let opts = Options {
        pci_netdev: Some(&netdev),
        vdpa_device: Some(&vdpa),
        vnic_type,
        frontend,
    };
    let ifaces = osvif::from_json_with(&text, &opts).map_err(|e| Fail {
        code: if e.kind == OsVifErrorKind::Option {
            2
        } else {
            1
        },
        message: format!("{name}: {e}"),
    })?;
    let findings = vifxml::validate::validate_all_with(&ifaces, &rules);
    report(None, name, &findings);
    if findings.iter().any(Diagnostic::is_error) {
        return Err(Fail {
            code: 1,
            message: format!("{name}: not rendered: validation found errors"),
        });
    }
    let mut out = String::new();
    for i in &ifaces {
        out.push_str(&vifxml::xml::render_interface(i));
    }
    write_stdout(&out)?;
    Ok(0)
}
