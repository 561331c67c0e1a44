//! Reading a published BCF expenditure plan in its wide CSV layout: one row
//! per printed line, subtotal or funding row, one money column per
//! contributor and year plus a total column per year.
//!
//! ```text
//! section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18,...
//! BCF1,,line,First Contact Plus,,93.6,71.2,0.0,164.8,...
//! BCF1,,total,Total Unified Prevention Offer,,93.6,71.2,0.0,164.8,...
//! FUNDING,,funding,DFG Allocation,,,,3349.9,3349.9,...
//! ```
//!
//! [`read_expenditure_plan`] returns the [`PublishedTable`] exactly as printed
//! (for footing checks) and the [`Plan`] its lines describe (for
//! reconciliation). The Leicestershire 2017-19 plan is embedded:
//!
//! ```
//! let p = bcf_model::data::leicestershire::expenditure_plan()?;
//! assert_eq!(p.plan.contributors().len(), 3);
//! assert_eq!(p.plan.programmes().len(), 11);
//! # Ok::<(), bcf_model::io::LoadErrors>(())
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{csv_error, LineCounter, LoadError, LoadErrorKind, LoadErrors};
use crate::calendar::FinancialYear;
use crate::money::{Money, PrintedFigure, Unit};
use crate::plan::{
    ContingencyDraft, ContingencyKind, ContributorKind, FundingGroup, FundingSourceKind, Item, LineAttributes,
    LineDraft, LineFlag, Plan, PlanBuilder, PlanError,
};
use crate::published::{PublishedColumn, PublishedRow, PublishedTable, RowKind};

mod fast;

/// A published plan: the table as printed and the plan its lines describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedPlan {
    /// Every printed figure, for footing checks.
    pub table: PublishedTable,
    /// The plan built from the line and funding rows.
    pub plan: Plan,
}

/// How a contributor column prefix maps to a contributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorColumn {
    /// The column prefix, e.g. `wl_ccg` in `wl_ccg_2017_18`.
    pub prefix: String,
    /// The contributor's name.
    pub name: String,
    /// The contributor's kind.
    pub kind: ContributorKind,
}

/// When a [`FundingRule`] applies to a cell of a line row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RuleCondition {
    /// The row's sub-group contains this text (ignoring case).
    SubgroupContains(String),
    /// The row's name contains this text (ignoring case).
    NameContains(String),
    /// The cell's contributor is an NHS body.
    NhsContributor,
    /// The cell's contributor is not an NHS body.
    CouncilContributor,
}

impl RuleCondition {
    /// Whether the condition holds for a cell of `row` whose contributor is
    /// (`Some(true)`) or is not an NHS body; `None` for a rule about the
    /// whole row, where a contributor condition never holds.
    fn holds(&self, row: &PublishedRow, nhs: Option<bool>) -> bool {
        match self {
            RuleCondition::SubgroupContains(t) => row.subgroup.as_deref().is_some_and(|g| contains_ci(g, t)),
            RuleCondition::NameContains(t) => contains_ci(&row.name, t),
            RuleCondition::NhsContributor => nhs == Some(true),
            RuleCondition::CouncilContributor => nhs == Some(false),
        }
    }
}

/// A flag a line gets when a condition on its row holds (such as
/// `(NHS protected)` in its name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFlagRule {
    /// When it applies (a condition on the row; the contributor conditions
    /// never hold for a whole row).
    pub when: RuleCondition,
    /// The flag the line gets.
    pub flag: LineFlag,
}

/// Which funding source (or group) pays for a line cell. Published plans do
/// not say line by line; the rules say it for a layout, first match wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRule {
    /// When it applies.
    pub when: RuleCondition,
    /// The funding source or group id it assigns.
    pub funding: String,
}

/// A funding row of a published table: the name it is printed with, and
/// the funding source it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRow {
    /// The row's name as printed (compared after trimming spaces).
    pub name: String,
    /// The id the plan gives the source.
    pub id: String,
    /// The kind of stream it is.
    pub kind: FundingSourceKind,
}

/// A line of the contingency section: the name it is printed with, and its
/// kind (which fixes the sign it may have).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContingencyRow {
    /// The row's name as printed (compared after trimming spaces).
    pub name: String,
    /// Its kind.
    pub kind: ContingencyKind,
}

/// How to read a published expenditure plan: which column is which
/// contributor, which funding row is which source, which section holds the
/// contingency lines and what each of them is, and which source or group
/// pays for each line cell.
///
/// Nothing is guessed from a name: a contributor column, funding row or
/// contingency line the layout does not declare is a
/// [`LoadErrorKind::Layout`] error at its cell. Every section of line rows
/// other than the contingency section is a programme, named after its first
/// `Total ...` or `Sub Total ...` row. A layout is plain data (serde), so
/// another area's export is read by describing it, not by changing code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenditurePlanLayout {
    /// The unit of the money columns.
    pub unit: Unit,
    /// The decimals the figures are printed to (one, for £'000 to one
    /// decimal), if the table prints them all alike. A CSV's text says how
    /// each figure was printed; a spreadsheet's number cell does not (its
    /// number format does), so a number cell read from a workbook is given
    /// at least these decimals: `454` in a table printed to one decimal is
    /// `454.0`, a figure rounded to £100, not to £1,000.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// The contributor columns, by prefix.
    pub contributors: Vec<ContributorColumn>,
    /// The funding rows, by name.
    pub funding_rows: Vec<FundingRow>,
    /// Funding groups of those sources (a line cell may be paid from a
    /// group, such as all iBCF grants together). A group holds the members
    /// the table prints funding rows for, and is left out if it prints none.
    pub funding_groups: Vec<FundingGroup>,
    /// The section whose line rows are contingency lines, e.g. `CONTINGENCY`
    /// (compared ignoring case).
    pub contingency_section: String,
    /// The contingency lines, by name.
    pub contingency_rows: Vec<ContingencyRow>,
    /// Funding rules for line cells, first match wins.
    pub funding_rules: Vec<FundingRule>,
    /// Flags given to scheme lines whose rows match, every rule that holds.
    pub line_flags: Vec<LineFlagRule>,
}

/// Reads a published expenditure plan from a file.
/// Only a regular file of at most
/// [`LoadOptions::DEFAULT_MAX_BYTES`](super::LoadOptions::DEFAULT_MAX_BYTES) is read.
///
/// # Errors
///
/// A file that cannot be read, is not a regular file or is over the limit
/// ([`LoadErrorKind::Unreadable`]); bytes that are not UTF-8
/// ([`LoadErrorKind::Encoding`]); then every error of
/// [`read_expenditure_plan`].
pub fn read_expenditure_plan_file(path: &Path, layout: &ExpenditurePlanLayout) -> Result<PublishedPlan, LoadErrors> {
    let name = path.display().to_string();
    let bytes = super::read_file(path, &super::LoadOptions::default())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadErrors::one(LoadError::file(
            &name,
            LoadErrorKind::Encoding,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })?;
    read_expenditure_plan(&name, &text, layout)
}

const FIXED_COLUMNS: [&str; 5] = ["section", "subgroup", "kind", "name", "asc_code"];

/// Reads a published expenditure plan from CSV text named `source` (for
/// error messages). Every bad cell is reported, with its line, column and
/// value; the plan is built only if there are none.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`], in three stages, each reached
/// only if the one before found nothing:
///
/// - the table: malformed CSV or a row of the wrong width
///   ([`LoadErrorKind::Syntax`]); an empty file, a fixed column or money
///   column misnamed or repeated, no rows ([`LoadErrorKind::Layout`]); a
///   kind that is not `line`, `total` or `funding`, a row without a name, a
///   cell that is not a printed amount ([`LoadErrorKind::Value`]);
/// - the layout: a contributor column, funding row or contingency line it
///   does not declare, or a line cell no funding rule matches
///   ([`LoadErrorKind::Layout`]);
/// - the plan's rules as the [`PlanBuilder`] checks them
///   ([`LoadErrorKind::Plan`]), each on the row and column it was read from.
pub fn read_expenditure_plan(
    source: &str,
    text: &str,
    layout: &ExpenditurePlanLayout,
) -> Result<PublishedPlan, LoadErrors> {
    let table = read_table(source, text, layout)?;
    let plan = plan_from_table(&table, layout)?;
    Ok(PublishedPlan { table, plan })
}

/// Reads a published expenditure plan as [`read_expenditure_plan`] does,
/// without its fast paths: every record through the csv reader and every
/// line through a draft and the plan builder. Both give equal tables, plans
/// and errors; this one is the reference the fast paths are tested against
/// (property tests and the `csv_published` fuzz target).
///
/// # Errors
///
/// Exactly those of [`read_expenditure_plan`].
///
/// ```
/// use bcf_model::data::leicestershire::{expenditure_plan_layout, EXPENDITURE_PLAN_CSV};
/// use bcf_model::io::published::{read_expenditure_plan, read_expenditure_plan_reference};
///
/// let layout = expenditure_plan_layout();
/// let fast = read_expenditure_plan("p.csv", EXPENDITURE_PLAN_CSV, &layout)?;
/// assert_eq!(fast, read_expenditure_plan_reference("p.csv", EXPENDITURE_PLAN_CSV, &layout)?);
/// # Ok::<(), bcf_model::io::LoadErrors>(())
/// ```
#[cfg(feature = "reference")]
pub fn read_expenditure_plan_reference(
    source: &str,
    text: &str,
    layout: &ExpenditurePlanLayout,
) -> Result<PublishedPlan, LoadErrors> {
    let table = read_table_as(source, text, layout, false)?;
    let plan = careful_plan(&table, layout, declare(&table, layout))?;
    Ok(PublishedPlan { table, plan })
}

/// The table as printed (the first stage of [`read_expenditure_plan`]).
fn read_table(source: &str, text: &str, layout: &ExpenditurePlanLayout) -> Result<PublishedTable, LoadErrors> {
    read_table_as(source, text, layout, true)
}

/// The table as printed, its records split by hand when `by_hand` and the
/// text is plain CSV ([`plain_csv`]), else by the csv reader.
fn read_table_as(
    source: &str,
    text: &str,
    layout: &ExpenditurePlanLayout,
    by_hand: bool,
) -> Result<PublishedTable, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors: Vec<LoadError> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(LoadErrors::one(csv_error(source, &e, &mut LineCounter::new(text)))),
    };
    if headers.is_empty() || (headers.len() == 1 && headers.get(0).is_some_and(|h| h.trim().is_empty())) {
        return Err(LoadErrors::one(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "the file is empty",
        )));
    }
    for (i, expected) in FIXED_COLUMNS.iter().enumerate() {
        let got = headers.get(i).unwrap_or("");
        if got.trim() != *expected {
            errors.push(
                LoadError::cell(
                    source,
                    1,
                    &column_name(i),
                    got,
                    format!("expected the column {expected:?}"),
                )
                .with_kind(LoadErrorKind::Layout),
            );
        }
    }
    // Money columns: <prefix>_<yyyy>_<yy>
    let mut columns: Vec<PublishedColumn> = Vec::new();
    let mut seen: std::collections::HashMap<(Option<String>, FinancialYear), usize> = std::collections::HashMap::new();
    for (i, h) in headers.iter().enumerate().skip(FIXED_COLUMNS.len()) {
        match parse_money_column(h) {
            Some((prefix, year)) => {
                let contributor = if prefix == "total" { None } else { Some(prefix) };
                let first = *seen.entry((contributor.clone(), year)).or_insert(columns.len());
                if first != columns.len() {
                    errors.push(LoadError::cell(
                        source,
                        1,
                        &column_name(i),
                        h,
                        format!(
                            "this money column is given twice (first as column {}): each contributor and year has one column",
                            first + FIXED_COLUMNS.len() + 1
                        ),
                    )
                    .with_kind(LoadErrorKind::Layout));
                }
                columns.push(PublishedColumn {
                    key: h.to_string(),
                    year,
                    contributor,
                });
            }
            None => errors.push(
                LoadError::cell(
                    source,
                    1,
                    &column_name(i),
                    h,
                    "expected a money column named <contributor>_<yyyy>_<yy> or total_<yyyy>_<yy>".to_string(),
                )
                .with_kind(LoadErrorKind::Layout),
            ),
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.push(LoadError::file(source, LoadErrorKind::Layout, "no money columns"));
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }

    let width = headers.len();
    // Room for a row a line, but never more than rows the text can hold
    // (each has its commas, a kind and a name): a file of blank lines
    // reserves little.
    let line_breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let most_rows = text.len() / width.saturating_add(4);
    let mut rows: Vec<PublishedRow> = Vec::with_capacity(line_breaks.min(most_rows));
    let mut take = |line: u64, fields: &[&str], errors: &mut Vec<LoadError>| {
        if fields.len() != width {
            errors.push(
                LoadError::cell(
                    source,
                    line,
                    "(row)",
                    &format!("{} fields", fields.len()),
                    format!("expected {width} fields as in the header"),
                )
                .with_kind(LoadErrorKind::Syntax),
            );
            return;
        }
        // A header of fewer than the fixed columns was refused above.
        let [section, subgroup, kind, name, code, money @ ..] = fields else {
            return;
        };
        let field = crate::text::trim;
        let kind = match field(kind) {
            "line" => Some(RowKind::Line),
            "total" => Some(RowKind::Total),
            "funding" => Some(RowKind::Funding),
            other => {
                errors.push(LoadError::cell(
                    source,
                    line,
                    "kind",
                    other,
                    "expected line, total or funding".to_string(),
                ));
                None
            }
        };
        let name = field(name);
        if name.is_empty() {
            errors.push(LoadError::cell(
                source,
                line,
                "name",
                "",
                "a row needs a name".to_string(),
            ));
        }
        let mut cells = Vec::with_capacity(columns.len());
        // As many money fields as columns: each header after the fixed ones
        // is a money column or was refused above.
        for (col, raw) in columns.iter().zip(money) {
            let raw = field(raw);
            if raw.is_empty() {
                cells.push(None);
                continue;
            }
            match Money::parse_printed(raw, layout.unit) {
                Ok(p) => cells.push(Some(p)),
                Err(e) => {
                    errors.push(LoadError::cell(source, line, &col.key, raw, e.kind.to_string()));
                    cells.push(None);
                }
            }
        }
        if let Some(kind) = kind {
            let opt = |s: &str| if s.is_empty() { None } else { Some(s.to_string()) };
            rows.push(PublishedRow {
                line,
                section: field(section).to_string(),
                subgroup: opt(field(subgroup)),
                kind,
                name: name.to_string(),
                code: opt(field(code)),
                cells,
            });
        }
    };
    // Where the header ends: the csv reader stops on the line feed of a
    // CRLF, after it in an LF file.
    let after_header = usize::try_from(reader.position().byte()).ok().map(|at| {
        let crlf = text.as_bytes().get(at.saturating_sub(1)..=at) == Some(b"\r\n".as_slice());
        if crlf {
            at.saturating_add(1)
        } else {
            at
        }
    });
    let rest = after_header
        .and_then(|at| Some((text.get(..at)?, text.get(at..)?)))
        .filter(|_| by_hand && plain_csv(text));
    match rest {
        // No quotes and no lone carriage returns: a record is a line, its
        // fields split at commas, as the csv reader would split them.
        Some((before, rest)) => {
            let breaks = memchr::memchr_iter(b'\n', before.as_bytes()).fold(0u64, |n, _| n.saturating_add(1));
            let mut line = breaks.saturating_add(1);
            let mut fields: Vec<&str> = Vec::with_capacity(width);
            for physical in rest.split('\n') {
                let record = physical.strip_suffix('\r').unwrap_or(physical);
                if !record.is_empty() {
                    fields.clear();
                    let mut from = 0;
                    for (at, b) in record.bytes().enumerate() {
                        if b == b',' {
                            fields.push(record.get(from..at).expect("a comma is a character boundary"));
                            from = at.saturating_add(1);
                        }
                    }
                    fields.push(record.get(from..).expect("after a comma is a character boundary"));
                    take(line, &fields, &mut errors);
                }
                line = line.saturating_add(1);
            }
        }
        None => {
            for item in crate::io::numbered_records(source, text, &mut reader) {
                let Some((line, record)) = crate::io::kept(item, &mut errors) else {
                    continue;
                };
                let fields: Vec<&str> = record.iter().collect();
                take(line, &fields, &mut errors);
            }
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "no rows after the header",
        ));
    }
    if !errors.is_empty() {
        return Err(LoadErrors::new(errors));
    }
    Ok(PublishedTable {
        source: source.to_string(),
        unit: layout.unit,
        columns,
        rows,
    })
}

/// Whether the csv reader reads `text` as lines split at commas: no
/// quote anywhere and every carriage return before a line feed.
fn plain_csv(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr(b'"', bytes).is_none()
        && memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i.saturating_add(1)) == Some(&b'\n'))
}

fn column_name(i: usize) -> String {
    FIXED_COLUMNS
        .get(i)
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("column {}", i + 1))
}

/// `wl_ccg_2017_18` -> (`wl_ccg`, 2017/18)
fn parse_money_column(h: &str) -> Option<(String, FinancialYear)> {
    let h = h.trim();
    let (rest, yy) = h.rsplit_once('_')?;
    let (prefix, yyyy) = rest.rsplit_once('_')?;
    if prefix.is_empty() {
        return None;
    }
    let year: FinancialYear = format!("{yyyy}/{yy}").parse().ok()?;
    Some((prefix.to_string(), year))
}

fn programme_name(total_row: &str) -> String {
    let t = total_row.trim();
    for prefix in ["Total ", "Sub Total "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    t.to_string()
}

/// Whether `haystack` contains `needle`, ASCII letters in either case (as
/// lowercasing both would say, without making two strings a row).
fn contains_ci(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Where each item given to the plan builder was read from: its file line
/// and column (a money column's key, or `name` for a row), and the text
/// there.
#[derive(Default)]
struct Origins<'a> {
    contributors: Vec<(u64, String)>,
    sources: Vec<u64>,
    allocations: Vec<Origin<'a>>,
    programmes: Vec<u64>,
    lines: Vec<u64>,
    /// Every line's amounts' origins, one line after another; line `i`'s
    /// start at `line_starts[i]`.
    line_amounts: Vec<Origin<'a>>,
    line_starts: Vec<usize>,
    contingency: Vec<u64>,
    contingency_amounts: Vec<Origin<'a>>,
    contingency_starts: Vec<usize>,
}

/// Where an amount was read: its file line, its column's key and its
/// printed figure (written out only for an error).
type Origin<'a> = (u64, &'a str, &'a PrintedFigure);

impl Origins<'_> {
    /// The file line, column and value a plan error points at.
    fn locate(&self, e: &PlanError) -> (Option<u64>, String, String) {
        let row = |v: &Vec<u64>, i: usize| v.get(i).copied();
        let text = |(l, c, fig): &Origin<'_>| (Some(*l), (*c).to_string(), fig.value.format(&fig.precision.format()));
        let cell = |v: &Vec<Origin<'_>>, starts: &Vec<usize>, i: usize, j: usize| {
            starts
                .get(i)
                .and_then(|s| s.checked_add(j))
                .and_then(|k| v.get(k))
                .map(text)
        };
        let named = |line: Option<u64>| (line, "name".to_string(), e.value.clone());
        let found = match e.item {
            Item::Contributor(i) => self
                .contributors
                .get(i)
                .map(|(l, c)| (Some(*l), c.clone(), e.value.clone())),
            Item::Source(i) => Some(named(row(&self.sources, i))),
            Item::Allocation(i) => self.allocations.get(i).map(text),
            Item::Programme(i) => Some((row(&self.programmes, i), "section".into(), e.value.clone())),
            Item::Line(i) => Some(named(row(&self.lines, i))),
            Item::LineAmount(i, j) => cell(&self.line_amounts, &self.line_starts, i, j),
            Item::Contingency(i) => Some(named(row(&self.contingency, i))),
            Item::ContingencyAmount(i, j) => cell(&self.contingency_amounts, &self.contingency_starts, i, j),
            Item::Plan | Item::Year(_) | Item::Group(_) | Item::Member(..) => None,
        };
        found.unwrap_or_else(|| (None, "(file)".to_string(), e.value.clone()))
    }
}

/// What a table declares before its lines, given to the plan builder:
/// contributors, funding sources, allocations, groups and programmes, with
/// where each was read and what the layout does not cover.
struct Declarations<'t> {
    builder: PlanBuilder,
    at: Origins<'t>,
    /// What the layout does not cover: reported alone, without the plan
    /// errors that would follow from it.
    layout_errors: Vec<LoadError>,
    /// Each contributor column prefix and its kind, in column order.
    kinds: Vec<(String, ContributorKind)>,
}

/// Builds the plan the table's line and funding rows describe. Every error
/// the plan builder finds is reported on the line and column it was read
/// from. A table the layout covers is read by the fast path first
/// ([`fast::plan`]); anything it declines is read here, which reports every
/// error.
fn plan_from_table(table: &PublishedTable, layout: &ExpenditurePlanLayout) -> Result<Plan, LoadErrors> {
    let declared = declare(table, layout);
    if declared.layout_errors.is_empty() {
        if let Some(plan) = fast::plan(table, layout, declared.builder.clone(), &declared.kinds) {
            return Ok(plan);
        }
    }
    careful_plan(table, layout, declared)
}

/// What the table declares before its lines (see [`Declarations`]).
fn declare<'t>(table: &'t PublishedTable, layout: &ExpenditurePlanLayout) -> Declarations<'t> {
    let mut b: PlanBuilder = Plan::builder(table.source.clone());
    let mut at = Origins::default();
    let mut layout_errors: Vec<LoadError> = Vec::new();
    for y in table.years() {
        b = b.year(y);
    }
    // Contributors, in column order.
    let mut kinds: Vec<(String, ContributorKind)> = Vec::new();
    for col in &table.columns {
        let Some(prefix) = &col.contributor else { continue };
        if kinds.iter().any(|(p, _)| p == prefix) {
            continue;
        }
        let Some(known) = layout.contributors.iter().find(|c| &c.prefix == prefix) else {
            layout_errors.push(
                LoadError::cell(
                    &table.source,
                    1,
                    &col.key,
                    &col.key,
                    format!(
                        "the layout declares no contributor column \"{}\" (it declares {})",
                        crate::text::shown(prefix),
                        declared(layout.contributors.iter().map(|c| c.prefix.as_str()))
                    ),
                )
                .with_kind(LoadErrorKind::Layout),
            );
            kinds.push((prefix.clone(), ContributorKind::Other));
            continue;
        };
        b = b.contributor(prefix, &known.name, known.kind);
        at.contributors.push((1, col.key.clone()));
        kinds.push((prefix.clone(), known.kind));
    }
    // One pass over the rows: the funding rows, and each section's first
    // row, first total row and whether it has scheme lines.
    let mut funding_rows: Vec<&PublishedRow> = Vec::new();
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut section_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    // (A section's rows usually come together: the section of the row
    // before is not looked up again.)
    let mut last: Option<(&str, usize)> = None;
    for row in &table.rows {
        if row.kind == RowKind::Funding {
            funding_rows.push(row);
        }
        let s = row.section.as_str();
        let i = match last {
            Some((section, i)) if section == s => i,
            _ => {
                let i = *section_of.entry(s).or_insert_with(|| {
                    sections.push(Section {
                        section: s,
                        first_line: row.line,
                        total: None,
                        has_lines: false,
                    });
                    sections.len() - 1
                });
                last = Some((s, i));
                i
            }
        };
        if let Some(section) = sections.get_mut(i) {
            match row.kind {
                RowKind::Line if !section.has_lines => section.has_lines = !is_contingency(layout, row),
                RowKind::Total if row.subgroup.is_none() && section.total.is_none() => {
                    section.total = Some(row.name.as_str());
                }
                _ => {}
            }
        }
    }
    // Funding sources from the funding rows, and allocations.
    // Each funding row is a source the layout declares, given once.
    let mut printed: Vec<&str> = Vec::with_capacity(funding_rows.len());
    for &row in &funding_rows {
        let Some(source) = layout.funding_rows.iter().find(|f| f.name.trim() == row.name) else {
            layout_errors.push(undeclared(
                table,
                row,
                "funding row",
                layout.funding_rows.iter().map(|f| f.name.as_str()),
            ));
            continue;
        };
        b = b.source(&source.id, &row.name, source.kind.clone());
        at.sources.push(row.line);
        printed.push(source.id.as_str());
        for (col, cell) in table.columns.iter().zip(&row.cells) {
            if let (Some(c), Some(fig)) = (&col.contributor, cell) {
                b = b.printed_allocation(&source.id, c, col.year, *fig);
                at.allocations.push((row.line, col.key.as_str(), fig));
            }
        }
    }
    // A declared group holds those of its members the table has funding
    // rows for (a table may print one iBCF grant of two); a group none of
    // whose members is printed is left out.
    for g in &layout.funding_groups {
        let members: Vec<&str> = g
            .members
            .iter()
            .map(String::as_str)
            .filter(|m| printed.contains(m))
            .collect();
        if !members.is_empty() {
            b = b.group(&g.id, &g.name, &members);
        }
    }
    // Programmes: the sections with scheme lines, in order of first
    // appearance, named after their first total row.
    let programmes = sections
        .iter()
        .filter(|s| s.has_lines)
        .map(|s| (s.section, s.first_line, s.total.map(programme_name)));
    for (section, line, name) in programmes {
        b = b.programme(section, name.as_deref().unwrap_or(section));
        at.programmes.push(line);
    }
    Declarations {
        builder: b,
        at,
        layout_errors,
        kinds,
    }
}

/// A section of a table as [`declare`] finds it.
struct Section<'t> {
    section: &'t str,
    /// The file line of its first row.
    first_line: u64,
    /// The name of its first total row without a sub-group.
    total: Option<&'t str>,
    /// Whether it has a scheme line (a line row outside the contingency
    /// section).
    has_lines: bool,
}

/// Whether `row` is in the layout's contingency section (ignoring case).
fn is_contingency(layout: &ExpenditurePlanLayout, row: &PublishedRow) -> bool {
    crate::text::trim(&row.section).eq_ignore_ascii_case(crate::text::trim(&layout.contingency_section))
}

/// The position of the first funding rule that holds for a cell of `row`
/// whose contributor is (`true`) or is not an NHS body.
fn funding_rule(layout: &ExpenditurePlanLayout, row: &PublishedRow, nhs: bool) -> Option<usize> {
    layout.funding_rules.iter().position(|r| r.when.holds(row, Some(nhs)))
}

/// Whether the contributor column `prefix` is an NHS body's.
fn is_nhs(kinds: &[(String, ContributorKind)], prefix: &str) -> bool {
    kinds.iter().find(|(p, _)| p == prefix).is_some_and(|(_, k)| k.is_nhs())
}

/// The kind of the contingency line `row`, if the layout declares its name.
fn contingency_kind<'l>(layout: &'l ExpenditurePlanLayout, row: &PublishedRow) -> Option<&'l ContingencyKind> {
    layout
        .contingency_rows
        .iter()
        .find(|c| c.name.trim() == row.name)
        .map(|c| &c.kind)
}

/// A scheme line's attributes from its row: its iBCF code, sub-group and
/// every flag whose rule holds.
fn line_attributes(layout: &ExpenditurePlanLayout, row: &PublishedRow) -> LineAttributes {
    let mut attributes = LineAttributes {
        ibcf_code: row.code.clone(),
        subgroup: row.subgroup.clone(),
        ..LineAttributes::default()
    };
    for rule in &layout.line_flags {
        if rule.when.holds(row, None) {
            attributes.flags.insert(rule.flag.clone());
        }
    }
    attributes
}

/// Line ids as the reader gives them: a line's section and its ordinal
/// among the section's line rows (`BCF2.3`).
#[derive(Default)]
struct LineIds<'t> {
    ordinal: std::collections::BTreeMap<&'t str, usize>,
}

impl<'t> LineIds<'t> {
    /// The id of the next line row of `section`.
    fn next(&mut self, section: &'t str) -> String {
        let mut id = String::new();
        self.next_into(section, &mut id);
        id
    }

    /// The id of the next line row of `section`, written over `id`.
    fn next_into(&mut self, section: &'t str, id: &mut String) {
        let n = self.ordinal.entry(section).or_insert(0);
        *n = n.saturating_add(1);
        id.clear();
        id.push_str(section);
        id.push('.');
        // The ordinal's decimal digits, most significant first (a usize
        // has at most 20).
        let mut digits = [b'0'; 20];
        let mut rest = *n;
        let mut start = digits.len();
        for slot in digits.iter_mut().rev() {
            *slot = b'0'.saturating_add(u8::try_from(rest % 10).expect("a digit is below 10"));
            rest /= 10;
            start = start.saturating_sub(1);
            if rest == 0 {
                break;
            }
        }
        let written = digits.get(start..).expect("at most 20 digits were written");
        id.push_str(std::str::from_utf8(written).expect("ASCII digits are UTF-8"));
    }
}

/// The careful path: every line row through a draft and the builder, each
/// layout and plan error reported where it was read.
fn careful_plan(
    table: &PublishedTable,
    layout: &ExpenditurePlanLayout,
    declared: Declarations<'_>,
) -> Result<Plan, LoadErrors> {
    let Declarations {
        builder: mut b,
        mut at,
        mut layout_errors,
        kinds,
    } = declared;
    let figure_text = |fig: &PrintedFigure| fig.value.format(&fig.precision.format());
    let mut ids = LineIds::default();
    for row in table.rows.iter().filter(|r| r.kind == RowKind::Line) {
        let id = ids.next(row.section.as_str());
        let mut amounts = Vec::new();
        let mut origins: Vec<Origin<'_>> = Vec::new();
        let contingency = if is_contingency(layout, row) {
            match contingency_kind(layout, row) {
                Some(kind) => Some(kind.clone()),
                None => {
                    layout_errors.push(undeclared(
                        table,
                        row,
                        "contingency line",
                        layout.contingency_rows.iter().map(|c| c.name.as_str()),
                    ));
                    continue;
                }
            }
        } else {
            None
        };
        for (col, cell) in table.columns.iter().zip(&row.cells) {
            let (Some(c), Some(fig)) = (&col.contributor, cell) else {
                continue;
            };
            match funding_rule(layout, row, is_nhs(&kinds, c)).and_then(|r| layout.funding_rules.get(r)) {
                Some(rule) => {
                    amounts.push((c.as_str(), col.year, rule.funding.as_str(), *fig));
                    origins.push((row.line, col.key.as_str(), fig));
                }
                None => layout_errors.push(
                    LoadError::cell(
                        &table.source,
                        row.line,
                        &col.key,
                        &figure_text(fig),
                        "no funding rule of the layout matches this cell".to_string(),
                    )
                    .with_kind(LoadErrorKind::Layout),
                ),
            }
        }
        if let Some(kind) = contingency {
            let mut d = ContingencyDraft::new(id, row.name.clone(), kind);
            for (c, y, f, fig) in &amounts {
                d = d.printed(c, *y, f, *fig);
            }
            b = b.contingency(d);
            at.contingency.push(row.line);
            at.contingency_starts.push(at.contingency_amounts.len());
            at.contingency_amounts.extend(origins);
        } else {
            let mut d =
                LineDraft::new(id, row.section.clone(), row.name.clone()).attributes(line_attributes(layout, row));
            for (c, y, f, fig) in &amounts {
                d = d.printed(c, *y, f, *fig);
            }
            b = b.line(d);
            at.lines.push(row.line);
            at.line_starts.push(at.line_amounts.len());
            at.line_amounts.extend(origins);
        }
    }
    if !layout_errors.is_empty() {
        layout_errors.sort_by_key(|e| e.line);
        return Err(LoadErrors::new(layout_errors));
    }
    match b.build() {
        Ok(plan) => Ok(plan),
        Err(e) => {
            let mut errors = Vec::new();
            for pe in e.into_vec() {
                let (line, column, value) = at.locate(&pe);
                let mut error = LoadError::plan(&table.source, line, Some(column), &pe);
                error.value = Some(value);
                errors.push(error);
            }
            errors.sort_by_key(|e| e.line);
            Err(LoadErrors::new(errors))
        }
    }
}

/// The names a layout declares, for a message: `"a", "b"` (or `none`).
fn declared<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let names: Vec<String> = names.map(|n| format!("\"{}\"", crate::text::shown(&n))).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// A row whose name the layout does not declare as a `what`, at its name.
fn undeclared<'n>(
    table: &PublishedTable,
    row: &PublishedRow,
    what: &str,
    names: impl Iterator<Item = &'n str>,
) -> LoadError {
    LoadError::cell(
        &table.source,
        row.line,
        "name",
        &row.name,
        format!(
            "the layout declares no {what} of this name (it declares {})",
            declared(names)
        ),
    )
    .with_kind(LoadErrorKind::Layout)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// A field of a generated published row: blanks, spaces, kinds,
    /// names, figures good and bad.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(" ".to_string()),
            Just("line".to_string()),
            Just("total".to_string()),
            Just("funding".to_string()),
            Just("BCF1".to_string()),
            Just(" CONTINGENCY ".to_string()),
            Just("Scheme \u{a0}".to_string()),
            Just("CCG BCF Minimum Funding Allocation".to_string()),
            "-?[0-9]{1,4}(\\.[0-9])?",
            Just("1,234.5".to_string()),
            Just("(12.0)".to_string()),
            Just("12..0".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Split by hand (no quotes anywhere), a table reads exactly as the
        /// csv reader reads it (forced by quoting the first heading): the
        /// same rows on the same lines, or the same errors, with LF or CRLF,
        /// blank lines anywhere, rows of any width, no final line break.
        #[test]
        fn plain_lines_read_as_the_csv_reader_reads_them(
            leading in 0usize..3,
            rows in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::collection::vec(field(), 9..=9),
                    1 => proptest::collection::vec(field(), 0..12),
                ],
                0..8,
            ),
            crlf in any::<bool>(),
            last_break in any::<bool>(),
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let header = "section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18";
            let mut body = String::new();
            for r in &rows {
                body.push_str(&r.join(","));
                body.push_str(eol);
            }
            if !last_break {
                body.truncate(body.len().saturating_sub(eol.len()));
            }
            let blank = eol.repeat(leading);
            let plain = format!("{blank}{header}{eol}{body}");
            let quoted = format!("{blank}\"section\"{}{eol}{body}", &header["section".len()..]);
            prop_assert!(super::plain_csv(&plain));
            prop_assert!(!super::plain_csv(&quoted));
            let layout = crate::data::leicestershire::expenditure_plan_layout();
            let read = |t: &str| super::read_table("t.csv", t, &layout).map_err(|e| format!("{e:?}"));
            prop_assert_eq!(read(&plain), read(&quoted));
        }
    }

    /// Only a file with no header, or a header of one blank field, is empty.
    #[test]
    fn an_empty_file_is_said_to_be_empty() {
        let layout = crate::data::leicestershire::expenditure_plan_layout();
        let said_empty = |text: &str| {
            super::read_expenditure_plan("t.csv", text, &layout)
                .expect_err("no plan in it")
                .iter()
                .any(|e| e.problem.contains("the file is empty"))
        };
        assert!(said_empty(""));
        assert!(said_empty("   \n"));
        assert!(!said_empty("section\n"));
        assert!(!said_empty(" ,subgroup\n"));
    }

    /// Programmes are the sections with scheme lines, in order of their
    /// first row of any kind, named after their first total row without a
    /// sub-group (`Total ` or `Sub Total ` taken off); a section of totals
    /// only, or the contingency section, is none.
    #[test]
    fn programmes_are_sections_with_lines_named_by_their_first_total() {
        let layout = crate::data::leicestershire::expenditure_plan_layout();
        let text = "section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18
SUMMARY,,total,Total of everything,,1.0,1.0,1.0,3.0
B,,total,Sub Total Second,,,,,
A,,line,One,,1.0,,,
A,Disabled Facilities Grants,total,Total DFG part,,,,,
B,,line,Two,,,1.0,,
A,,line,Three,,,,1.0,
A,,total,Total First,,,,,
A,,total,Total First again,,,,,
CONTINGENCY,,line,Risk Pool,,0.0,,,
FUNDING,,funding,CCG BCF Minimum Funding Allocation,,1.0,1.0,,
FUNDING,,funding,iBCF Supplementary Funding (Social Care Allocation - Spring 2017),,,,1.0,
";
        let read = super::read_expenditure_plan("t.csv", text, &layout).expect("the table reads");
        let programmes: Vec<(&str, &str)> = read
            .plan
            .programmes()
            .iter()
            .map(|p| (p.id.as_str(), p.name.as_str()))
            .collect();
        assert_eq!(programmes, [("B", "Second"), ("A", "First")]);
        let ids: Vec<&str> = read.plan.lines().iter().map(|l| l.id()).collect();
        assert_eq!(ids, ["A.1", "B.1", "A.2"]);
        assert_eq!(read.plan.contingency().len(), 1);
    }

    #[test]
    fn line_ids_count_each_section_alone() {
        let mut ids = super::LineIds::default();
        let got: Vec<String> = ["BCF1", "BCF1", "BCF2", "BCF1"].iter().map(|s| ids.next(s)).collect();
        assert_eq!(got, ["BCF1.1", "BCF1.2", "BCF2.1", "BCF1.3"]);
        let mut id = String::from("left over");
        for n in 2..=1_000_usize {
            ids.next_into("S", &mut id);
            assert_eq!(id, format!("S.{}", n - 1));
        }
        ids.ordinal.insert("big", usize::MAX - 1);
        ids.next_into("big", &mut id);
        assert_eq!(id, format!("big.{}", usize::MAX));
        // A section met again, after others, goes on from its last line.
        for (section, want) in [
            ("BCF2", "BCF2.2"),
            ("S", "S.1000"),
            ("BCF1", "BCF1.4"),
            ("BCF1", "BCF1.5"),
        ] {
            ids.next_into(section, &mut id);
            assert_eq!(id, want);
        }
    }

    #[test]
    fn contains_ci_is_contains_on_lowercased_text() {
        let lowered = |h: &str, n: &str| h.to_ascii_lowercase().contains(&n.to_ascii_lowercase());
        for (h, n) in [
            ("Disabled Facilities Grants", "facilities"),
            ("DFG", "dfg"),
            ("Café Ünited", "ÜNITED"),
            ("Café Ünited", "café"),
            ("Café", "É"),
            ("abc", ""),
            ("", "a"),
            ("ab", "abc"),
        ] {
            assert_eq!(super::contains_ci(h, n), lowered(h, n), "{h:?} {n:?}");
        }
    }
}
