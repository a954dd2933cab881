//! The `<backend>` element: its type (passt) and its device paths (`backend.passt`,
//! `backend.type`, `backend.path`).

use super::Checker;
use crate::model::kind::InterfaceKind;

impl Checker<'_> {
    pub(super) fn backend(&mut self) {
        let ty = self.ty();
        if let Some(b) = &self.i.backend {
            match b.backend_type.as_deref() {
                None => {}
                Some("passt") => {
                    let msg = if matches!(
                        self.i.kind,
                        InterfaceKind::User | InterfaceKind::VhostUser(_)
                    ) {
                        format!(
                            "backend type='passt' on type='{ty}': libvirt 9.0.0 as Debian 12 \
                             ships it refuses the word at define (libvirt issue #462); other \
                             builds take it on type='user' (vhostuser since 11.0), so allow this \
                             rule only when the hosts run one of those"
                        )
                    } else {
                        format!(
                            "backend type='passt' on type='{ty}': passt only serves type='user' \
                             (and vhostuser since libvirt 11.0); libvirt refuses it elsewhere"
                        )
                    };
                    self.err("backend.passt", "backend/@type", msg);
                }
                Some(t) => self.err(
                    "backend.type",
                    "backend/@type",
                    format!(
                        "backend type '{t}': expected passt, or no type for the hypervisor's \
                         default backend"
                    ),
                ),
            }
            for (name, v) in [("tap", &b.tap), ("vhost", &b.vhost)] {
                if let Some(p) = v {
                    if !p.starts_with('/') || p.len() < 2 {
                        self.err(
                            "backend.path",
                            &format!("backend/@{name}"),
                            format!("backend {name}='{p}': expected an absolute path"),
                        );
                    }
                }
            }
        }
    }
}
