//! Running the `vifxml` binary from the integration tests: one harness for every test file.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `vifxml ARGS`, feeding `stdin` (or an empty standard input), and waits for it.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vifxml"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vifxml starts");
    {
        let mut i = child.stdin.take().expect("stdin");
        if let Some(data) = stdin {
            // The child may exit before reading everything; that is not a test failure.
            let _ = i.write_all(data);
        }
    }
    child.wait_with_output().expect("vifxml finishes")
}

/// The exit code (a signal is a test failure).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
