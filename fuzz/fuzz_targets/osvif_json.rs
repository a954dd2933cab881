//! bytes -> os-vif primitives never panic, with and without nova's frontend settings and a vdpa
//! vnic type; what converts validates and renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vifxml::model::ids::PciAddress;
use vifxml::osvif::{self, Frontend, Options, VnicType};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let netdev = |_: &PciAddress| Some("ens1f0".to_owned());
    let vdpa = |_: &PciAddress| Some("/dev/vhost-vdpa-0".to_owned());
    let plain = Options::default();
    let tuned = Options {
        pci_netdev: Some(&netdev),
        vdpa_device: Some(&vdpa),
        vnic_type: if data.len() % 2 == 0 { VnicType::Vdpa } else { VnicType::Direct },
        frontend: Frontend {
            queues: Some(4),
            rx_queue_size: Some(512),
            tx_queue_size: Some(1024),
            packed: true,
            bandwidth: osvif::bandwidth_from_extra_specs([("quota:vif_inbound_average", "10")])
                .ok()
                .flatten(),
            ..Default::default()
        },
    };
    for opts in [&plain, &tuned] {
        if let Ok(ifaces) = osvif::from_json_with(text, opts) {
            let _ = vifxml::validate::validate_all(&ifaces);
            for i in &ifaces {
                let _ = vifxml::xml::render_interface(i);
            }
        }
    }
});
