//! Where a plan error is in the JSON text: its path in the document and the
//! line and column of the value at that path, found in one pass.

use crate::plan::{Field, Item, PlanError};

/// One step of a path into a JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The path in a plan document of the item and field a plan error names.
pub(super) fn segments(e: &PlanError) -> Vec<Seg> {
    use Seg::{Index, Key};
    let mut s = match e.item {
        Item::Plan => vec![],
        Item::Year(i) => vec![Key("years"), Index(i)],
        Item::Contributor(i) => vec![Key("contributors"), Index(i)],
        Item::Source(i) => vec![Key("sources"), Index(i)],
        Item::Group(i) => vec![Key("groups"), Index(i)],
        Item::Member(i, j) => return vec![Key("groups"), Index(i), Key("members"), Index(j)],
        Item::Allocation(i) => vec![Key("allocations"), Index(i)],
        Item::Programme(i) => vec![Key("programmes"), Index(i)],
        Item::Line(i) => vec![Key("lines"), Index(i)],
        Item::LineAmount(i, j) => vec![Key("lines"), Index(i), Key("amounts"), Index(j)],
        Item::Contingency(i) => vec![Key("contingency"), Index(i)],
        Item::ContingencyAmount(i, j) => vec![Key("contingency"), Index(i), Key("amounts"), Index(j)],
    };
    let field = match (e.item, e.field) {
        (Item::Plan, _) if e.problem == crate::plan::PlanProblem::NoYears => Some("years"),
        (Item::Year(_) | Item::Plan, _) => None,
        (Item::Allocation(_), Field::Funding) => Some("source"),
        (_, field) => field.name(),
    };
    if let Some(f) = field {
        s.push(Key(f));
    }
    s
}

/// A path as text: `lines[3].amounts[0].contributor`.
pub(super) fn path_text(segments: &[Seg]) -> String {
    let mut out = String::new();
    for seg in segments {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push_str("(document)");
    }
    out
}

/// Line and column (1-based, in characters) of byte offsets taken in
/// increasing order, counted incrementally: linear in the text however many
/// offsets are asked for.
pub(super) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    line: u64,
    column: u64,
}

impl<'t> Cursor<'t> {
    pub(super) fn new(text: &'t str) -> Cursor<'t> {
        Cursor {
            text,
            pos: 0,
            line: 1,
            column: 1,
        }
    }

    /// The line and column of byte `to` (not before the last one asked).
    pub(super) fn advance(&mut self, to: usize) -> (u64, u64) {
        if let Some(between) = self.text.get(self.pos..to) {
            for ch in between.chars() {
                if ch == '\n' {
                    self.line = self.line.saturating_add(1);
                    self.column = 1;
                } else {
                    self.column = self.column.saturating_add(1);
                }
            }
            self.pos = to;
        }
        (self.line, self.column)
    }
}

/// A container being walked: an object and the key of its current member,
/// or an array and the index of its current element.
enum Frame<'t> {
    Object(&'t [u8]),
    Array(usize),
}

/// The 1-based line and column of the value at each of `paths` in JSON
/// `text` that has already been parsed successfully (`None` where a path is
/// not found), in one pass over the text: its cost does not grow with the
/// number of paths asked for. Iterative, so nesting depth does not matter.
pub(super) fn locate_all(text: &str, paths: &[&[Seg]]) -> Vec<Option<(u64, u64)>> {
    let mut out = vec![None; paths.len()];
    let depth = paths.iter().map(|p| p.len()).fold(0, usize::max);
    let mut wanted: std::collections::HashMap<&[Seg], Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        wanted.entry(*p).or_default().push(i);
    }
    let bytes = text.as_bytes();
    let mut cursor = Cursor::new(text);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut current: Vec<Seg> = Vec::new();
    let mut pos = skip_ws(bytes, 0);
    // Whether the current path is one of the keys of `wanted` (the key
    // strings of a path are compared as written: plan keys need no escapes).
    let path_of = |stack: &[Frame<'_>], current: &mut Vec<Seg>| -> bool {
        current.clear();
        for f in stack {
            match f {
                Frame::Array(i) => current.push(Seg::Index(*i)),
                Frame::Object(k) => match KEYS.iter().find(|key| key.as_bytes() == *k) {
                    Some(key) => current.push(Seg::Key(key)),
                    None => return false,
                },
            }
        }
        true
    };
    'value: loop {
        // At the start of a value.
        if stack.len() <= depth && path_of(&stack, &mut current) {
            if let Some(ix) = wanted.get(current.as_slice()) {
                let place = cursor.advance(pos);
                for i in ix {
                    if let Some(slot) = out.get_mut(*i) {
                        *slot = Some(place);
                    }
                }
            }
        }
        match bytes.get(pos) {
            Some(b'{') => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                if bytes.get(pos) != Some(&b'}') {
                    let Some((key, after)) = member_key(bytes, pos) else {
                        break;
                    };
                    stack.push(Frame::Object(key));
                    pos = after;
                    continue 'value;
                }
                pos = pos.saturating_add(1);
            }
            Some(b'[') => {
                pos = skip_ws(bytes, pos.saturating_add(1));
                if bytes.get(pos) != Some(&b']') {
                    stack.push(Frame::Array(0));
                    continue 'value;
                }
                pos = pos.saturating_add(1);
            }
            Some(_) => match skip_value(bytes, pos) {
                Some(after) => pos = after,
                None => break,
            },
            None => break,
        }
        // After a value: the next member or element, or the end of containers.
        loop {
            pos = skip_ws(bytes, pos);
            match (stack.last_mut(), bytes.get(pos)) {
                (None, _) => break 'value,
                (Some(Frame::Object(k)), Some(b',')) => {
                    let Some((key, after)) = member_key(bytes, skip_ws(bytes, pos.saturating_add(1))) else {
                        break 'value;
                    };
                    *k = key;
                    pos = after;
                    continue 'value;
                }
                (Some(Frame::Array(i)), Some(b',')) => {
                    *i = i.saturating_add(1);
                    pos = skip_ws(bytes, pos.saturating_add(1));
                    continue 'value;
                }
                (Some(Frame::Object(_)), Some(b'}')) | (Some(Frame::Array(_)), Some(b']')) => {
                    stack.pop();
                    pos = pos.saturating_add(1);
                }
                _ => break 'value,
            }
        }
    }
    out
}

/// The keys a plan document's paths use.
const KEYS: [&str; 25] = [
    "format",
    "name",
    "input_precision",
    "years",
    "contributors",
    "sources",
    "groups",
    "members",
    "allocations",
    "programmes",
    "lines",
    "contingency",
    "amounts",
    "id",
    "kind",
    "source",
    "contributor",
    "year",
    "funding",
    "amount",
    "precision",
    "programme",
    "attributes",
    "unit",
    "decimals",
];

/// The key of an object member at `pos` and the position of its value.
fn member_key(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let (key, after) = string_at(bytes, pos)?;
    let colon = skip_ws(bytes, after);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    Some((key, skip_ws(bytes, colon.saturating_add(1))))
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        pos = pos.saturating_add(1);
    }
    pos
}

/// The raw bytes of the string starting at `pos` and the position after it.
fn string_at(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos.saturating_add(1);
    loop {
        match bytes.get(i)? {
            b'\\' => i = i.saturating_add(2),
            b'"' => return Some((bytes.get(pos.saturating_add(1)..i)?, i.saturating_add(1))),
            _ => i = i.saturating_add(1),
        }
    }
}

/// The position just after the scalar (string, number or literal) at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos) == Some(&b'"') {
        return string_at(bytes, pos).map(|(_, after)| after);
    }
    let mut i = pos;
    while !matches!(
        bytes.get(i),
        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n')
    ) {
        i = i.saturating_add(1);
    }
    (i > pos).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_all_skips_nested_values_in_one_pass() {
        use Seg::{Index, Key};
        let text = "{\"lines\": [1, {\"id\": [\"]\"]}, \"s\\\"\"],\n \"years\": {\"amounts\": [true, null, 3]}}";
        let found = locate_all(
            text,
            &[
                &[Key("years"), Key("amounts"), Index(2)],
                &[Key("lines"), Index(2)],
                &[Key("name")],
                &[Key("lines"), Index(1), Key("id"), Index(0)],
            ],
        );
        assert_eq!(found, vec![Some((2, 36)), Some((1, 30)), None, Some((1, 23))]);
    }
}
