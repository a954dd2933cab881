//! bytes -> JSON/YAML spec parsing and JSON Schema validation never panic; what is accepted
//! validates without panicking and renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vifxml::{schema, spec, xml};

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = schema::check(&value);
        let _ = spec::deserialize(value);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ifaces) = spec::from_str(text) else {
        return;
    };
    let _ = vifxml::validate::validate_all(&ifaces);
    for i in &ifaces {
        let _ = xml::render_interface(i);
    }
    let _ = spec::to_json(&ifaces);
});
