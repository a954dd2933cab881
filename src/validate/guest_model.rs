//! The guest model name's characters (`model.syntax`).

use super::Checker;

impl Checker<'_> {
    pub(super) fn model_syntax(&mut self) {
        if let Some(m) = &self.i.model {
            let ok = !m.is_empty()
                && m.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
            if !ok {
                self.err(
                    "model.syntax",
                    "model/@type",
                    format!("model type '{m}': expected characters from [a-zA-Z0-9_-]"),
                );
            }
        }
    }
}
