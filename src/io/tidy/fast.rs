//! The tidy reader's fast path, for files that need no error report.
//!
//! A large tidy file is almost all `line` rows. This path reads them without
//! making a string per cell or per amount: fields are slices of the text,
//! ids are looked up in small tables, and each line goes straight into the
//! plan's column-wise line table. Every other row goes through the careful
//! reader's own row handling, so their rules are written once.
//!
//! The fast path gives up (returns `None`) at the first thing it does not
//! expect: a CSV feature it does not read (an escaped quote, a lone carriage
//! return, a quote inside a field), a row in an error, an id not yet
//! declared, a line whose rows are not together, or a plan the builder
//! refuses. The careful reader then reads the whole file again and reports
//! every error with its line and column. On files both accept, the two give
//! equal plans (tested on every file of the test corpus and on random plans).

use foldhash::HashMap;

use super::read::{set_attribute, Reading};
use super::{
    AMOUNT, CONTRIBUTOR, FUNDING, HEADER, HEADER_WITHOUT_PRECISION, ID, KIND, NAME, PRECISION, PROGRAMME, TEXT_COLUMNS,
    YEAR,
};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, Unit};
use crate::plan::{
    Cell, ContributorIx, Funding, GroupIx, LineAttributes, LineTableBuilder, Plan, PlanKey, ProgrammeIx, SourceIx,
};

/// Reads `text` (without its byte-order mark) if it is a valid tidy plan
/// written plainly; `None` sends it to the careful reader.
pub(super) fn read(text: &str) -> Option<Plan> {
    let mut scanner = Scanner { text, pos: 0 };
    let mut cells: Vec<&str> = Vec::with_capacity(HEADER.len());
    if !scanner.next_record(&mut cells)? {
        return None;
    }
    let width = cells.len();
    if width != HEADER.len() && width != HEADER_WITHOUT_PRECISION {
        return None;
    }
    for (got, expected) in cells.iter().zip(HEADER) {
        if !got.trim().eq_ignore_ascii_case(expected) {
            return None;
        }
    }
    let mut reading = Reading::new("", width);
    let mut head: Option<Head> = None;
    // A tidy file is almost all amount rows: as many amounts as lines of
    // text, and some fraction of that many scheme lines. Sized once, the
    // columns are not copied as they grow.
    let rows = text.bytes().filter(|b| *b == b'\n').count();
    let mut lines = LineTableBuilder::with_capacity(rows / 4, rows, 0);
    // Ids are hashed with foldhash, not SipHash: a hash per line and per
    // amount, the reader's largest cost (see BENCHMARKS.md).
    let mut line_ix: HashMap<&str, usize> = HashMap::with_capacity_and_hasher(rows / 4, Default::default());
    let mut current: Option<(&str, &str, &str, ProgrammeIx)> = None;
    let mut attributes: Vec<[&str; 3]> = Vec::new();
    while scanner.next_record(&mut cells)? {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let record = cells.first()?.trim();
        if record.eq_ignore_ascii_case("line") {
            if cells.len() != width || !cell(&cells, KIND).trim().is_empty() {
                return None;
            }
            // Guarded text (a leading `'`) is left to the careful reader.
            if TEXT_COLUMNS.iter().any(|i| cell(&cells, *i).starts_with('\'')) {
                return None;
            }
            let head = match &mut head {
                Some(h) => h,
                None => head.insert(Head::of(&reading)?),
            };
            let (id, name, programme) = (cell(&cells, ID), cell(&cells, NAME), cell(&cells, PROGRAMME));
            if id.trim().is_empty() {
                return None;
            }
            let p = match current {
                Some((cid, cname, cprog, p)) if cid == id => {
                    if cname != name || cprog != programme {
                        return None;
                    }
                    p
                }
                _ => {
                    let p = head.programme(programme)?;
                    if line_ix.insert(id, lines.len()).is_some() {
                        return None; // rows of one line apart, or a repeated id
                    }
                    lines.push_line(id, name, p, LineAttributes::default()).ok()?;
                    current = Some((id, name, programme, p));
                    p
                }
            };
            let (c, y, f, a, pr) = (
                cell(&cells, CONTRIBUTOR),
                cell(&cells, YEAR),
                cell(&cells, FUNDING),
                cell(&cells, AMOUNT),
                cell(&cells, PRECISION).trim(),
            );
            if [c, y, f, a, pr].iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let (amount, precision) = if a.trim().is_empty() {
                // A blank amount is an exact zero, and has no precision.
                if !pr.is_empty() && !pr.eq_ignore_ascii_case("exact") {
                    return None;
                }
                (Money::ZERO, None)
            } else {
                let precision = if pr.is_empty() {
                    head.precision
                } else if pr.eq_ignore_ascii_case("exact") {
                    None
                } else {
                    Some(pr.parse::<Precision>().ok()?)
                };
                (Money::parse(a, Unit::Pounds).ok()?, precision)
            };
            if amount.is_negative() {
                return None;
            }
            let cell = Cell {
                programme: p,
                contributor: head.contributor(c)?,
                year: head.year(y)?,
                funding: head.funding(f)?,
                precision,
            };
            lines.push_amount(cell, amount).ok()?;
        } else if record.eq_ignore_ascii_case("attribute") {
            if cells.len() != width
                || TEXT_COLUMNS.iter().any(|i| cell(&cells, *i).starts_with('\''))
                || [PROGRAMME, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION]
                    .iter()
                    .any(|i| !cell(&cells, *i).trim().is_empty())
            {
                return None;
            }
            let (id, kind) = (cell(&cells, ID), cell(&cells, KIND));
            if id.trim().is_empty() || kind.trim().is_empty() {
                return None;
            }
            attributes.push([id, kind.trim(), cell(&cells, NAME)]);
        } else {
            // What lines refer to must come before them.
            let declares = ["plan", "year", "contributor", "source", "group", "programme"];
            if head.is_some() && declares.iter().any(|d| record.eq_ignore_ascii_case(d)) {
                return None;
            }
            reading.record(0, cells.clone());
        }
    }
    reading.settle();
    if !reading.errors.is_empty() {
        return None;
    }
    // Attributes apply in file order, after every line is known: grouped
    // by line (a stable sort keeps each line's rows in file order), each
    // line's set built and handed to the table, which keeps each distinct
    // set once, before the next is built. No set is held per line.
    let mut by_line: Vec<(usize, [&str; 3])> = Vec::with_capacity(attributes.len());
    for [id, kind, value] in attributes {
        by_line.push((*line_ix.get(id)?, [id, kind, value]));
    }
    by_line.sort_by_key(|(li, _)| *li);
    let mut rows = by_line.iter().peekable();
    while let Some((li, [_, kind, value])) = rows.next() {
        let mut a = LineAttributes::default();
        set_attribute(&mut a, kind, value).ok()?;
        while let Some((_, [_, kind, value])) = rows.next_if(|(next, _)| next == li) {
            set_attribute(&mut a, kind, value).ok()?;
        }
        lines.set_attributes(*li, a).ok()?;
    }
    reading.doc.into_builder().resolved_lines(lines).build().ok()
}

/// Cell `i` of a record (blank if the record is short).
fn cell<'t>(cells: &[&'t str], i: usize) -> &'t str {
    cells.get(i).copied().unwrap_or("")
}

/// What line rows refer to, by position as the plan builder numbers them.
struct Head {
    /// The plan row's precision: that of every amount not saying otherwise.
    precision: Option<Precision>,
    contributors: Ids,
    funding: Ids,
    sources: usize,
    programmes: Ids,
    years: Vec<(String, FinancialYear)>,
}

impl Head {
    /// The ids declared so far; `None` if one is repeated (an error the
    /// careful reader reports).
    fn of(reading: &Reading<'_>) -> Option<Head> {
        let doc = &reading.doc;
        Some(Head {
            precision: doc.input_precision,
            contributors: Ids::new(doc.contributors.iter().map(|c| c.id.as_str()))?,
            funding: Ids::new(
                doc.sources
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(doc.groups.iter().map(|g| g.id.as_str())),
            )?,
            sources: doc.sources.len(),
            programmes: Ids::new(doc.programmes.iter().map(|p| p.id.as_str()))?,
            years: doc.years.iter().map(|y| (y.to_string(), *y)).collect(),
        })
    }

    fn contributor(&self, id: &str) -> Option<ContributorIx> {
        Some(ContributorIx::new(PlanKey::default(), self.contributors.get(id)?))
    }

    fn programme(&self, id: &str) -> Option<ProgrammeIx> {
        Some(ProgrammeIx::new(PlanKey::default(), self.programmes.get(id)?))
    }

    fn funding(&self, id: &str) -> Option<Funding> {
        let i = self.funding.get(id)?;
        let sources = u32::try_from(self.sources).ok()?;
        Some(match i.checked_sub(sources) {
            None => Funding::Source(SourceIx::new(PlanKey::default(), i)),
            Some(g) => Funding::Group(GroupIx::new(PlanKey::default(), g)),
        })
    }

    /// A year of the plan, as written or as the careful reader parses it.
    fn year(&self, text: &str) -> Option<FinancialYear> {
        let text = text.trim();
        if let Some((_, y)) = self.years.iter().find(|(t, _)| t == text) {
            return Some(*y);
        }
        let y: FinancialYear = text.parse().ok()?;
        self.years.iter().any(|(_, p)| *p == y).then_some(y)
    }
}

/// Ids and their positions: a scan while there are few, a hash map beyond.
struct Ids {
    list: Vec<(String, u32)>,
    map: Option<HashMap<String, u32>>,
}

impl Ids {
    fn new<'a>(ids: impl Iterator<Item = &'a str>) -> Option<Ids> {
        let mut map = HashMap::default();
        let mut list = Vec::new();
        for (i, id) in ids.enumerate() {
            let i = u32::try_from(i).ok()?;
            if map.insert(id.to_string(), i).is_some() {
                return None;
            }
            list.push((id.to_string(), i));
        }
        let map = (list.len() > 16).then_some(map);
        Some(Ids { list, map })
    }

    fn get(&self, id: &str) -> Option<u32> {
        match &self.map {
            Some(m) => m.get(id).copied(),
            None => self.list.iter().find(|(k, _)| k == id).map(|(_, i)| *i),
        }
    }
}

/// Splits CSV text into records whose fields are slices of the text, for
/// the plain CSV the fast path reads: fields separated by commas, records by
/// LF or CRLF, a field either unquoted with no quote in it or wholly quoted
/// with no quote inside. Anything else returns `None`.
struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Scanner<'t> {
    /// Reads the next record into `out`: `Some(true)` if there was one,
    /// `Some(false)` at the end, `None` for CSV this scanner does not read.
    fn next_record(&mut self, out: &mut Vec<&'t str>) -> Option<bool> {
        out.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return Some(false);
        }
        loop {
            let start = self.pos;
            let (field, end) = if bytes.get(start) == Some(&b'"') {
                let inner = start.checked_add(1)?;
                let close = inner.checked_add(bytes.get(inner..)?.iter().position(|b| *b == b'"')?)?;
                (self.text.get(inner..close)?, close.checked_add(1)?)
            } else {
                let rest = bytes.get(start..)?;
                let len = rest
                    .iter()
                    .position(|b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                    .unwrap_or(rest.len());
                let end = start.checked_add(len)?;
                (self.text.get(start..end)?, end)
            };
            out.push(field);
            match bytes.get(end) {
                None => {
                    self.pos = end;
                    return Some(true);
                }
                Some(b',') => self.pos = end.checked_add(1)?,
                Some(b'\n') => {
                    self.pos = end.checked_add(1)?;
                    return Some(true);
                }
                Some(b'\r') if bytes.get(end.checked_add(1)?) == Some(&b'\n') => {
                    self.pos = end.checked_add(2)?;
                    return Some(true);
                }
                Some(_) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{fast, read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
    use super::*;

    fn records(text: &str) -> Option<Vec<Vec<&str>>> {
        let mut s = Scanner { text, pos: 0 };
        let mut out = Vec::new();
        let mut cells = Vec::new();
        while s.next_record(&mut cells)? {
            out.push(cells.clone());
        }
        Some(out)
    }

    #[test]
    fn the_scanner_reads_plain_csv_and_refuses_the_rest() {
        assert_eq!(
            records("a,b\r\n\"1,2\",\n\nx").unwrap(),
            vec![vec!["a", "b"], vec!["1,2", ""], vec![""], vec!["x"]]
        );
        assert_eq!(records("a,\"b\"\"c\"\n"), None);
        assert_eq!(records("a,b\"c\n"), None);
        assert_eq!(records("a,\"b\"c\n"), None);
        assert_eq!(records("a\rb\n"), None);
        assert_eq!(records("a,\"unclosed\n"), None);
    }

    #[test]
    fn the_fast_path_reads_written_plans_and_leaves_the_rest_to_the_reference() {
        let plan = crate::data::leicestershire::expenditure_plan().unwrap().plan;
        let text = write_plan_tidy(&plan);
        assert_eq!(fast::read(&text), Some(plan.clone()));

        // Rows of one line apart: the fast path declines, the reference reads it.
        let mut rows: Vec<&str> = text.lines().collect();
        let first_line_row = rows.iter().position(|r| r.starts_with("line,")).unwrap();
        let moved = rows.remove(first_line_row);
        let last_line_row = rows.iter().rposition(|r| r.starts_with("line,")).unwrap();
        rows.insert(last_line_row + 1, moved);
        let shuffled = rows.join("\n") + "\n";
        assert_eq!(fast::read(&shuffled), None);
        let reread = read_plan_tidy("p.csv", &shuffled).unwrap();
        assert_eq!(reread, read_plan_tidy_reference("p.csv", &shuffled).unwrap());
        assert_eq!(reread.lines().len(), plan.lines().len());

        // An escaped quote in a name: declined, read by the reference.
        let row = text.lines().find(|r| r.starts_with("programme,BCF1,")).unwrap();
        let quoted = text.replacen(row, "programme,BCF1,\"The \"\"One\"\"\",,,,,,,", 1);
        assert_eq!(fast::read(&quoted), None);
        let reread = read_plan_tidy("p.csv", &quoted).unwrap();
        assert_eq!(reread.programmes().first().unwrap().name, "The \"One\"");

        // An error: declined, and the reference names the row.
        let bad = text.replacen(",2017/18,", ",2031/32,", 1);
        assert_eq!(fast::read(&bad), None);
        assert!(read_plan_tidy("p.csv", &bad).is_err());
    }
}
