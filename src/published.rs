//! Published tables as printed, and checking their footings.
//!
//! A [`PublishedTable`] holds every printed figure of a table with the
//! precision it was printed to. A [`Footing`] says which figures should add
//! up to which total; [`check_footings`] recomputes each total exactly and
//! classifies the difference as exact, a rounding difference or an error
//! (see [`BoundRule`]). [`expenditure_plan_footings`] builds the nine kinds of
//! footing of a BCF expenditure plan (docs/domain.md section 3).
//!
//! ```
//! use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule};
//!
//! let published = bcf_model::data::leicestershire::expenditure_plan()?;
//! let footings = expenditure_plan_footings(&published.table);
//! let check = check_footings(&published.table, &footings, BoundRule::WorstCase)?;
//! assert_eq!(check.rounding_differences().count(), 27);
//! assert_eq!(check.errors().count(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure, RoundingBound, Unit};
use crate::reconcile::{Agreement, Comparison, ReconcileError};

/// The kind of a printed row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RowKind {
    /// A budget line (scheme or contingency).
    Line,
    /// A printed total or subtotal.
    Total,
    /// A funding (income) row.
    Funding,
}

/// A money column of a published table: one contributor (or the total) in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedColumn {
    /// The column heading as in the file, e.g. `wl_ccg_2017_18`.
    pub key: String,
    /// The year.
    pub year: FinancialYear,
    /// The contributor id, or `None` for the total column.
    pub contributor: Option<String>,
}

impl fmt::Display for PublishedColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.contributor {
            Some(c) => write!(f, "{} {}", crate::text::escape(c), self.year),
            None => write!(f, "total {}", self.year),
        }
    }
}

/// A printed row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRow {
    /// Line number in the source file (1 is the header).
    pub line: u64,
    /// The section, e.g. `BCF2`, `SUMMARY`, `CONTINGENCY`, `FUNDING`.
    pub section: String,
    /// A sub-heading, e.g. "Disabled Facilities Grants".
    pub subgroup: Option<String>,
    /// Line, total or funding.
    pub kind: RowKind,
    /// The row's name as printed.
    pub name: String,
    /// The iBCF allocation code, if printed.
    pub code: Option<String>,
    /// One cell per column of the table; `None` where the cell is blank.
    pub cells: Vec<Option<PrintedFigure>>,
}

/// A published table: its columns and rows as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedTable {
    /// Where it came from (a file name).
    pub source: String,
    /// The unit the figures are printed in.
    pub unit: Unit,
    /// The money columns.
    pub columns: Vec<PublishedColumn>,
    /// The rows in printed order.
    pub rows: Vec<PublishedRow>,
}

impl PublishedTable {
    /// The printed figure at `cell`, if not blank.
    #[must_use]
    pub fn figure(&self, cell: Cell) -> Option<PrintedFigure> {
        self.rows.get(cell.row)?.cells.get(cell.column).copied().flatten()
    }

    /// The position of the first row named `name` (ignoring case).
    #[must_use]
    pub fn row_named(&self, name: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The columns of `year`, contributors first then the total.
    pub fn columns_of(&self, year: FinancialYear) -> impl Iterator<Item = (usize, &PublishedColumn)> {
        self.columns.iter().enumerate().filter(move |(_, c)| c.year == year)
    }

    /// The position of the column of `contributor` (or the total column, for
    /// `None`) in `year`.
    #[must_use]
    pub fn column_index(&self, contributor: Option<&str>, year: FinancialYear) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.year == year && c.contributor.as_deref() == contributor)
    }

    /// The years of the table, in order.
    #[must_use]
    pub fn years(&self) -> Vec<FinancialYear> {
        let mut ys: Vec<FinancialYear> = self.columns.iter().map(|c| c.year).collect();
        ys.sort();
        ys.dedup();
        ys
    }
}

/// A cell of a published table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    /// Row position (not the file line).
    pub row: usize,
    /// Column position.
    pub column: usize,
}

/// The nine kinds of footing of a BCF expenditure plan (docs/domain.md section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FootingKind {
    /// (1) A row's contributor columns add to its total column.
    RowCrossCast,
    /// (2) A programme's lines add to its printed total.
    ProgrammeLines,
    /// (3) A sub-group's lines (the DFG lines) add to its subtotal.
    SubgroupLines,
    /// (4) The programme totals add to TOTAL BCF SPEND.
    ProgrammeTotals,
    /// (5) Recurrent plus non-recurrent spend make TOTAL BCF SPEND.
    SpendAnalysis,
    /// (6) The contingency lines add to TOTAL CONTINGENCY.
    ContingencyLines,
    /// (7) TOTAL BCF SPEND plus TOTAL CONTINGENCY make TOTAL EXPENDITURE.
    Expenditure,
    /// (8) The funding rows add to Total Allocation.
    FundingRows,
    /// (9) Total Allocation less TOTAL EXPENDITURE is the over/underspend commitment.
    Commitment,
}

impl FootingKind {
    /// Whether the footing runs across a row (as opposed to down a column).
    #[must_use]
    pub fn is_cross_cast(self) -> bool {
        self == FootingKind::RowCrossCast
    }
}

impl fmt::Display for FootingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FootingKind::RowCrossCast => "row cross-cast",
            FootingKind::ProgrammeLines => "programme lines",
            FootingKind::SubgroupLines => "sub-group lines",
            FootingKind::ProgrammeTotals => "programme totals",
            FootingKind::SpendAnalysis => "recurrent + non-recurrent",
            FootingKind::ContingencyLines => "contingency lines",
            FootingKind::Expenditure => "spend + contingency",
            FootingKind::FundingRows => "funding rows",
            FootingKind::Commitment => "allocation - expenditure",
        })
    }
}

/// One addition to check: signed parts that should equal a total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footing {
    /// Which of the nine kinds.
    pub kind: FootingKind,
    /// The row whose figure is the total.
    pub total: Cell,
    /// The parts, each added (`true`) or subtracted (`false`).
    pub parts: Vec<(Cell, bool)>,
}

/// Something the footing builder expected and did not find.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{}: {}", crate::text::shown(.source_name), crate::text::shown(.what))]
pub struct StructureProblem {
    /// The table's source.
    pub source_name: String,
    /// What is missing or odd.
    pub what: String,
}

/// How large a difference may be put down to rounding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BoundRule {
    /// Half a printed step for every printed figure taking part (each part
    /// and the total). The true values add up exactly and each printed figure
    /// is within half a step of its true value, so the printed figures can
    /// miss by at most this much; anything larger cannot be rounding. This
    /// is the default: it never calls a rounding difference an error.
    #[default]
    WorstCase,
    /// A fixed amount, whatever the number of figures (e.g. one printed step).
    Fixed(Money),
}

/// The result of one footing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FootingResult {
    /// The footing checked.
    pub footing: Footing,
    /// A readable description naming the rows and the column.
    pub description: String,
    /// The printed row of the total (file line and name).
    pub total_line: u64,
    /// The name of the total's row.
    pub total_name: String,
    /// Computed sum of the printed parts against the printed total.
    pub comparison: Comparison,
}

impl fmt::Display for FootingResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.comparison;
        let fmt = crate::money::Precision::THOUSANDS_1DP.format();
        write!(
            f,
            "{}: {} parts add to {}, printed {} (difference {}, bound {})",
            self.description,
            self.footing.kind,
            c.computed.format(&fmt),
            c.stated.format(&fmt),
            c.difference.format(&fmt),
            c.bound.format(&BOUND_FORMAT)
        )
    }
}

/// Bounds are printed in £'000 to two decimals (half of £100 is 0.05).
const BOUND_FORMAT: crate::money::Format = Precision::THOUSANDS_2DP.format();

/// Every footing of a table, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FootingCheck {
    /// Each footing's result, in table order.
    pub results: Vec<FootingResult>,
    /// Structure the builder expected and did not find (each counts as an error).
    pub problems: Vec<StructureProblem>,
}

impl FootingCheck {
    /// Footings that miss by a rounding difference.
    pub fn rounding_differences(&self) -> impl Iterator<Item = &FootingResult> {
        self.results
            .iter()
            .filter(|r| r.comparison.agreement == Agreement::Rounding)
    }

    /// Footings that miss by more than rounding can explain.
    pub fn errors(&self) -> impl Iterator<Item = &FootingResult> {
        self.results
            .iter()
            .filter(|r| r.comparison.agreement == Agreement::Error)
    }

    /// Number of errors, counting structure problems.
    #[must_use]
    pub fn error_count(&self) -> usize {
        self.errors().count() + self.problems.len()
    }
}

/// Builds the footings of a BCF expenditure plan (docs/domain.md section 3) over
/// every money column:
///
/// 1. each row with a total column: contributor columns = total;
/// 2. each programme (section `BCF…`): its lines = its total row;
/// 3. each sub-group: its lines = its subtotal row;
/// 4. the programme totals = `TOTAL BCF SPEND`;
/// 5. the other `SUMMARY` totals (recurrent, non-recurrent) = `TOTAL BCF SPEND`;
/// 6. the `CONTINGENCY` lines = `TOTAL CONTINGENCY`;
/// 7. `TOTAL BCF SPEND` + `TOTAL CONTINGENCY` = `TOTAL EXPENDITURE`;
/// 8. the funding rows = `Total Allocation`;
/// 9. `Total Allocation` - `TOTAL EXPENDITURE` = `Over/Underspend Commitment`.
///
/// Rows are found by section, kind and (for the summary rows) name, ignoring
/// case. Anything missing is reported by [`check_footings`] as a
/// [`StructureProblem`]; this function itself returns what it could build
/// and the problems.
#[must_use]
pub fn expenditure_plan_footings(table: &PublishedTable) -> (Vec<Footing>, Vec<StructureProblem>) {
    let mut footings = Vec::new();
    let mut problems = Vec::new();
    let problem = |what: String| StructureProblem {
        source_name: table.source.clone(),
        what,
    };
    let years = table.years();

    // (1) row cross-casts
    for (r, _) in table.rows.iter().enumerate() {
        for &year in &years {
            let cols: Vec<(usize, &PublishedColumn)> = table.columns_of(year).collect();
            let total = cols.iter().find(|(_, c)| c.contributor.is_none()).map(|(i, _)| *i);
            if let Some(t) = total {
                let parts = cols
                    .iter()
                    .filter(|(_, c)| c.contributor.is_some())
                    .map(|(i, _)| (Cell { row: r, column: *i }, true))
                    .collect();
                footings.push(Footing {
                    kind: FootingKind::RowCrossCast,
                    total: Cell { row: r, column: t },
                    parts,
                });
            }
        }
    }

    let column_footing = |kind: FootingKind, parts: &[(usize, bool)], total: usize, out: &mut Vec<Footing>| {
        for column in 0..table.columns.len() {
            out.push(Footing {
                kind,
                total: Cell { row: total, column },
                parts: parts.iter().map(|&(row, add)| (Cell { row, column }, add)).collect(),
            });
        }
    };

    // (2) and (3): programmes and their sub-groups, gathered in one pass
    // over the rows (a plan may have thousands of programmes).
    struct Group<'t> {
        name: &'t str,
        lines: Vec<(usize, bool)>,
        total: Option<usize>,
    }
    struct Section<'t> {
        name: &'t str,
        lines: Vec<(usize, bool)>,
        total: Option<usize>,
        groups: Vec<Group<'t>>,
    }
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut section_ix: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut group_ix: std::collections::HashMap<(usize, &str), usize> = std::collections::HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        if !is_programme(&row.section) {
            continue;
        }
        let k = *section_ix.entry(row.section.as_str()).or_insert_with(|| {
            sections.push(Section {
                name: &row.section,
                lines: Vec::new(),
                total: None,
                groups: Vec::new(),
            });
            sections.len() - 1
        });
        let Some(section) = sections.get_mut(k) else { continue };
        match (row.kind, row.subgroup.as_deref()) {
            (RowKind::Line, _) => section.lines.push((i, true)),
            (RowKind::Total, None) if section.total.is_none() => section.total = Some(i),
            _ => {}
        }
        if let Some(g) = row.subgroup.as_deref() {
            let j = *group_ix.entry((k, g)).or_insert_with(|| {
                section.groups.push(Group {
                    name: g,
                    lines: Vec::new(),
                    total: None,
                });
                section.groups.len() - 1
            });
            if let Some(group) = section.groups.get_mut(j) {
                match row.kind {
                    RowKind::Line => group.lines.push((i, true)),
                    RowKind::Total if group.total.is_none() => group.total = Some(i),
                    _ => {}
                }
            }
        }
    }
    let mut programme_totals = Vec::new();
    for section in &sections {
        match section.total {
            Some(t) => {
                column_footing(FootingKind::ProgrammeLines, &section.lines, t, &mut footings);
                programme_totals.push((t, true));
            }
            None => problems.push(problem(format!("programme {} has no total row", section.name))),
        }
        for g in &section.groups {
            let name = g.name;
            match g.total {
                Some(t) => column_footing(FootingKind::SubgroupLines, &g.lines, t, &mut footings),
                None => problems.push(problem(format!(
                    "sub-group {name:?} of {} has no subtotal row",
                    section.name
                ))),
            }
        }
    }

    let mut named = |name: &str| {
        let found = table.row_named(name);
        if found.is_none() {
            problems.push(problem(format!("no row named {name:?}")));
        }
        found
    };
    let spend = named("TOTAL BCF SPEND");
    let contingency = named("TOTAL CONTINGENCY");
    let expenditure = named("TOTAL EXPENDITURE");
    let allocation = named("Total Allocation");
    let commitment = named("Over/Underspend Commitment");

    if let Some(s) = spend {
        // (4)
        column_footing(FootingKind::ProgrammeTotals, &programme_totals, s, &mut footings);
        // (5)
        let analysis: Vec<(usize, bool)> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(i, r)| r.section.eq_ignore_ascii_case("SUMMARY") && *i != s)
            .map(|(i, _)| (i, true))
            .collect();
        if !analysis.is_empty() {
            column_footing(FootingKind::SpendAnalysis, &analysis, s, &mut footings);
        }
    }
    if let Some(c) = contingency {
        // (6)
        let lines: Vec<(usize, bool)> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.section.eq_ignore_ascii_case("CONTINGENCY") && r.kind == RowKind::Line)
            .map(|(i, _)| (i, true))
            .collect();
        column_footing(FootingKind::ContingencyLines, &lines, c, &mut footings);
    }
    if let (Some(s), Some(c), Some(e)) = (spend, contingency, expenditure) {
        // (7)
        column_footing(FootingKind::Expenditure, &[(s, true), (c, true)], e, &mut footings);
    }
    if let Some(a) = allocation {
        // (8)
        let rows: Vec<(usize, bool)> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RowKind::Funding)
            .map(|(i, _)| (i, true))
            .collect();
        column_footing(FootingKind::FundingRows, &rows, a, &mut footings);
    }
    if let (Some(a), Some(e), Some(o)) = (allocation, expenditure, commitment) {
        // (9)
        column_footing(FootingKind::Commitment, &[(a, true), (e, false)], o, &mut footings);
    }
    (footings, problems)
}

fn is_programme(section: &str) -> bool {
    let upper = section.to_ascii_uppercase();
    match upper.strip_prefix("BCF") {
        Some(number) => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// Recomputes every footing from the printed parts and compares it with the
/// printed total. Blank cells count as zero and add nothing to the bound; a
/// printed figure, zero included, adds half its own step. A footing that
/// names a cell outside the table is an error
/// ([`ReconcileError::NoSuchCell`]), never read as blank.
///
/// `footings` is what [`expenditure_plan_footings`] returns (footings and
/// structure problems), or footings of your own with no problems.
///
/// # Errors
///
/// [`ReconcileError::NoSuchCell`] for a footing that names a cell outside the
/// table, [`ReconcileError::Overflow`] if a sum or a difference is beyond the
/// decimal range, and [`ReconcileError::Bound`] if a worst-case rounding bound
/// cannot be computed.
pub fn check_footings(
    table: &PublishedTable,
    footings: &(Vec<Footing>, Vec<StructureProblem>),
    rule: BoundRule,
) -> Result<FootingCheck, ReconcileError> {
    let (footings, problems) = footings;
    let mut results = Vec::with_capacity(footings.len());
    let overflow = |e: crate::money::MoneyError| ReconcileError::Overflow(e.to_string());
    let exists = |cell: Cell| {
        let in_table = table
            .rows
            .get(cell.row)
            .is_some_and(|r| r.cells.get(cell.column).is_some())
            && table.columns.get(cell.column).is_some();
        if in_table {
            Ok(())
        } else {
            Err(ReconcileError::NoSuchCell(format!(
                "row {}, column {} of {} ({} rows, {} columns)",
                cell.row,
                cell.column,
                table.source,
                table.rows.len(),
                table.columns.len()
            )))
        }
    };
    for footing in footings {
        exists(footing.total)?;
        for (cell, _) in &footing.parts {
            exists(*cell)?;
        }
        let mut sum = Money::ZERO;
        let mut bound = RoundingBound::ZERO;
        // Whether any figure is printed: a footing of blanks only is skipped.
        let mut printed_any = false;
        let bound_error = |e: crate::money::MoneyError| ReconcileError::Bound(e.to_string());
        for &(cell, add) in &footing.parts {
            if let Some(p) = table.figure(cell) {
                sum = if add {
                    sum.checked_add(p.value)
                } else {
                    sum.checked_sub(p.value)
                }
                .map_err(overflow)?;
                bound.add(p.precision, 1).map_err(bound_error)?;
                printed_any = true;
            }
        }
        let printed = table.figure(footing.total);
        // A blank total with printed parts is compared with zero: the parts
        // should add to nothing.
        let stated = printed.map_or(Money::ZERO, |p| p.value);
        if let Some(p) = printed {
            bound.add(p.precision, 1).map_err(bound_error)?;
            printed_any = true;
        }
        if !printed_any {
            continue;
        }
        let bound = match rule {
            BoundRule::WorstCase => bound.to_money().map_err(bound_error)?,
            BoundRule::Fixed(b) => b,
        };
        let comparison = Comparison::new(sum, stated, bound)?;
        let row = table
            .rows
            .get(footing.total.row)
            .expect("checked above: the total's row exists");
        let column = table
            .columns
            .get(footing.total.column)
            .expect("checked above: the total's column exists");
        let total_name = row.name.clone();
        let total_line = row.line;
        let description = if footing.kind.is_cross_cast() {
            format!("{total_name:?} (line {total_line}), {}", column.year)
        } else {
            format!("{total_name:?} (line {total_line}), column {column}")
        };
        results.push(FootingResult {
            footing: footing.clone(),
            description,
            total_line,
            total_name,
            comparison,
        });
    }
    Ok(FootingCheck {
        results,
        problems: problems.clone(),
    })
}
