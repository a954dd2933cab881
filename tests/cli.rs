//! The command line: exit codes, the parse -> render -> parse contract, diagnostics.

use std::path::{Path, PathBuf};

mod cli_harness;
use cli_harness::{code, run, stderr, stdout};

fn corpus() -> PathBuf {
    match std::env::var_os("VIFXML_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/libvirt"),
    }
}

const QBG: &str = "<interface type='direct'>\n  <source dev='eth0' mode='vepa'/>\n  <virtualport type='802.1Qbg'>\n    <parameters managerid='11' typeid='0x123456' typeidversion='2'/>\n  </virtualport>\n</interface>\n";

#[test]
fn render_spec_to_xml() {
    let spec = br#"{"type":"bridge","source":{"bridge":"br0"},"mac":"52:54:00:AA:00:01","model":"virtio"}"#;
    let o = run(&["render", "-"], Some(spec));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "<interface type='bridge'>\n  <mac address='52:54:00:aa:00:01'/>\n  <source bridge='br0'/>\n  <model type='virtio'/>\n</interface>\n"
    );
}

#[test]
fn render_refuses_error_findings_unless_told() {
    let spec = br#"{"type":"direct","source":{"dev":"eth0"},"mtu":9000}"#;
    let o = run(&["render", "-"], Some(spec));
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).is_empty(), "nothing is written when refused");
    assert!(stderr(&o).contains("mtu.placement"), "{}", stderr(&o));
    let o = run(&["render", "--no-validate", "-"], Some(spec));
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("<mtu size='9000'/>"));
}

#[test]
fn parse_render_parse_is_stable_on_the_corpus() {
    let dir = corpus();
    assert!(
        dir.is_dir(),
        "corpus not found at {}: set VIFXML_CORPUS",
        dir.display()
    );
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "xml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut checked, mut unparsable) = (0, 0);
    for f in &files {
        let f = f.to_str().expect("utf-8 path");
        let first = run(&["parse", f], None);
        if code(&first) != 0 {
            assert_eq!(code(&first), 1, "{f}: {}", stderr(&first));
            unparsable += 1;
            continue;
        }
        let xml = run(&["render", "--no-validate", "-"], Some(&first.stdout));
        assert_eq!(code(&xml), 0, "{f}: {}", stderr(&xml));
        let again = run(&["parse", "-"], Some(&xml.stdout));
        assert_eq!(code(&again), 0, "{f}: {}", stderr(&again));
        assert_eq!(
            stdout(&first),
            stdout(&again),
            "{f}: parse | render | parse differs"
        );
        checked += 1;
    }
    println!("contract held for {checked} corpus files ({unparsable} refused by parse)");
    assert!(checked > 400);
}

#[test]
fn validate_reports_line_column_and_caret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("d.xml");
    let xml = format!(
        "<domain type='kvm'>\n  <devices>\n{}  </devices>\n</domain>\n",
        QBG.replace("managerid='11'", "managerid='0'")
    );
    std::fs::write(&f, xml).expect("write");
    let o = run(&["validate", f.to_str().expect("path")], None);
    assert_eq!(code(&o), 0, "a warning alone is valid: {}", stderr(&o));
    let err = stdout(&o);
    assert!(
        err.contains("d.xml:6:17: warning[virtualport.managerid-reserved] devices/interface[1]/virtualport/parameters/@managerid"),
        "{err}"
    );
    assert!(
        err.contains("    6 |     <parameters managerid='0'"),
        "{err}"
    );
    assert!(err.contains("^"), "{err}");
    assert!(stdout(&o).contains("valid: 1 interface(s), 0 error(s), 1 warning(s)"));
}

#[test]
fn validate_json_and_exit_code_one_on_errors() {
    let bad = b"<interface type='bridge'><source bridge='br0'/><virtualport type='802.1Qbg'><parameters managerid='1' typeid='1' typeidversion='1'/></virtualport></interface>";
    let o = run(&["validate", "--format", "json", "-"], Some(bad));
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json output");
    let f = &v[0]["findings"][0];
    assert_eq!(f["rule"], "virtualport.placement");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "interface[1]/virtualport/@type");
    assert_eq!(f["line"], 1);
    assert_eq!(v[0]["valid"], false);
}

#[test]
fn bad_input_gets_a_clear_error_and_no_panic() {
    let huge = format!(
        "<interface type='user'>{}</interface>",
        " ".repeat(10 * 1024 * 1024)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("malformed", b"<interface type='user'>".to_vec(), "xml.syntax"),
        ("doctype", b"<!DOCTYPE interface [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><interface type='user'/>".to_vec(), "xml.doctype"),
        ("oversize", huge.into_bytes(), "xml.too-large"),
        ("range", b"<interface type='direct'><source dev='e'/><virtualport type='802.1Qbg'><parameters managerid='300' typeid='1' typeidversion='1'/></virtualport></interface>".to_vec(), "virtualport.managerid-range"),
        ("wrong type", br#"{"type":"bridge","source":{"bridge":"br0"},"mtu":"x"}"#.to_vec(), "spec.schema"),
        ("not utf-8", b"<interface type='\xff'/>".to_vec(), "utf-8"),
    ];
    for (what, input, expect) in cases {
        for cmd in [
            &["validate", "-"][..],
            &["parse", "-"][..],
            &["render", "-"][..],
        ] {
            let o = run(cmd, Some(&input));
            assert_eq!(code(&o), 1, "{what} {cmd:?}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(!e.contains("panicked"), "{what} {cmd:?}: {e}");
            if cmd[0] == "validate" {
                let out = stdout(&o);
                assert!(out.contains(expect), "{what} {cmd:?}: {out}");
            }
        }
    }
}

#[test]
fn empty_input_is_an_empty_sequence_for_parse() {
    let o = run(&["parse", "-"], Some(b"  \n"));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "[]\n");
    let o = run(&["render", "-"], Some(b"[]"));
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
    let o = run(&["validate", "-"], Some(b""));
    assert_eq!(code(&o), 1, "an empty file is not a valid spec");
}

#[test]
fn usage_and_io_errors_exit_two() {
    assert_eq!(code(&run(&["frobnicate"], None)), 2);
    assert_eq!(code(&run(&["validate"], None)), 2);
    let o = run(&["parse", "/nonexistent/file.xml"], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read /nonexistent/file.xml"));
}

#[test]
fn sequence_of_interfaces_round_trips() {
    let spec = br#"[{"type":"user"},{"type":"network","source":{"network":"default"}}]"#;
    let xml = run(&["render", "-"], Some(spec));
    assert_eq!(code(&xml), 0);
    let json = run(&["parse", "-"], Some(&xml.stdout));
    assert_eq!(code(&json), 0, "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[1]["source"]["network"], "default");
}

#[test]
fn rules_lists_every_rule() {
    let o = run(&["rules", "--format", "json"], None);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(vifxml::rules::RULES.len()));
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let o = run(&["schema"], None);
    assert_eq!(code(&o), 0);
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/interface-spec.schema.json"),
    )
    .expect("committed schema");
    assert_eq!(stdout(&o), committed);
}

/// `--libvirt-version` and `--allow` on every command that validates: a vlan on a plain Linux
/// bridge fails to start before libvirt 11.0 and works from 11.0 on.
#[test]
fn libvirt_version_and_allow_on_every_validating_command() {
    let xml =
        b"<interface type='bridge'><source bridge='br0'/><vlan><tag id='42'/></vlan></interface>";
    let spec = br#"{"type":"bridge","source":{"bridge":"br0"},"vlan":{"tags":[{"id":42}]}}"#;
    for (args, input) in [
        (vec!["validate", "-"], &xml[..]),
        (vec!["render", "-"], &spec[..]),
    ] {
        let with = |extra: &[&str]| {
            let mut a = args.clone();
            a.splice(1..1, extra.iter().copied());
            run(&a, Some(input))
        };
        let o = with(&["--libvirt-version", "9.0"]);
        assert_eq!(code(&o), 1, "{args:?} on 9.0: {}", stderr(&o));
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains("vlan.plain-bridge"), "{all}");
        assert!(all.contains("libvirt 9.0"), "{all}");
        for ok in [
            vec!["--libvirt-version", "11.3"],
            vec!["--libvirt-version", "11.0.0"],
            vec![],
            vec!["--libvirt-version", "9.0", "--allow", "vlan.plain-bridge"],
        ] {
            let o = with(&ok);
            assert_eq!(code(&o), 0, "{args:?} {ok:?}: {}{}", stdout(&o), stderr(&o));
        }
        for bad in [
            vec!["--libvirt-version", "nine"],
            vec!["--libvirt-version", "9"],
            vec!["--allow", "no.such-rule"],
        ] {
            let o = with(&bad);
            assert_eq!(code(&o), 2, "{args:?} {bad:?}: {}", stderr(&o));
        }
    }
}

/// `vifxml rules` shows from which libvirt version each rule applies.
#[test]
fn rules_show_their_versions() {
    let o = run(&["rules"], None);
    assert_eq!(code(&o), 0);
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("vlan.plain-bridge "))
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(line.contains("< 11.0"), "{line}");
    let o = run(&["rules", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let r = v
        .as_array()
        .and_then(|a| a.iter().find(|r| r["id"] == "vlan.plain-bridge"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(r["until"], "11.0");
    assert_eq!(r["since"], serde_json::Value::Null);
}

/// The same options on from-osvif and audit.
#[test]
fn libvirt_version_on_from_osvif_and_audit() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/osvif/real/bridge-linuxbridge.json");
    let f = fixture.to_str().expect("utf-8 path");
    let o = run(&["from-osvif", "--libvirt-version", "9.0", f], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = run(&["from-osvif", "--allow", "nope", f], None);
    assert_eq!(code(&o), 2, "{}", stderr(&o));

    let dir = std::env::temp_dir().join(format!("vifxml-cli-version-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("g.xml"),
        "<domain><devices><interface type='bridge'><source bridge='br0'/><vlan><tag id='42'/></vlan></interface></devices></domain>",
    )
    .expect("write");
    let d = dir.to_str().expect("utf-8 path");
    let old = run(&["audit", "--libvirt-version", "9.0", d], None);
    let new = run(&["audit", "--libvirt-version", "11.3", d], None);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code(&old), 1, "{}", stdout(&old));
    assert!(stdout(&old).contains("vlan.plain-bridge"));
    assert_eq!(code(&new), 0, "{}", stdout(&new));
}
