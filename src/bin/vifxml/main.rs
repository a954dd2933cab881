//! The `vifxml` command line: render, parse and validate libvirt `<interface>` XML.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use vifxml::diag::{render_human, Diagnostic, Diagnostics};
use vifxml::validate::Options;
use vifxml::version::LibvirtVersion;
use vifxml::xml::ParsedDocument;
use vifxml::Interface;

mod audit_cmd;
mod domain_cmd;
mod osvif_cmd;

#[derive(Parser)]
#[command(
    name = "vifxml",
    version,
    about = "Generate, parse and validate libvirt <interface> XML for guest network interfaces",
    after_help = "Exit codes: 0 valid (warnings allowed), 1 invalid input or an error finding, \
                  2 usage or I/O error. FILE '-' reads standard input."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Render a JSON or YAML spec (one interface object, or an array) as interface XML; XML
    /// input is re-written in canonical form.
    Render {
        /// Spec file, or - for standard input.
        spec: String,
        /// Render even when validation finds errors (findings still go to stderr).
        #[arg(long)]
        no_validate: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Read a domain document, an <interface>, or a sequence of them; print a JSON array of
    /// interface specs.
    Parse {
        /// XML file, or - for standard input.
        file: String,
    },
    /// Validate XML (interface or domain) or specs; print every finding.
    Validate {
        /// Files to check (XML or JSON/YAML spec), - for standard input.
        #[arg(required = true)]
        files: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Validate a domain document, then define it through libvirt (needs the `libvirt`
    /// feature). Nothing is defined when validation finds an error; without
    /// --libvirt-version the connection is opened first to learn libvirt's version.
    Define {
        /// Domain XML file, or - for standard input.
        file: String,
        /// libvirt connection URI.
        #[arg(long, short = 'c', default_value = "test:///default")]
        connect: String,
        /// Validate for this libvirt version (default: the connection's own).
        #[command(flatten)]
        rules: RuleArgs,
        /// Print the XML libvirt stored.
        #[arg(long)]
        dumpxml: bool,
    },
    /// Edit the interfaces of a guest document (list, add, replace, remove), changing no byte
    /// outside the edited elements.
    Domain {
        #[command(subcommand)]
        cmd: domain_cmd::DomainCmd,
    },
    /// Convert os-vif VIF objects (JSON, as obj_to_primitive() writes them; one or an array)
    /// to interface XML, validated like render.
    FromOsvif(osvif_cmd::FromOsvifArgs),
    /// Check every XML file under some paths in parallel: one line per finding, then totals
    /// and a per-rule table. Exit 1 on any error finding, unreadable or malformed file, or path
    /// that could not be walked.
    Audit(audit_cmd::AuditArgs),
    /// Print the JSON Schema (draft 2020-12) of the spec format.
    Schema,
    /// List every rule id with its severity and summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// What validation checks against, shared by every command that validates.
#[derive(clap::Args, Clone, Default)]
struct RuleArgs {
    /// Validate for this libvirt version, MAJOR.MINOR (rules libvirt changed follow it).
    /// Default: the newest version the rule catalog knows; for define, the connection's.
    #[arg(long, value_name = "X.Y")]
    libvirt_version: Option<LibvirtVersion>,
    /// Turn this rule's errors into warnings (repeatable).
    #[arg(long = "allow", value_name = "RULE")]
    allow: Vec<String>,
}

impl RuleArgs {
    /// The validation options; `default` is the version used when none was given (`None`:
    /// the newest). An unknown rule id is a usage error (exit 2).
    fn options(&self, default: Option<LibvirtVersion>) -> Result<Options, Fail> {
        let version = self
            .libvirt_version
            .or(default)
            .unwrap_or(LibvirtVersion::NEWEST);
        Options::new()
            .libvirt(version)
            .allow(&self.allow)
            .map_err(|m| Fail {
                code: 2,
                message: format!("vifxml: {m}"),
            })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// A failure that ends the command with a given exit code.
struct Fail {
    code: u8,
    message: String,
}

impl Fail {
    fn io(what: &str, e: std::io::Error) -> Self {
        Fail {
            code: 2,
            message: format!("vifxml: {what}: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("{}", f.message.trim_end());
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<u8, Fail> {
    match cli.cmd {
        Cmd::Render {
            spec,
            no_validate,
            rules,
        } => render(&spec, no_validate, &rules.options(None)?),
        Cmd::Parse { file } => parse(&file),
        Cmd::Validate {
            files,
            format,
            rules,
        } => validate(&files, format, &rules.options(None)?),
        Cmd::Define {
            file,
            connect,
            rules,
            dumpxml,
        } => define(&file, &connect, &rules, dumpxml),
        Cmd::Rules { format } => rules(format),
        Cmd::Schema => {
            write_stdout(&vifxml::schema::spec_schema_pretty())?;
            Ok(0)
        }
        Cmd::Domain { cmd } => domain_cmd::run(cmd),
        Cmd::FromOsvif(args) => osvif_cmd::run(args),
        Cmd::Audit(args) => audit_cmd::run(args),
    }
}

const MAX_INPUT: u64 = 64 * 1024 * 1024;

fn read_input(path: &str) -> Result<String, Fail> {
    let mut bytes = Vec::new();
    let res = if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT).read_to_end(&mut bytes))
    };
    res.map_err(|e| Fail::io(&format!("cannot read {path}"), e))?;
    String::from_utf8(bytes).map_err(|e| Fail {
        code: 1,
        message: format!(
            "{path}: input is not utf-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

fn display_name(path: &str) -> &str {
    if path == "-" {
        "<stdin>"
    } else {
        path
    }
}

fn write_stdout(s: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Fail::io("cannot write standard output", e))
}

/// Findings that accompany another command's output go to stderr.
fn report(src: Option<&str>, file: &str, ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = err.write_all(render_human(src, file, d).as_bytes());
    }
}

/// Findings that are the command's output (`validate`) go to stdout.
fn report_out(src: Option<&str>, file: &str, ds: &[Diagnostic]) -> Result<(), Fail> {
    let mut s = String::new();
    for d in ds {
        s.push_str(&render_human(src, file, d));
    }
    write_stdout(&s)
}

/// What an input file turned out to be.
enum Input {
    Xml(String, ParsedDocument),
    Spec(String, Vec<Interface>),
}

fn is_xml(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<')
}

/// Reads XML or a spec; parse failures come back as findings.
fn load(text: String) -> Result<Input, (String, Diagnostics)> {
    if is_xml(&text) {
        match vifxml::xml::parse_document(&text) {
            Ok(doc) => Ok(Input::Xml(text, doc)),
            Err(e) => Err((text, e)),
        }
    } else {
        match vifxml::spec::from_str(&text) {
            Ok(v) => Ok(Input::Spec(text, v)),
            Err(e) => Err((text, e)),
        }
    }
}

fn render(path: &str, no_validate: bool, opts: &Options) -> Result<u8, Fail> {
    let text = read_input(path)?;
    let name = display_name(path);
    let ifaces = match load(text) {
        Ok(Input::Spec(_, v)) => v,
        Ok(Input::Xml(_, doc)) => doc.interfaces.into_iter().map(|p| p.interface).collect(),
        Err((text, e)) => {
            report(is_xml(&text).then_some(text.as_str()), name, &e.0);
            return Ok(1);
        }
    };
    let findings = vifxml::validate::validate_all_with(&ifaces, opts);
    report(None, name, &findings);
    if !no_validate && findings.iter().any(Diagnostic::is_error) {
        return Err(Fail {
            code: 1,
            message: format!(
                "{name}: not rendered: validation found errors (use --no-validate to render anyway)"
            ),
        });
    }
    let mut out = String::new();
    for i in &ifaces {
        out.push_str(&vifxml::xml::render_interface(i));
    }
    write_stdout(&out)?;
    Ok(0)
}

fn parse(path: &str) -> Result<u8, Fail> {
    let text = read_input(path)?;
    let name = display_name(path);
    if text.trim().is_empty() {
        // An empty sequence of interfaces: what `render` prints for `[]`.
        write_stdout("[]\n")?;
        return Ok(0);
    }
    match vifxml::xml::parse_document(&text) {
        Ok(doc) => {
            let ifaces: Vec<Interface> = doc.interfaces.into_iter().map(|p| p.interface).collect();
            let mut json = vifxml::spec::to_json(&ifaces);
            json.push('\n');
            write_stdout(&json)?;
            Ok(0)
        }
        Err(e) => {
            report(Some(&text), name, &e.0);
            Ok(1)
        }
    }
}

#[derive(serde::Serialize)]
struct FileReport<'a> {
    file: &'a str,
    interfaces: usize,
    valid: bool,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    d: &'a Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

fn validate(files: &[String], format: Format, opts: &Options) -> Result<u8, Fail> {
    let mut worst = 0u8;
    let mut json_reports: Vec<(String, usize, Vec<Diagnostic>, Option<String>)> = Vec::new();
    for path in files {
        let name = display_name(path).to_owned();
        let text = match read_input(path) {
            Ok(t) => t,
            Err(f) if f.code == 2 => return Err(f),
            Err(f) => {
                let d = Diagnostic::error("xml.syntax", "", f.message);
                if format == Format::Human {
                    report_out(None, &name, std::slice::from_ref(&d))?;
                }
                json_reports.push((name, 0, vec![d], None));
                worst = worst.max(1);
                continue;
            }
        };
        let (count, findings, src) = match load(text) {
            Ok(Input::Xml(text, doc)) => {
                let f = vifxml::validate::validate_document_with(&text, &doc, opts);
                (doc.interfaces.len(), f, Some(text))
            }
            Ok(Input::Spec(text, v)) => {
                let f = vifxml::validate::validate_all_with(&v, opts);
                let _ = text;
                (v.len(), f, None)
            }
            Err((text, e)) => {
                let src = is_xml(&text).then_some(text);
                (0, e.0, src)
            }
        };
        if findings.iter().any(Diagnostic::is_error) {
            worst = worst.max(1);
        }
        if format == Format::Human {
            report_out(src.as_deref(), &name, &findings)?;
            let errors = findings.iter().filter(|d| d.is_error()).count();
            let warnings = findings.len() - errors;
            let verdict = if errors == 0 { "valid" } else { "invalid" };
            write_stdout(&format!(
                "{name}: {verdict}: {count} interface(s), {errors} error(s), {warnings} warning(s)\n"
            ))?;
        }
        json_reports.push((name, count, findings, src));
    }
    if format == Format::Json {
        let reports: Vec<FileReport<'_>> = json_reports
            .iter()
            .map(|(file, n, ds, src)| FileReport {
                file,
                interfaces: *n,
                valid: !ds.iter().any(Diagnostic::is_error),
                findings: ds
                    .iter()
                    .map(|d| {
                        let lc = src.as_deref().and_then(|s| d.line_col(s));
                        JsonFinding {
                            d,
                            line: lc.map(|x| x.0),
                            column: lc.map(|x| x.1),
                        }
                    })
                    .collect(),
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&reports).map_err(|e| Fail {
            code: 2,
            message: format!("vifxml: cannot encode json: {e}"),
        })?;
        s.push('\n');
        write_stdout(&s)?;
    }
    Ok(worst)
}

fn rules(format: Format) -> Result<u8, Fail> {
    let out = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(vifxml::rules::RULES).map_err(|e| Fail {
                code: 2,
                message: format!("vifxml: cannot encode json: {e}"),
            })?;
            s.push('\n');
            s
        }
        Format::Human => {
            let mut s = String::new();
            for r in vifxml::rules::RULES {
                s.push_str(&format!(
                    "{:<36} {:<7} {:<8} {:<7} {:<9} {}\n",
                    r.id,
                    r.severity,
                    r.phase,
                    r.libvirt,
                    r.versions(),
                    r.summary
                ));
            }
            s
        }
    };
    write_stdout(&out)?;
    Ok(0)
}

fn define(path: &str, uri: &str, rules: &RuleArgs, dumpxml: bool) -> Result<u8, Fail> {
    // Refuse an unknown rule id before reading anything.
    rules.options(None)?;
    let text = read_input(path)?;
    let name = display_name(path);
    let doc = match vifxml::xml::parse_document(&text) {
        Ok(d) => d,
        Err(e) => {
            report(Some(&text), name, &e.0);
            return Ok(1);
        }
    };
    if doc.root != "domain" {
        return Err(Fail {
            code: 1,
            message: format!(
                "{name}: define needs a <domain> document, found <{}>",
                doc.root
            ),
        });
    }
    // Without --libvirt-version the connection says which libvirt to validate for.
    let early = match rules.libvirt_version {
        Some(_) => None,
        None => Some(connect(uri)?),
    };
    let opts = rules.options(early.as_ref().and_then(connection_version))?;
    let findings = vifxml::validate::validate_document_with(&text, &doc, &opts);
    report(Some(&text), name, &findings);
    if findings.iter().any(Diagnostic::is_error) {
        return Err(Fail {
            code: 1,
            message: format!(
                "{name}: not defined: validation found errors (libvirt was not called)"
            ),
        });
    }
    let conn = match early {
        Some(c) => c,
        None => connect(uri)?,
    };
    define_with_libvirt(&conn, &text, uri, name, dumpxml)
}

#[cfg(feature = "libvirt")]
type Conn = vifxml::libvirt::Connection;
/// Stands in for a connection in builds without libvirt: validation runs, define says what is
/// missing.
#[cfg(not(feature = "libvirt"))]
struct Conn;

#[cfg(feature = "libvirt")]
fn connect(uri: &str) -> Result<Conn, Fail> {
    vifxml::libvirt::Connection::open(uri).map_err(|e| Fail {
        code: 2,
        message: format!("vifxml: cannot connect to {uri}: {e}"),
    })
}

#[cfg(not(feature = "libvirt"))]
fn connect(_uri: &str) -> Result<Conn, Fail> {
    Ok(Conn)
}

/// The libvirt version the connection runs, which `define` validates for by default.
#[cfg(feature = "libvirt")]
fn connection_version(conn: &Conn) -> Option<LibvirtVersion> {
    conn.libvirt_version().ok()
}

#[cfg(not(feature = "libvirt"))]
fn connection_version(_conn: &Conn) -> Option<LibvirtVersion> {
    None
}

#[cfg(feature = "libvirt")]
fn define_with_libvirt(
    conn: &Conn,
    text: &str,
    uri: &str,
    name: &str,
    dumpxml: bool,
) -> Result<u8, Fail> {
    match conn.define(text) {
        Ok(d) => {
            if dumpxml {
                write_stdout(&d.xml)?;
            } else {
                write_stdout(&format!(
                    "defined domain {} ({}) on {uri}\n",
                    d.name, d.uuid
                ))?;
            }
            Ok(0)
        }
        Err(e) => Err(Fail {
            code: 1,
            message: format!("{name}: {e}"),
        }),
    }
}

#[cfg(not(feature = "libvirt"))]
fn define_with_libvirt(
    _conn: &Conn,
    _text: &str,
    _uri: &str,
    _name: &str,
    _dumpxml: bool,
) -> Result<u8, Fail> {
    Err(no_libvirt())
}

#[cfg(not(feature = "libvirt"))]
fn no_libvirt() -> Fail {
    Fail {
        code: 2,
        message: "vifxml: built without libvirt support: rebuild with `cargo build --features \
                  libvirt` (Debian: apt-get install libvirt-dev)"
            .into(),
    }
}
