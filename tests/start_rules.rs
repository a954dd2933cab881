//! Rules whose libvirt column is `start` (libvirt defines the guest; it fails when it starts, or
//! the setting is ignored), shown on guests that really start: libvirt 9.0 and 11.3, the QEMU
//! driver in `qemu:///embed`, QEMU under TCG, inside a network namespace made for the test (a
//! Linux bridge `br0` with VLAN filtering, a veth pair as a macvtap lower device).
//!
//! For every case vifxml must report the rule on the versions the rule applies to, and the guest
//! must do what the rule's summary says: fail to start ("fails"/"refuses to start"), or start
//! with the setting ignored ("ignored"). Where the rule does not apply (a version that handles
//! it), the guest must start. Rules that cannot be shown here are listed with the reason, and
//! the test fails when a start rule is neither shown nor listed.
//!
//! Needs root (network namespaces, chroot). `cargo test --features libvirt --test start_rules
//! -- --nocapture` prints what each libvirt said.
#![cfg(feature = "libvirt")]

mod verdicts;

use verdicts::{ask_with, qemu_domain_xml, QEMU_TARGETS};

/// What the guest does when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Fails to start.
    Fails,
    /// Starts, the setting without effect.
    Ignored,
}

/// One start rule, an interface (or several) that breaks it, and what happens.
struct Case {
    rule: &'static str,
    interfaces: &'static str,
    outcome: Outcome,
    /// Where the rule does not apply, the guest may still fail here for a reason of this
    /// machine's, which libvirt's message names with this phrase (printed, not a failure).
    host_limit: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        rule: "name.syntax",
        interfaces: "<interface type='bridge'><source bridge='br 0'/><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "virtualport.placement",
        interfaces: "<interface type='bridge'><source bridge='br0'/><virtualport type='802.1Qbh'><parameters profileid='p1'/></virtualport><model type='virtio'/></interface>",
        outcome: Outcome::Ignored,
        host_limit: None,
    },
    Case {
        rule: "vlan.placement",
        interfaces: "<interface type='user'><vlan><tag id='5'/></vlan><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "vlan.plain-bridge",
        interfaces: "<interface type='bridge'><source bridge='br0'/><vlan><tag id='42'/></vlan><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        // 11.x sets the tag through the bridge's VLAN filtering, which needs the kernel's
        // CONFIG_BRIDGE_VLAN_FILTERING (missing on some machines: "error adding vlan filter").
        host_limit: Some("vlan filter"),
    },
    Case {
        rule: "name.length",
        interfaces: "<interface type='ethernet'><target dev='abcdefghijklmnop'/><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "interface.trust-guest-rx-filters",
        interfaces: "<interface type='bridge' trustGuestRxFilters='yes'><source bridge='br0'/><model type='virtio'/></interface>",
        outcome: Outcome::Ignored,
        host_limit: None,
    },
    Case {
        rule: "backend.tap-placement",
        interfaces: "<interface type='user'><backend tap='/dev/net/tun'/><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "driver.queue-size-range",
        interfaces: "<interface type='user'><model type='virtio'/><driver rx_queue_size='128'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "acpi.index-range",
        interfaces: "<interface type='user'><model type='virtio'/><acpi index='16384'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "devices.duplicate-target",
        interfaces: "<interface type='ethernet'><target dev='tapsame'/><model type='virtio'/></interface><interface type='ethernet'><target dev='tapsame'/><model type='virtio'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
    Case {
        rule: "devices.duplicate-acpi-index",
        interfaces: "<interface type='user'><model type='virtio'/><acpi index='3'/></interface><interface type='user'><model type='virtio'/><acpi index='3'/></interface>",
        outcome: Outcome::Fails,
        host_limit: None,
    },
];

/// Start rules not shown here, and why.
const NOT_RUN: &[(&str, &str)] = &[(
    "bandwidth.placement",
    "needs an SR-IOV VF or a vhost-user backend to start at all",
)];

/// A network namespace with `br0` (VLAN filtering on where the kernel has it) and a veth pair,
/// removed on drop.
struct Netns(String);

impl Netns {
    fn new() -> Self {
        let name = format!("vifxml-start-{}", std::process::id());
        let run = |args: &[&str]| {
            let s = std::process::Command::new("ip")
                .args(args)
                .status()
                .unwrap_or_else(|e| panic!("cannot run ip {args:?}: {e}"));
            assert!(s.success(), "ip {args:?} failed (the test needs root)");
        };
        run(&["netns", "add", &name]);
        let ns = Netns(name);
        let inside = |args: &[&str]| {
            let mut a = vec!["netns", "exec", ns.0.as_str(), "ip"];
            a.extend_from_slice(args);
            run(&a);
        };
        inside(&["link", "set", "lo", "up"]);
        inside(&["link", "add", "br0", "type", "bridge"]);
        // Kernels without CONFIG_BRIDGE_VLAN_FILTERING refuse it: the case says so then.
        let _ = std::process::Command::new("ip")
            .args([
                "netns", "exec", &ns.0, "ip", "link", "set", "br0", "type", "bridge",
            ])
            .args(["vlan_filtering", "1"])
            .stderr(std::process::Stdio::null())
            .status();
        inside(&["link", "set", "br0", "up"]);
        inside(&[
            "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
        ]);
        inside(&["link", "set", "veth0", "up"]);
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &self.0])
            .status();
    }
}

#[test]
fn start_rules_show_on_started_guests() {
    let ns = Netns::new();
    let mut failures = Vec::new();
    for r in vifxml::rules::RULES.iter().filter(|r| r.libvirt == "start") {
        let shown = CASES.iter().any(|c| c.rule == r.id);
        let listed = NOT_RUN.iter().any(|(id, _)| *id == r.id);
        if shown == listed {
            failures.push(format!(
                "start rule {}: shown {shown}, listed as not run {listed} (expected exactly one)",
                r.id
            ));
        }
    }
    for c in CASES {
        let rule = vifxml::rules::find(c.rule).expect("a rule of the catalog");
        let said = match c.outcome {
            Outcome::Fails => rule.summary.contains("fail") || rule.summary.contains("refuses"),
            Outcome::Ignored => rule.summary.contains("ignored"),
        };
        if !said {
            failures.push(format!(
                "{}: the summary does not say the guest {:?}: {}",
                c.rule, c.outcome, rule.summary
            ));
        }
    }
    let docs: Vec<String> = CASES
        .iter()
        .enumerate()
        .map(|(n, c)| qemu_domain_xml(&format!("vifxml-start-{n}"), c.interfaces))
        .collect();
    for target in QEMU_TARGETS {
        let (version, verdicts) = ask_with(target, &docs, true, Some(&ns.0));
        let v: vifxml::version::LibvirtVersion = version.parse().expect("libvirt version");
        let opts = vifxml::validate::Options::new().libvirt(v);
        println!("\n{} (libvirt {version})", target.name);
        for ((c, doc), verdict) in CASES.iter().zip(&docs).zip(&verdicts) {
            // name.syntax is a parse-time rule: its findings come from the reader.
            let ours = match vifxml::xml::parse_document(doc) {
                Ok(parsed) => vifxml::validate::validate_document_with(doc, &parsed, &opts),
                Err(e) => e.0,
            };
            let reported = ours.iter().any(|d| d.rule == c.rule && d.is_error());
            let applies = vifxml::rules::find(c.rule).is_some_and(|r| r.applies_to(v));
            let started = match &verdict.started {
                Some(Ok(())) => Ok(()),
                Some(Err(m)) => Err(m.clone()),
                None => Err(format!(
                    "not defined: {}",
                    verdict.defined.as_ref().err().cloned().unwrap_or_default()
                )),
            };
            println!(
                "  {:<34} vifxml {:<8} libvirt {}",
                c.rule,
                if reported { "refuses" } else { "accepts" },
                match &started {
                    Ok(()) => "started".to_string(),
                    Err(m) => format!("did not start: {}", m.chars().take(120).collect::<String>()),
                }
            );
            if verdict.defined.is_err() {
                failures.push(format!(
                    "[{}] {}: libvirt refused it at define, so it is no start rule: {:?}",
                    target.name, c.rule, verdict.defined
                ));
                continue;
            }
            if reported != applies {
                failures.push(format!(
                    "[{}] {}: vifxml reports it {reported}, the catalog says it applies {applies}",
                    target.name, c.rule
                ));
            }
            let expected = if applies { c.outcome } else { Outcome::Ignored };
            let ok = match expected {
                Outcome::Fails => started.is_err(),
                Outcome::Ignored => started.is_ok(),
            };
            let host = matches!(
                (&started, c.host_limit),
                (Err(m), Some(phrase)) if !applies && m.contains(phrase)
            );
            if host {
                println!(
                    "  {:<34} (this machine cannot show it: {})",
                    "",
                    c.host_limit.unwrap_or("")
                );
            } else if !ok {
                failures.push(format!(
                    "[{}] {}: expected the guest to {}, got {started:?}",
                    target.name,
                    c.rule,
                    if expected == Outcome::Fails {
                        "fail to start"
                    } else {
                        "start"
                    }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
