//! Auditing many files at once: every XML document under some directories, checked in parallel
//! (rayon), with one report per file and totals per rule (feature `audit`, on with `cli`).
//!
//! Each file is read (at most [`crate::xml::MAX_DOCUMENT_SIZE`] bytes), parsed with
//! [`crate::xml::parse_document`] and checked with [`crate::validate::validate_document`].
//! Reports come back in input order whatever the thread scheduling, so the output of an audit
//! does not depend on the number of threads.
//!
//! ```
//! use vifxml::audit::{audit, collect_files, Status};
//! let dir = std::env::temp_dir().join(format!("vifxml-audit-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("sub"))?;
//! let ifaces = vifxml::generate::interfaces(0..2).unwrap();
//! std::fs::write(dir.join("a.xml"), vifxml::generate::domain_xml("a", &ifaces))?;
//! std::fs::write(dir.join("sub/b.xml"), "<domain><devices>")?; // malformed
//! std::fs::write(dir.join("notes.txt"), "not looked at")?;
//!
//! let (files, problems) = collect_files(&[dir.clone()]);
//! assert!(problems.is_empty());
//! assert_eq!(files, [dir.join("a.xml"), dir.join("sub/b.xml")]);
//! let report = audit(&files, Some(2), || {});
//! assert_eq!(report.files[0].status, Status::Ok);
//! assert_eq!(report.files[0].interfaces, 2);
//! assert_eq!(report.files[1].status, Status::Malformed);
//! assert_eq!(report.files[1].findings[0].rule, "xml.syntax");
//! assert_eq!((report.summary.ok, report.summary.malformed), (1, 1));
//! assert!(report.failed());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use crate::diag::{line_col, Diagnostic, Severity};
use crate::version::LibvirtVersion;
use crate::xml::MAX_DOCUMENT_SIZE;

/// What became of one file.
///
/// ```
/// use vifxml::audit::Status;
/// assert_eq!(Status::Warnings.to_string(), "warnings");
/// assert!(Status::Malformed.failed() && !Status::Warnings.failed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Parsed, no finding.
    Ok,
    /// Parsed, warnings only.
    Warnings,
    /// Parsed, at least one error finding.
    Errors,
    /// Could not be read (the I/O error is in [`FileReport::error`]).
    Unreadable,
    /// Read, but not a document vifxml reads: not UTF-8, larger than
    /// [`crate::xml::MAX_DOCUMENT_SIZE`], or refused by the parser; the reasons are the findings.
    Malformed,
}

impl Status {
    /// True for the statuses that make an audit fail: errors, unreadable, malformed.
    pub fn failed(self) -> bool {
        matches!(
            self,
            Status::Errors | Status::Unreadable | Status::Malformed
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warnings => "warnings",
            Status::Errors => "errors",
            Status::Unreadable => "unreadable",
            Status::Malformed => "malformed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding in a file, with its position already turned into line and column (the file's
/// text is not kept).
///
/// ```
/// use vifxml::audit::Finding;
/// let src = "<interface type='direct'>\n  <mtu size='9000'/>\n</interface>";
/// let at = src.find("<mtu").unwrap();
/// let d = vifxml::Diagnostic::error("mtu.placement", "mtu/@size", "no mtu on direct").at(at);
/// let f = Finding::new(&d, Some(src));
/// assert_eq!((f.line, f.column), (Some(2), Some(3)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `virtualport.placement`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Element path, e.g. `devices/interface[2]/virtualport/@type`.
    pub path: String,
    /// Short lowercase message.
    pub message: String,
    /// 1-based line, when the finding has a position.
    pub line: Option<usize>,
    /// 1-based column in characters, when the finding has a position.
    pub column: Option<usize>,
}

impl Finding {
    /// The finding for `d`, positioned in `src` when both are known.
    pub fn new(d: &Diagnostic, src: Option<&str>) -> Self {
        let lc = src.and_then(|s| d.line_col(s));
        Finding {
            rule: d.rule,
            severity: d.severity,
            path: d.path.clone(),
            message: d.message.clone(),
            line: lc.map(|x| x.0),
            column: lc.map(|x| x.1),
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn display_path<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    // Lossy, so that a file name that is not UTF-8 never makes the report unencodable.
    s.serialize_str(&p.to_string_lossy())
}

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// The file, as given or as found under a directory argument.
    #[serde(serialize_with = "display_path")]
    pub path: PathBuf,
    /// What became of it.
    pub status: Status,
    /// Interfaces read (0 unless parsed).
    pub interfaces: usize,
    /// Validation findings, or for a malformed file the reasons it was refused.
    pub findings: Vec<Finding>,
    /// The I/O error of an unreadable file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileReport {
    fn parsed(path: &Path, interfaces: usize, findings: Vec<Finding>) -> Self {
        let mut r = FileReport {
            path: path.to_owned(),
            status: Status::Ok,
            interfaces,
            findings,
            error: None,
        };
        r.refresh_status();
        r
    }

    fn malformed(path: &Path, findings: Vec<Finding>) -> Self {
        FileReport {
            path: path.to_owned(),
            status: Status::Malformed,
            interfaces: 0,
            findings,
            error: None,
        }
    }

    fn unreadable(path: &Path, e: &std::io::Error) -> Self {
        FileReport {
            path: path.to_owned(),
            status: Status::Unreadable,
            interfaces: 0,
            findings: Vec::new(),
            error: Some(e.to_string()),
        }
    }

    /// Recomputes the status of a parsed file from its findings.
    fn refresh_status(&mut self) {
        if matches!(self.status, Status::Unreadable | Status::Malformed) {
            return;
        }
        self.status = if self.findings.iter().any(Finding::is_error) {
            Status::Errors
        } else if self.findings.is_empty() {
            Status::Ok
        } else {
            Status::Warnings
        };
    }
}

/// A path given to [`collect_files`] that could not be walked: it does not exist, a directory
/// could not be listed, or a symbolic link loops or is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    /// The path.
    #[serde(serialize_with = "display_path")]
    pub path: PathBuf,
    /// What went wrong, e.g. `symbolic link loop (back to /srv/xml)`.
    pub message: String,
}

impl FileProblem {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        FileProblem {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// One row of the per-rule table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// Rule id.
    pub rule: &'static str,
    /// Severity of these findings.
    pub severity: Severity,
    /// How many findings.
    pub findings: usize,
    /// In how many files.
    pub files: usize,
}

/// Totals over all files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files scanned.
    pub files: usize,
    /// Files without findings.
    pub ok: usize,
    /// Files with at least one error finding.
    pub with_errors: usize,
    /// Files with warnings and no error.
    pub warnings_only: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Files that were not a readable document.
    pub malformed: usize,
    /// Paths that could not be walked ([`Report::problems`]).
    pub problems: usize,
    /// Interfaces read.
    pub interfaces: usize,
    /// Error findings, malformed files' reasons included.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Findings per rule and severity: errors first, then by number of findings (most first),
    /// then by rule id.
    pub rules: Vec<RuleCount>,
}

impl Summary {
    /// The totals of these reports and problems.
    pub fn of(files: &[FileReport], problems: &[FileProblem]) -> Self {
        let mut s = Summary {
            files: files.len(),
            problems: problems.len(),
            ..Summary::default()
        };
        // (rule, severity) -> (findings, files)
        let mut rules: BTreeMap<(&'static str, Severity), (usize, usize)> = BTreeMap::new();
        for f in files {
            match f.status {
                Status::Ok => s.ok += 1,
                Status::Warnings => s.warnings_only += 1,
                Status::Errors => s.with_errors += 1,
                Status::Unreadable => s.unreadable += 1,
                Status::Malformed => s.malformed += 1,
            }
            s.interfaces += f.interfaces;
            let mut seen: HashSet<(&'static str, Severity)> = HashSet::new();
            for d in &f.findings {
                if d.is_error() {
                    s.errors += 1;
                } else {
                    s.warnings += 1;
                }
                let key = (d.rule, d.severity);
                let e = rules.entry(key).or_default();
                e.0 += 1;
                if seen.insert(key) {
                    e.1 += 1;
                }
            }
        }
        s.rules = rules
            .into_iter()
            .map(|((rule, severity), (findings, files))| RuleCount {
                rule,
                severity,
                findings,
                files,
            })
            .collect();
        s.rules.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.findings.cmp(&a.findings))
                .then(a.rule.cmp(b.rule))
        });
        s
    }
}

/// The result of an audit: one report per file in input order, the paths that could not be
/// walked, and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// One report per file, in the order the files were given.
    pub files: Vec<FileReport>,
    /// Paths that could not be walked (filled by [`Report::new`] or [`Report::add_problems`];
    /// [`audit`] itself leaves it empty).
    pub problems: Vec<FileProblem>,
    /// Totals, kept in step with `files` and `problems` by the methods of `Report`.
    pub summary: Summary,
}

impl Report {
    /// A report over these files and problems, with its totals.
    pub fn new(files: Vec<FileReport>, problems: Vec<FileProblem>) -> Self {
        let summary = Summary::of(&files, &problems);
        Report {
            files,
            problems,
            summary,
        }
    }

    /// Adds the problems [`collect_files`] found (placed before any already there) and updates
    /// the totals.
    pub fn add_problems(&mut self, mut problems: Vec<FileProblem>) {
        problems.append(&mut self.problems);
        self.problems = problems;
        self.summary.problems = self.problems.len();
    }

    /// Turns the error findings of these rules into warnings, like `vifxml validate --allow`,
    /// in every parsed file (a malformed file stays malformed), then updates statuses and totals.
    /// Fails on an unknown rule id, changing nothing.
    ///
    /// ```
    /// let src = "<interface type='direct'><source dev='eth0'/><mtu size='9000'/></interface>";
    /// let dir = std::env::temp_dir().join(format!("vifxml-allow-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("a.xml"), src)?;
    /// let mut r = vifxml::audit::audit(&[dir.join("a.xml")], None, || {});
    /// assert_eq!(r.summary.with_errors, 1);
    /// r.allow(&["mtu.placement".to_string()]).unwrap();
    /// assert_eq!((r.summary.with_errors, r.summary.warnings_only), (0, 1));
    /// assert!(r.allow(&["no.such-rule".to_string()]).is_err());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn allow<S: AsRef<str>>(&mut self, rules: &[S]) -> Result<(), String> {
        crate::validate::allow(&mut [], rules)?;
        for f in &mut self.files {
            if matches!(f.status, Status::Unreadable | Status::Malformed) {
                continue;
            }
            for d in &mut f.findings {
                if rules.iter().any(|r| r.as_ref() == d.rule) {
                    d.severity = Severity::Warning;
                }
            }
            f.refresh_status();
        }
        self.summary = Summary::of(&self.files, &self.problems);
        Ok(())
    }

    /// True when the audit should fail: an error finding, an unreadable or malformed file, or a
    /// path that could not be walked.
    pub fn failed(&self) -> bool {
        !self.problems.is_empty() || self.files.iter().any(|f| f.status.failed())
    }
}

/// True for file names the directory walk takes: ending in `.xml` (any case).
fn is_xml_name(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("xml"))
}

/// What is left to do in the walk.
enum Step {
    /// Look at this path (a directory entry).
    Visit(PathBuf),
    /// Done with the directory whose canonical path is this: it is no longer an ancestor.
    Leave(PathBuf),
}

/// The files to audit under `paths`.
///
/// A path that names a file (or anything that is not a directory) is taken as is, whatever its
/// name. A directory is walked recursively, entries in name order, so the list is the same on
/// every run; it yields the files whose name ends in `.xml`. Symbolic links are followed. A
/// directory reached twice through links is walked once; a link back to a directory being
/// walked is reported as a loop. Paths that do not exist, directories that cannot be listed,
/// and broken or looping links (those named `*.xml`, or failing for another reason than a
/// missing target) are reported as problems; the walk goes on.
///
/// ```
/// let (files, problems) = vifxml::audit::collect_files(&["/no/such/dir".into()]);
/// assert!(files.is_empty());
/// assert_eq!(problems[0].path, std::path::Path::new("/no/such/dir"));
/// ```
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    // Canonical paths of every directory walked so far, and of those being walked.
    let mut visited: HashSet<PathBuf> = HashSet::new();
    let mut ancestors: HashSet<PathBuf> = HashSet::new();
    for root in paths {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => walk(
                root,
                &mut files,
                &mut problems,
                &mut visited,
                &mut ancestors,
            ),
            Ok(_) => files.push(root.clone()),
            Err(e) => problems.push(FileProblem::new(root, e.to_string())),
        }
    }
    (files, problems)
}

fn walk(
    root: &Path,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<FileProblem>,
    visited: &mut HashSet<PathBuf>,
    ancestors: &mut HashSet<PathBuf>,
) {
    // An explicit stack, so that a deep tree cannot overflow the thread's stack.
    let mut stack = vec![Step::Visit(root.to_owned())];
    while let Some(step) = stack.pop() {
        let path = match step {
            Step::Leave(canon) => {
                ancestors.remove(&canon);
                continue;
            }
            Step::Visit(p) => p,
        };
        let is_root = path.as_path() == root;
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                // Only links can fail here: a listed entry that is not a link exists.
                let missing_target = e.kind() == std::io::ErrorKind::NotFound;
                if is_root || is_xml_name(&path) || !missing_target {
                    let what = if missing_target {
                        format!("broken symbolic link: {e}")
                    } else {
                        e.to_string()
                    };
                    problems.push(FileProblem::new(&path, what));
                }
                continue;
            }
        };
        if !meta.is_dir() {
            if meta.is_file() && is_xml_name(&path) {
                files.push(path);
            }
            continue;
        }
        let canon = match std::fs::canonicalize(&path) {
            Ok(c) => c,
            Err(e) => {
                problems.push(FileProblem::new(&path, e.to_string()));
                continue;
            }
        };
        if ancestors.contains(&canon) {
            problems.push(FileProblem::new(
                &path,
                format!("symbolic link loop (back to {})", canon.display()),
            ));
            continue;
        }
        if !visited.insert(canon.clone()) {
            continue;
        }
        let mut entries = Vec::new();
        let listed = std::fs::read_dir(&path).and_then(|rd| {
            for entry in rd {
                entries.push(entry?.path());
            }
            Ok(())
        });
        if let Err(e) = listed {
            problems.push(FileProblem::new(
                &path,
                format!("cannot list directory: {e}"),
            ));
            // Whatever was listed before the error is still walked.
        }
        entries.sort();
        ancestors.insert(canon.clone());
        stack.push(Step::Leave(canon));
        stack.extend(entries.into_iter().rev().map(Step::Visit));
    }
}

/// Reads the file, or says it is larger than [`MAX_DOCUMENT_SIZE`] (with its length when the
/// metadata gave it) without reading more than one byte past the limit.
fn read_capped(path: &Path) -> std::io::Result<Result<Vec<u8>, Option<u64>>> {
    let file = std::fs::File::open(path)?;
    let limit = MAX_DOCUMENT_SIZE as u64;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(Err(Some(len)));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows, or a device whose length reads 0, still stops one byte past the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(None));
    }
    Ok(Ok(bytes))
}

/// Reads, parses and validates one file. Never fails: what goes wrong is the report's status.
///
/// ```
/// use vifxml::audit::{audit_file, Status};
/// let r = audit_file("/no/such/file.xml");
/// assert_eq!(r.status, Status::Unreadable);
/// assert!(r.error.is_some());
/// ```
pub fn audit_file(path: impl AsRef<Path>) -> FileReport {
    audit_file_for(path, LibvirtVersion::NEWEST)
}

/// [`audit_file`], validating for this libvirt version.
pub fn audit_file_for(path: impl AsRef<Path>, version: LibvirtVersion) -> FileReport {
    let path = path.as_ref();
    let bytes = match read_capped(path) {
        Ok(Ok(b)) => b,
        Ok(Err(len)) => {
            let size = match len {
                Some(n) => format!("{n} bytes"),
                None => "larger".to_string(),
            };
            let d = Diagnostic::error(
                "xml.too-large",
                "",
                format!("document is {size}, more than the limit of {MAX_DOCUMENT_SIZE} bytes"),
            );
            return FileReport::malformed(path, vec![Finding::new(&d, None)]);
        }
        Err(e) => return FileReport::unreadable(path, &e),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or("");
            let d = Diagnostic::error(
                "xml.syntax",
                "",
                format!("input is not utf-8 (invalid byte at offset {at})"),
            );
            let mut f = Finding::new(&d, None);
            let (l, c) = line_col(valid, at);
            (f.line, f.column) = (Some(l), Some(c));
            return FileReport::malformed(path, vec![f]);
        }
    };
    match crate::xml::parse_document(&text) {
        Ok(doc) => {
            let opts = crate::validate::Options::new().libvirt(version);
            let findings = crate::validate::validate_document_with(&text, &doc, &opts)
                .iter()
                .map(|d| Finding::new(d, Some(&text)))
                .collect();
            FileReport::parsed(path, doc.interfaces.len(), findings)
        }
        Err(e) => FileReport::malformed(
            path,
            e.iter().map(|d| Finding::new(d, Some(&text))).collect(),
        ),
    }
}

/// Audits `files` in parallel and returns the reports in the order of `files`.
///
/// `threads: Some(n)` runs on a dedicated pool of `n` threads (`n = 0` lets rayon choose), so
/// runs with different thread counts can be compared; `None` uses rayon's global pool. If the
/// pool cannot be built, the files are audited on the calling thread. `progress` is called once
/// per finished file, from any thread.
///
/// ```
/// let r = vifxml::audit::audit(&["/no/such/file.xml".into()], Some(1), || {});
/// assert_eq!(r.summary.unreadable, 1);
/// ```
pub fn audit(files: &[PathBuf], threads: Option<usize>, progress: impl Fn() + Sync) -> Report {
    audit_for(files, threads, LibvirtVersion::NEWEST, progress)
}

/// [`audit`], validating for this libvirt version.
pub fn audit_for(
    files: &[PathBuf],
    threads: Option<usize>,
    version: LibvirtVersion,
    progress: impl Fn() + Sync,
) -> Report {
    let one = |p: &PathBuf| {
        let r = audit_file_for(p, version);
        progress();
        r
    };
    let reports: Vec<FileReport> = match threads {
        None => files.par_iter().map(one).collect(),
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => pool.install(|| files.par_iter().map(one).collect()),
            Err(_) => files.iter().map(one).collect(),
        },
    };
    Report::new(reports, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn rel(root: &Path, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.strip_prefix(root)
                    .unwrap_or(f)
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn walks_sorted_and_takes_only_xml() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("b/c")).unwrap();
        fs::create_dir_all(d.join("a")).unwrap();
        for f in [
            "z.xml",
            "a/2.xml",
            "a/1.XML",
            "b/c/deep.xml",
            "b/x.xml",
            "b/readme.txt",
            "m.xml.bak",
            "noext",
        ] {
            fs::write(d.join(f), "<domain/>").unwrap();
        }
        // A directory named *.xml is walked, not taken.
        fs::create_dir_all(d.join("dir.xml")).unwrap();
        fs::write(d.join("dir.xml/in.xml"), "").unwrap();
        let (files, problems) = collect_files(&[d.to_owned()]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            rel(d, &files),
            [
                "a/1.XML",
                "a/2.xml",
                "b/c/deep.xml",
                "b/x.xml",
                "dir.xml/in.xml",
                "z.xml"
            ]
        );
        // Same answer every time.
        assert_eq!(collect_files(&[d.to_owned()]).0, files);
    }

    #[test]
    fn files_given_directly_are_taken_as_is_in_order() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::write(d.join("b.txt"), "").unwrap();
        fs::write(d.join("a.xml"), "").unwrap();
        let args = [d.join("b.txt"), d.join("a.xml"), d.join("b.txt")];
        let (files, problems) = collect_files(&args);
        assert!(problems.is_empty());
        assert_eq!(files, args);
    }

    #[test]
    fn missing_paths_are_problems_and_the_rest_goes_on() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::write(d.join("a.xml"), "").unwrap();
        let (files, problems) = collect_files(&[d.join("missing"), d.to_owned()]);
        assert_eq!(files, [d.join("a.xml")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, d.join("missing"));
        assert!(!problems[0].message.is_empty());
    }

    #[test]
    fn empty_input_gives_nothing() {
        assert_eq!(collect_files(&[]), (vec![], vec![]));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_problems_not_hangs() {
        use std::os::unix::fs::symlink;
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("a/b")).unwrap();
        fs::write(d.join("a/b/f.xml"), "").unwrap();
        symlink(d.join("a"), d.join("a/b/up")).unwrap(); // loop through a directory
        symlink("self.xml", d.join("a/self.xml")).unwrap(); // a link to itself
        symlink("gone.xml", d.join("a/broken.xml")).unwrap(); // broken, named .xml
        symlink("gone", d.join("a/broken-other")).unwrap(); // broken, other name: ignored
        let (files, problems) = collect_files(&[d.to_owned()]);
        assert_eq!(rel(d, &files), ["a/b/f.xml"]);
        let mut p: Vec<String> = rel(
            d,
            &problems.iter().map(|p| p.path.clone()).collect::<Vec<_>>(),
        );
        p.sort();
        assert_eq!(p, ["a/b/up", "a/broken.xml", "a/self.xml"], "{problems:?}");
        let up = problems.iter().find(|p| p.path.ends_with("up")).unwrap();
        assert!(up.message.contains("loop"), "{up}");
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_reached_twice_is_walked_once() {
        use std::os::unix::fs::symlink;
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("real")).unwrap();
        fs::write(d.join("real/f.xml"), "").unwrap();
        symlink(d.join("real"), d.join("alias")).unwrap();
        // Two links per level to the next one: walking every path would take 2^20 visits.
        for i in 0..20 {
            let dir = d.join(format!("l{i}"));
            fs::create_dir_all(&dir).unwrap();
            symlink(d.join(format!("l{}", i + 1)), dir.join("x")).unwrap();
            symlink(d.join(format!("l{}", i + 1)), dir.join("y")).unwrap();
        }
        fs::create_dir_all(d.join("l20")).unwrap();
        fs::write(d.join("l20/end.xml"), "").unwrap();
        let (files, problems) = collect_files(&[d.to_owned(), d.join("real")]);
        assert!(problems.is_empty(), "{problems:?}");
        // "alias" sorts first, so the files are found through it.
        let deep = format!("l0/{}end.xml", "x/".repeat(20));
        assert_eq!(rel(d, &files), ["alias/f.xml", deep.as_str()]);
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_directories_are_problems() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::create_dir_all(d.join("locked")).unwrap();
        fs::write(d.join("locked/f.xml"), "").unwrap();
        fs::write(d.join("ok.xml"), "").unwrap();
        fs::set_permissions(d.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(d.join("locked")).is_ok(); // root reads anything
        let (files, problems) = collect_files(&[d.to_owned()]);
        fs::set_permissions(d.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        if readable {
            assert_eq!(files.len(), 2);
        } else {
            assert_eq!(rel(d, &files), ["ok.xml"]);
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].path, d.join("locked"));
            assert!(problems[0].message.starts_with("cannot list directory"));
        }
    }

    #[test]
    fn unreadable_files_keep_their_io_error_and_stay_in_order() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        fs::write(d.join("ok.xml"), "<interface type='user'/>").unwrap();
        // Opening a directory works on unix but reading it fails, even for root.
        let files = [d.join("missing.xml"), d.join("ok.xml"), d.to_owned()];
        for threads in [None, Some(1), Some(2), Some(0)] {
            let r = audit(&files, threads, || {});
            let statuses: Vec<Status> = r.files.iter().map(|f| f.status).collect();
            assert_eq!(
                statuses,
                [Status::Unreadable, Status::Ok, Status::Unreadable],
                "{threads:?}"
            );
            assert!(r.files[0].error.as_deref().is_some_and(|e| !e.is_empty()));
            assert_eq!(r.files[1].interfaces, 1);
            assert_eq!((r.summary.unreadable, r.summary.ok), (2, 1));
            assert!(r.failed());
        }
    }

    #[test]
    fn progress_is_called_once_per_file() {
        let n = std::sync::atomic::AtomicUsize::new(0);
        let files: Vec<PathBuf> = (0..50)
            .map(|i| format!("/no/such/{i}.xml").into())
            .collect();
        let r = audit(&files, Some(2), || {
            n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(n.into_inner(), 50);
        assert_eq!(r.files.len(), 50);
        assert!(r.files.iter().zip(&files).all(|(r, f)| &r.path == f));
    }

    #[test]
    fn summary_counts_rules_per_file() {
        let f = |rule, severity, n: usize| Finding {
            rule,
            severity,
            path: String::new(),
            message: format!("{n}"),
            line: None,
            column: None,
        };
        let a = FileReport::parsed(
            Path::new("a"),
            2,
            vec![
                f("r.one", Severity::Error, 1),
                f("r.one", Severity::Error, 2),
                f("r.two", Severity::Warning, 3),
            ],
        );
        let b = FileReport::parsed(Path::new("b"), 1, vec![f("r.one", Severity::Error, 4)]);
        let c = FileReport::parsed(Path::new("c"), 3, vec![f("r.two", Severity::Warning, 5)]);
        let s = Summary::of(&[a, b, c], &[]);
        assert_eq!(
            (s.files, s.with_errors, s.warnings_only, s.ok),
            (3, 2, 1, 0)
        );
        assert_eq!((s.interfaces, s.errors, s.warnings), (6, 3, 2));
        assert_eq!(
            s.rules,
            [
                RuleCount {
                    rule: "r.one",
                    severity: Severity::Error,
                    findings: 3,
                    files: 2
                },
                RuleCount {
                    rule: "r.two",
                    severity: Severity::Warning,
                    findings: 2,
                    files: 2
                },
            ]
        );
    }
}
