//! Throughput of every operation against a raw quick-xml scan of the same bytes:
//! `cargo bench --bench perf` (add `--features libvirt` for libvirt's own define).
//!
//! Documents come from [`vifxml::generate`] (N = 1, 100 and 10 000 mixed interfaces). Every
//! operation of one size is run once per round, in a new shuffled order each round, interleaved
//! with the baseline, for as many rounds as fit in the time budget (at least 21); the table shows medians and
//! the ratio of each median to the baseline's. Peak memory is measured with a counting allocator around one run of each
//! operation, on top of what the input already holds. The last part times `audit` over 10 000
//! generated domain files with one thread and with two.
//!
//! Exits 1 when a goal is missed (set `VIFXML_BENCH_NO_GOALS=1` to print only). Environment:
//! `VIFXML_BENCH_SECONDS` (time budget per size, default 6), `VIFXML_BENCH_AUDIT_FILES`
//! (default 10 000; 0 skips the audit part).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use vifxml::domain::{Domain, Selector};
use vifxml::generate;

// ---------------------------------------------------------------------------------------------
// Counting allocator: current and peak bytes held.

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        CURRENT.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new >= l.size() {
                grew(new - l.size());
            } else {
                CURRENT.fetch_sub(l.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated at the high point of `f`, above what was held when it started.
fn peak_of<R>(f: impl FnOnce() -> R) -> usize {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = f();
    let peak = PEAK.load(Ordering::Relaxed);
    drop(black_box(r));
    peak - base
}

// ---------------------------------------------------------------------------------------------

/// The baseline: [`generate::baseline_scan`], a quick-xml `Reader` loop counting start tags.
fn scan(doc: &str) -> usize {
    generate::baseline_scan(doc).expect("generated document is XML")
}

struct Op {
    name: &'static str,
    /// Ratio goal against the baseline, if any.
    goal: Option<f64>,
    run: Box<dyn Fn() -> usize>,
    /// One time per round.
    times: Vec<Duration>,
    /// Bytes allocated at the high point of one run.
    peak: usize,
}

/// `0..k` in an order drawn from `round` (Fisher-Yates over a xorshift generator).
fn shuffled(k: usize, round: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..k).collect();
    let mut x = (round as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..k).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn fmt_dur(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn fmt_bytes(b: usize) -> String {
    if b < 10 * 1024 {
        format!("{b} B")
    } else if b < 10 * 1024 * 1024 {
        format!("{:.0} KiB", b as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
    }
}

fn env_num(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Missed(Vec<String>);

fn bench_size(n: usize, budget: Duration, missed: &mut Missed) {
    let ifaces = generate::interfaces(0..n).expect("generated specs are valid");
    let doc: &'static str = Box::leak(generate::domain_xml("bench", &ifaces).into_boxed_str());
    let json: &'static str = Box::leak(generate::spec_json(0..n).into_boxed_str());
    let ifaces: &'static [vifxml::Interface] = Box::leak(ifaces.into_boxed_slice());
    let replacement = generate::interfaces(n..n + 1).expect("valid").remove(0);
    let replacement: &'static vifxml::Interface = Box::leak(Box::new(replacement));
    let tags = scan(doc);

    // Sanity: every operation sees what it should, once, before timing.
    let parsed = vifxml::xml::parse_document(doc).expect("generated document parses");
    assert_eq!(parsed.interfaces.len(), n);
    let findings = vifxml::validate::validate_document(doc, &parsed);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(generate::domain_xml("bench", ifaces), doc);

    let goal_pv = if n >= 100 { Some(2.5) } else { None };
    let goal_render = if n >= 100 { Some(1.5) } else { None };
    let mut ops = vec![
        Op {
            name: "quick-xml scan (baseline)",
            goal: None,
            run: Box::new(move || scan(black_box(doc))),
            times: vec![],
            peak: 0,
        },
        Op {
            name: "parse",
            goal: None,
            run: Box::new(move || {
                let p = vifxml::xml::parse_document(black_box(doc)).expect("parses");
                p.interfaces.len()
            }),
            times: vec![],
            peak: 0,
        },
        Op {
            name: "parse + validate",
            goal: goal_pv,
            run: Box::new(move || {
                let p = vifxml::xml::parse_document(black_box(doc)).expect("parses");
                vifxml::validate::validate_document(doc, &p).len() + p.interfaces.len()
            }),
            times: vec![],
            peak: 0,
        },
        Op {
            name: "render",
            goal: goal_render,
            run: Box::new(move || generate::domain_xml("bench", black_box(ifaces)).len()),
            times: vec![],
            peak: 0,
        },
        Op {
            name: "JSON spec → XML",
            goal: None,
            run: Box::new(move || {
                let v = vifxml::spec::from_str(black_box(json)).expect("spec reads");
                let f = vifxml::validate::validate_all(&v);
                generate::domain_xml("bench", &v).len() + f.len()
            }),
            times: vec![],
            peak: 0,
        },
        Op {
            name: "domain no-op round trip",
            goal: None,
            run: Box::new(move || {
                let d = Domain::parse(black_box(doc)).expect("parses");
                d.into_string().len()
            }),
            times: vec![],
            peak: 0,
        },
    ];
    if n >= 10_000 {
        ops.push(Op {
            name: "replace one interface (domain::replace_interface)",
            goal: Some(1.2),
            run: Box::new(move || {
                vifxml::domain::replace_interface(
                    black_box(doc),
                    Selector::Index(n / 2),
                    replacement,
                )
                .expect("replaces")
                .len()
            }),
            times: vec![],
            peak: 0,
        });
        ops.push(Op {
            name: "replace one interface, whole guest read (Domain::replace)",
            goal: None,
            run: Box::new(move || {
                let mut d = Domain::parse(black_box(doc)).expect("parses");
                d.replace(Selector::Index(n / 2), replacement.clone())
                    .expect("replaces");
                d.into_string().len()
            }),
            times: vec![],
            peak: 0,
        });
    }
    #[cfg(feature = "libvirt")]
    {
        let conn: &'static vifxml::libvirt::Connection = Box::leak(Box::new(
            vifxml::libvirt::Connection::open(vifxml::libvirt::DEFAULT_URI)
                .expect("test:///default opens"),
        ));
        ops.push(Op {
            name: "libvirt define (test driver)",
            goal: None,
            run: Box::new(move || {
                conn.define_only(black_box(doc))
                    .expect("libvirt defines")
                    .len()
            }),
            times: vec![],
            peak: 0,
        });
    }

    for op in &mut ops {
        black_box((op.run)());
        op.peak = peak_of(|| (op.run)());
    }
    let start = Instant::now();
    let mut rounds = 0;
    // At least 21 rounds: at N = 10 000 one round takes half a second (libvirt's define alone
    // a third of it), and a median of the 11 that fit in the budget moved by ±5 % between runs.
    while rounds < 21 || (start.elapsed() < budget && rounds < 2001) {
        // A new order every round (a fixed shuffle, the same in every run): an operation that
        // always ran right after another would inherit its caches and allocator state.
        let order = shuffled(ops.len(), rounds);
        for &j in &order {
            let op = &mut ops[j];
            let t = Instant::now();
            black_box((op.run)());
            op.times.push(t.elapsed());
        }
        rounds += 1;
    }
    let base = median(&mut ops[0].times);
    println!();
    println!(
        "### N = {n}: document {} ({tags} elements), {rounds} rounds",
        fmt_bytes(doc.len())
    );
    println!();
    println!("| operation | median | × baseline | goal | peak memory | × document |");
    println!("|---|---:|---:|---|---:|---:|");
    for op in &mut ops {
        let m = median(&mut op.times);
        let ratio = m.as_secs_f64() / base.as_secs_f64();
        let goal = match op.goal {
            Some(g) if ratio <= g => format!("≤ {g} ✓"),
            Some(g) => {
                missed
                    .0
                    .push(format!("N={n} {}: {ratio:.2}× > {g}×", op.name));
                format!("≤ {g} ✗")
            }
            None => String::new(),
        };
        let mem_ratio = op.peak as f64 / doc.len() as f64;
        println!(
            "| {} | {} | {ratio:.2} | {goal} | {} | {mem_ratio:.2} |",
            op.name,
            fmt_dur(m),
            fmt_bytes(op.peak),
        );
        if n >= 100 && op.name == "parse + validate" && mem_ratio > 2.0 {
            missed.0.push(format!(
                "N={n} parse + validate peak memory {mem_ratio:.2}× the document"
            ));
        }
    }
    #[cfg(feature = "libvirt")]
    {
        let pv = ops
            .iter_mut()
            .find(|o| o.name == "parse + validate")
            .map(|o| median(&mut o.times));
        let lv = ops
            .iter_mut()
            .find(|o| o.name.starts_with("libvirt"))
            .map(|o| median(&mut o.times));
        if let (Some(pv), Some(lv)) = (pv, lv) {
            let x = lv.as_secs_f64() / pv.as_secs_f64();
            println!();
            println!("parse + validate is {x:.1}× faster than libvirt's define (goal ≥ 15×)");
            if n >= 100 && x < 15.0 {
                missed
                    .0
                    .push(format!("N={n}: only {x:.1}× faster than libvirt's define"));
            }
        }
    }
}

/// `audit` over generated domain files (8 interfaces each), one thread against two.
#[cfg(feature = "audit")]
fn bench_audit(files: usize, missed: &mut Missed) {
    if files == 0 {
        return;
    }
    let dir = std::env::temp_dir().join(format!("vifxml-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut paths = Vec::with_capacity(files);
    let mut bytes = 0usize;
    for f in 0..files {
        let first = (f * 8) % (generate::UNIQUE_LIMIT - 8);
        let ifaces = generate::interfaces(first..first + 8).expect("valid");
        let doc = generate::domain_xml(&format!("guest{f}"), &ifaces);
        bytes += doc.len();
        let p = dir.join(format!("guest{f:05}.xml"));
        std::fs::write(&p, doc).expect("write a generated file");
        paths.push(p);
    }
    let (listed, problems) = vifxml::audit::collect_files(std::slice::from_ref(&dir));
    assert!(problems.is_empty() && listed.len() == files);
    // Warm the page cache, and check every file audits clean.
    let first = vifxml::audit::audit(&listed, Some(2), || {});
    assert_eq!(first.summary.ok, files, "generated files audit clean");
    let threads = [1usize, 2];
    let mut times: [Vec<Duration>; 2] = [vec![], vec![]];
    for round in 0..5 {
        for k in 0..2 {
            let k = (k + round) % 2;
            let t = Instant::now();
            let r = vifxml::audit::audit(black_box(&listed), Some(threads[k]), || {});
            times[k].push(t.elapsed());
            assert_eq!(r.summary.files, files);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let one = median(&mut times[0]);
    let two = median(&mut times[1]);
    let x = one.as_secs_f64() / two.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!();
    println!(
        "### audit: {files} generated domain files ({}, 8 interfaces each), {cores} cores",
        fmt_bytes(bytes)
    );
    println!();
    println!("| threads | median | files/s | speed-up |");
    println!("|---:|---:|---:|---:|");
    for (k, m) in [(1, one), (2, two)] {
        println!(
            "| {k} | {} | {:.0} | {:.2} |",
            fmt_dur(m),
            files as f64 / m.as_secs_f64(),
            one.as_secs_f64() / m.as_secs_f64()
        );
    }
    if cores >= 2 && x < 1.8 {
        missed.0.push(format!(
            "audit: {x:.2}× with 2 threads against 1 (goal ≥ 1.8×)"
        ));
    }
}

fn main() {
    let budget = Duration::from_secs_f64(env_num("VIFXML_BENCH_SECONDS", 6.0));
    let mut missed = Missed(Vec::new());
    println!(
        "vifxml benchmark: medians of interleaved runs, ratio to a raw quick-xml scan of the \
         same bytes"
    );
    for n in [1, 100, 10_000] {
        bench_size(n, budget, &mut missed);
    }
    #[cfg(feature = "audit")]
    bench_audit(
        env_num("VIFXML_BENCH_AUDIT_FILES", 10_000.0) as usize,
        &mut missed,
    );
    if missed.0.is_empty() {
        println!("\nall goals met");
    } else {
        println!("\ngoals missed:");
        for m in &missed.0 {
            println!("- {m}");
        }
        if std::env::var_os("VIFXML_BENCH_NO_GOALS").is_none() {
            std::process::exit(1);
        }
    }
}
