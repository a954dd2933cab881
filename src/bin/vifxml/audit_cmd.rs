//! `vifxml audit`: every XML file under some paths, checked in parallel, with a summary.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use vifxml::audit::{collect_files, Report, Status};

use super::{write_stdout, Fail, Format, RuleArgs};

#[derive(Args)]
pub struct AuditArgs {
    /// Files (taken whatever their name) and directories (walked recursively for *.xml).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Worker threads (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
    #[command(flatten)]
    rules: RuleArgs,
}

pub fn run(args: AuditArgs) -> Result<u8, Fail> {
    // Refuse an unknown rule id before reading anything.
    let opts = args.rules.options(None)?;
    let (files, problems) = collect_files(&args.paths);
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {eta}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut report = vifxml::audit::audit_for(
        &files,
        args.jobs.map(usize::from),
        opts.libvirt_version(),
        || bar.inc(1),
    );
    bar.finish_and_clear();
    report.add_problems(problems);
    report.allow(opts.allowed()).map_err(|m| Fail {
        code: 2,
        message: format!("vifxml: {m}"),
    })?;
    let out = match args.format {
        Format::Human => human(&report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report).map_err(|e| Fail {
                code: 2,
                message: format!("vifxml: cannot encode json: {e}"),
            })?;
            s.push('\n');
            s
        }
    };
    write_stdout(&out)?;
    Ok(if report.failed() { 1 } else { 0 })
}

/// One line per finding or problem, then the totals and the per-rule table.
fn human(report: &Report) -> String {
    let mut s = String::new();
    for f in &report.files {
        let name = one_line(&f.path.to_string_lossy());
        if f.status == Status::Unreadable {
            let e = f.error.as_deref().unwrap_or("cannot read");
            s.push_str(&format!("{name}: unreadable: {e}\n"));
        }
        for d in &f.findings {
            match (d.line, d.column) {
                (Some(l), Some(c)) => s.push_str(&format!("{name}:{l}:{c}: ")),
                _ => s.push_str(&format!("{name}: ")),
            }
            s.push_str(&format!("{}[{}]", d.severity, d.rule));
            if !d.path.is_empty() {
                s.push_str(&format!(" {}", d.path));
            }
            s.push_str(&format!(": {}\n", one_line(&d.message)));
        }
    }
    for p in &report.problems {
        s.push_str(&format!(
            "{}: cannot audit: {}\n",
            one_line(&p.path.to_string_lossy()),
            one_line(&p.message)
        ));
    }
    let t = &report.summary;
    if !s.is_empty() {
        s.push('\n');
    }
    s.push_str(&format!(
        "files       {:>7}  ({} ok, {} with errors, {} with warnings only, {} unreadable, {} malformed)\n",
        t.files, t.ok, t.with_errors, t.warnings_only, t.unreadable, t.malformed
    ));
    if t.problems > 0 {
        s.push_str(&format!(
            "problems    {:>7}  (paths that could not be walked)\n",
            t.problems
        ));
    }
    s.push_str(&format!("interfaces  {:>7}\n", t.interfaces));
    s.push_str(&format!("errors      {:>7}\n", t.errors));
    s.push_str(&format!("warnings    {:>7}\n", t.warnings));
    if !t.rules.is_empty() {
        let w = t
            .rules
            .iter()
            .map(|r| r.rule.len())
            .max()
            .unwrap_or(0)
            .max(4);
        s.push_str(&format!(
            "\n{:<w$}  {:<8}  {:>8}  {:>7}\n",
            "rule", "severity", "findings", "files"
        ));
        for r in &t.rules {
            s.push_str(&format!(
                "{:<w$}  {:<8}  {:>8}  {:>7}\n",
                r.rule,
                r.severity.to_string(),
                r.findings,
                r.files
            ));
        }
    }
    s
}

/// Messages can quote input (an I/O error, a parser message): keep each finding on one line.
fn one_line(m: &str) -> String {
    m.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
