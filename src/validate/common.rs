//! Helpers shared by more than one concern (no rules of its own).

/// True for the guest models libvirt treats as virtio (`virDomainNetIsVirtioModel`): it reads
/// model names without regard to case, and only these three are virtio; `virtio-net-pci` and
/// the like are unknown model strings to libvirt, not virtio.
pub(super) fn is_virtio_model(model: Option<&str>) -> bool {
    model.is_some_and(|m| {
        ["virtio", "virtio-transitional", "virtio-non-transitional"]
            .iter()
            .any(|v| m.eq_ignore_ascii_case(v))
    })
}

impl<'a> super::Checker<'a> {
    /// Whether a child of `<interface>` kept verbatim is a `name` element.
    pub(super) fn has_kept_child(&self, name: &str) -> bool {
        self.i.extras.elements.iter().any(|n| {
            n.parent.is_empty()
                && n.xml
                    .as_str()
                    .trim_start()
                    .strip_prefix('<')
                    .and_then(|r| r.strip_prefix(name))
                    .is_some_and(|r| r.starts_with(['>', '/', ' ', '\t', '\n', '\r']))
        })
    }

    /// Whether the interface uses the passt backend.
    pub(super) fn passt(&self) -> bool {
        self.i
            .backend
            .as_ref()
            .and_then(|b| b.backend_type.as_deref())
            == Some("passt")
    }
}
