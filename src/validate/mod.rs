//! validation
use crate::{Diagnostic, Interface};
/// Validates.
pub fn validate(_i: &Interface) -> Vec<Diagnostic> {
    Vec::new()
}
