//! Asks one libvirt what it makes of many domain documents, in one process: the tests run it
//! against the machine's own libvirt and, copied into the Debian 13 root that
//! `scripts/libvirt-chroot` makes, against libvirt 11.3 there (the binary links the
//! `libvirt.so.0` it finds, and libvirt keeps that ABI).
//!
//! `libvirt_verdicts URI [--start]` reads JSON lines `{"id": N, "xml": "..."}` on standard input
//! and prints one JSON line per document: `{"id": N, "defined": bool, "error": "..."}`, plus
//! with `--start` `"started": bool, "start_error": "..."` for documents that defined. Each
//! document is defined with libvirt's schema check on (`VIR_DOMAIN_DEFINE_VALIDATE`), started
//! and stopped when asked, then undefined. The first line printed is
//! `{"libvirt": "MAJOR.MINOR.MICRO"}`.
//!
//! Needs `--features libvirt`.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use vifxml::libvirt::Connection;

#[derive(Deserialize)]
struct Request {
    id: u64,
    xml: String,
}

#[derive(Serialize)]
struct Verdict {
    id: u64,
    defined: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_error: Option<String>,
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(uri) = args.next() else {
        eprintln!("usage: libvirt_verdicts URI [--start] < requests.jsonl");
        return std::process::ExitCode::from(2);
    };
    let start = args.any(|a| a == "--start");
    let conn = match Connection::open(&uri) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("libvirt_verdicts: cannot open {uri}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let out = std::io::stdout();
    let mut out = out.lock();
    let version = conn.lib_version().unwrap_or_default();
    let _ = writeln!(out, "{}", serde_json::json!({ "libvirt": version }));
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let req: Request = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("libvirt_verdicts: bad request line: {e}");
                return std::process::ExitCode::from(2);
            }
        };
        let mut v = Verdict {
            id: req.id,
            defined: false,
            error: None,
            started: None,
            start_error: None,
        };
        match conn.define(&req.xml) {
            Ok(d) => {
                v.defined = true;
                if start {
                    match conn.start_and_stop(&d.name) {
                        Ok(()) => v.started = Some(true),
                        Err(e) => {
                            v.started = Some(false);
                            v.start_error = Some(e.to_string());
                        }
                    }
                }
                if let Err(e) = conn.undefine(&d.name) {
                    eprintln!("libvirt_verdicts: cannot undefine {}: {e}", d.name);
                    return std::process::ExitCode::from(2);
                }
            }
            Err(e) => v.error = Some(e.to_string()),
        }
        let Ok(json) = serde_json::to_string(&v) else {
            return std::process::ExitCode::from(2);
        };
        if writeln!(out, "{json}").and_then(|()| out.flush()).is_err() {
            return std::process::ExitCode::from(2);
        }
    }
    std::process::ExitCode::SUCCESS
}
