//! The JSON reader's fast path, for plan documents that need no error
//! report. As for tidy CSV (see `io::tidy`), a large plan document is
//! almost all scheme lines. This path reads the document's text itself, a
//! word at a time where it can: white space and strings are skipped eight
//! bytes at once, field names compared sixteen at once, an amount's strings
//! are slices of the text, and each line goes straight into the plan's line
//! table, ids resolved against what the document declares. Once an amount
//! has been read field by field, the next written the same way is read by
//! comparing the text around its values (see [`Written`]). Everything else (the name, years, contributors,
//! sources, groups, allocations, programmes, a line's attributes, an
//! amount's own precision, the contingency lines) is cut out of the text as
//! one JSON value and read by serde_json into the careful reader's own
//! types, so those rules are written once.
//!
//! The fast path gives up (`None`) at the first thing it does not expect: a
//! document that is not plain JSON of the plan schema (a field unknown,
//! missing or repeated, a value of another type, an escape in an id or an
//! amount, a control character in a string), the lines before what they
//! refer to is declared (they are then read after the rest), an unknown id,
//! a negative or unreadable amount, a joint commissioner whose shares do
//! not add to 100, or a plan the builder refuses. The careful reader then
//! reads the text again with serde_json and reports every error where it
//! is. On documents both accept the two give equal plans (tests below, the
//! reader's differential property tests, and the `json_plan` fuzz target).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::de::StrRead;

use super::document::{year_text, AllocationDocument, ContingencyDocument, PlanDocument};
use super::FORMAT;
use crate::calendar::FinancialYear;
use crate::io::resolve::{plain_amount, Declared, Head};
use crate::money::{Money, Precision, Unit};
use crate::plan::{
    Cell, Contributor, FundingGroup, FundingSource, LineAttributes, LineTableBuilder, Plan, Programme, ProgrammeIx,
};

/// Reads `text` (without its byte-order mark) if it is a valid plan
/// document; `None` sends it to the careful reader.
pub(super) fn read(text: &str) -> Option<Plan> {
    let mut s = Scanner { text, at: 0 };
    let mut doc = Fields::default();
    s.ws();
    s.expect(b'{')?;
    // An empty object lacks every field: the careful reader says which.
    loop {
        s.ws();
        // A key: a string without escapes.
        let key = s.plain()?;
        s.colon()?;
        doc.member(&mut s, key)?;
        s.ws();
        match s.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    if s.at < text.len() {
        return None;
    }
    doc.finish(text)
}

/// The top-level fields of a plan document, as they are read.
#[derive(Default)]
struct Fields {
    format: Option<String>,
    name: Option<String>,
    input_precision: Option<Option<Precision>>,
    years: Option<Vec<FinancialYear>>,
    contributors: Option<Vec<Contributor>>,
    sources: Option<Vec<FundingSource>>,
    groups: Option<Vec<FundingGroup>>,
    allocations: Option<Vec<AllocationDocument>>,
    programmes: Option<Vec<Programme>>,
    contingency: Option<Vec<ContingencyDocument>>,
    lines: Option<Lines>,
}

/// The scheme lines: read, or where they are in the text, to be read once
/// what they refer to is known.
enum Lines {
    Read(Box<LineTableBuilder>),
    Later(usize),
}

/// Stores a field's value; `None` if the field was already given (serde
/// refuses a repeated field).
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

impl Fields {
    /// Reads the value of the top-level field `key`.
    fn member(&mut self, s: &mut Scanner<'_>, key: &str) -> Option<()> {
        match key {
            "format" => set(&mut self.format, s.parsed()?),
            "name" => set(&mut self.name, s.parsed()?),
            // Lines already read used the plan's precision as it then was.
            "input_precision" if matches!(self.lines, Some(Lines::Read(_))) => None,
            "input_precision" => set(&mut self.input_precision, s.parsed()?),
            "years" => set(&mut self.years, s.value(|d| year_text::deserialize_vec(d))?),
            "contributors" => set(&mut self.contributors, s.parsed()?),
            "sources" => set(&mut self.sources, s.parsed()?),
            "groups" => set(&mut self.groups, s.parsed()?),
            "allocations" => set(&mut self.allocations, s.parsed()?),
            "programmes" => set(&mut self.programmes, s.parsed()?),
            "contingency" => set(&mut self.contingency, s.parsed()?),
            "lines" if self.lines.is_some() => None,
            "lines" => {
                // Read now if every id they may name is declared (the
                // writer's order); otherwise once the document is read.
                let lines = match self.head() {
                    Some(head) => Lines::Read(Box::new(read_lines(s, &head?)?)),
                    None => {
                        let at = s.at;
                        s.skip_value()?;
                        Lines::Later(at)
                    }
                };
                self.lines = Some(lines);
                Some(())
            }
            _ => None,
        }
    }

    /// What lines resolve their ids against, if every field it is made of
    /// has been read (`Some(None)`: an id is declared twice).
    fn head(&self) -> Option<Option<Head>> {
        Some(Head::of(Declared {
            precision: self.input_precision.flatten(),
            contributors: self.contributors.as_deref()?,
            sources: self.sources.as_deref()?,
            groups: self.groups.as_deref()?,
            programmes: self.programmes.as_deref()?,
            years: self.years.as_deref()?,
        }))
    }

    /// The plan, once every field is read.
    fn finish(mut self, text: &str) -> Option<Plan> {
        if self.format.as_deref() != Some(FORMAT) {
            return None;
        }
        if self.groups.is_none() {
            self.groups = Some(Vec::new());
        }
        let table = match self.lines.take()? {
            Lines::Read(table) => *table,
            Lines::Later(at) => {
                let head = self.head()??;
                read_lines(&mut Scanner { text, at }, &head)?
            }
        };
        let doc = PlanDocument {
            format: self.format?,
            name: self.name?,
            input_precision: self.input_precision.flatten(),
            years: self.years?,
            contributors: self.contributors?,
            sources: self.sources?,
            groups: self.groups?,
            allocations: self.allocations?,
            programmes: self.programmes?,
            lines: Vec::new(),
            contingency: self.contingency.unwrap_or_default(),
        };
        doc.into_builder().resolved_lines(table).build().ok()
    }
}

/// An amount of a line as written: its strings are slices of the text.
struct RawAmount<'t> {
    contributor: &'t str,
    year: &'t str,
    funding: &'t str,
    amount: &'t str,
    /// Its own precision, if it gives one (`Some(None)`: exact).
    precision: Option<Option<Precision>>,
    /// Its contributor, year and funding as written, each as one number,
    /// when each is short (see [`short`]).
    written: Option<[u128; 3]>,
}

/// Reads the `lines` array at `s` into a line table.
fn read_lines(s: &mut Scanner<'_>, head: &Head) -> Option<LineTableBuilder> {
    let mut table = LineTableBuilder::default();
    let mut amounts = Vec::new();
    let mut recent = Recent::default();
    let mut written = None;
    s.expect(b'[')?;
    s.ws();
    if s.peek() == Some(b']') {
        s.at = s.at.saturating_add(1);
        return Some(table);
    }
    loop {
        read_line(s, head, &mut table, &mut amounts, &mut recent, &mut written)?;
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b']' => return Some(table),
            _ => return None,
        }
    }
}

/// Reads one line object at `s` into `table`; `amounts` is room for its
/// amounts, which may come before its programme.
fn read_line<'t>(
    s: &mut Scanner<'t>,
    head: &Head,
    table: &mut LineTableBuilder,
    amounts: &mut Vec<RawAmount<'t>>,
    recent: &mut Recent,
    written: &mut Option<Written<'t>>,
) -> Option<()> {
    s.expect(b'{')?;
    let (mut id, mut programme, mut name, mut attributes) = (None, None, None, None);
    let mut has_amounts = false;
    amounts.clear();
    loop {
        s.ws();
        let key = s.field(&LINE_FIELDS)?;
        s.colon()?;
        match key {
            0 => set(&mut id, s.text()?)?,
            1 => set(&mut programme, s.text()?)?,
            2 => set(&mut name, s.text()?)?,
            3 => set(&mut attributes, s.parsed()?)?,
            _ if has_amounts => return None,
            _ => {
                has_amounts = true;
                read_amounts(s, amounts, written)?;
            }
        }
        s.ws();
        match s.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    let (id, programme, name) = (id?, programme?, name?);
    if !has_amounts {
        return None;
    }
    let attributes: LineAttributes = attributes.unwrap_or_default();
    // The careful reader's builder refuses a joint split not adding to 100.
    if attributes.commissioner.as_ref().is_some_and(|c| !c.is_whole()) {
        return None;
    }
    let p = head.programme(&programme)?;
    table.push_line(&id, &name, p, attributes).ok()?;
    for (j, a) in amounts.drain(..).enumerate() {
        let c = recent.cell(table, head, p, j, &a)?;
        match plain_amount(a.amount) {
            Some((units, scale)) => table.push_units(c, units, scale).ok()?,
            None => {
                let m = Money::parse(a.amount, Unit::Pounds).ok()?;
                if m.is_negative() {
                    return None;
                }
                table.push_interned(c, m).ok()?;
            }
        }
    }
    Some(())
}

/// The cells of the last line read of each programme, by the amount's
/// position on its line: a line's amounts are most often in the cells of
/// the line before it of the same programme, which are then found by
/// comparing what is written (or, when that differs, the cells) rather than
/// by resolving ids and hashing a cell.
#[derive(Default)]
struct Recent {
    /// By programme, then by position on the line.
    lines: Vec<Vec<Seen>>,
}

/// An amount's cell, as [`Recent`] remembers it.
struct Seen {
    /// The amount's contributor, year and funding as written, and its own
    /// precision, if they were short.
    written: Option<([u128; 3], Option<Option<Precision>>)>,
    cell: Cell,
    /// The cell's number in the line table.
    ix: u32,
}

impl Recent {
    /// The number in `table` of the cell of `a`, the `j`th amount of a line
    /// of programme `p`.
    fn cell(
        &mut self,
        table: &mut LineTableBuilder,
        head: &Head,
        p: ProgrammeIx,
        j: usize,
        a: &RawAmount<'_>,
    ) -> Option<u32> {
        let at = usize::try_from(p.pos()).ok()?;
        if self.lines.len() <= at {
            self.lines.resize_with(at.checked_add(1)?, Vec::new);
        }
        let line = self.lines.get_mut(at)?;
        let written = a.written.map(|w| (w, a.precision));
        let seen = line.get_mut(j);
        if let (
            Some((w, precision)),
            Some(Seen {
                written: Some((was, then)),
                ix,
                ..
            }),
        ) = (written, &seen)
        {
            // Number by number: an array's `==` calls `memcmp`.
            if w[0] == was[0] && w[1] == was[1] && w[2] == was[2] && precision == *then {
                return Some(*ix);
            }
        }
        let cell = Cell {
            programme: p,
            contributor: head.contributor(a.contributor)?,
            year: head.year(a.year)?,
            funding: head.funding(a.funding)?,
            precision: a.precision.unwrap_or(head.precision),
        };
        let ix = match &seen {
            Some(seen) if seen.cell == cell => seen.ix,
            _ => table.intern(cell).ok()?,
        };
        let now = Seen { written, cell, ix };
        match seen {
            Some(seen) => *seen = now,
            // Positions fill in order, so `j` is the next.
            None => line.push(now),
        }
        Some(ix)
    }
}

/// Reads a line's `amounts` array at `s` into `amounts`; `written` is how
/// amounts were last seen written.
fn read_amounts<'t>(
    s: &mut Scanner<'t>,
    amounts: &mut Vec<RawAmount<'t>>,
    written: &mut Option<Written<'t>>,
) -> Option<()> {
    s.expect(b'[')?;
    s.ws();
    if s.peek() == Some(b']') {
        s.at = s.at.saturating_add(1);
        return Some(());
    }
    loop {
        let amount = match written.as_ref().and_then(|w| w.read(s)) {
            Some(a) => a,
            None => {
                let (a, learnt) = read_amount(s)?;
                if learnt.is_some() {
                    *written = learnt;
                }
                a
            }
        };
        amounts.push(amount);
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b']' => return Some(()),
            _ => return None,
        }
    }
}

/// Reads one amount object at `s`, field by field; with how it is written,
/// if it has the four fields of a string each and no other.
fn read_amount<'t>(s: &mut Scanner<'t>) -> Option<(RawAmount<'t>, Option<Written<'t>>)> {
    let open = s.at;
    s.expect(b'{')?;
    let (mut contributor, mut year, mut funding, mut amount, mut precision) = (None, None, None, None, None);
    // Each value's field and where its text starts and ends, in order (the
    // first four; `seen` counts them all).
    let mut values = [(0usize, 0usize, 0usize); 4];
    let mut seen = 0usize;
    loop {
        s.ws();
        let key = s.field(&AMOUNT_FIELDS)?;
        s.colon()?;
        let start = s.at.saturating_add(1);
        match key {
            0 => set(&mut contributor, s.plain_short()?)?,
            1 => set(&mut year, s.plain_short()?)?,
            2 => set(&mut funding, s.plain_short()?)?,
            // A JSON number is not money: the careful reader says so.
            3 => set(&mut amount, s.plain()?)?,
            // As `own_precision` reads it: `null` is exact.
            _ => set(&mut precision, s.parsed::<Option<Precision>>()?)?,
        }
        // The closing quote, for a string value.
        if let Some(v) = values.get_mut(seen) {
            *v = (key, start, s.at.saturating_sub(1));
        }
        seen = seen.saturating_add(1);
        s.ws();
        match s.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    let learnt = match (precision, seen, values) {
        // Four fields, none a precision: the four of a string each, once.
        (None, 4, [(f0, s0, e0), (f1, s1, e1), (f2, s2, e2), (f3, s3, e3)]) => {
            let bytes = s.text.as_bytes();
            Some(Written {
                parts: [
                    bytes.get(open..s0)?,
                    bytes.get(e0..s1)?,
                    bytes.get(e1..s2)?,
                    bytes.get(e2..s3)?,
                    bytes.get(e3..s.at)?,
                ],
                fields: [f0, f1, f2, f3],
            })
        }
        _ => None,
    };
    let ((contributor, c), (year, y), (funding, f)) = (contributor?, year?, funding?);
    let amount = RawAmount {
        contributor,
        year,
        funding,
        amount: amount?,
        precision,
        written: c.zip(y).zip(f).map(|((c, y), f)| [c, y, f]),
    };
    Some((amount, learnt))
}

/// How the amounts of a document are written, learnt from one read field
/// by field: the text around its four values (from its `{` to the first
/// value, between values, and from the last value to its `}`) and which
/// field each value is. An amount written the same way is read by comparing
/// that text and finding each value's closing quote; as the field-by-field
/// reader's steps depend only on the text, it reads the same amount.
struct Written<'t> {
    /// From the `{` to the first value's text; from each value's closing
    /// quote to the next value's text; from the last value's closing quote
    /// to the `}`, inclusive.
    parts: [&'t [u8]; 5],
    /// The field of each value, as in `AMOUNT_FIELDS`.
    fields: [usize; 4],
}

impl<'t> Written<'t> {
    /// The amount at `s`, if it is written this way (`s` is then past it;
    /// otherwise it has not moved).
    fn read(&self, s: &mut Scanner<'t>) -> Option<RawAmount<'t>> {
        let bytes = s.text.as_bytes();
        let [first, p1, p2, p3, last] = self.parts;
        let mut at = past(bytes, s.at, first)?;
        let mut values: [(&'t str, Option<u128>); 4] = [("", None); 4];
        // Each field once: they were distinct when learnt.
        for (field, part) in self.fields.iter().zip([p1, p2, p3, last]) {
            // The next piece starts with the value's closing quote, so a
            // value stopped by an escape or a control character is not read
            // this way.
            let end = s.string_stop(at)?;
            let text = s.text.get(at..end)?;
            *values.get_mut(*field)? = (text, short(bytes, at, text.len()));
            at = past(bytes, end, part)?;
        }
        let [(contributor, c), (year, y), (funding, f), (amount, _)] = values;
        s.at = at;
        Some(RawAmount {
            contributor,
            year,
            funding,
            amount,
            precision: None,
            written: c.zip(y).zip(f).map(|((c, y), f)| [c, y, f]),
        })
    }
}

/// The position after `part` at `at` in `bytes`, if `part` is there.
fn past(bytes: &[u8], at: usize, part: &[u8]) -> Option<usize> {
    let end = at.checked_add(part.len())?;
    (bytes.get(at..end)? == part).then_some(end)
}

/// The `len` bytes of a string's text at `at` in `bytes` as one number,
/// when there are at most sixteen (and sixteen follow `at`): its bytes,
/// first lowest, the rest zero. Two such strings are equal when their
/// numbers are, as a string without control characters has no zero byte.
fn short(bytes: &[u8], at: usize, len: usize) -> Option<u128> {
    if len > 16 {
        return None;
    }
    let w = word_16(bytes, at)?;
    // The low `len` bytes (`len` is at most 16, so the shift at most 120).
    let mask = match len {
        0 => 0,
        _ => u128::MAX >> (8 * (16 - len)),
    };
    Some(w & mask)
}

/// The fields of a scheme line, as `Scanner::field` finds them.
const LINE_FIELDS: [Name; 5] = [
    Name::new(b"id\""),
    Name::new(b"programme\""),
    Name::new(b"name\""),
    Name::new(b"attributes\""),
    Name::new(b"amounts\""),
];

/// The fields of an amount, as `Scanner::field` finds them.
const AMOUNT_FIELDS: [Name; 5] = [
    Name::new(b"contributor\""),
    Name::new(b"year\""),
    Name::new(b"funding\""),
    Name::new(b"amount\""),
    Name::new(b"precision\""),
];

/// A field's name and closing quote, also as sixteen bytes to compare with
/// the text at once.
struct Name {
    text: &'static [u8],
    /// `text`'s bytes, first lowest.
    bytes: u128,
    /// The bytes of a `u128` that `text` fills.
    mask: u128,
}

impl Name {
    /// `text`, of at most sixteen bytes (checked when compiled).
    const fn new(text: &'static [u8]) -> Name {
        assert!(!text.is_empty() && text.len() <= 16, "a name of 1 to 16 bytes");
        let mut bytes = 0u128;
        let mut i = 0;
        while i < text.len() {
            bytes |= (text[i] as u128) << (8 * i);
            i += 1;
        }
        let mask = if text.len() == 16 {
            u128::MAX
        } else {
            (1u128 << (8 * text.len())) - 1
        };
        Name { text, bytes, mask }
    }
}

/// Eight bytes, each a space.
const SPACES: u64 = u64::from_le_bytes([b' '; 8]);

/// Eight bytes, each 1.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// Eight bytes, each with its high bit alone set.
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of each byte of `w` less than `n` (at most 0x80), exact in
/// the lowest byte marked (a byte above it may be marked wrongly).
fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES.wrapping_mul(u64::from(n))) & !w & HIGHS
}

/// The high bit of each byte of `w` equal to `b`, exact in the lowest byte
/// marked.
fn equal(w: u64, b: u8) -> u64 {
    below(w ^ ONES.wrapping_mul(u64::from(b)), 1)
}

/// The eight bytes of `bytes` from `at`, first lowest, if there are eight.
fn word(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

/// The sixteen bytes of `bytes` from `at`, first lowest, if there are sixteen.
fn word_16(bytes: &[u8], at: usize) -> Option<u128> {
    Some(u128::from_le_bytes(
        bytes.get(at..at.checked_add(16)?)?.try_into().ok()?,
    ))
}

/// A position in the text of a JSON document.
struct Scanner<'t> {
    text: &'t str,
    /// The byte read next; at most the text's length.
    at: usize,
}

impl<'t> Scanner<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at = self.at.saturating_add(1);
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next()? == b).then_some(())
    }

    /// Moves past the colon after a key and the white space around it:
    /// `": "`, as written, at once.
    fn colon(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at..self.at.saturating_add(2)) == Some(b": ") {
            self.at = self.at.saturating_add(2);
        } else {
            self.ws();
            self.expect(b':')?;
        }
        self.ws();
        Some(())
    }

    /// Skips JSON white space (space, tab, line feed, carriage return),
    /// a run of spaces eight at a time.
    fn ws(&mut self) {
        loop {
            match self.peek() {
                Some(b' ') => {
                    let run = match word(self.text.as_bytes(), self.at) {
                        // The first non-space byte of the eight; at least one is a space.
                        Some(w) => ((w ^ SPACES).trailing_zeros() / 8) as usize,
                        None => 1,
                    };
                    self.at = self.at.saturating_add(run);
                }
                Some(b'\t' | b'\n' | b'\r') => self.at = self.at.saturating_add(1),
                _ => return,
            }
        }
    }

    /// From inside a string, the position of its closing quote, or of the
    /// first backslash or control character before it.
    fn string_stop(&self, mut at: usize) -> Option<usize> {
        while let Some(w) = word(self.text.as_bytes(), at) {
            let marks = equal(w, b'"') | equal(w, b'\\') | below(w, 0x20);
            if marks != 0 {
                return Some(at.saturating_add((marks.trailing_zeros() / 8) as usize));
            }
            at = at.saturating_add(8);
        }
        let rest = self.text.as_bytes().get(at..)?;
        let i = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        Some(at.saturating_add(i))
    }

    /// A string without escapes or control characters, as its text.
    fn plain(&mut self) -> Option<&'t str> {
        self.expect(b'"')?;
        let start = self.at;
        let end = self.string_stop(start)?;
        if self.text.as_bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.at = end.saturating_add(1);
        // Both ends are at an ASCII quote, so on character boundaries.
        self.text.get(start..end)
    }

    /// The position in `names` of the key at `at`; `None` for any other
    /// key, or a key with an escape.
    fn field(&mut self, names: &[Name]) -> Option<usize> {
        self.expect(b'"')?;
        let i = match word_16(self.text.as_bytes(), self.at) {
            Some(w) => names.iter().position(|n| w & n.mask == n.bytes)?,
            None => {
                let rest = self.text.as_bytes().get(self.at..)?;
                names.iter().position(|n| rest.starts_with(n.text))?
            }
        };
        self.at = self.at.saturating_add(names.get(i)?.text.len());
        Some(i)
    }

    /// A string without escapes or control characters, as its text and,
    /// when it has at most sixteen bytes (and sixteen follow its start in
    /// the text), as one number: its bytes, first lowest, the rest zero.
    /// Two such strings are equal when their numbers are, as neither has a
    /// zero byte.
    fn plain_short(&mut self) -> Option<(&'t str, Option<u128>)> {
        let start = self.at.saturating_add(1);
        let text = self.plain()?;
        Some((text, short(self.text.as_bytes(), start, text.len())))
    }

    /// A string, borrowed from the text when it has no escapes, decoded by
    /// serde_json when it has.
    fn text(&mut self) -> Option<Cow<'t, str>> {
        let at = self.at;
        match self.plain() {
            Some(t) => Some(Cow::Borrowed(t)),
            None => {
                self.at = at;
                self.parsed().map(Cow::Owned)
            }
        }
    }

    /// The JSON value at `at`, read by serde_json with `read` into the
    /// careful reader's types. Cut out of the text first, so that serde_json
    /// reads it alone; it must be the whole of what it reads.
    fn value<T>(
        &mut self,
        read: impl FnOnce(&mut serde_json::Deserializer<StrRead<'t>>) -> Result<T, serde_json::Error>,
    ) -> Option<T> {
        let start = self.at;
        self.skip_value()?;
        let mut de = serde_json::Deserializer::from_str(self.text.get(start..self.at)?);
        let value = read(&mut de).ok()?;
        de.end().ok()?;
        Some(value)
    }

    /// The JSON value at `at` as serde_json reads a `T` (see [`value`](Self::value)).
    fn parsed<T: Deserialize<'t>>(&mut self) -> Option<T> {
        self.value(|d| T::deserialize(d))
    }

    /// Moves past the JSON value at `at`, without checking it beyond where
    /// it ends: a string to its closing quote, an array or object to its
    /// matching bracket, anything else to the next delimiter. Its text is
    /// then read by serde_json, which checks it.
    fn skip_value(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let mut depth: usize = 0;
        loop {
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth = depth.checked_add(1)?;
                    self.at = self.at.saturating_add(1);
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.at = self.at.saturating_add(1);
                }
                _ if depth == 0 => {
                    let rest = bytes.get(self.at..)?;
                    let end = rest
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                        .unwrap_or(rest.len());
                    if end == 0 {
                        return None;
                    }
                    self.at = self.at.saturating_add(end);
                }
                _ => self.at = self.at.saturating_add(1),
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// Moves past the string at `at`, escapes and all.
    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            let stop = self.string_stop(self.at)?;
            match self.text.as_bytes().get(stop)? {
                b'"' => {
                    self.at = stop.saturating_add(1);
                    return Some(());
                }
                // Whatever is escaped, it is not the closing quote.
                b'\\' => self.at = stop.saturating_add(2),
                // A control character: serde_json refuses it.
                _ => self.at = stop.saturating_add(1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{write_plan_json, PlanDocument};
    use super::read;
    use crate::plan::Plan;

    /// What the careful reader builds from `text`, if anything.
    fn careful(text: &str) -> Option<Plan> {
        serde_json::from_str::<PlanDocument>(text)
            .ok()
            .filter(|d| d.format == super::FORMAT)?
            .into_plan()
            .ok()
    }

    #[test]
    fn the_fast_path_reads_what_the_careful_reader_reads() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_json(&plan).unwrap();
        assert_eq!(read(&text), Some(plan.clone()));
        assert_eq!(read(&text), careful(&text));
        // Every bad-input document: declined, or read as the careful reader reads it.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Some(fast) = read(&text) {
                assert_eq!(Some(fast), careful(&text), "{}", path.display());
            }
            seen += 1;
        }
        assert!(seen >= 8, "{seen} documents");
        // A joint split not adding to 100, a negative amount, an unknown
        // contributor, an amount as a JSON number: declined.
        for (from, to) in [
            ("\"amount\": \"1", "\"amount\": \"-1"),
            ("\"contributor\": \"wl_ccg\"", "\"contributor\": \"nobody\""),
            ("\"amount\": \"", "\"amount\": 1, \"x\": \""),
        ] {
            let bad = text.replacen(from, to, 1);
            assert_ne!(bad, text, "{from}");
            assert!(read(&bad).is_none(), "{to}");
        }
    }

    #[test]
    fn the_fast_path_reads_any_layout_and_names_with_escapes() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_json(&plan).unwrap();
        let sorted: serde_json::Value = serde_json::from_str(&text).unwrap();
        let escaped = text.replacen("\"First Contact Plus\"", "\"First \\\"Contact\\\" \\u00a3 Plus\"", 1);
        // The last scheme amount compact, its fields in another order.
        let contingency = text.find("\"contingency\"").unwrap();
        let last = text[..contingency]
            .rfind("        {\n          \"contributor\"")
            .unwrap();
        let end = last + text[last..].find('}').unwrap() + 1;
        let amount: serde_json::Value = serde_json::from_str(&text[last..end]).unwrap();
        let compact = format!(
            "{}{}{}",
            &text[..last],
            serde_json::to_string(&amount).unwrap(),
            &text[end..]
        );
        for t in [
            // Compact, keys sorted: lines before programmes, amounts before a line's programme.
            serde_json::to_string(&sorted).unwrap(),
            text.replace('\n', "\r\n").replace("  ", "\t"),
            escaped.clone(),
            compact,
        ] {
            let fast = read(&t);
            assert!(fast.is_some(), "{t}");
            assert_eq!(fast, careful(&t));
        }
        let renamed = read(&escaped).unwrap();
        assert_eq!(
            renamed.lines().iter().next().unwrap().name(),
            "First \"Contact\" £ Plus"
        );
        // The plan's precision after lines already read: left to the careful reader.
        let precision = "\"input_precision\": {\n    \"unit\": \"Thousands\",\n    \"decimals\": 1\n  },";
        let moved = text.replacen(precision, "", 1).replacen(
            "\"contingency\": [",
            &format!("{precision} \"contingency\": ["),
            1,
        );
        assert_ne!(moved, text);
        assert!(read(&moved).is_none());
        assert_eq!(careful(&moved), Some(plan));
    }

    /// Lines of one programme whose amounts name the same two ids in
    /// another order: each amount in its own cell, not the cell of the
    /// amount at its position on the line before. Ids of one letter, and
    /// of fifteen and sixteen bytes differing only in their last, where
    /// the ids are compared as numbers.
    #[test]
    fn short_ids_in_another_order_are_other_cells() {
        for (a, b) in [
            ("a", "b"),
            ("abcdefghijklmn1", "abcdefghijklmn2"),
            ("abcdefghijklmno1", "abcdefghijklmno2"),
        ] {
            let amount = |c: &str, x: &str| {
                format!(r#"{{"contributor": "{c}", "year": "2017/18", "funding": "s", "amount": "{x}"}}"#)
            };
            let text = format!(
                r#"{{"format": "bcf-model/plan@1", "name": "p", "years": ["2017/18"],
 "contributors": [{{"id": "{a}", "name": "A", "kind": "Ccg"}}, {{"id": "{b}", "name": "B", "kind": "Ccg"}}],
 "sources": [{{"id": "s", "name": "S", "kind": "NhsMinimum"}}], "groups": [],
 "allocations": [{{"source": "s", "contributor": "{a}", "year": "2017/18", "amount": "3"}},
   {{"source": "s", "contributor": "{b}", "year": "2017/18", "amount": "30"}}],
 "programmes": [{{"id": "P", "name": "P"}}],
 "lines": [{{"id": "l1", "programme": "P", "name": "one", "amounts": [{}, {}]}},
   {{"id": "l2", "programme": "P", "name": "two", "amounts": [{}, {}]}}]}}"#,
                amount(a, "1"),
                amount(b, "10"),
                amount(b, "20"),
                amount(a, "2"),
            );
            let fast = read(&text).expect("read fast");
            assert_eq!(Some(&fast), careful(&text).as_ref());
            let second: Vec<(&str, String)> = fast
                .lines()
                .iter()
                .nth(1)
                .unwrap()
                .amounts()
                .map(|x| {
                    (
                        fast.contributor(x.contributor).unwrap().id.as_str(),
                        x.amount.to_string(),
                    )
                })
                .collect();
            assert_eq!(second, [(b, "£20.00".to_string()), (a, "£2.00".to_string())]);
            // An empty id: unknown, and nothing to compare.
            let empty = text.replacen(&format!("\"contributor\": \"{b}\""), "\"contributor\": \"\"", 2);
            assert!(read(&empty).is_none());
        }
    }

    #[cfg(feature = "proptest")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        #[test]
        fn generated_plans_read_fast_as_the_careful_reader_reads_them(
            plan in crate::strategies::balanced_plan(crate::strategies::PlanShape::default()),
        ) {
            let text = write_plan_json(&plan).unwrap();
            let fast = read(&text);
            proptest::prop_assert_eq!(fast.as_ref(), Some(&plan));
            proptest::prop_assert_eq!(fast, careful(&text));
        }
    }
}
