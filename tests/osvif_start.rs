//! Start-time behaviour behind a conversion rule, observed rather than assumed: guests really
//! start under QEMU's TCG in libvirt's QEMU driver (`qemu:///embed`), inside a network
//! namespace this test makes and removes, on taps made the way os-vif makes them for
//! `create_tap` (`ip tuntap add ... [multi_queue]`).
//!
//! libvirt opens an existing tap (`managed='no'`) multi-queue exactly when the NIC has two
//! queues or more, and the kernel refuses the other combination. vifxml refuses both mismatches
//! (`osvif::tap_queues`); nova 34.0.0 renders them (`fixtures/osvif/real/`), and its XML fails
//! to start here. vifxml's XML for the matching cases starts.
//!
//! Needs root (network namespaces, QEMU as root) and QEMU: `scripts/install-deps --libvirt`.
#![cfg(feature = "libvirt")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use vifxml::osvif::{self, Frontend, Options};

mod verdicts;

const TAP: &str = "tap5d2a91c0-3b";

fn real(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/osvif/real")
        .join(name)
}

fn ours(fixture: &str, queues: Option<u32>) -> String {
    let text = std::fs::read_to_string(real(&format!("{fixture}.json"))).expect("fixture");
    let opts = Options {
        frontend: Frontend {
            queues,
            ..Default::default()
        },
        ..Default::default()
    };
    let ifaces = osvif::from_json_with(&text, &opts).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    vifxml::xml::render_interface(&ifaces[0])
}

fn novas(fixture: &str) -> String {
    std::fs::read_to_string(real(&format!("{fixture}.nova.xml"))).expect("nova's xml")
}

/// A network namespace and an embed root, removed on drop.
struct Sandbox {
    ns: String,
    root: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        assert!(
            is_root,
            "this test starts guests in a network namespace and needs root"
        );
        assert!(
            Path::new("/usr/bin/qemu-system-x86_64").exists(),
            "qemu-system-x86_64 is missing: scripts/install-deps --libvirt"
        );
        let ns = format!("vifxml-start-{}", std::process::id());
        run(&["ip", "netns", "add", &ns]);
        let root = tempfile::tempdir().expect("tempdir");
        // No virtlogd, no privilege drop, no cgroups or mount namespaces: what a test machine
        // allows (../shared/DESIGN.md, "Guests that really start").
        verdicts::embed_root(root.path());
        Sandbox { ns, root }
    }

    fn exec(&self, args: &[&str]) -> Output {
        let mut all = vec!["ip", "netns", "exec", &self.ns];
        all.extend_from_slice(args);
        Command::new(all[0])
            .args(&all[1..])
            .output()
            .expect("ip netns exec runs")
    }

    fn tap(&self, multi_queue: bool) {
        let _ = self.exec(&["ip", "link", "del", TAP]);
        let mut args = vec!["ip", "tuntap", "add", "dev", TAP, "mode", "tap"];
        if multi_queue {
            args.push("multi_queue");
        }
        let o = self.exec(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }

    /// Defines and starts a guest with this interface, then stops and removes it: `Ok` when it
    /// started, libvirt's error otherwise.
    fn start(&self, name: &str, iface: &str) -> Result<(), String> {
        let dom = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
             <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>\
             <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>{iface}</devices></domain>"
        );
        let file = self.root.path().join(format!("{name}.xml"));
        std::fs::write(&file, dom).expect("write domain");
        let uri = format!("qemu:///embed?root={}", self.root.path().display());
        let script = format!(
            "define {}; start {name}; destroy {name}; undefine {name}",
            file.display()
        );
        let o = self.exec(&["virsh", "-q", "-c", &uri, &script]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        match err
            .lines()
            .find(|l| l.starts_with("error:") && !l.contains("destroy"))
        {
            Some(_) => Err(err),
            None => Ok(()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).status();
    }
}

fn run(args: &[&str]) {
    let o = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn tap_queues_must_match_the_tap_os_vif_creates() {
    let s = Sandbox::new();
    let refused_tap = |e: &str| e.contains("Unable to create tap device") && e.contains(TAP);

    // A multi-queue tap (multiqueue: true): vifxml's XML with the guest's queues starts...
    s.tap(true);
    s.start("mq-ours", &ours("ovs-create-tap-multiqueue", Some(2)))
        .expect("vifxml's xml starts on a multi-queue tap");
    // ...nova's for a multiqueue object with one queue does not (vifxml refuses it).
    let e = s
        .start("mq-nova", &novas("ovs-create-tap-multiqueue-1vcpu"))
        .expect_err("nova's xml without queues cannot open a multi-queue tap");
    assert!(refused_tap(&e), "{e}");
    assert!(osvif::from_json(
        &std::fs::read_to_string(real("ovs-create-tap-multiqueue-1vcpu.json")).expect("fixture")
    )
    .is_err());

    // A single-queue tap (multiqueue: false): vifxml's XML without queues starts...
    s.tap(false);
    s.start("sq-ours", &ours("ovs-create-tap-single-queue", None))
        .expect("vifxml's xml starts on a single-queue tap");
    // ...nova's with the flavor's four queues does not (vifxml refuses --queues 4 here).
    let nova = novas("ovs-create-tap-single-queue");
    assert!(nova.contains("queues=\"4\""), "{nova}");
    let e = s
        .start("sq-nova", &nova)
        .expect_err("four queues cannot open a single-queue tap");
    assert!(refused_tap(&e), "{e}");
    let text = std::fs::read_to_string(real("ovs-create-tap-single-queue.json")).expect("fixture");
    let opts = Options {
        frontend: Frontend {
            queues: Some(4),
            ..Default::default()
        },
        ..Default::default()
    };
    let refusal = osvif::from_json_with(&text, &opts).expect_err("vifxml refuses");
    assert_eq!(refusal.path, "port_profile.multiqueue");
}
