//! `vifxml domain ...`: list, add, replace and remove the interfaces of a guest document,
//! changing no byte outside the edited elements.
//!
//! ```text
//! vifxml domain list guest.xml                       # INDEX TYPE MAC SOURCE TARGET
//! vifxml domain add guest.xml nic.yaml --in-place
//! vifxml domain replace guest.xml --mac 52:54:00:6d:90:02 ovs.yaml
//! vifxml domain remove guest.xml --index 1 > new.xml
//! ```

use std::io::Write;
use std::path::Path;

use clap::{Args, Subcommand};

use vifxml::domain::{Domain, Selector};
use vifxml::model::ids::MacAddr;
use vifxml::{Interface, InterfaceKind};

use super::{display_name, is_xml, read_input, report, write_stdout, Fail, Format};

/// The `domain` subcommands.
#[derive(Subcommand)]
pub enum DomainCmd {
    /// List the interfaces of a domain document: index (0-based, what --index takes), type,
    /// MAC, source and target.
    List {
        /// Domain XML file (virsh dumpxml), or - for standard input.
        file: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Add the interface(s) of SPEC after the last <interface>, indented like it.
    Add {
        /// Domain XML file, or - for standard input.
        file: String,
        /// JSON or YAML spec (one interface or an array), or <interface> XML; - for stdin.
        spec: String,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Replace one interface with the single interface of SPEC, where it stands.
    Replace {
        /// Domain XML file, or - for standard input.
        file: String,
        #[command(flatten)]
        select: SelectArgs,
        /// JSON or YAML spec with exactly one interface, or one <interface>; - for stdin.
        spec: String,
        #[command(flatten)]
        opts: EditOpts,
    },
    /// Remove one interface (and its line, when it is alone on it).
    Remove {
        /// Domain XML file, or - for standard input.
        file: String,
        #[command(flatten)]
        select: SelectArgs,
        #[command(flatten)]
        opts: EditOpts,
    },
}

/// Which interface: `--index N` (0-based, as `domain list` shows) or `--mac M`.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct SelectArgs {
    /// 0-based index among the <interface> elements under <devices> (see `domain list`).
    #[arg(long, value_name = "N")]
    index: Option<usize>,
    /// MAC address (any case; must match exactly one interface).
    #[arg(long, value_name = "MAC", value_parser = parse_mac)]
    mac: Option<MacAddr>,
}

impl SelectArgs {
    fn selector(&self) -> Result<Selector, Fail> {
        match (self.index, self.mac) {
            (Some(i), _) => Ok(Selector::Index(i)),
            (None, Some(m)) => Ok(Selector::Mac(m)),
            (None, None) => Err(usage("give --index N or --mac M")),
        }
    }
}

fn parse_mac(s: &str) -> Result<MacAddr, String> {
    s.parse::<MacAddr>().map_err(|e| e.to_string())
}

/// Output options shared by the edits.
#[derive(Args)]
pub struct EditOpts {
    /// Replace FILE with the result (through a temporary file in the same directory, renamed
    /// over it) instead of printing it.
    #[arg(long)]
    in_place: bool,
    /// Write the result even when validating it finds errors (findings still go to stderr).
    #[arg(long)]
    no_validate: bool,
}

enum Op {
    Add(Vec<Interface>),
    Replace(Selector, Box<Interface>),
    Remove(Selector),
}

/// Runs a `domain` subcommand; returns the exit code.
pub fn run(cmd: DomainCmd) -> Result<u8, Fail> {
    match cmd {
        DomainCmd::List { file, format } => list(&file, format),
        DomainCmd::Add { file, spec, opts } => {
            check_inputs(&file, Some(&spec), &opts)?;
            let Some(specs) = load_specs(&spec)? else {
                return Ok(1);
            };
            if specs.is_empty() {
                return Err(invalid(format!(
                    "{}: no interface to add",
                    display_name(&spec)
                )));
            }
            edit(&file, &opts, Op::Add(specs))
        }
        DomainCmd::Replace {
            file,
            select,
            spec,
            opts,
        } => {
            check_inputs(&file, Some(&spec), &opts)?;
            let sel = select.selector()?;
            let Some(mut specs) = load_specs(&spec)? else {
                return Ok(1);
            };
            if specs.len() != 1 {
                return Err(invalid(format!(
                    "{}: expected exactly one interface to replace with, found {}",
                    display_name(&spec),
                    specs.len()
                )));
            }
            edit(&file, &opts, Op::Replace(sel, Box::new(specs.remove(0))))
        }
        DomainCmd::Remove { file, select, opts } => {
            check_inputs(&file, None, &opts)?;
            edit(&file, &opts, Op::Remove(select.selector()?))
        }
    }
}

fn usage(msg: &str) -> Fail {
    Fail {
        code: 2,
        message: format!("vifxml: {msg}"),
    }
}

fn invalid(message: String) -> Fail {
    Fail { code: 1, message }
}

fn check_inputs(file: &str, spec: Option<&str>, opts: &EditOpts) -> Result<(), Fail> {
    if opts.in_place && file == "-" {
        return Err(usage("--in-place needs a file, not standard input"));
    }
    if file == "-" && spec == Some("-") {
        return Err(usage("FILE and SPEC cannot both be standard input"));
    }
    Ok(())
}

/// Reads a domain document; parse findings go to stderr (`None`: exit 1).
fn load_domain(path: &str) -> Result<Option<(String, Domain)>, Fail> {
    let text = read_input(path)?;
    match Domain::parse(&text) {
        Ok(d) => Ok(Some((text, d))),
        Err(e) => {
            report(Some(&text), display_name(path), &e.0);
            Ok(None)
        }
    }
}

/// Reads the interfaces of a spec (JSON/YAML) or of `<interface>` XML; findings go to stderr
/// (`None`: exit 1).
fn load_specs(path: &str) -> Result<Option<Vec<Interface>>, Fail> {
    let text = read_input(path)?;
    let name = display_name(path);
    if is_xml(&text) {
        match vifxml::xml::parse_document(&text) {
            Ok(doc) if doc.root == "interface" => Ok(Some(
                doc.interfaces.into_iter().map(|p| p.interface).collect(),
            )),
            Ok(doc) => Err(invalid(format!(
                "{name}: expected <interface> elements or a JSON/YAML spec, found a <{}> document",
                doc.root
            ))),
            Err(e) => {
                report(Some(&text), name, &e.0);
                Ok(None)
            }
        }
    } else {
        match vifxml::spec::from_str(&text) {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                report(None, name, &e.0);
                Ok(None)
            }
        }
    }
}

fn edit(file: &str, opts: &EditOpts, op: Op) -> Result<u8, Fail> {
    let name = display_name(file);
    let Some((original, mut dom)) = load_domain(file)? else {
        return Ok(1);
    };
    let res = match op {
        Op::Add(specs) => specs.into_iter().try_for_each(|i| dom.add(i).map(|_| ())),
        Op::Replace(sel, iface) => dom.replace(sel, *iface).map(|_| ()),
        Op::Remove(sel) => dom.remove(sel).map(|_| ()),
    };
    if let Err(e) = res {
        return Err(invalid(format!("{name}: not changed: {e}")));
    }
    let findings = dom.validate();
    report(Some(dom.as_str()), name, &findings);
    let errors = findings.iter().filter(|d| d.is_error()).count();
    if errors > 0 && !opts.no_validate {
        return Err(invalid(format!(
            "{name}: not changed: the edited document has {errors} error(s) (line:column above \
             are in the edited document; use --no-validate to write it anyway)"
        )));
    }
    if opts.in_place {
        if dom.as_str() != original {
            write_in_place(Path::new(file), dom.as_str())?;
        }
    } else {
        write_stdout(dom.as_str())?;
    }
    Ok(0)
}

/// Writes `text` to a new file beside `path` and renames it over `path`, keeping its
/// permissions: readers see the old file or the new one, never a partial one. A symbolic link
/// is followed (the file it points to is replaced, the link stays).
fn write_in_place(path: &Path, text: &str) -> Result<(), Fail> {
    let shown = path.display().to_string();
    let target =
        std::fs::canonicalize(path).map_err(|e| Fail::io(&format!("cannot open {shown}"), e))?;
    let perms = std::fs::metadata(&target)
        .map_err(|e| Fail::io(&format!("cannot stat {shown}"), e))?
        .permissions();
    let (Some(dir), Some(fname)) = (target.parent(), target.file_name()) else {
        return Err(usage(&format!("{shown} is not a file")));
    };
    let fname = fname.to_string_lossy();
    let mut n = 0u32;
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(".{fname}.vifxml-{}-{n}.tmp", std::process::id()));
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        match o.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => {
                return Err(Fail::io(
                    &format!("cannot create a temporary file in {}", dir.display()),
                    e,
                ))
            }
        }
    };
    let res = f
        .set_permissions(perms)
        .and_then(|_| f.write_all(text.as_bytes()))
        .and_then(|_| f.sync_all())
        .and_then(|_| {
            drop(f);
            std::fs::rename(&tmp, &target)
        });
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(Fail::io(&format!("cannot replace {shown}"), e));
    }
    // Make the rename durable; not being able to is not an error of the edit.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct Row<'a> {
    index: usize,
    path: &'a str,
    line: usize,
    #[serde(rename = "type")]
    ty: &'a str,
    mac: Option<String>,
    source: Option<String>,
    target: Option<String>,
}

fn source_of(i: &Interface) -> Option<String> {
    match &i.kind {
        InterfaceKind::Bridge(b) => Some(b.bridge.to_string()),
        InterfaceKind::Network(n) => Some(match &n.portgroup {
            Some(pg) => format!("{} (portgroup {pg})", n.network),
            None => n.network.to_string(),
        }),
        InterfaceKind::Direct(d) => Some(match d.mode {
            Some(m) => format!("{} ({})", d.dev, m.as_str()),
            None => d.dev.to_string(),
        }),
        InterfaceKind::VhostUser(v) => v.path.as_ref().map(|p| match v.mode {
            Some(m) => format!("{p} ({})", m.as_str()),
            None => p.to_string(),
        }),
        InterfaceKind::Hostdev(h) => Some(h.address.to_string()),
        InterfaceKind::Vdpa(v) => Some(v.dev.to_string()),
        InterfaceKind::Ethernet | InterfaceKind::User | InterfaceKind::Other(_) => None,
    }
}

fn list(file: &str, format: Format) -> Result<u8, Fail> {
    let Some((_, dom)) = load_domain(file)? else {
        return Ok(1);
    };
    let rows: Vec<Row<'_>> = dom
        .interfaces()
        .iter()
        .enumerate()
        .map(|(index, p)| Row {
            index,
            path: &p.path,
            line: vifxml::diag::line_col(dom.as_str(), p.span.start).0,
            ty: p.interface.kind.type_name(),
            mac: p.interface.mac.map(|m| m.to_string()),
            source: source_of(&p.interface),
            target: p
                .interface
                .target
                .as_ref()
                .and_then(|t| t.dev.as_ref())
                .map(|d| d.to_string()),
        })
        .collect();
    let out = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&rows).map_err(|e| Fail {
                code: 2,
                message: format!("vifxml: cannot encode json: {e}"),
            })?;
            s.push('\n');
            s
        }
        Format::Human => table(&rows),
    };
    write_stdout(&out)?;
    Ok(0)
}

fn table(rows: &[Row<'_>]) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            [
                r.index.to_string(),
                r.ty.to_owned(),
                dash(&r.mac),
                dash(&r.source),
                dash(&r.target),
            ]
        })
        .collect();
    let head = ["INDEX", "TYPE", "MAC", "SOURCE", "TARGET"].map(str::to_owned);
    let mut width = head.clone().map(|h| h.chars().count());
    for c in &cells {
        for (w, v) in width.iter_mut().zip(c) {
            *w = (*w).max(v.chars().count());
        }
    }
    let mut out = String::new();
    for line in std::iter::once(&head).chain(cells.iter()) {
        let mut l = String::new();
        for (i, (v, w)) in line.iter().zip(width).enumerate() {
            if i + 1 == line.len() {
                l.push_str(v);
            } else {
                l.push_str(&format!("{v:<w$}  "));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}
