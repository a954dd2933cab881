//! vDPA interfaces: the guest model (`vdpa.model`).

use super::common::is_virtio_model;
use super::Checker;
use crate::model::kind::InterfaceKind;
use crate::version::LibvirtVersion;

impl Checker<'_> {
    pub(super) fn vdpa(&mut self) {
        if !matches!(self.i.kind, InterfaceKind::Vdpa(_)) {
            return;
        }
        // No model: the qemu driver makes it virtio.
        let Some(model) = self.i.model.as_deref() else {
            return;
        };
        if !is_virtio_model(Some(model)) {
            self.err(
                "vdpa.model",
                "model",
                format!(
                    "type='vdpa' with model '{model}': the qemu driver refuses it at define (a \
                     vdpa device is a virtio device: <model type='virtio'/>)"
                ),
            );
        } else if !model.eq_ignore_ascii_case("virtio") && self.version < LibvirtVersion::V11_3 {
            self.err(
                "vdpa.model",
                "model",
                format!(
                    "type='vdpa' with model '{model}': libvirt {} refuses every model but \
                     'virtio' on vdpa (9.0 was seen to; 11.3 takes the transitional ones)",
                    self.version
                ),
            );
        }
    }
}
