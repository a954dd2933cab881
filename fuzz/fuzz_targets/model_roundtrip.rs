//! An arbitrary model validates without panicking, renders, and (unless validation reports
//! text xml cannot carry, `string.xml-char`) reads back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vifxml::{xml, Interface};

fuzz_target!(|iface: Interface| {
    let findings = iface.validate();
    let _ = vifxml::validate::validate_all(std::slice::from_ref(&iface));
    let out = xml::render_interface(&iface);
    if findings.iter().any(|d| d.rule == "string.xml-char") {
        return;
    }
    match xml::parse_interface(&out) {
        Ok(back) => assert_eq!(back, iface, "round trip changed the model:\n{out}"),
        Err(e) => panic!("rendered xml does not read back: {e}\n{out}"),
    }
});
