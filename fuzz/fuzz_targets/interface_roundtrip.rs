//! bytes -> parse; when that succeeds, every interface renders and reads back equal (extras
//! compared in rendering order, see `common::canonical`), rendering again gives the same bytes,
//! and validation does not panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use vifxml::xml;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = xml::parse_document(src) else {
        return;
    };
    let _ = vifxml::validate::validate_document(src, &doc);
    for p in &doc.interfaces {
        let out = xml::render_interface(&p.interface);
        match xml::parse_interface(&out) {
            Ok(back) => {
                let again = xml::render_interface(&back);
                assert_eq!(
                    common::canonical(back),
                    common::canonical(p.interface.clone()),
                    "round trip changed the model\ninput:\n{src}\nrendered:\n{out}"
                );
                assert_eq!(again, out, "rendering is not a fixpoint\ninput:\n{src}");
            }
            Err(e) => {
                panic!("rendered xml does not read back: {e}\ninput:\n{src}\nrendered:\n{out}")
            }
        }
    }
});
