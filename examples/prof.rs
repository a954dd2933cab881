//! Profiling harness for the reader: `cargo build --release --example prof`, then
//! `target/release/examples/prof MODE N REPS` under perf or callgrind (MODE: scan, parse, pv,
//! split, sizes, allocs, replace, copy, render, validate).

use std::hint::black_box;
use std::time::Instant;

fn scan(doc: &str) -> usize {
    vifxml::generate::baseline_scan(doc).expect("generated document is XML")
}

struct Counting;
/// Allocations by size, in steps of 8 bytes (the last counts everything from 504 bytes).
static SIZES: [std::sync::atomic::AtomicUsize; 64] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; 64];
static ALLOCS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        SIZES[(l.size() / 8).min(63)].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(p, l) }
    }
}
#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "pv".into());
    let n: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(10000);
    let reps: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(1);
    let ifaces = vifxml::generate::interfaces(0..n).unwrap();
    let doc = vifxml::generate::domain_xml("bench", &ifaces);
    let t = Instant::now();
    for _ in 0..reps {
        match mode.as_str() {
            "scan" => {
                black_box(scan(&doc));
            }
            "parse" => {
                black_box(vifxml::xml::parse_document(&doc).unwrap());
            }
            "pv" => {
                let p = vifxml::xml::parse_document(&doc).unwrap();
                let f = vifxml::validate::validate_document(&doc, &p);
                black_box((p, f));
            }
            "pvx" => {
                // pv after something large was allocated and freed (as in the benchmark's
                // shuffled rounds): shows what page faults add.
                let big = vec![1u8; 64 << 20];
                black_box(&big);
                drop(big);
                let s = Instant::now();
                let p = vifxml::xml::parse_document(&doc).unwrap();
                let f = vifxml::validate::validate_document(&doc, &p);
                black_box((p, f));
                eprintln!("pvx {:?}", s.elapsed());
            }
            "split" => {
                let (mut a, mut b, mut c, mut d) = (vec![], vec![], vec![], vec![]);
                for _ in 0..21 {
                    let s = Instant::now();
                    black_box(scan(&doc));
                    a.push(s.elapsed());
                    let s = Instant::now();
                    let p = vifxml::xml::parse_document(&doc).unwrap();
                    b.push(s.elapsed());
                    let s = Instant::now();
                    let f = vifxml::validate::validate_document(&doc, &p);
                    c.push(s.elapsed());
                    let s = Instant::now();
                    drop(black_box((p, f)));
                    d.push(s.elapsed());
                }
                for v in [&mut a, &mut b, &mut c, &mut d] {
                    v.sort();
                }
                let per = |x: std::time::Duration| x.as_nanos() as f64 / n as f64;
                println!(
                    "N={n} per iface ns: scan {:.0} parse {:.0} validate {:.0} drop {:.0}",
                    per(a[10]),
                    per(b[10]),
                    per(c[10]),
                    per(d[10])
                );
            }
            "sizes" => sizes(),
            "render" => {
                let mut out = String::with_capacity(doc.len());
                vifxml::xml::render_interfaces_into(&ifaces, "    ", "  ", &mut out);
                black_box(out);
            }
            "validate" => {
                let p = vifxml::xml::parse_document(&doc).unwrap();
                let t = Instant::now();
                let f = vifxml::validate::validate_document(&doc, &p);
                black_box((p, f));
                eprintln!("validate {:?}", t.elapsed());
            }
            "copy" => {
                let mut out = String::with_capacity(doc.len());
                out.push_str(&doc[..doc.len() / 2]);
                out.push_str(&doc[doc.len() / 2..]);
                black_box(out);
            }
            "replace" => {
                let r = vifxml::generate::interfaces(n..n + 1).unwrap().remove(0);
                black_box(
                    vifxml::domain::replace_interface(
                        &doc,
                        vifxml::domain::Selector::Index(n / 2),
                        &r,
                    )
                    .unwrap(),
                );
            }
            "allocs" => {
                for c in &SIZES {
                    c.store(0, std::sync::atomic::Ordering::Relaxed);
                }
                let a0 = ALLOCS.load(std::sync::atomic::Ordering::Relaxed);
                let p = vifxml::xml::parse_document(&doc).unwrap();
                let a1 = ALLOCS.load(std::sync::atomic::Ordering::Relaxed);
                for (k, c) in SIZES.iter().enumerate() {
                    let c = c.swap(0, std::sync::atomic::Ordering::Relaxed);
                    if c > 0 {
                        println!("  {:>4} bytes: {c}", k * 8);
                    }
                }
                let v = vifxml::validate::validate_document(&doc, &p);
                let a2 = ALLOCS.load(std::sync::atomic::Ordering::Relaxed);
                println!(
                    "parse allocs/iface {:.2} validate allocs/iface {:.2}",
                    (a1 - a0) as f64 / n as f64,
                    (a2 - a1) as f64 / n as f64
                );
                black_box((p, v));
            }
            _ => panic!("mode"),
        }
    }
    eprintln!(
        "{mode} {:?}/rep, doc {} bytes",
        t.elapsed() / reps as u32,
        doc.len()
    );
}

#[allow(dead_code)]
pub fn sizes() {
    use std::mem::size_of;
    use vifxml::model::*;
    println!("Interface {}", size_of::<Interface>());
    println!(
        "ParsedInterface {}",
        size_of::<vifxml::xml::ParsedInterface>()
    );
    println!("InterfaceKind {}", size_of::<InterfaceKind>());
    println!("Option<Vlan> {}", size_of::<Option<Vlan>>());
    println!("Option<VirtualPort> {}", size_of::<Option<VirtualPort>>());
    println!("Option<Bandwidth> {}", size_of::<Option<Bandwidth>>());
    println!("Option<Driver> {}", size_of::<Option<Driver>>());
    println!("Option<Target> {}", size_of::<Option<Target>>());
    println!("Option<Backend> {}", size_of::<Option<Backend>>());
    println!("Option<FilterRef> {}", size_of::<Option<FilterRef>>());
    println!("Option<Teaming> {}", size_of::<Option<Teaming>>());
    println!("Option<Coalesce> {}", size_of::<Option<Coalesce>>());
    println!("Option<Rom> {}", size_of::<Option<Rom>>());
    println!(
        "Option<DeviceAddress> {}",
        size_of::<Option<DeviceAddress>>()
    );
    println!("Extras {}", size_of::<Extras>());
    println!("Option<String> {}", size_of::<Option<String>>());
}
