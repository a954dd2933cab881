//! bytes -> Domain::parse -> to_string gives the same bytes; replacing an interface with itself
//! and removing one never panic, and what they write reads back.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use vifxml::domain::{Domain, Selector};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(dom) = Domain::parse(src) else {
        return;
    };
    assert_eq!(
        dom.to_string(),
        src,
        "a parse without edits changed the text"
    );
    let _ = dom.validate();
    let n = dom.interfaces().len();
    for i in 0..n.min(4) {
        let mut edited = dom.clone();
        let same = dom.interfaces()[i].interface.clone();
        if edited.replace(Selector::Index(i), same.clone()).is_ok() {
            let text = edited.to_string();
            match Domain::parse(&text) {
                Ok(again) => assert_eq!(
                    common::canonical(again.interfaces()[i].interface.clone()),
                    common::canonical(same),
                    "replacing an interface with itself changed it\ninput:\n{src}\nedited:\n{text}"
                ),
                Err(e) => panic!(
                    "edited document does not read back: {e}\ninput:\n{src}\nedited:\n{text}"
                ),
            }
        }
        let mut removed = dom.clone();
        if removed.remove(Selector::Index(i)).is_ok() {
            let text = removed.to_string();
            match Domain::parse(&text) {
                Ok(again) => assert_eq!(again.interfaces().len(), n - 1),
                Err(e) => panic!("document does not read back after a removal: {e}\ninput:\n{src}\nedited:\n{text}"),
            }
        }
    }
});
