//! Failover teaming: a transient interface names its persistent one, and only it does
//! (`teaming.persistent`).

use super::Checker;

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
        }
    }
}
