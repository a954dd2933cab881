//! Findings: parse errors and validation results share one type.
//!
//! A [`Diagnostic`] has a stable rule id (see [`crate::rules::RULES`]), a severity, an element
//! path such as `devices/interface[2]/virtualport/parameters/@typeid`, a short message and, when
//! it came from XML, a byte offset that [`Diagnostic::line_col`] turns into line:column.

use std::fmt;

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Allowed, but worth knowing.
    Warning,
    /// Refused: libvirt would reject it, or the guest would not work as described.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id, e.g. `virtualport.placement`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Element path, e.g. `devices/interface[2]/virtualport/parameters/@typeid`.
    pub path: String,
    /// Short lowercase message saying what was expected.
    pub message: String,
    /// Byte offset in the source text, when the finding came from XML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

impl Diagnostic {
    /// An error finding.
    pub fn error(rule: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
            offset: None,
        }
    }

    /// A warning finding.
    pub fn warning(
        rule: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, path, message)
        }
    }

    /// Sets the byte offset.
    pub fn at(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column (in characters) of the offset within `src`.
    pub fn line_col(&self, src: &str) -> Option<(usize, usize)> {
        self.offset.map(|o| line_col(src, o))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.severity, self.rule)?;
        if !self.path.is_empty() {
            write!(f, " {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// 1-based line and column (counting characters) of byte `offset` in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(src.len());
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = &src[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = src[line_start..off].chars().count() + 1;
    (line, col)
}

/// Formats a finding for people: `file:line:col: error[rule] path: message`, then the source
/// line with a caret under the column.
pub fn render_human(src: Option<&str>, file: &str, d: &Diagnostic) -> String {
    let mut out = String::new();
    let lc = src.and_then(|s| d.line_col(s));
    match lc {
        Some((l, c)) => out.push_str(&format!("{file}:{l}:{c}: ")),
        None => out.push_str(&format!("{file}: ")),
    }
    out.push_str(&format!("{}[{}]", d.severity, d.rule));
    if !d.path.is_empty() {
        out.push_str(&format!(" {}", d.path));
    }
    out.push_str(&format!(": {}\n", d.message));
    if let (Some(src), Some((l, c))) = (src, lc) {
        if let Some(line) = src.lines().nth(l - 1) {
            let shown: String = line
                .chars()
                .map(|ch| if ch.is_control() { ' ' } else { ch })
                .take(200)
                .collect();
            out.push_str(&format!("{l:>5} | {shown}\n"));
            if c <= 200 {
                out.push_str(&format!("      | {}^\n", " ".repeat(c - 1)));
            }
        }
    }
    out
}

/// A non-empty list of findings, at least one of them an error; returned by parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// A single finding.
    pub fn one(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }

    /// The findings.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// True when any finding has this rule id.
    pub fn has(&self, rule: &str) -> bool {
        self.0.iter().any(|d| d.rule == rule)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let s = "ab\ncdé\nfg";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 7), (2, 4)); // after the two-byte é
        assert_eq!(line_col(s, 100), (3, 3));
    }

    #[test]
    fn human_rendering_has_a_caret() {
        let src = "<a>\n  <b x='1'/>\n</a>";
        let d = Diagnostic::error("t.rule", "a/b/@x", "bad x").at(src.find("x=").unwrap());
        let out = render_human(Some(src), "f.xml", &d);
        assert!(
            out.starts_with("f.xml:2:6: error[t.rule] a/b/@x: bad x\n"),
            "{out}"
        );
        assert!(
            out.contains("    2 |   <b x='1'/>\n      |      ^\n"),
            "{out}"
        );
    }
}
