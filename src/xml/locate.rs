//! Finding where an element path points in the source text.
//!
//! Validation works on the model and reports paths such as `virtualport/parameters/@typeid`;
//! this turns such a path back into a byte offset by walking the interface's source again. It
//! runs only for findings, so parsing stays free of position bookkeeping.

use std::collections::HashMap;

use super::lex::{Lexer, Tok};

/// Byte offset in `src` of `rel` (a path relative to the element that starts at `start`, such
/// as `vlan/tag[2]/@id`, or `""` for that element). Falls back to the nearest ancestor found.
pub fn locate(src: &str, start: usize, rel: &str) -> usize {
    if src.get(start..).is_none() {
        return start;
    }
    let (elems, attr) = match rel.rsplit_once('@') {
        Some((e, a)) => (e.trim_end_matches('/'), Some(a)),
        None => (rel, None),
    };
    let steps: Vec<(&str, usize)> = elems
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once('[') {
            Some((n, i)) => (n, i.trim_end_matches(']').parse().unwrap_or(1)),
            None => (s, 1),
        })
        .collect();
    let mut lx = Lexer::at(src, start);
    // Anything the reader accepted: its limits may have been raised.
    lx.max_depth = usize::MAX;
    lx.max_attributes = usize::MAX;
    let mut best = start;
    // The element at `start` itself.
    let mut depth_ok = 0usize; // how many steps matched along the current branch
    let mut depth = 0usize;
    let mut counts: Vec<HashMap<&str, usize>> = vec![Default::default()];
    while let Ok((pos, tok)) = lx.next() {
        let (tag, empty) = match tok {
            Tok::Start(t) => (t, false),
            Tok::Empty(t) => (t, true),
            Tok::End => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                counts.pop();
                if depth_ok > depth {
                    depth_ok = depth;
                }
                if depth == 0 {
                    break;
                }
                continue;
            }
            Tok::Eof => break,
            _ => continue,
        };
        let name = tag.name;
        let level = depth; // 0 = the element at `start`
        let matched = if level == 0 {
            true
        } else {
            let c = counts
                .last_mut()
                .map(|m| {
                    let n = m.entry(name).or_insert(0);
                    *n += 1;
                    *n
                })
                .unwrap_or(1);
            depth_ok == level && steps.get(level - 1) == Some(&(name, c))
        };
        if matched {
            depth_ok = level + 1;
            best = pos;
            if level == steps.len() {
                if let Some(attr) = attr {
                    if let Some(a) = lx.attrs_of(&tag).iter().find(|a| a.name == attr) {
                        return a.off;
                    }
                }
                return pos;
            }
        }
        if level == 0 && empty {
            break;
        }
        if !empty {
            depth += 1;
            counts.push(Default::default());
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements_attributes_and_indexes() {
        let src = "<x/><interface type='a'>\n<vlan trunk='yes'><tag id='1'/><tag id='9999'/></vlan>\n<virtualport><parameters typeid='x'/></virtualport></interface>";
        let start = src.find("<interface").unwrap();
        assert_eq!(locate(src, start, ""), start);
        assert_eq!(locate(src, start, "@type"), src.find("type=").unwrap());
        assert_eq!(locate(src, start, "vlan"), src.find("<vlan").unwrap());
        assert_eq!(
            locate(src, start, "vlan/tag[2]/@id"),
            src.find("id='9999'").unwrap()
        );
        assert_eq!(
            locate(src, start, "virtualport/parameters/@typeid"),
            src.find("typeid").unwrap()
        );
        // Missing pieces fall back to the nearest ancestor.
        assert_eq!(
            locate(src, start, "vlan/tag[3]"),
            src.find("<vlan").unwrap()
        );
        assert_eq!(locate(src, start, "mtu/@size"), start);
    }
}
