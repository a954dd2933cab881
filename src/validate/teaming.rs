//! Failover teaming: a transient interface names its persistent one, and only it does
//! (`teaming.persistent`).

use super::common::is_virtio_model;
use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn teaming(&mut self) {
        if let Some(t) = &self.i.teaming {
            use crate::model::interface::TeamingType;
            match (t.teaming_type, &t.persistent) {
                (TeamingType::Transient, None) => self.err(
                    "teaming.persistent",
                    "teaming",
                    "teaming type='transient' needs persistent='ALIAS' naming the persistent \
                     interface"
                        .into(),
                ),
                (TeamingType::Persistent, Some(_)) => self.err(
                    "teaming.persistent",
                    "teaming/@persistent",
                    "persistent='...' only goes with teaming type='transient'".into(),
                ),
                _ => {}
            }
            let ty = self.ty();
            match t.teaming_type {
                TeamingType::Persistent if !is_virtio_model(self.i.model.as_deref()) => {
                    // No model: the qemu driver's default on x86 (rtl8139), which it names.
                    let model = self.i.model.as_deref().unwrap_or("rtl8139 (the default)");
                    self.err(
                        "teaming.model",
                        "teaming",
                        format!(
                            "teaming type='persistent' with model '{model}': the qemu driver \
                             refuses it at define (the failover pair's persistent member must \
                             be <model type='virtio'/>)"
                        ),
                    );
                }
                TeamingType::Transient
                    if !matches!(
                        self.i.kind,
                        InterfaceKind::Hostdev(_) | InterfaceKind::Network(_)
                    ) =>
                {
                    self.err(
                        "teaming.type",
                        "teaming",
                        format!(
                            "teaming type='transient' on type='{ty}': the qemu driver refuses it \
                             at define (the failover pair's transient member is a hostdev \
                             interface, or a network of hostdevs)"
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
