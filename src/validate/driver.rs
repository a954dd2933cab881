//! The `<driver>` element: virtio-only options, hostdev drivers, driver names, txmode, queues
//! (`driver.virtio-options`, `driver.hostdev-options`, `driver.hostdev`, `driver.name`,
//! `driver.txmode`, `driver.non-virtio`, `driver.queues`, `driver.queue-size`).

use super::common::is_virtio_model;
use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn driver(&mut self) {
        let Some(d) = &self.i.driver else {
            return;
        };
        let virtio = is_virtio_model(self.i.model.as_deref());
        if !virtio {
            // virDomainCheckVirtioOptionsAreAbsent: any value, on or off, is refused.
            for (name, set) in [
                ("iommu", d.iommu.is_some()),
                ("ats", d.ats.is_some()),
                ("packed", d.packed.is_some()),
                ("page_per_vq", d.page_per_vq.is_some()),
            ] {
                if set {
                    self.err(
                        "driver.virtio-options",
                        &format!("driver/@{name}"),
                        format!(
                            "{name} is a virtio option and the model is {}: libvirt refuses it \
                             at define",
                            model_phrase(self.i.model.as_deref())
                        ),
                    );
                }
            }
        }
        if matches!(self.i.kind, InterfaceKind::Hostdev(_)) {
            let only_name = crate::model::Driver {
                name: d.name.clone(),
                ..Default::default()
            };
            if *d != only_name {
                self.err(
                    "driver.hostdev-options",
                    "driver",
                    "a hostdev interface's <driver> only takes name (vfio, kvm or xen): the vf \
                     is not a virtio device, so libvirt drops every other setting (and its \
                     schema refuses them next to a name)"
                        .into(),
                );
            }
            if let Some(n) = d.name.as_deref() {
                if !matches!(n, "vfio" | "kvm" | "xen") {
                    self.err(
                        "driver.hostdev",
                        "driver/@name",
                        format!(
                            "driver name '{n}' on a hostdev interface: expected vfio, kvm or xen"
                        ),
                    );
                }
            }
            return;
        }
        if let Some(n) = d.name.as_deref() {
            if !matches!(n, "qemu" | "vhost" | "vfio" | "kvm" | "xen") {
                self.err(
                    "driver.name",
                    "driver/@name",
                    format!("driver name '{n}': expected qemu or vhost"),
                );
            } else if virtio && !matches!(n, "qemu" | "vhost") {
                self.err(
                    "driver.name",
                    "driver/@name",
                    format!(
                        "driver name '{n}' names a hostdev backend: a virtio model takes qemu \
                         or vhost"
                    ),
                );
            } else if !matches!(n, "qemu" | "vhost") {
                let only_name = crate::model::Driver {
                    name: d.name.clone(),
                    ..Default::default()
                };
                if *d != only_name {
                    self.err(
                        "driver.name",
                        "driver/@name",
                        format!(
                            "driver name '{n}' names a hostdev backend, which libvirt's schema \
                             takes with no other driver setting"
                        ),
                    );
                }
            }
        }
        if let Some(t) = d.txmode.as_deref() {
            if !matches!(t, "iothread" | "timer") {
                self.err(
                    "driver.txmode",
                    "driver/@txmode",
                    format!("txmode '{t}': expected iothread or timer"),
                );
            }
        }
        if !virtio {
            self.warn(
                "driver.non-virtio",
                "driver",
                format!(
                    "<driver> is only read for virtio models, not {}: libvirt drops it",
                    model_phrase(self.i.model.as_deref())
                ),
            );
        }
        if d.queues == Some(0) {
            self.err(
                "driver.queues",
                "driver/@queues",
                "queues='0': expected at least 1".into(),
            );
        }
        for (name, v) in [
            ("rx_queue_size", d.rx_queue_size),
            ("tx_queue_size", d.tx_queue_size),
        ] {
            // The qemu driver checks the power of two on virtio models only; QEMU checks the
            // range when the guest starts.
            let Some(v) = v else { continue };
            if v == 0 {
                self.err(
                    "driver.queue-size",
                    &format!("driver/@{name}"),
                    format!("{name}='0': libvirt's schema takes 1 and up"),
                );
                continue;
            }
            if !virtio {
                continue;
            }
            if !v.is_power_of_two() {
                self.err(
                    "driver.queue-size",
                    &format!("driver/@{name}"),
                    format!(
                        "{name}='{v}': not a power of two, which the qemu driver refuses at \
                         define ('{name} has to be a power of two')"
                    ),
                );
            } else if !(256..=1024).contains(&v) {
                self.err(
                    "driver.queue-size-range",
                    &format!("driver/@{name}"),
                    format!(
                        "{name}='{v}': libvirt defines it and QEMU refuses to start the guest \
                         (virtio-net takes 256 to 1024)"
                    ),
                );
            }
        }
    }
}

fn model_phrase(model: Option<&str>) -> String {
    model.map_or("the hypervisor's default model".to_owned(), |m| {
        format!("'{m}'")
    })
}
