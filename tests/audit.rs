//! `vifxml audit`: a directory tree with every kind of file, counted exactly; exit codes; the
//! same output whatever the number of threads.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod cli_harness;
use cli_harness::{code, stderr, stdout};

fn run(args: &[&str]) -> std::process::Output {
    cli_harness::run(args, None)
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json on stdout: {e}\n{}", stdout(o)))
}

fn domain(name: &str, range: std::ops::Range<usize>) -> String {
    let ifaces = vifxml::generate::interfaces(range).expect("generated interfaces");
    vifxml::generate::domain_xml(name, &ifaces)
}

/// The tree every test audits, and whether the unreadable file really is unreadable (root reads
/// anything).
struct Tree {
    dir: tempfile::TempDir,
    locked_is_unreadable: bool,
}

impl Tree {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn arg(&self) -> &str {
        self.path().to_str().expect("utf-8 temp dir")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // Let the temp dir clean up after the chmod 000.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(
                self.path().join("locked.xml"),
                fs::Permissions::from_mode(0o644),
            );
        }
    }
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::create_dir_all(d.join("sub/deeper")).unwrap();
    fs::write(d.join("a.xml"), domain("a", 0..3)).unwrap();
    fs::write(d.join("b.xml"), domain("b", 3..5)).unwrap();
    fs::write(d.join("sub/deeper/c.xml"), domain("c", 5..6)).unwrap();
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/xml/guest-bad-port.xml");
    fs::copy(bad, d.join("sub/bad-port.xml")).unwrap();
    fs::write(
        d.join("broken.xml"),
        "<domain type='kvm'>\n  <devices>\n    <interface type='bridge'>\n",
    )
    .unwrap();
    fs::write(
        d.join("latin1.xml"),
        b"<domain type='kvm'>\n  <name>caf\xe9</name>\n</domain>\n",
    )
    .unwrap();
    fs::write(d.join("locked.xml"), domain("locked", 6..7)).unwrap();
    fs::write(d.join("notes.txt"), "<domain><devices><interface").unwrap();
    fs::write(d.join("sub/README.md"), [0xff, 0xfe, 0x00]).unwrap();
    #[cfg(unix)]
    let locked_is_unreadable = {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(d.join("locked.xml"), fs::Permissions::from_mode(0o000)).unwrap();
        fs::read(d.join("locked.xml")).is_err()
    };
    #[cfg(not(unix))]
    let locked_is_unreadable = false;
    Tree {
        dir,
        locked_is_unreadable,
    }
}

/// The report with the temp dir taken out of the paths.
fn relative(mut v: Value, root: &Path) -> Value {
    let prefix = format!("{}/", root.display());
    for list in ["files", "problems"] {
        for f in v[list].as_array_mut().expect("array") {
            let p = f["path"].as_str().expect("path").replace(&prefix, "");
            f["path"] = Value::String(p);
        }
    }
    v
}

#[test]
fn audits_a_tree_with_exact_counts() {
    let t = tree();
    let o = run(&["audit", "--format", "json", t.arg()]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "",
        "no progress bar when stderr is not a terminal"
    );
    let v = relative(json(&o), t.path());

    let files: Vec<(&str, &str, u64)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["interfaces"].as_u64().unwrap(),
            )
        })
        .collect();
    let locked = if t.locked_is_unreadable {
        ("locked.xml", "unreadable", 0)
    } else {
        ("locked.xml", "ok", 1)
    };
    assert_eq!(
        files,
        [
            ("a.xml", "ok", 3),
            ("b.xml", "ok", 2),
            ("broken.xml", "malformed", 0),
            ("latin1.xml", "malformed", 0),
            locked,
            ("sub/bad-port.xml", "errors", 2),
            ("sub/deeper/c.xml", "ok", 1),
        ],
        "sorted walk, *.xml only, nested directories included"
    );
    assert_eq!(v["problems"], serde_json::json!([]));

    let file = |name: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        file("sub/bad-port.xml")["findings"],
        serde_json::json!([{
            "rule": "virtualport.placement",
            "severity": "error",
            "path": "devices/interface[2]/virtualport/@type",
            "message": "802.1Qbh virtualport on type='bridge': libvirt accepts it at define, but \
                        a bridge port never runs the vdp/port profile association, so the profile \
                        silently does nothing; expected openvswitch or midonet",
            "line": 17,
            "column": 20,
        }])
    );
    let latin1 = file("latin1.xml");
    assert_eq!(latin1["findings"][0]["rule"], "xml.syntax");
    assert_eq!(
        latin1["findings"][0]["message"],
        "input is not utf-8 (invalid byte at offset 31)"
    );
    assert_eq!(
        (
            &latin1["findings"][0]["line"],
            &latin1["findings"][0]["column"]
        ),
        (&serde_json::json!(2), &serde_json::json!(12))
    );
    let broken = file("broken.xml");
    let broken_findings = broken["findings"].as_array().unwrap();
    assert!(!broken_findings.is_empty());
    assert!(
        broken_findings.iter().all(|f| f["rule"] == "xml.syntax"),
        "{broken}"
    );
    if t.locked_is_unreadable {
        let locked = file("locked.xml");
        assert!(
            locked["error"]
                .as_str()
                .unwrap()
                .contains("ermission denied"),
            "{locked}"
        );
        assert_eq!(locked["findings"], serde_json::json!([]));
    }

    let s = &v["summary"];
    let syntax = 1 + broken_findings.len() as u64;
    let (ok, unreadable, interfaces) = if t.locked_is_unreadable {
        (3, 1, 8)
    } else {
        (4, 0, 9)
    };
    assert_eq!(
        *s,
        serde_json::json!({
            "files": 7,
            "ok": ok,
            "with_errors": 1,
            "warnings_only": 0,
            "unreadable": unreadable,
            "malformed": 2,
            "problems": 0,
            "interfaces": interfaces,
            "errors": syntax + 1,
            "warnings": 0,
            "rules": [
                {"rule": "xml.syntax", "severity": "error", "findings": syntax, "files": 2},
                {"rule": "virtualport.placement", "severity": "error", "findings": 1, "files": 1},
            ],
        })
    );
}

#[test]
fn output_is_the_same_whatever_the_number_of_threads() {
    let t = tree();
    let one = run(&["audit", "--format", "json", "--jobs", "1", t.arg()]);
    let two = run(&["audit", "--format", "json", "--jobs", "2", t.arg()]);
    let many = run(&["audit", "--format", "json", "-j", "8", t.arg()]);
    let default = run(&["audit", "--format", "json", t.arg()]);
    assert_eq!(code(&one), 1);
    for o in [&two, &many, &default] {
        assert_eq!(code(o), 1);
        assert_eq!(stdout(o), stdout(&one));
    }
    let h1 = run(&["audit", "--jobs", "1", t.arg()]);
    let h2 = run(&["audit", "--jobs", "2", t.arg()]);
    assert_eq!(stdout(&h1), stdout(&h2));
}

#[test]
fn human_output_has_findings_then_the_summary() {
    let t = tree();
    let o = run(&["audit", t.arg()]);
    assert_eq!(code(&o), 1);
    assert_eq!(stderr(&o), "");
    let out = stdout(&o).replace(&format!("{}/", t.path().display()), "");
    assert!(
        out.contains(
            "sub/bad-port.xml:17:20: error[virtualport.placement] \
             devices/interface[2]/virtualport/@type: 802.1Qbh virtualport"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "latin1.xml:2:12: error[xml.syntax]: input is not utf-8 (invalid byte at offset 31)\n"
        ),
        "{out}"
    );
    assert!(out.contains("broken.xml:"), "{out}");
    if t.locked_is_unreadable {
        assert!(out.contains("locked.xml: unreadable: "), "{out}");
    }
    for quiet in ["a.xml", "b.xml", "c.xml", "notes.txt", "README.md"] {
        assert!(!out.contains(quiet), "{quiet} has nothing to say:\n{out}");
    }
    let (ok, unreadable) = if t.locked_is_unreadable {
        (3, 1)
    } else {
        (4, 0)
    };
    assert!(
        out.contains(&format!(
            "files             7  ({ok} ok, 1 with errors, 0 with warnings only, {unreadable} \
             unreadable, 2 malformed)\n"
        )),
        "{out}"
    );
    assert!(out.contains("\ninterfaces  "), "{out}");
    assert!(out.contains("\nerrors      "), "{out}");
    assert!(out.contains("\nwarnings          0\n"), "{out}");
    let table = out.split("\nrule ").nth(1).expect("a rule table");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["severity", "findings", "files"]);
    assert_eq!(rows[1][..2], ["xml.syntax", "error"]);
    assert_eq!(rows[1][3], "2");
    assert_eq!(rows[2], ["virtualport.placement", "error", "1", "1"]);
    assert_eq!(rows.len(), 3);
}

#[test]
fn exit_codes() {
    let t = tree();
    let d = t.path();
    let arg = |p: &str| d.join(p).to_string_lossy().into_owned();

    // Only valid files: 0.
    let o = run(&["audit", &arg("a.xml"), &arg("sub/deeper")]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("files             2  (2 ok,"),
        "{}",
        stdout(&o)
    );

    // An error finding: 1; allowed, it is a warning and the audit passes.
    let bad = arg("sub/bad-port.xml");
    assert_eq!(code(&run(&["audit", &bad])), 1);
    let o = run(&[
        "audit",
        "--format",
        "json",
        "--allow",
        "virtualport.placement",
        &bad,
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["files"][0]["status"], "warnings");
    assert_eq!(v["summary"]["warnings_only"], 1);
    assert_eq!(
        v["summary"]["rules"][0],
        serde_json::json!({"rule": "virtualport.placement", "severity": "warning",
                           "findings": 1, "files": 1})
    );

    // --allow does not turn a malformed file into a passing one.
    let o = run(&["audit", "--allow", "xml.syntax", &arg("broken.xml")]);
    assert_eq!(code(&o), 1);

    // Malformed or not UTF-8: 1.
    assert_eq!(code(&run(&["audit", &arg("broken.xml")])), 1);
    assert_eq!(code(&run(&["audit", &arg("latin1.xml")])), 1);
    if t.locked_is_unreadable {
        assert_eq!(code(&run(&["audit", &arg("locked.xml")])), 1);
    }

    // A path that does not exist is a problem (1); the other paths are still audited.
    let o = run(&["audit", "--format", "json", &arg("missing"), &arg("a.xml")]);
    assert_eq!(code(&o), 1);
    let v = relative(json(&o), d);
    assert_eq!(v["problems"][0]["path"], "missing");
    assert_eq!(v["summary"]["problems"], 1);
    assert_eq!(v["summary"]["ok"], 1);
    let o = run(&["audit", &arg("missing")]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("missing: cannot audit: "),
        "{}",
        stdout(&o)
    );

    // A file named directly is taken whatever its name.
    let o = run(&["audit", "--format", "json", &arg("notes.txt")]);
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["files"][0]["status"], "malformed");

    // Usage errors: 2.
    assert_eq!(code(&run(&["audit"])), 2);
    assert_eq!(code(&run(&["audit", "--jobs", "0", &arg("a.xml")])), 2);
    assert_eq!(code(&run(&["audit", "--format", "yaml", &arg("a.xml")])), 2);
    let o = run(&["audit", "--allow", "no.such-rule", &arg("a.xml")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule 'no.such-rule'"));

    // An empty directory: nothing to do, nothing wrong.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["audit", empty.path().to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("files             0  (0 ok,"));
}

#[test]
fn too_large_files_are_malformed_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let f = fs::File::create(&big).unwrap();
    // Sparse: the size is what matters.
    f.set_len(vifxml::xml::MAX_DOCUMENT_SIZE as u64 + 1)
        .unwrap();
    drop(f);
    let o = run(&["audit", "--format", "json", big.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["files"][0]["status"], "malformed");
    assert_eq!(v["files"][0]["findings"][0]["rule"], "xml.too-large");
    assert_eq!(
        v["files"][0]["findings"][0]["message"],
        format!(
            "document is {} bytes, more than the limit of {} bytes",
            vifxml::xml::MAX_DOCUMENT_SIZE + 1,
            vifxml::xml::MAX_DOCUMENT_SIZE
        )
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed_forever() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("a")).unwrap();
    fs::write(d.join("a/x.xml"), domain("x", 0..1)).unwrap();
    std::os::unix::fs::symlink(d.join("a"), d.join("a/loop")).unwrap();
    let o = run(&["audit", "--format", "json", d.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let v = relative(json(&o), d);
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert_eq!(v["problems"][0]["path"], "a/loop");
    assert!(v["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("symbolic link loop"));
}
