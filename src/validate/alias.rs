//! The device alias: its characters and the user prefix the qemu driver keeps
//! (`alias.syntax`, `alias.user-prefix`).

use super::Checker;

impl Checker<'_> {
    pub(super) fn alias(&mut self) {
        if let Some(a) = &self.i.alias {
            let ok = !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            if !ok {
                self.err(
                    "alias.syntax",
                    "alias/@name",
                    format!("alias '{a}': expected characters from [a-zA-Z0-9_.-]"),
                );
            } else if !a.starts_with("ua-") {
                self.warn(
                    "alias.user-prefix",
                    "alias/@name",
                    format!(
                        "alias '{a}' does not start with 'ua-': the qemu driver only keeps \
                         user aliases with that prefix"
                    ),
                );
            }
        }
    }
}
