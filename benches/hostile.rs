//! How long each hostile input takes to be refused: `cargo bench --bench hostile`.
//!
//! Prints a table of median times per input (tests/hostile/inputs.rs, the inputs
//! tests/hostile.rs checks) and whether each is under 10 ms. Times are the library call on
//! the text (`parse_document`), or for bytes that are not UTF-8 the `str::from_utf8` check
//! that refuses them before parsing (what the CLI does). Exits 1 when a refusal takes 10 ms
//! or more, or an input no longer ends as expected.

#[path = "../tests/hostile/inputs.rs"]
mod inputs;

use std::hint::black_box;
use std::time::{Duration, Instant};

use inputs::{cases, Expect};

const LIMIT: Duration = Duration::from_millis(10);

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter word selects inputs by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut slow = 0;
    let mut wrong = 0;
    println!("| hostile input | result | median | runs | under 10 ms |");
    println!("|---|---|---:|---:|---|");
    for c in cases() {
        if filter
            .as_ref()
            .is_some_and(|f| !c.name.contains(f.as_str()))
        {
            continue;
        }
        let text = std::str::from_utf8(&c.bytes).ok();
        let once = || -> Result<usize, Vec<&'static str>> {
            match text {
                Some(s) => vifxml::xml::parse_document(black_box(s))
                    .map(|d| d.interfaces.len())
                    .map_err(|d| d.iter().map(|d| d.rule).collect()),
                None => match std::str::from_utf8(black_box(&c.bytes)) {
                    Ok(_) => Ok(0),
                    Err(_) => Err(vec!["utf-8"]),
                },
            }
        };
        let result = once();
        let ok = match (c.expect, &result) {
            (Expect::Refused(rule), Err(rules)) => rules.contains(&rule),
            (Expect::Accepted(n), Ok(m)) => n == *m,
            _ => false,
        };
        // Enough runs for a stable median, fewer for the big inputs.
        let runs = if c.bytes.len() > 1 << 20 { 11 } else { 101 };
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let _ = black_box(once());
            times.push(t.elapsed());
        }
        let m = median(times);
        let refused = matches!(c.expect, Expect::Refused(_));
        let verdict = match (refused, m < LIMIT) {
            (true, true) => "yes",
            (true, false) => {
                slow += 1;
                "**NO**"
            }
            (false, _) => "(legal input, read)",
        };
        let what = match (&result, ok) {
            (Err(r), true) => format!("refused: {}", r.join(", ")),
            (Ok(n), true) => format!("read: {n} interface(s)"),
            (r, false) => {
                wrong += 1;
                format!("**UNEXPECTED** {r:?}, expected {:?}", c.expect)
            }
        };
        println!(
            "| {} | {what} | {:.1} µs | {runs} | {verdict} |",
            c.name,
            m.as_secs_f64() * 1e6
        );
    }
    if slow > 0 || wrong > 0 {
        eprintln!("{slow} refusal(s) at 10 ms or more, {wrong} unexpected result(s)");
        std::process::exit(1);
    }
}
