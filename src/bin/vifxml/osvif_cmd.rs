//! `vifxml from-osvif FILE`: os-vif VIF objects (JSON primitives) → interface XML, through the
//! same validation as `render`.
//!
//! ```text
//! vifxml from-osvif vif.json                               # one object or an array
//! nova-dump-vifs | vifxml from-osvif -                     # standard input
//! vifxml from-osvif --pci-netdev 0000:81:00.0=ens1f0 direct.json
//! ```

use std::collections::HashMap;

use clap::Args;

use vifxml::diag::Diagnostic;
use vifxml::model::ids::PciAddress;
use vifxml::osvif::{self, Options};

use super::{display_name, read_input, report, write_stdout, Fail};

/// Arguments of `from-osvif`.
#[derive(Args)]
pub struct FromOsvifArgs {
    /// JSON file: one os-vif VIF as obj_to_primitive() writes it, or an array; - for stdin.
    file: String,
    /// The host network device on a PCI address, for a VIFDirect that names only its
    /// dev_address (repeatable). Addresses not given here are looked up in
    /// /sys/bus/pci/devices/ADDR/net/.
    #[arg(long = "pci-netdev", value_name = "PCI=NETDEV")]
    pci_netdev: Vec<String>,
}

/// Runs `from-osvif`.
pub fn run(args: FromOsvifArgs) -> Result<u8, Fail> {
    let mut given: HashMap<PciAddress, String> = HashMap::new();
    for spec in &args.pci_netdev {
        let parsed = spec.split_once('=').and_then(|(pci, dev)| {
            let pci = osvif::parse_pci_address(pci)?;
            (!dev.is_empty()).then(|| (pci, dev.to_owned()))
        });
        let Some((pci, dev)) = parsed else {
            return Err(Fail {
                code: 2,
                message: format!(
                    "vifxml: --pci-netdev '{spec}': expected PCI=NETDEV, e.g. 0000:81:00.0=ens1f0"
                ),
            });
        };
        given.insert(pci, dev);
    }
    let text = read_input(&args.file)?;
    let name = display_name(&args.file);
    let resolve = |pci: &PciAddress| given.get(pci).cloned().or_else(|| sysfs_netdev(pci));
    let opts = Options {
        pci_netdev: Some(&resolve),
    };
    let ifaces = osvif::from_json_with(&text, &opts).map_err(|e| Fail {
        code: 1,
        message: format!("{name}: {e}"),
    })?;
    let findings = vifxml::validate::validate_all(&ifaces);
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

/// The network device the kernel bound on a PCI function: the first entry of
/// `/sys/bus/pci/devices/ADDR/net/`.
fn sysfs_netdev(pci: &PciAddress) -> Option<String> {
    let dir = std::fs::read_dir(format!("/sys/bus/pci/devices/{pci}/net")).ok()?;
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names.into_iter().next()
}
