//! Plans as a tidy (long) CSV: one row per thing, and one row per line ×
//! contributor × year × funding for the money, the shape a spreadsheet
//! export gives. [`read_plan_tidy`] reads it, [`write_plan_tidy`] writes it.
//!
//! The header is exactly
//!
//! ```text
//! record,id,name,kind,programme,contributor,year,funding,amount
//! ```
//!
//! and each row's `record` says what it is and which columns it uses; the
//! other columns must be blank:
//!
//! | record | columns used | |
//! |---|---|---|
//! | `plan` | `name`, `kind` | exactly one; `kind` is the input precision, `Thousands:1` (unit `Pounds`, `Thousands` or `Millions`, and decimals), or blank |
//! | `year` | `year` | one per financial year, `2017/18` |
//! | `contributor` | `id`, `name`, `kind` | kind `Ccg`, `Icb`, `CountyCouncil`, `DistrictCouncil`, `UnitaryCouncil`, `Other` |
//! | `source` | `id`, `name`, `kind` | kind `NhsMinimum`, `NhsAdditional`, `Dfg`, `IbcfSpringBudget2017`, `IbcfSpendingReview2015`, `WinterPressures`, `AdditionalLa`, `DischargeFund` or `Custom:<name>` |
//! | `group` | `id`, `name` | a group of sources funding lines jointly |
//! | `member` | `id`, `funding` | the group `id` has the source `funding` as a member |
//! | `allocation` | `contributor`, `year`, `funding`, `amount` | income of source `funding` |
//! | `programme` | `id`, `name` | |
//! | `line` | `id`, `name`, `programme`, `contributor`, `year`, `funding`, `amount` | a scheme line and one of its amounts; rows with the same `id` are the same line and must repeat its name and programme |
//! | `attribute` | `id`, `kind`, `name` | an attribute of scheme line `id`: `kind` is `scheme_type`, `area_of_spend`, `provider`, `ibcf_code`, `subgroup` (free text in `name`), `commissioner` (`LocalAuthority`, `Nhs`, `Joint:<nhs %>:<la %>`), `new_or_existing` (`New`, `Existing`) or `flag` (`NhsProtected`, `MaintainsSocialCare`, `NhsCommissionedOutOfHospital`, `NonRecurrent`, `Other:<name>`) |
//! | `contingency` | `id`, `name`, `kind`, `contributor`, `year`, `funding`, `amount` | as `line`; kind `Contingency`, `RiskPool`, `CostImprovementTarget` or `Other:<name>` |
//!
//! **Amounts are in pounds**: `1367300`, `1,367,300.00`, `£1,367,300`,
//! `-840600` and `(840,600)` are all read exactly; anything else (`1e30`,
//! `1,36.7`, `3.3m`, more than 28 significant digits) is an error.
//!
//! **Blank means zero in one place only**: a blank `amount` on an
//! `allocation`, `line` or `contingency` row whose `contributor`, `year` and
//! `funding` are given. A `line` or `contingency` row with `contributor`,
//! `year`, `funding` and `amount` all blank declares the line with no amount
//! on that row. Every other required cell must be filled. Rows whose cells
//! are all blank are skipped.
//!
//! Ids and names are taken exactly as written (no trimming); record names,
//! kinds, years and amounts may have spaces around them. The file may start
//! with a UTF-8 byte-order mark and use CRLF line ends; line numbers in
//! errors count physical lines either way.
//!
//! ```
//! use bcf_model::io::tidy::read_plan_tidy;
//!
//! let csv = "\
//! record,id,name,kind,programme,contributor,year,funding,amount
//! plan,,My BCF,Pounds:0,,,,,
//! year,,,,,,2017/18,,
//! contributor,ccg,Example CCG,Ccg,,,,,
//! source,min,NHS minimum,NhsMinimum,,,,,
//! allocation,,,,,ccg,2017/18,min,\"£4,132,000\"
//! programme,BCF2,Home First,,,,,,
//! line,reablement,Reablement,,BCF2,ccg,2017/18,min,\"4,000,000\"
//! contingency,risk,Risk pool,RiskPool,,ccg,2017/18,min,132000
//! ";
//! let plan = read_plan_tidy("plan.csv", csv)?;
//! assert_eq!(plan.lines().len(), 1);
//!
//! let bad = csv.replace("\"4,000,000\"", "4e6");
//! let err = read_plan_tidy("plan.csv", &bad).unwrap_err();
//! assert_eq!(err.to_string(),
//!     "plan.csv:line 8, column amount, value \"4e6\": unexpected character 'e' at position 1; \
//!      expected an amount in pounds such as 1367300, £1,367,300.00 or (840.6)");
//! # Ok::<(), bcf_model::io::LoadErrors>(())
//! ```

mod fast;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::json::{
    money_text, AllocationDocument, AmountDocument, ContingencyDocument, LineDocument, PlanDocument, FORMAT,
};
use super::{csv_error, LineCounter, LoadError, LoadErrorKind, LoadErrors};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, Unit};
use crate::plan::{
    Commissioner, ContingencyKind, Contributor, ContributorKind, Field, FundingGroup, FundingSource, FundingSourceKind,
    Item, LineAttributes, LineFlag, NewOrExisting, Plan, Programme,
};

/// The columns of a tidy plan file, in order. Files written before the
/// `precision` column existed (the first nine columns only) are read too.
pub const HEADER: [&str; 10] = [
    "record",
    "id",
    "name",
    "kind",
    "programme",
    "contributor",
    "year",
    "funding",
    "amount",
    "precision",
];

/// The columns of a tidy plan file written before amounts had their own
/// precision.
const HEADER_WITHOUT_PRECISION: usize = 9;

const ID: usize = 1;
const NAME: usize = 2;
const KIND: usize = 3;
const PROGRAMME: usize = 4;
const CONTRIBUTOR: usize = 5;
const YEAR: usize = 6;
const FUNDING: usize = 7;
const AMOUNT: usize = 8;
const PRECISION: usize = 9;

const RECORDS: &str =
    "plan, year, contributor, source, group, member, allocation, programme, line, attribute or contingency";

/// Whether `text` looks like a tidy plan file: its first field is `record`.
#[must_use]
pub(crate) fn is_tidy(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first = first_line.split(',').next().unwrap_or("");
    first.trim().trim_matches('"').eq_ignore_ascii_case("record")
}

/// Where each item of the document was read from (file lines).
#[derive(Default)]
struct Lines {
    years: Vec<u64>,
    contributors: Vec<u64>,
    sources: Vec<u64>,
    groups: Vec<u64>,
    members: Vec<Vec<u64>>,
    allocations: Vec<u64>,
    programmes: Vec<u64>,
    lines: Vec<u64>,
    line_amounts: Vec<Vec<u64>>,
    contingency: Vec<u64>,
    contingency_amounts: Vec<Vec<u64>>,
}

impl Lines {
    fn of(&self, item: Item) -> Option<u64> {
        let nested = |v: &Vec<Vec<u64>>, i: usize, j: usize| v.get(i).and_then(|r| r.get(j)).copied();
        match item {
            Item::Plan => None,
            Item::Year(i) => self.years.get(i).copied(),
            Item::Contributor(i) => self.contributors.get(i).copied(),
            Item::Source(i) => self.sources.get(i).copied(),
            Item::Group(i) => self.groups.get(i).copied(),
            Item::Member(i, j) => nested(&self.members, i, j),
            Item::Allocation(i) => self.allocations.get(i).copied(),
            Item::Programme(i) => self.programmes.get(i).copied(),
            Item::Line(i) => self.lines.get(i).copied(),
            Item::LineAmount(i, j) => nested(&self.line_amounts, i, j),
            Item::Contingency(i) => self.contingency.get(i).copied(),
            Item::ContingencyAmount(i, j) => nested(&self.contingency_amounts, i, j),
        }
    }
}

/// The column an item's field was read from.
fn column_of(item: Item, field: Field) -> &'static str {
    match (item, field) {
        (Item::Year(_), _) => "year",
        (Item::Member(..), _) => "funding",
        (_, Field::Whole | Field::Attributes) => "(row)",
        (_, field) => field.name().unwrap_or("(row)"),
    }
}

/// The name of column `i`, one of the constants above.
fn column_name(i: usize) -> &'static str {
    HEADER.get(i).expect("a column index constant is within the header")
}

/// The columns holding free text (ids and names), which the writer guards
/// against being run as formulas.
const TEXT_COLUMNS: [usize; 5] = [ID, NAME, PROGRAMME, CONTRIBUTOR, FUNDING];

/// Text a spreadsheet would run as a formula (or that begins with the guard
/// itself) is written with a leading `'`, which reading removes.
fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A text cell with its formula guard (a leading `'`) removed.
fn unguard(text: &str) -> &str {
    text.strip_prefix('\'').unwrap_or(text)
}

/// Reads a plan from tidy CSV text named `source` (for error messages).
///
/// Every bad cell is reported, with its line, column and value; then every
/// structural problem (duplicate ids, unknown contributors, funding or years,
/// amounts of a sign their line does not allow, an amount given twice), each
/// at the row and column it was read from. The plan is built only if there
/// are none. See the [module documentation](self) for the format.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`], in three stages, each reached only
/// if the one before found none:
///
/// - the header: one error if it is malformed CSV ([`LoadErrorKind::Syntax`])
///   or the file is empty ([`LoadErrorKind::Layout`]), else every column that
///   is missing, not the expected one or extra ([`LoadErrorKind::Layout`]);
/// - the rows: a row with a different number of fields from the header or
///   malformed CSV ([`LoadErrorKind::Syntax`]); a second `plan` row, no `plan`
///   row or no rows at all ([`LoadErrorKind::Layout`]); and each bad cell
///   ([`LoadErrorKind::Value`]): an unknown record type, a required cell left
///   blank or a cell that must be blank filled in, a year, amount, precision or
///   kind that cannot be read, a repeated line whose name or programme differs,
///   a `member` or `attribute` row naming no group or line, or a bad attribute;
/// - the plan: every rule the [`PlanBuilder`](crate::plan::PlanBuilder) finds
///   broken ([`LoadErrorKind::Plan`]), at the row and column it was read from.
pub fn read_plan_tidy(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match fast::read(text) {
        Some(plan) => Ok(plan),
        None => read_plan_tidy_reference(source, text),
    }
}

/// Reads a plan from tidy CSV text the straightforward way: row by row into
/// a plan document (as in [`json`](super::json)), collecting every error with where it is, then through
/// the [`PlanBuilder`](crate::plan::PlanBuilder).
///
/// [`read_plan_tidy`] first tries a fast path that reads plainly written,
/// valid files without a string per cell, and falls back to this reader
/// for anything else, so errors are always reported by this one. Both give
/// equal plans; this one is the reference the fast path is tested against.
///
/// # Errors
///
/// Exactly those listed for [`read_plan_tidy`], whose errors all come from this
/// reader: header problems, then bad rows and cells, then broken plan rules, as
/// [`LoadErrors`].
///
/// ```
/// use bcf_model::io::tidy::{read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
///
/// let text = write_plan_tidy(&bcf_model::data::leicestershire::expenditure_plan()?.plan);
/// assert_eq!(read_plan_tidy("p.csv", &text)?, read_plan_tidy_reference("p.csv", &text)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_plan_tidy_reference(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut counter = LineCounter::new(text);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(LoadErrors::one(csv_error(source, &e, &mut counter))),
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(LoadErrors::one(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "the file is empty",
        )));
    }
    let width = check_header(source, &headers)?;

    let mut reading = Reading::new(source, width);
    for item in crate::io::numbered_records(source, text, &mut reader) {
        match item {
            Ok((line, record)) => reading.record(line, record.iter().collect()),
            Err(e) => reading.errors.push(e),
        }
    }
    reading.settle();
    reading.build()
}

/// Checks the header: the nine columns `record` to `amount`, then
/// optionally `precision` (files written before amounts had their own
/// precision have nine). Returns the number of columns.
fn check_header(source: &str, headers: &csv::StringRecord) -> Result<usize, LoadErrors> {
    let mut errors = Vec::new();
    let header_text = HEADER.join(",");
    for (i, expected) in HEADER.iter().enumerate().take(HEADER_WITHOUT_PRECISION) {
        match headers.get(i) {
            Some(got) if got.trim().eq_ignore_ascii_case(expected) => {}
            Some(got) => errors.push(
                LoadError::cell(
                    source,
                    1,
                    &format!("column {}", i + 1),
                    got,
                    format!("expected the column {expected:?} (the header is {header_text})"),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
            None => errors.push(
                LoadError::cell(
                    source,
                    1,
                    expected,
                    "",
                    format!("the column {expected:?} is missing (the header is {header_text})"),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
        }
    }
    for (i, extra) in headers.iter().enumerate().skip(HEADER_WITHOUT_PRECISION) {
        let is_precision = i == PRECISION && extra.trim().eq_ignore_ascii_case("precision");
        if !is_precision {
            errors.push(LoadError::cell(
                source,
                1,
                &format!("column {}", i + 1),
                extra,
                format!(
                    "unexpected column: {} columns where 9 or 10 are expected ({header_text}; precision may be left out)",
                    headers.len()
                ),
            )
            .with_kind(LoadErrorKind::Layout));
            break;
        }
    }
    if errors.is_empty() {
        Ok(headers.len())
    } else {
        Err(LoadErrors::new(errors))
    }
}

/// A tidy file being read into a [`PlanDocument`], with where each item
/// came from and every error so far.
struct Reading<'a> {
    source: &'a str,
    /// The number of columns of the file (9, or 10 with `precision`).
    width: usize,
    doc: PlanDocument,
    at: Lines,
    plan_line: Option<u64>,
    line_ix: BTreeMap<String, usize>,
    contingency_ix: BTreeMap<String, usize>,
    members: Vec<(u64, String, String)>,
    attributes: Vec<(u64, String, String, String)>,
    rows: usize,
    errors: Vec<LoadError>,
}

impl<'a> Reading<'a> {
    fn new(source: &'a str, width: usize) -> Reading<'a> {
        Reading {
            source,
            width,
            doc: PlanDocument {
                format: FORMAT.to_string(),
                name: String::new(),
                input_precision: None,
                years: Vec::new(),
                contributors: Vec::new(),
                sources: Vec::new(),
                groups: Vec::new(),
                allocations: Vec::new(),
                programmes: Vec::new(),
                lines: Vec::new(),
                contingency: Vec::new(),
            },
            at: Lines::default(),
            plan_line: None,
            line_ix: BTreeMap::new(),
            contingency_ix: BTreeMap::new(),
            members: Vec::new(),
            attributes: Vec::new(),
            rows: 0,
            errors: Vec::new(),
        }
    }

    /// Reads one row, found at file line `line`.
    fn record(&mut self, line: u64, cells: Vec<&str>) {
        let Reading {
            source,
            width,
            doc,
            at,
            plan_line,
            line_ix,
            contingency_ix,
            members,
            attributes,
            rows,
            errors,
        } = self;
        let source: &str = source;
        if cells.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        *rows = rows.saturating_add(1);
        if cells.len() != *width {
            errors.push(
                LoadError::cell(
                    source,
                    line,
                    "(row)",
                    &format!("{} fields", cells.len()),
                    format!("expected {width} fields as in the header (a truncated row, or an unclosed quote?)"),
                )
                .with_kind(LoadErrorKind::Syntax),
            );
            return;
        }
        let mut row = Row {
            source,
            line,
            cells,
            errors,
        };
        let kind = row.raw(0).trim().to_ascii_lowercase();
        match kind.as_str() {
            "plan" => {
                row.blank_except(&[NAME, KIND], "plan");
                if let Some(first) = *plan_line {
                    row.error(
                        "record",
                        &format!("the plan row is given twice (first at line {first})"),
                    );
                    if let Some(e) = row.errors.last_mut() {
                        e.kind = LoadErrorKind::Layout;
                    }
                } else {
                    *plan_line = Some(line);
                    doc.name = row.raw(NAME).to_string();
                    doc.input_precision = row.precision();
                }
            }
            "year" => {
                row.blank_except(&[YEAR], "year");
                if let Some(y) = row.year() {
                    doc.years.push(y);
                    at.years.push(line);
                }
            }
            "contributor" => {
                row.blank_except(&[ID, NAME, KIND], "contributor");
                let (id, kind) = (row.id(), row.contributor_kind());
                if let (Some(id), Some(kind)) = (id, kind) {
                    doc.contributors.push(Contributor {
                        id,
                        name: row.raw(NAME).to_string(),
                        kind,
                    });
                    at.contributors.push(line);
                }
            }
            "source" => {
                row.blank_except(&[ID, NAME, KIND], "source");
                let (id, kind) = (row.id(), row.source_kind());
                if let (Some(id), Some(kind)) = (id, kind) {
                    doc.sources.push(FundingSource {
                        id,
                        name: row.raw(NAME).to_string(),
                        kind,
                    });
                    at.sources.push(line);
                }
            }
            "group" => {
                row.blank_except(&[ID, NAME], "group");
                if let Some(id) = row.id() {
                    doc.groups.push(FundingGroup {
                        id,
                        name: row.raw(NAME).to_string(),
                        members: Vec::new(),
                    });
                    at.groups.push(line);
                    at.members.push(Vec::new());
                }
            }
            "member" => {
                row.blank_except(&[ID, FUNDING], "member");
                let (id, funding) = (row.id(), row.required(FUNDING, "a funding source id"));
                if let (Some(id), Some(funding)) = (id, funding) {
                    members.push((line, id, funding));
                }
            }
            "allocation" => {
                row.blank_except(&[CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION], "allocation");
                let contributor = row.required(CONTRIBUTOR, "a contributor id");
                let year = row.year();
                let funding = row.required(FUNDING, "a funding source id");
                let amount = row.amount();
                if let (Some(contributor), Some(year), Some(source), Some((amount, precision))) =
                    (contributor, year, funding, amount)
                {
                    doc.allocations.push(AllocationDocument {
                        source,
                        contributor,
                        year,
                        amount,
                        precision,
                    });
                    at.allocations.push(line);
                }
            }
            "programme" => {
                row.blank_except(&[ID, NAME], "programme");
                if let Some(id) = row.id() {
                    doc.programmes.push(Programme {
                        id,
                        name: row.raw(NAME).to_string(),
                    });
                    at.programmes.push(line);
                }
            }
            "line" => {
                row.blank_except(
                    &[ID, NAME, PROGRAMME, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION],
                    "line",
                );
                let id = row.id();
                let amount = row.line_amount();
                let (Some(id), Some(amount)) = (id, amount) else {
                    return;
                };
                let (name, programme) = (row.raw(NAME), row.raw(PROGRAMME));
                let i = match line_ix.get(&id) {
                    Some(&i) => {
                        if let (Some(l), Some(first)) = (doc.lines.get(i), at.lines.get(i)) {
                            if l.name != name {
                                row.error_at(
                                    "name",
                                    name,
                                    &format!("line {id:?} is named {:?} at line {first}", l.name),
                                );
                            }
                            if l.programme != programme {
                                row.error_at(
                                    "programme",
                                    programme,
                                    &format!("line {id:?} is in programme {:?} at line {first}", l.programme),
                                );
                            }
                        }
                        i
                    }
                    None => {
                        let i = doc.lines.len();
                        doc.lines.push(LineDocument {
                            id: id.clone(),
                            programme: programme.to_string(),
                            name: name.to_string(),
                            attributes: LineAttributes::default(),
                            amounts: Vec::new(),
                        });
                        at.lines.push(line);
                        at.line_amounts.push(Vec::new());
                        line_ix.insert(id, i);
                        i
                    }
                };
                if let (Some(a), Some(l), Some(ls)) = (amount, doc.lines.get_mut(i), at.line_amounts.get_mut(i)) {
                    l.amounts.push(a);
                    ls.push(line);
                }
            }
            "contingency" => {
                row.blank_except(
                    &[ID, NAME, KIND, CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION],
                    "contingency",
                );
                let id = row.id();
                let kind = row.contingency_kind();
                let amount = row.line_amount();
                let (Some(id), Some(kind), Some(amount)) = (id, kind, amount) else {
                    return;
                };
                let name = row.raw(NAME);
                let i = match contingency_ix.get(&id) {
                    Some(&i) => {
                        if let (Some(l), Some(first)) = (doc.contingency.get(i), at.contingency.get(i)) {
                            if l.name != name {
                                row.error_at(
                                    "name",
                                    name,
                                    &format!("line {id:?} is named {:?} at line {first}", l.name),
                                );
                            }
                            if l.kind != kind {
                                row.error_at(
                                    "kind",
                                    row.raw(KIND),
                                    &format!("line {id:?} is of kind {} at line {first}", l.kind),
                                );
                            }
                        }
                        i
                    }
                    None => {
                        let i = doc.contingency.len();
                        doc.contingency.push(ContingencyDocument {
                            id: id.clone(),
                            name: name.to_string(),
                            kind,
                            amounts: Vec::new(),
                        });
                        at.contingency.push(line);
                        at.contingency_amounts.push(Vec::new());
                        contingency_ix.insert(id, i);
                        i
                    }
                };
                if let (Some(a), Some(l), Some(ls)) =
                    (amount, doc.contingency.get_mut(i), at.contingency_amounts.get_mut(i))
                {
                    l.amounts.push(a);
                    ls.push(line);
                }
            }
            "attribute" => {
                row.blank_except(&[ID, KIND, NAME], "attribute");
                let id = row.id();
                let kind = row.required(KIND, "an attribute name");
                if let (Some(id), Some(kind)) = (id, kind) {
                    attributes.push((line, id, kind.trim().to_string(), row.raw(NAME).to_string()));
                }
            }
            _ => row.error_at("record", row.raw(0), &format!("expected a record type: {RECORDS}")),
        }
    }

    /// Resolves group members and attributes, and adds the file-level
    /// errors.
    fn settle(&mut self) {
        let Reading {
            source,
            doc,
            at,
            plan_line,
            line_ix,
            members,
            attributes,
            rows,
            errors,
            ..
        } = self;
        let source: &str = source;
        // Group members and attributes may come before or after what they name.
        let group_ix: BTreeMap<&str, usize> = doc.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        let mut members_of: Vec<Vec<(u64, String)>> = vec![Vec::new(); doc.groups.len()];
        for (line, group, member) in members.drain(..) {
            match group_ix.get(group.as_str()).and_then(|i| members_of.get_mut(*i)) {
                Some(m) => m.push((line, member)),
                None => errors.push(LoadError::cell(
                    source,
                    line,
                    "id",
                    &group,
                    "unknown funding group: expected the id of a group row".into(),
                )),
            }
        }
        for ((g, ls), ms) in doc.groups.iter_mut().zip(at.members.iter_mut()).zip(members_of) {
            for (line, member) in ms {
                g.members.push(member);
                ls.push(line);
            }
        }
        for (line, id, kind, value) in attributes.drain(..) {
            let Some(l) = line_ix.get(&id).and_then(|i| doc.lines.get_mut(*i)) else {
                errors.push(LoadError::cell(
                    source,
                    line,
                    "id",
                    &id,
                    "unknown scheme line: expected the id of a line row".into(),
                ));
                continue;
            };
            if let Err(problem) = set_attribute(&mut l.attributes, &kind, &value) {
                let column = if problem.column_is_kind { "kind" } else { "name" };
                let shown = if problem.column_is_kind { &kind } else { &value };
                errors.push(LoadError::cell(source, line, column, shown, problem.text));
            }
        }

        if *rows == 0 && errors.is_empty() {
            errors.push(LoadError::file(
                source,
                LoadErrorKind::Layout,
                "no rows after the header: expected a plan row, year rows and the rest",
            ));
            return;
        }
        if plan_line.is_none() {
            errors.push(LoadError::file(
                source,
                LoadErrorKind::Layout,
                "no plan row: expected a row `plan,,<plan name>,<precision or blank>,,,,,,`",
            ));
        }
    }

    /// The plan read, or every structural error the plan builder finds, each
    /// on the row and column it was read from.
    fn build(self) -> Result<Plan, LoadErrors> {
        let Reading {
            source,
            doc,
            at,
            errors,
            ..
        } = self;
        if !errors.is_empty() {
            return Err(LoadErrors::new(errors));
        }
        doc.into_plan().map_err(|e| {
            let mut errors: Vec<LoadError> = e
                .into_vec()
                .into_iter()
                .map(|pe| {
                    let line = at.of(pe.item);
                    let column = line.map(|_| column_of(pe.item, pe.field).to_string());
                    LoadError::plan(source, line, column, &pe)
                })
                .collect();
            errors.sort_by_key(|e| e.line);
            LoadErrors::new(errors)
        })
    }
}

/// A data row being read: its cells and where it is.
struct Row<'a, 'e> {
    source: &'a str,
    line: u64,
    cells: Vec<&'a str>,
    errors: &'e mut Vec<LoadError>,
}

impl<'a> Row<'a, '_> {
    /// Cell `i` as written (blank if the row is short), with a text cell's
    /// formula guard removed (see [`write_plan_tidy`]).
    fn raw(&self, i: usize) -> &'a str {
        let v = self.cells.get(i).copied().unwrap_or("");
        if TEXT_COLUMNS.contains(&i) {
            unguard(v)
        } else {
            v
        }
    }

    fn error_at(&mut self, column: &str, value: &str, problem: &str) {
        self.errors.push(LoadError::cell(
            self.source,
            self.line,
            column,
            value,
            problem.to_string(),
        ));
    }

    fn error(&mut self, column: &str, problem: &str) {
        let value = match HEADER.iter().position(|h| *h == column) {
            Some(i) => self.raw(i).to_string(),
            None => String::new(),
        };
        self.error_at(column, &value, problem);
    }

    /// Every column not in `used` must be blank.
    fn blank_except(&mut self, used: &[usize], record: &str) {
        for (i, name) in HEADER.iter().enumerate().skip(1) {
            if !used.contains(&i) && !self.raw(i).trim().is_empty() {
                let value = self.raw(i).to_string();
                self.error_at(
                    name,
                    &value,
                    &format!("expected a blank cell: a {record} row does not use the column {name}"),
                );
            }
        }
    }

    /// A cell that must not be blank, as written.
    fn required(&mut self, i: usize, what: &str) -> Option<String> {
        let v = self.raw(i);
        if v.trim().is_empty() {
            self.error_at(column_name(i), v, &format!("expected {what}, not a blank cell"));
            None
        } else {
            Some(v.to_string())
        }
    }

    fn id(&mut self) -> Option<String> {
        self.required(ID, "an id")
    }

    fn year(&mut self) -> Option<FinancialYear> {
        let v = self.raw(YEAR).trim().to_string();
        match v.parse::<FinancialYear>() {
            Ok(y) => Some(y),
            Err(_) => {
                self.error_at("year", &v, "expected a financial year such as 2017/18");
                None
            }
        }
    }

    /// An amount in pounds and its own precision (`None`: the plan's). A
    /// blank amount is zero and exact: nothing was written, so nothing was
    /// rounded, and it takes no part in any rounding bound.
    fn amount(&mut self) -> Option<(Money, Option<Option<Precision>>)> {
        let v = self.raw(AMOUNT).to_string();
        let precision = self.amount_precision()?;
        if v.trim().is_empty() {
            if precision.flatten().is_some() {
                let p = self.raw(PRECISION).to_string();
                self.error_at(
                    "precision",
                    &p,
                    "a blank amount is an exact zero and has no precision: write 0 for a printed zero",
                );
                return None;
            }
            return Some((Money::ZERO, Some(None)));
        }
        match Money::parse(&v, Unit::Pounds) {
            Ok(m) => Some((m, precision)),
            Err(e) => {
                self.error_at(
                    "amount",
                    &v,
                    &format!(
                        "{}; expected an amount in pounds such as 1367300, £1,367,300.00 or (840.6)",
                        e.kind
                    ),
                );
                None
            }
        }
    }

    /// The `precision` cell of an amount row: blank for the plan's
    /// (`Some(None)` is returned as `None`), `exact`, or a precision such as
    /// `Thousands:1`; `None` on error.
    fn amount_precision(&mut self) -> Option<Option<Option<Precision>>> {
        let v = self.raw(PRECISION).trim().to_string();
        if v.is_empty() {
            return Some(None);
        }
        if v.eq_ignore_ascii_case("exact") {
            return Some(Some(None));
        }
        match v.parse::<Precision>() {
            Ok(p) => Some(Some(Some(p))),
            Err(e) => {
                self.error_at(
                    "precision",
                    &v,
                    &format!("{e}; or exact, or blank for the plan row's precision"),
                );
                None
            }
        }
    }

    /// The amount of a line or contingency row: `Some(None)` when the
    /// contributor, year, funding and amount are all blank, `None` on error.
    fn line_amount(&mut self) -> Option<Option<AmountDocument>> {
        if [CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION]
            .iter()
            .all(|i| self.raw(*i).trim().is_empty())
        {
            return Some(None);
        }
        let contributor = self.required(CONTRIBUTOR, "a contributor id");
        let year = self.year();
        let funding = self.required(FUNDING, "a funding source or group id");
        let amount = self.amount();
        let (amount, precision) = amount?;
        Some(Some(AmountDocument {
            contributor: contributor?,
            year: year?,
            funding: funding?,
            amount,
            precision,
        }))
    }

    /// A keyword cell: read as written (so a `Custom:<name>` keeps the
    /// spaces of its name), else with spaces around it trimmed.
    fn keyword<T>(&mut self, column: usize, what: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.raw(column);
        let v = raw.trim().to_string();
        let found = parse(raw).or_else(|| parse(&v));
        if found.is_none() {
            self.error_at(column_name(column), &v, &format!("expected {what}"));
        }
        found
    }

    fn contributor_kind(&mut self) -> Option<ContributorKind> {
        self.keyword(
            KIND,
            "a contributor kind: Ccg, Icb, CountyCouncil, DistrictCouncil, UnitaryCouncil or Other",
            contributor_kind,
        )
    }

    fn source_kind(&mut self) -> Option<FundingSourceKind> {
        self.keyword(
            KIND,
            "a funding source kind: NhsMinimum, NhsAdditional, Dfg, IbcfSpringBudget2017, \
             IbcfSpendingReview2015, WinterPressures, AdditionalLa, DischargeFund or Custom:<name>",
            source_kind,
        )
    }

    fn contingency_kind(&mut self) -> Option<ContingencyKind> {
        self.keyword(
            KIND,
            "a contingency kind: Contingency, RiskPool, CostImprovementTarget or Other:<name>",
            contingency_kind,
        )
    }

    /// The plan row's precision: the precision the amounts were printed to
    /// (unless a row says otherwise), or blank for exact amounts.
    fn precision(&mut self) -> Option<Precision> {
        let v = self.raw(KIND).trim().to_string();
        if v.is_empty() {
            return None;
        }
        match v.parse::<Precision>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error_at(
                    "kind",
                    &v,
                    &format!(
                        "expected an input precision such as Thousands:1 (Pounds, Thousands or Millions, \
                         and 0 to 28 decimals), or blank: {e}"
                    ),
                );
                None
            }
        }
    }
}

/// Text after `prefix:`, if `v` starts with it.
fn tagged<'v>(v: &'v str, prefix: &str) -> Option<&'v str> {
    v.strip_prefix(prefix)?.strip_prefix(':')
}

fn contributor_kind(v: &str) -> Option<ContributorKind> {
    Some(match v {
        "Ccg" => ContributorKind::Ccg,
        "Icb" => ContributorKind::Icb,
        "CountyCouncil" => ContributorKind::CountyCouncil,
        "DistrictCouncil" => ContributorKind::DistrictCouncil,
        "UnitaryCouncil" => ContributorKind::UnitaryCouncil,
        "Other" => ContributorKind::Other,
        _ => return None,
    })
}

fn contributor_kind_text(k: ContributorKind) -> &'static str {
    match k {
        ContributorKind::Ccg => "Ccg",
        ContributorKind::Icb => "Icb",
        ContributorKind::CountyCouncil => "CountyCouncil",
        ContributorKind::DistrictCouncil => "DistrictCouncil",
        ContributorKind::UnitaryCouncil => "UnitaryCouncil",
        ContributorKind::Other => "Other",
    }
}

fn source_kind(v: &str) -> Option<FundingSourceKind> {
    Some(match v {
        "NhsMinimum" => FundingSourceKind::NhsMinimum,
        "NhsAdditional" => FundingSourceKind::NhsAdditional,
        "Dfg" => FundingSourceKind::Dfg,
        "IbcfSpringBudget2017" => FundingSourceKind::IbcfSpringBudget2017,
        "IbcfSpendingReview2015" => FundingSourceKind::IbcfSpendingReview2015,
        "WinterPressures" => FundingSourceKind::WinterPressures,
        "AdditionalLa" => FundingSourceKind::AdditionalLa,
        "DischargeFund" => FundingSourceKind::DischargeFund,
        "Ibcf" => FundingSourceKind::Ibcf,
        "DischargeFundCouncil" => FundingSourceKind::DischargeFundCouncil,
        "DischargeFundIcb" => FundingSourceKind::DischargeFundIcb,
        "AdditionalDischargeCouncil" => FundingSourceKind::AdditionalDischargeCouncil,
        "AdditionalDischargeIcb" => FundingSourceKind::AdditionalDischargeIcb,
        other => FundingSourceKind::Custom(tagged(other, "Custom")?.to_string()),
    })
}

fn source_kind_text(k: &FundingSourceKind) -> String {
    match k {
        FundingSourceKind::NhsMinimum => "NhsMinimum".into(),
        FundingSourceKind::NhsAdditional => "NhsAdditional".into(),
        FundingSourceKind::Dfg => "Dfg".into(),
        FundingSourceKind::IbcfSpringBudget2017 => "IbcfSpringBudget2017".into(),
        FundingSourceKind::IbcfSpendingReview2015 => "IbcfSpendingReview2015".into(),
        FundingSourceKind::WinterPressures => "WinterPressures".into(),
        FundingSourceKind::AdditionalLa => "AdditionalLa".into(),
        FundingSourceKind::DischargeFund => "DischargeFund".into(),
        FundingSourceKind::Ibcf => "Ibcf".into(),
        FundingSourceKind::DischargeFundCouncil => "DischargeFundCouncil".into(),
        FundingSourceKind::DischargeFundIcb => "DischargeFundIcb".into(),
        FundingSourceKind::AdditionalDischargeCouncil => "AdditionalDischargeCouncil".into(),
        FundingSourceKind::AdditionalDischargeIcb => "AdditionalDischargeIcb".into(),
        FundingSourceKind::Custom(name) => format!("Custom:{name}"),
    }
}

fn contingency_kind(v: &str) -> Option<ContingencyKind> {
    Some(match v {
        "Contingency" => ContingencyKind::Contingency,
        "RiskPool" => ContingencyKind::RiskPool,
        "CostImprovementTarget" => ContingencyKind::CostImprovementTarget,
        other => ContingencyKind::Other(tagged(other, "Other")?.to_string()),
    })
}

fn contingency_kind_text(k: &ContingencyKind) -> String {
    match k {
        ContingencyKind::Contingency => "Contingency".into(),
        ContingencyKind::RiskPool => "RiskPool".into(),
        ContingencyKind::CostImprovementTarget => "CostImprovementTarget".into(),
        ContingencyKind::Other(name) => format!("Other:{name}"),
    }
}

fn flag(v: &str) -> Option<LineFlag> {
    Some(match v {
        "NhsProtected" => LineFlag::NhsProtected,
        "MaintainsSocialCare" => LineFlag::MaintainsSocialCare,
        "NhsCommissionedOutOfHospital" => LineFlag::NhsCommissionedOutOfHospital,
        "NonRecurrent" => LineFlag::NonRecurrent,
        other => LineFlag::Other(tagged(other, "Other")?.to_string()),
    })
}

fn flag_text(f: &LineFlag) -> String {
    match f {
        LineFlag::NhsProtected => "NhsProtected".into(),
        LineFlag::MaintainsSocialCare => "MaintainsSocialCare".into(),
        LineFlag::NhsCommissionedOutOfHospital => "NhsCommissionedOutOfHospital".into(),
        LineFlag::NonRecurrent => "NonRecurrent".into(),
        LineFlag::Other(name) => format!("Other:{name}"),
    }
}

fn commissioner(v: &str) -> Option<Commissioner> {
    Some(match v.trim() {
        "LocalAuthority" => Commissioner::LocalAuthority,
        "Nhs" => Commissioner::Nhs,
        other => {
            let (nhs, la) = tagged(other, "Joint")?.split_once(':')?;
            let nhs_percent = Decimal::from_str_exact(nhs.trim()).ok()?;
            let la_percent = Decimal::from_str_exact(la.trim()).ok()?;
            let sum = nhs_percent.checked_add(la_percent);
            if nhs_percent.is_sign_negative() || la_percent.is_sign_negative() || sum != Some(Decimal::ONE_HUNDRED) {
                return None;
            }
            Commissioner::Joint {
                nhs_percent,
                la_percent,
            }
        }
    })
}

fn commissioner_text(c: Commissioner) -> String {
    match c {
        Commissioner::LocalAuthority => "LocalAuthority".into(),
        Commissioner::Nhs => "Nhs".into(),
        Commissioner::Joint {
            nhs_percent,
            la_percent,
        } => format!("Joint:{nhs_percent}:{la_percent}"),
    }
}

struct AttributeProblem {
    column_is_kind: bool,
    text: String,
}

fn set_attribute(a: &mut LineAttributes, kind: &str, value: &str) -> Result<(), AttributeProblem> {
    let bad_value = |what: &str| AttributeProblem {
        column_is_kind: false,
        text: format!("expected {what}"),
    };
    let twice = || AttributeProblem {
        column_is_kind: true,
        text: format!("the attribute {kind} is given twice for this line"),
    };
    let set = |slot: &mut Option<String>| {
        if slot.is_some() {
            return Err(twice());
        }
        *slot = Some(value.to_string());
        Ok(())
    };
    match kind {
        "scheme_type" => set(&mut a.scheme_type),
        "area_of_spend" => set(&mut a.area_of_spend),
        "provider" => set(&mut a.provider),
        "ibcf_code" => set(&mut a.ibcf_code),
        "subgroup" => set(&mut a.subgroup),
        "commissioner" => {
            let c = commissioner(value).ok_or_else(|| {
                bad_value("a commissioner: LocalAuthority, Nhs or Joint:<nhs %>:<la %> with shares adding to 100")
            })?;
            if a.commissioner.is_some() {
                return Err(twice());
            }
            a.commissioner = Some(c);
            Ok(())
        }
        "new_or_existing" => {
            let v = match value.trim() {
                "New" => NewOrExisting::New,
                "Existing" => NewOrExisting::Existing,
                _ => return Err(bad_value("New or Existing")),
            };
            if a.new_or_existing.is_some() {
                return Err(twice());
            }
            a.new_or_existing = Some(v);
            Ok(())
        }
        "flag" => {
            let f = flag(value).or_else(|| flag(value.trim())).ok_or_else(|| {
                bad_value(
                    "a flag: NhsProtected, MaintainsSocialCare, NhsCommissionedOutOfHospital, NonRecurrent or Other:<name>",
                )
            })?;
            if !a.flags.insert(f) {
                return Err(twice());
            }
            Ok(())
        }
        _ => Err(AttributeProblem {
            column_is_kind: true,
            text: "expected an attribute: scheme_type, area_of_spend, provider, ibcf_code, subgroup, \
                   commissioner, new_or_existing or flag"
                .into(),
        }),
    }
}

/// Writes `plan` as a tidy CSV plan file (LF line ends, fields quoted only
/// where needed), in a fixed order: plan, years, contributors, sources,
/// groups and members, allocations, programmes, lines, attributes,
/// contingency. Reading it back gives an equal plan.
///
/// The plan row gives the precision most amounts were printed to; an amount
/// of another precision says so in its `precision` cell (`exact` for an
/// exact amount under a printed plan). Ids and names that a spreadsheet
/// would run as a formula (beginning `=`, `+`, `-`, `@`, a tab or a carriage
/// return), or that begin with `'`, are written with a leading `'`, which
/// the reader removes, so the file opens safely and reads back exactly.
///
/// ```
/// use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let text = write_plan_tidy(&plan);
/// assert!(text.starts_with("record,id,name,kind,programme,contributor,year,funding,amount,precision\n"));
/// assert!(text.contains("\nplan,,expenditure_plan_gbp_thousands.csv,Thousands:1,"));
/// assert_eq!(read_plan_tidy("plan.csv", &text)?, plan);
/// # Ok::<(), bcf_model::io::LoadErrors>(())
/// ```
pub fn write_plan_tidy(plan: &Plan) -> String {
    let doc = PlanDocument::from_plan(plan);
    let mut out = String::new();
    let mut row = |cells: [&str; 10]| {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if TEXT_COLUMNS.contains(&i) {
                push_field(&mut out, &guard(c));
            } else {
                push_field(&mut out, c);
            }
        }
        out.push('\n');
    };
    row(HEADER);
    let default = doc.input_precision.map(Precision::code).unwrap_or_default();
    let own = |p: Option<Option<Precision>>| match p {
        None => String::new(),
        Some(None) => "exact".to_string(),
        Some(Some(p)) => p.code(),
    };
    row(["plan", "", &doc.name, &default, "", "", "", "", "", ""]);
    for y in &doc.years {
        row(["year", "", "", "", "", "", &y.to_string(), "", "", ""]);
    }
    for c in &doc.contributors {
        row([
            "contributor",
            &c.id,
            &c.name,
            contributor_kind_text(c.kind),
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for s in &doc.sources {
        row([
            "source",
            &s.id,
            &s.name,
            &source_kind_text(&s.kind),
            "",
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for g in &doc.groups {
        row(["group", &g.id, &g.name, "", "", "", "", "", "", ""]);
        for m in &g.members {
            row(["member", &g.id, "", "", "", "", "", m, "", ""]);
        }
    }
    for a in &doc.allocations {
        row([
            "allocation",
            "",
            "",
            "",
            "",
            &a.contributor,
            &a.year.to_string(),
            &a.source,
            &money_text(a.amount),
            &own(a.precision),
        ]);
    }
    for p in &doc.programmes {
        row(["programme", &p.id, &p.name, "", "", "", "", "", "", ""]);
    }
    for l in &doc.lines {
        if l.amounts.is_empty() {
            row(["line", &l.id, &l.name, "", &l.programme, "", "", "", "", ""]);
        }
        for a in &l.amounts {
            row([
                "line",
                &l.id,
                &l.name,
                "",
                &l.programme,
                &a.contributor,
                &a.year.to_string(),
                &a.funding,
                &money_text(a.amount),
                &own(a.precision),
            ]);
        }
    }
    for l in &doc.lines {
        let a = &l.attributes;
        let mut attr = |kind: &str, value: &str| row(["attribute", &l.id, value, kind, "", "", "", "", "", ""]);
        let texts = [
            ("scheme_type", &a.scheme_type),
            ("area_of_spend", &a.area_of_spend),
            ("provider", &a.provider),
            ("ibcf_code", &a.ibcf_code),
            ("subgroup", &a.subgroup),
        ];
        for (kind, value) in texts {
            if let Some(v) = value {
                attr(kind, v);
            }
        }
        if let Some(c) = a.commissioner {
            attr("commissioner", &commissioner_text(c));
        }
        if let Some(n) = a.new_or_existing {
            attr(
                "new_or_existing",
                match n {
                    NewOrExisting::New => "New",
                    NewOrExisting::Existing => "Existing",
                },
            );
        }
        for f in &a.flags {
            attr("flag", &flag_text(f));
        }
    }
    for l in &doc.contingency {
        let kind = contingency_kind_text(&l.kind);
        if l.amounts.is_empty() {
            row(["contingency", &l.id, &l.name, &kind, "", "", "", "", "", ""]);
        }
        for a in &l.amounts {
            row([
                "contingency",
                &l.id,
                &l.name,
                &kind,
                "",
                &a.contributor,
                &a.year.to_string(),
                &a.funding,
                &money_text(a.amount),
                &own(a.precision),
            ]);
        }
    }
    out
}

/// A CSV field, quoted if it holds a comma, quote, line end or edge space.
fn push_field(out: &mut String, field: &str) {
    let needs_quotes = field.contains([',', '"', '\r', '\n'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "record,id,name,kind,programme,contributor,year,funding,amount\n\
plan,,My BCF,,,,,,\n\
year,,,,,,2017/18,,\n\
contributor,ccg,Example CCG,Ccg,,,,,\n\
source,min,NHS minimum,NhsMinimum,,,,,\n\
allocation,,,,,ccg,2017/18,min,\"1,000\"\n\
programme,P,Programme,,,,,,\n\
line,a,\"Line, A\",,P,ccg,2017/18,min,(0)\n\
line,a,\"Line, A\",,P,ccg,2017/18,min,\n\
attribute,a,60:40,commissioner,,,,,\n\
contingency,k,Contingency,Contingency,,ccg,2017/18,min,£1000.00\n";

    #[test]
    fn reports_row_and_structural_errors_where_they_are() {
        let err = read_plan_tidy("t.csv", SMALL).unwrap_err();
        // The commissioner value is bad (row error), so structure is not checked yet.
        assert_eq!(err.len(), 1, "{err}");
        assert_eq!(err[0].line, Some(10));
        assert_eq!(err[0].column.as_deref(), Some("name"));
        let fixed = SMALL.replace("60:40", "Joint:60:40");
        let err = read_plan_tidy("t.csv", &fixed).unwrap_err();
        assert_eq!(err.len(), 1, "{err}");
        assert_eq!(err[0].line, Some(9));
        assert_eq!(err[0].column.as_deref(), Some("(row)"));
        assert!(err[0].problem.contains("already has an amount"), "{err}");
    }

    #[test]
    fn crlf_bom_and_blank_amounts() {
        let text = SMALL
            .replace("60:40", "Joint:60:40")
            .replace("line,a,\"Line, A\",,P,ccg,2017/18,min,\n", "line,b,B,,P,,,,\n");
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let plan = read_plan_tidy("t.csv", &crlf).unwrap();
        assert_eq!(plan.lines().len(), 2);
        assert!(plan.lines().get(1).unwrap().amounts().is_empty());
        assert!(fast::read(crlf.trim_start_matches('\u{feff}')).is_some());
        let written = write_plan_tidy(&plan);
        assert_eq!(read_plan_tidy("t.csv", &written).unwrap(), plan);
        // A bad cell on line 6 of the CRLF file is reported on line 6.
        let bad = crlf.replace("\"1,000\"", "1,00");
        let err = read_plan_tidy("t.csv", &bad).unwrap_err();
        assert_eq!(err[0].line, Some(6), "{err}");
    }

    #[test]
    fn detects_the_tidy_header() {
        assert!(is_tidy("\u{feff}record,id\n"));
        assert!(!is_tidy("section,subgroup\n"));
        assert!(!is_tidy(""));
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
