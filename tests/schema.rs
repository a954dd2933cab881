//! The JSON Schema of the spec format: committed file in sync with the code, and accepting
//! exactly what the deserializer accepts (fixtures, the whole libvirt corpus, generated values).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{json, Value};

fn schema_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/interface-spec.schema.json")
}

#[test]
fn committed_schema_matches_the_code() {
    let generated = vifxml::schema::spec_schema_pretty();
    if std::env::var_os("VIFXML_UPDATE_SCHEMA").is_some() {
        std::fs::write(schema_file(), &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(schema_file()).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/interface-spec.schema.json is out of date: run \
         `VIFXML_UPDATE_SCHEMA=1 cargo test --test schema` (or `vifxml schema > {}`) and commit",
        schema_file().display()
    );
    // It is a valid draft 2020-12 schema.
    let v: Value = serde_json::from_str(&committed).expect("json");
    assert!(jsonschema::meta::is_valid(&v), "not a valid json schema");
}

/// Schema verdict and deserializer verdict for one value.
fn verdicts(v: &Value) -> (bool, bool) {
    let schema_ok = vifxml::schema::check(v).is_empty();
    let deser_ok = vifxml::spec::deserialize(v.clone()).is_ok();
    (schema_ok, deser_ok)
}

fn fixture_values() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            let v: Value = serde_norway::from_str(&text).expect("yaml");
            (p.display().to_string(), v)
        })
        .collect()
}

#[test]
fn fixtures_pass_schema_and_deserializer() {
    for (name, v) in fixture_values() {
        assert_eq!(verdicts(&v), (true, true), "{name}");
        // The canonical JSON form of the model too.
        let model = vifxml::spec::deserialize(v).expect("loads");
        let back = serde_json::to_value(&model).expect("serializes");
        assert_eq!(verdicts(&back), (true, true), "{name} (json form)");
    }
}

#[test]
fn every_corpus_interface_json_passes_the_schema() {
    let dir = match std::env::var_os("VIFXML_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/libvirt"),
    };
    assert!(
        dir.is_dir(),
        "corpus not found at {}: set VIFXML_CORPUS",
        dir.display()
    );
    let mut stack = vec![dir];
    let mut n = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "xml") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("utf-8");
            let Ok(doc) = vifxml::xml::parse_document(&text) else {
                continue;
            };
            for pi in doc.interfaces {
                let v = serde_json::to_value(&pi.interface).expect("serializes");
                let found = vifxml::schema::check(&v);
                assert!(
                    found.is_empty(),
                    "{} {}: {found:#?}\n{v:#}",
                    p.display(),
                    pi.path
                );
                assert!(vifxml::spec::deserialize(v).is_ok());
                n += 1;
            }
        }
    }
    println!("{n} corpus interfaces: json form passes the schema");
    assert!(n > 1000);
}

/// Values that sit on the edges of what the model takes.
fn pool() -> Vec<Value> {
    vec![
        json!(0),
        json!(1),
        json!(7),
        json!(8),
        json!(31),
        json!(32),
        json!(255),
        json!(256),
        json!(4095),
        json!(4096),
        json!(65535),
        json!(65536),
        json!(16777215),
        json!(16777216),
        json!(4294967295u64),
        json!(4294967296u64),
        json!(-1),
        json!(1.5),
        json!("0x10"),
        json!("0X1f"),
        json!("0x100"),
        json!("0xffffff"),
        json!("0x1000000"),
        json!("16"),
        json!("010"),
        json!(""),
        json!("eth0"),
        json!("br-int"),
        json!("a b"),
        json!("/run/vhu.sock"),
        json!("vepa"),
        json!("VEPA"),
        json!("passthrough"),
        json!("client"),
        json!("server"),
        json!("52:54:00:00:00:01"),
        json!("52:54:0:0:0:1"),
        json!("01:00:5e:00:00:01"),
        json!("09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"),
        json!("09b11c538b5c4eeb8f00d84eaa0aaa4f"),
        json!("09b1-1c53-8b5c-4eeb-8f00-d84eaa0aaa4f"),
        json!("x".repeat(39)),
        json!("x".repeat(40)),
        json!("802.1Qbg"),
        json!("802.1Qbh"),
        json!("openvswitch"),
        json!("midonet"),
        json!("bridge"),
        json!("network"),
        json!("direct"),
        json!("hostdev"),
        json!("mcast"),
        json!("tagged"),
        json!("up"),
        json!("persistent"),
        json!("pci"),
        json!(true),
        json!(false),
        json!(null),
        json!([]),
        json!([{"id": 5}]),
        json!({}),
        json!({"bridge": "br0"}),
        json!({"dev": "eth0", "mode": "vepa"}),
        json!({"address": {"bus": 3, "slot": 0, "function": 1}}),
        json!({"type": "802.1Qbg", "managerid": 1, "typeid": 2, "typeidversion": 3}),
        json!({"average": 10}),
    ]
}

/// Every path to a value inside `v` (object keys and array indexes).
fn paths(v: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                prefix.push(k.clone());
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                prefix.push(i.to_string());
                paths(c, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut cur = v;
    for seg in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(seg)?,
            Value::Array(a) => a.get_mut(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// What a mutation does at the chosen place.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize),
    Remove,
    AddKey(usize, usize),
}

fn mutate(v: &mut Value, path: &[String], edit: &Edit, pool: &[Value]) {
    match edit {
        Edit::Replace(i) => {
            if let Some(slot) = at(v, path) {
                *slot = pool[i % pool.len()].clone();
            }
        }
        Edit::Remove => {
            if let Some((last, parent)) = path.split_last() {
                match at(v, parent) {
                    Some(Value::Object(m)) => {
                        m.remove(last);
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Edit::AddKey(k, i) => {
            const KEYS: &[&str] = &[
                "type",
                "source",
                "mac",
                "mtu",
                "vlan",
                "virtualport",
                "managed",
                "profileid",
                "interfaceid",
                "managerid",
                "mode",
                "dev",
                "bogus",
                "trunk",
                "floor",
                "address",
            ];
            if let Some(Value::Object(m)) = at(v, path) {
                m.insert(
                    KEYS[k % KEYS.len()].to_string(),
                    pool[i % pool.len()].clone(),
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Schema and deserializer agree on mutated fixtures: the schema is exact.
    #[test]
    fn schema_accepts_exactly_what_the_deserializer_accepts(
        fixture in 0usize..64,
        place in 0usize..4096,
        edit in prop_oneof![
            (0usize..1000).prop_map(Edit::Replace),
            Just(Edit::Remove),
            ((0usize..100), (0usize..1000)).prop_map(|(k, i)| Edit::AddKey(k, i)),
        ],
        as_array in any::<bool>(),
    ) {
        let fixtures = fixture_values();
        let (name, mut v) = fixtures[fixture % fixtures.len()].clone();
        let mut all = Vec::new();
        paths(&v, &mut Vec::new(), &mut all);
        let path = all[place % all.len()].clone();
        // Raw xml fragments are checked for well-formedness beyond what the schema can say.
        prop_assume!(path.last().is_none_or(|s| s != "xml"));
        let p = pool();
        mutate(&mut v, &path, &edit, &p);
        let v = if as_array { json!([v]) } else { v };
        let (schema_ok, deser_ok) = verdicts(&v);
        prop_assert_eq!(
            schema_ok, deser_ok,
            "{} {:?} {:?}: schema {:?}, deserializer {:?}\n{:#}",
            name, path, edit,
            vifxml::schema::check(&v),
            vifxml::spec::deserialize(v.clone()).err().map(|e| e.to_string()),
            v
        );
    }
}
