//! Asking real libvirts what they make of documents: the machine's own (9.0) and 11.3 in the
//! Debian 13 root `scripts/libvirt-chroot` makes, each through `examples/libvirt_verdicts` in a
//! process of its own (`qemu:///embed` allows one driver a process), optionally inside a
//! network namespace, optionally starting each guest under TCG.
#![allow(dead_code)]

use std::path::Path;

/// One libvirt to ask: a version (the machine's own, or 11.3 in the Debian 13 root) and a
/// driver.
pub struct Libvirt {
    pub name: &'static str,
    /// Run inside the Debian 13 root (libvirt 11.3) rather than on the machine (9.0).
    pub chroot: bool,
    /// `qemu:///embed` (the driver that runs guests) rather than `test:///default`.
    pub qemu: bool,
}

/// The QEMU driver of both versions: what runs guests.
pub const QEMU_TARGETS: &[Libvirt] = &[
    Libvirt {
        name: "9.0 qemu",
        chroot: false,
        qemu: true,
    },
    Libvirt {
        name: "11.3 qemu",
        chroot: true,
        qemu: true,
    },
];

/// Both QEMU drivers and 11.3's test driver: what the differential asks.
pub const TARGETS: &[Libvirt] = &[
    Libvirt {
        name: "9.0 qemu",
        chroot: false,
        qemu: true,
    },
    Libvirt {
        name: "11.3 test",
        chroot: true,
        qemu: false,
    },
    Libvirt {
        name: "11.3 qemu",
        chroot: true,
        qemu: true,
    },
];

/// The smallest domain the QEMU driver defines and starts under TCG, around the interfaces.
pub fn qemu_domain_xml(name: &str, interfaces: &str) -> String {
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>\
         <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\n{interfaces}</devices>\
         </domain>\n"
    )
}

/// The Debian 13 root with libvirt 11.3 (`scripts/libvirt-chroot` makes it, or finds it made,
/// and mounts what it needs).
pub fn libvirt11_root() -> std::path::PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/libvirt-chroot");
    let out = std::process::Command::new(&script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed (it needs root and network the first time):\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let root = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    std::path::PathBuf::from(root)
}

/// The verdict helper `cargo test` builds beside the tests (`examples/libvirt_verdicts.rs`).
pub fn verdicts_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join("examples/libvirt_verdicts");
    assert!(
        bin.exists(),
        "{} is missing: run the tests with --features libvirt (cargo test builds examples)",
        bin.display()
    );
    bin
}

/// An embed root whose qemu.conf lets guests start here: no privilege drop, no virtlogd, no
/// cgroups or mount namespaces, no seccomp sandbox (11.3 needs that off here).
pub fn embed_root(dir: &Path) {
    std::fs::create_dir_all(dir.join("etc")).expect("embed root");
    std::fs::write(
        dir.join("etc/qemu.conf"),
        "user = \"root\"\ngroup = \"root\"\nstdio_handler = \"file\"\nnamespaces = []\n\
         cgroup_controllers = []\nseccomp_sandbox = 0\n",
    )
    .expect("qemu.conf");
}

/// Asks one target about every document: `Ok(())` or libvirt's message, in order.
pub fn ask(target: &Libvirt, docs: &[String]) -> (String, Vec<Result<(), String>>) {
    let (version, verdicts) = ask_with(target, docs, false, None);
    (version, verdicts.into_iter().map(|v| v.defined).collect())
}

/// What one libvirt said about one document.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// `Ok` when it defined, else libvirt's message.
    pub defined: Result<(), String>,
    /// With `start`: `Ok` when the guest started (and was stopped), else libvirt's message.
    pub started: Option<Result<(), String>>,
}

/// [`ask`], starting each guest that defines when `start` is set, inside the network namespace
/// `netns` when given (`ip netns exec`).
pub fn ask_with(
    target: &Libvirt,
    docs: &[String],
    start: bool,
    netns: Option<&str>,
) -> (String, Vec<Verdict>) {
    use std::io::Write;
    let bin = verdicts_binary();
    let tag = format!(
        "vifxml-diff-{}-{}",
        std::process::id(),
        target.name.replace(' ', "-")
    );
    let (program, mut args, host_dir, inside_dir): (
        String,
        Vec<String>,
        std::path::PathBuf,
        String,
    );
    if target.chroot {
        let root = libvirt11_root();
        let inside = format!("/tmp/{tag}");
        let host = root.join(inside.trim_start_matches('/'));
        std::fs::create_dir_all(&host).expect("scratch dir in the root");
        std::fs::copy(&bin, host.join("libvirt_verdicts")).expect("copy the helper");
        program = "chroot".into();
        args = vec![
            root.to_string_lossy().into_owned(),
            format!("{inside}/libvirt_verdicts"),
        ];
        host_dir = host;
        inside_dir = inside;
    } else {
        let host = std::env::temp_dir().join(&tag);
        std::fs::create_dir_all(&host).expect("scratch dir");
        program = bin.to_string_lossy().into_owned();
        args = vec![];
        inside_dir = host.to_string_lossy().into_owned();
        host_dir = host;
    }
    if target.qemu {
        embed_root(&host_dir.join("embed"));
        args.push(format!("qemu:///embed?root={inside_dir}/embed"));
    } else {
        args.push("test:///default".into());
    }
    if start {
        args.push("--start".into());
    }
    let (program, args) = match netns {
        Some(ns) => {
            let mut a = vec!["netns".to_string(), "exec".into(), ns.into(), program];
            a.extend(args);
            ("ip".to_string(), a)
        }
        None => (program, args),
    };
    let mut requests = String::new();
    for (id, doc) in docs.iter().enumerate() {
        requests.push_str(&serde_json::json!({ "id": id, "xml": doc }).to_string());
        requests.push('\n');
    }
    let mut child = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let out = child.wait_with_output().expect("helper output");
    let _ = writer.join();
    let _ = std::fs::remove_dir_all(&host_dir);
    assert!(out.status.success(), "{} helper failed", target.name);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let head: serde_json::Value =
        serde_json::from_str(lines.next().expect("version line")).expect("json");
    let version = head["libvirt"].as_str().unwrap_or("?").to_owned();
    let mut verdicts = vec![
        Verdict {
            defined: Err("no answer".to_string()),
            started: None,
        };
        docs.len()
    ];
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("json verdict");
        let id = v["id"].as_u64().expect("id") as usize;
        verdicts[id].defined = if v["defined"] == true {
            Ok(())
        } else {
            Err(v["error"].as_str().unwrap_or("").to_owned())
        };
        verdicts[id].started = match v["started"].as_bool() {
            None => None,
            Some(true) => Some(Ok(())),
            Some(false) => Some(Err(v["start_error"].as_str().unwrap_or("").to_owned())),
        };
    }
    (version, verdicts)
}
