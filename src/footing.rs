//! Footing checks for any table, and the printing convention each figure is
//! consistent with.
//!
//! A [`DescribedTable`] is a table described as data: its row and column
//! labels, which rows or columns are totals of which ([`TotalOf`]), the
//! figures as printed, each with its own precision, and, where known, the
//! figures behind them, each an [`Interval`] (a point when known exactly,
//! `[v - 0.05, v + 0.05]` thousand for a figure known only as £'000 to one
//! decimal). [`check_table`] then
//!
//! - recomputes every footing from the printed parts and classifies the
//!   difference as exact, a rounding difference or an error, with the bound
//!   rules of the published expenditure plan ([`BoundRule`]: half a printed
//!   step for every printed figure taking part, from the figures as printed);
//! - infers, for every printed figure with a figure behind it, the printing
//!   conventions ([`Rounding`]) it is consistent with: a convention is
//!   consistent if *some* value of the interval behind prints as the printed
//!   figure under it;
//! - summarises per table and per column the conventions consistent with
//!   every figure, or that none is, naming the cells that break each.
//!
//! A headline figure in prose ("totals £55.9m") is checked the same way
//! against the exact total with [`check_headline`].
//!
//! ```
//! use bcf_model::footing::{check_table, Axis, DescribedTable, Interval, TotalOf, PRINTING_CONVENTIONS};
//! use bcf_model::money::{Money, Precision, Rounding, Unit};
//! use bcf_model::published::{BoundRule, Cell};
//! use bcf_model::reconcile::Agreement;
//!
//! // Two parts and their total, printed in whole £'000 from figures known
//! // to one decimal: 6,837.6 printed 6,837 and 9,525.6 printed 9,526.
//! let mut table = DescribedTable::new("grants", ["spring 2018/19", "spring 2017/18", "total"], ["£'000"]);
//! let printed = |s: &str| Money::parse_printed(s, Unit::Thousands);
//! let behind = |s: &str| Money::parse_printed(s, Unit::Thousands).map_err(|e| e.to_string())
//!     .and_then(|f| Interval::around(f).map_err(|e| e.to_string()));
//! for (row, p, b) in [(0, "6837", "6837.6"), (1, "9526", "9525.6"), (2, "16363", "16363.2")] {
//!     table.set_printed(Cell { row, column: 0 }, printed(p)?)?;
//!     table.set_behind(Cell { row, column: 0 }, behind(b)?)?;
//! }
//! table.add_total(TotalOf::new(Axis::Rows, 2, [0, 1]))?;
//!
//! let check = check_table(&table, BoundRule::WorstCase, &PRINTING_CONVENTIONS)?;
//! assert_eq!(check.footings[0].comparison.agreement, Agreement::Exact);
//! let spring = check.cell(Cell { row: 0, column: 0 }).ok_or("not assessed")?;
//! assert_eq!(spring.consistent, vec![Rounding::TowardZero]);
//! assert!(check.table.consistent.is_empty()); // no single convention
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::Serialize;

use crate::money::{Money, MoneyError, PrintedFigure, Rounding, RoundingBound, Unit};
use crate::published::{BoundRule, Cell};
use crate::reconcile::{Agreement, Comparison, ReconcileError};

/// The conventions a printed table is usually made with, and the ones
/// [`check_table`] is normally asked about: rounded half away from zero
/// (what spreadsheets do), half to even (banker's) and truncated toward zero.
pub const PRINTING_CONVENTIONS: [Rounding; 3] = [Rounding::HalfAwayFromZero, Rounding::HalfEven, Rounding::TowardZero];

/// Every rounding the crate can print with: [`PRINTING_CONVENTIONS`] and
/// rounding any remainder away from zero.
pub const ALL_CONVENTIONS: [Rounding; 4] = [
    Rounding::HalfAwayFromZero,
    Rounding::HalfEven,
    Rounding::TowardZero,
    Rounding::AwayFromZero,
];

/// What went wrong checking a table.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FootingError {
    /// A sum, difference or rounding does not fit the decimal range.
    #[error("a figure cannot be represented exactly: {0}")]
    Overflow(String),
    /// The sum of the half steps of the figures taking part does not fit in
    /// the decimal range.
    #[error("the rounding bound cannot be computed: {0}")]
    Bound(String),
    /// A cell, row or column outside the table.
    #[error("no such cell: {0}")]
    NoSuchCell(String),
    /// An interval whose low end is above its high end.
    #[error("not an interval: {low} is above {high}")]
    EmptyInterval {
        /// The low end given.
        low: Money,
        /// The high end given.
        high: Money,
    },
}

impl From<MoneyError> for FootingError {
    fn from(e: MoneyError) -> FootingError {
        FootingError::Overflow(e.to_string())
    }
}

impl From<ReconcileError> for FootingError {
    fn from(e: ReconcileError) -> FootingError {
        match e {
            ReconcileError::Bound(s) => FootingError::Bound(s),
            ReconcileError::NoSuchCell(s) => FootingError::NoSuchCell(s),
            other => FootingError::Overflow(other.to_string()),
        }
    }
}

/// A closed interval of money, `[low, high]`: what is known of a figure
/// behind a printed one. A point when the figure is known exactly.
///
/// ```
/// use bcf_model::footing::Interval;
/// use bcf_model::money::{Money, Unit};
///
/// // 20,843.5 in £'000 to one decimal is something in [20,843.45, 20,843.55] thousand.
/// let wl = Interval::around(Money::parse_printed("20,843.5", Unit::Thousands)?)?;
/// assert_eq!(wl.low(), Money::parse("20,843,450", Unit::Pounds)?);
/// assert_eq!(wl.high(), Money::parse("20,843,550", Unit::Pounds)?);
/// let elr = Interval::around(Money::parse_printed("15,838.1", Unit::Thousands)?)?;
/// let both = wl.checked_add(elr)?;
/// assert_eq!(both.low(), Money::parse("36,681,500", Unit::Pounds)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Interval {
    low: Money,
    high: Money,
}

impl Interval {
    /// `[low, high]`.
    ///
    /// # Errors
    ///
    /// [`FootingError::EmptyInterval`] if `low` is above `high`.
    pub fn new(low: Money, high: Money) -> Result<Interval, FootingError> {
        if low > high {
            return Err(FootingError::EmptyInterval { low, high });
        }
        Ok(Interval { low, high })
    }

    /// A figure known exactly.
    #[must_use]
    pub const fn point(value: Money) -> Interval {
        Interval {
            low: value,
            high: value,
        }
    }

    /// What a printed figure says of its true value, if it was rounded to
    /// nearest: within half a step of it, ends included.
    ///
    /// # Errors
    ///
    /// [`FootingError::Overflow`] if an end is beyond the decimal range.
    pub fn around(figure: PrintedFigure) -> Result<Interval, FootingError> {
        let half = RoundingBound::of(figure.precision, 1).to_money()?;
        Interval::new(figure.value.checked_sub(half)?, figure.value.checked_add(half)?)
    }

    /// The low end.
    #[must_use]
    pub const fn low(self) -> Money {
        self.low
    }

    /// The high end.
    #[must_use]
    pub const fn high(self) -> Money {
        self.high
    }

    /// Whether the interval is a single value.
    #[must_use]
    pub fn is_point(self) -> bool {
        self.low == self.high
    }

    /// Whether `value` lies in the interval (ends included).
    #[must_use]
    pub fn contains(self, value: Money) -> bool {
        self.low <= value && value <= self.high
    }

    /// `self + other`: every sum of a value of each.
    ///
    /// # Errors
    ///
    /// [`FootingError::Overflow`] if an end is beyond the decimal range.
    pub fn checked_add(self, other: Interval) -> Result<Interval, FootingError> {
        Interval::new(self.low.checked_add(other.low)?, self.high.checked_add(other.high)?)
    }

    /// `self - other`: every difference of a value of each.
    ///
    /// # Errors
    ///
    /// [`FootingError::Overflow`] if an end is beyond the decimal range.
    pub fn checked_sub(self, other: Interval) -> Result<Interval, FootingError> {
        Interval::new(self.low.checked_sub(other.high)?, self.high.checked_sub(other.low)?)
    }

    /// The sum of intervals (a point at zero for none).
    ///
    /// # Errors
    ///
    /// [`FootingError::Overflow`] if an end is beyond the decimal range.
    pub fn checked_sum<I: IntoIterator<Item = Interval>>(items: I) -> Result<Interval, FootingError> {
        items
            .into_iter()
            .try_fold(Interval::point(Money::ZERO), |acc, i| acc.checked_add(i))
    }

    /// The middle of the interval and half its width, exactly.
    ///
    /// # Errors
    ///
    /// [`FootingError::Overflow`] if the width is beyond the decimal range or
    /// its half needs more than 28 decimals.
    pub fn middle_and_radius(self) -> Result<(Money, Money), FootingError> {
        let width = self.high.checked_sub(self.low)?;
        let radius = width.checked_mul(rust_decimal::Decimal::new(5, 1))?;
        Ok((self.low.checked_add(radius)?, radius))
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_point() {
            write!(f, "{}", self.low)
        } else {
            write!(f, "[{}, {}]", self.low, self.high)
        }
    }
}

/// Whether `printed` can be the figure behind it, known to lie in `behind`,
/// printed with `rounding`: whether some value of `behind` prints as
/// `printed` under it.
///
/// Exact at every end, open or closed, and for negative figures: each
/// rounding is a non-decreasing step function taking every whole number of
/// steps, so a value of `[low, high]` prints as `p` exactly when `low`
/// prints at or below `p` and `high` prints at or above it. Both ends are
/// rounded exactly ([`Money::steps`]). A printed figure that is not a whole
/// number of its own steps is consistent with no convention.
///
/// ```
/// use bcf_model::footing::{explains, Interval};
/// use bcf_model::money::{Money, Rounding, Unit};
///
/// let p = |s: &str| Money::parse_printed(s, Unit::Thousands);
/// let wl = Interval::around(p("20,843.5")?)?; // [20,843.45, 20,843.55]
/// // 20,843.45 rounds to 20,843 and 20,843.5 truncates to it: all three explain it.
/// assert!(explains(p("20,843")?, wl, Rounding::HalfAwayFromZero)?);
/// assert!(explains(p("20,843")?, wl, Rounding::HalfEven)?);
/// assert!(explains(p("20,843")?, wl, Rounding::TowardZero)?);
/// // The point 20,843.5 alone rounds up, half away from zero or to even.
/// let point = Interval::point(p("20,843.5")?.value);
/// assert!(!explains(p("20,843")?, point, Rounding::HalfAwayFromZero)?);
/// assert!(!explains(p("20,843")?, point, Rounding::HalfEven)?);
/// // -2.5 to even is -2, half away from zero -3.
/// let minus = Interval::point(p("-2.5")?.value);
/// assert!(explains(p("-2")?, minus, Rounding::HalfEven)?);
/// assert!(explains(p("-3")?, minus, Rounding::HalfAwayFromZero)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`FootingError::Overflow`] if an end of `behind`, in steps of the
/// printed precision, does not fit an `i128`.
pub fn explains(printed: PrintedFigure, behind: Interval, rounding: Rounding) -> Result<bool, FootingError> {
    let precision = printed.precision;
    if !printed.value.is_multiple_of(precision) {
        return Ok(false);
    }
    // A whole number of steps: any rounding gives its exact count.
    let target = printed.value.steps(precision, Rounding::TowardZero)?;
    let low = behind.low.steps(precision, rounding)?;
    let high = behind.high.steps(precision, rounding)?;
    Ok(low <= target && target <= high)
}

/// The conventions among `candidates` that explain `printed` from `behind`
/// (see [`explains`]), in the order given.
///
/// # Errors
///
/// As [`explains`].
pub fn conventions_explaining(
    printed: PrintedFigure,
    behind: Interval,
    candidates: &[Rounding],
) -> Result<Vec<Rounding>, FootingError> {
    let mut found = Vec::new();
    for &rounding in candidates {
        if explains(printed, behind, rounding)? && !found.contains(&rounding) {
            found.push(rounding);
        }
    }
    Ok(found)
}

/// Which way a total runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Axis {
    /// A total row: in every column, the total row's figure is the sum of
    /// the part rows' figures.
    Rows,
    /// A total column: in every row, the total column's figure is the sum
    /// of the part columns' figures.
    Columns,
}

/// A row (or column) that is the total of others, each added or
/// subtracted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TotalOf {
    /// Rows or columns.
    pub axis: Axis,
    /// The position of the total row (or column).
    pub total: usize,
    /// The parts, each added (`true`) or subtracted (`false`).
    pub parts: Vec<(usize, bool)>,
}

impl TotalOf {
    /// `total` is the sum of `parts`, all added.
    #[must_use]
    pub fn new(axis: Axis, total: usize, parts: impl IntoIterator<Item = usize>) -> TotalOf {
        TotalOf {
            axis,
            total,
            parts: parts.into_iter().map(|p| (p, true)).collect(),
        }
    }
}

/// A row of a printed table as read from a file
/// ([`crate::io::read_printed_rows`]): its labels and its figures, each with
/// the precision it was printed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrintedRow {
    /// Line number in the file (1 is the header).
    pub line: u64,
    /// The label cells, in header order.
    pub labels: Vec<String>,
    /// The figure cells, in the order asked; `None` where blank.
    pub figures: Vec<Option<PrintedFigure>>,
}

/// A table described as data: labels, totals, printed figures and, where
/// known, the figures behind them. Its grids always have one cell per row
/// and column (the setters refuse a cell outside it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DescribedTable {
    name: String,
    rows: Vec<String>,
    columns: Vec<String>,
    totals: Vec<TotalOf>,
    printed: Vec<Vec<Option<PrintedFigure>>>,
    behind: Vec<Vec<Option<Interval>>>,
}

impl DescribedTable {
    /// A table with these row and column labels, every cell blank and
    /// nothing known behind it.
    #[must_use]
    pub fn new<R, C>(name: impl Into<String>, rows: R, columns: C) -> DescribedTable
    where
        R: IntoIterator,
        R::Item: Into<String>,
        C: IntoIterator,
        C::Item: Into<String>,
    {
        let rows: Vec<String> = rows.into_iter().map(Into::into).collect();
        let columns: Vec<String> = columns.into_iter().map(Into::into).collect();
        let blank = vec![None; columns.len()];
        DescribedTable {
            name: name.into(),
            printed: vec![blank.clone(); rows.len()],
            behind: vec![vec![None; columns.len()]; rows.len()],
            rows,
            columns,
            totals: Vec::new(),
        }
    }

    fn no_such(&self, what: impl fmt::Display) -> FootingError {
        FootingError::NoSuchCell(format!(
            "{what} of {} ({} rows, {} columns)",
            crate::text::escape(&self.name),
            self.rows.len(),
            self.columns.len()
        ))
    }

    /// Sets the printed figure at `cell`.
    ///
    /// # Errors
    ///
    /// [`FootingError::NoSuchCell`] if `cell` is outside the table.
    pub fn set_printed(&mut self, cell: Cell, figure: PrintedFigure) -> Result<(), FootingError> {
        let slot = self.printed.get_mut(cell.row).and_then(|r| r.get_mut(cell.column));
        match slot {
            Some(s) => {
                *s = Some(figure);
                Ok(())
            }
            None => Err(self.no_such(format_args!("row {}, column {}", cell.row, cell.column))),
        }
    }

    /// Sets what is known of the figure behind the one printed at `cell`.
    ///
    /// # Errors
    ///
    /// [`FootingError::NoSuchCell`] if `cell` is outside the table.
    pub fn set_behind(&mut self, cell: Cell, behind: Interval) -> Result<(), FootingError> {
        let slot = self.behind.get_mut(cell.row).and_then(|r| r.get_mut(cell.column));
        match slot {
            Some(s) => {
                *s = Some(behind);
                Ok(())
            }
            None => Err(self.no_such(format_args!("row {}, column {}", cell.row, cell.column))),
        }
    }

    /// Declares a total row or column.
    ///
    /// # Errors
    ///
    /// [`FootingError::NoSuchCell`] if the total or a part is not a row (or
    /// column) of the table.
    pub fn add_total(&mut self, total: TotalOf) -> Result<(), FootingError> {
        let (len, what) = match total.axis {
            Axis::Rows => (self.rows.len(), "row"),
            Axis::Columns => (self.columns.len(), "column"),
        };
        if let Some(bad) = std::iter::once(total.total)
            .chain(total.parts.iter().map(|(p, _)| *p))
            .find(|&i| i >= len)
        {
            return Err(self.no_such(format_args!("{what} {bad}")));
        }
        self.totals.push(total);
        Ok(())
    }

    /// The table's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The row labels.
    #[must_use]
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// The column labels.
    #[must_use]
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The totals declared.
    #[must_use]
    pub fn totals(&self) -> &[TotalOf] {
        &self.totals
    }

    /// The position of the row labelled `label`.
    #[must_use]
    pub fn row(&self, label: &str) -> Option<usize> {
        self.rows.iter().position(|r| r == label)
    }

    /// The position of the column labelled `label`.
    #[must_use]
    pub fn column(&self, label: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == label)
    }

    /// The cell at row `row` and column `column`, by label.
    #[must_use]
    pub fn cell(&self, row: &str, column: &str) -> Option<Cell> {
        Some(Cell {
            row: self.row(row)?,
            column: self.column(column)?,
        })
    }

    /// The printed figure at `cell`, if not blank.
    #[must_use]
    pub fn printed(&self, cell: Cell) -> Option<PrintedFigure> {
        self.printed.get(cell.row)?.get(cell.column).copied().flatten()
    }

    /// What is known of the figure behind `cell`, if anything.
    #[must_use]
    pub fn behind(&self, cell: Cell) -> Option<Interval> {
        self.behind.get(cell.row)?.get(cell.column).copied().flatten()
    }

    /// `row label, column label` of a cell, for messages.
    #[must_use]
    pub fn describe(&self, cell: Cell) -> String {
        let label = |labels: &[String], i: usize| {
            labels
                .get(i)
                .map_or_else(|| format!("#{i}"), |l| crate::text::escape(l).to_string())
        };
        format!("{}, {}", label(&self.rows, cell.row), label(&self.columns, cell.column))
    }
}

/// One footing of a described table, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableFooting {
    /// The total's cell.
    pub total: Cell,
    /// The parts' cells, each added (`true`) or subtracted (`false`).
    pub parts: Vec<(Cell, bool)>,
    /// E.g. `"Total = CCG minimum subtotal + DCLG subtotal + ..., 2017/18"`.
    pub description: String,
    /// The sum of the printed parts against the printed total.
    pub comparison: Comparison,
}

/// The conventions that explain one printed figure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellConventions {
    /// The cell.
    pub cell: Cell,
    /// The figure as printed.
    pub printed: PrintedFigure,
    /// What is known of the figure behind it.
    pub behind: Interval,
    /// The candidate conventions that explain it, in the order asked.
    pub consistent: Vec<Rounding>,
}

impl CellConventions {
    /// Whether exactly these conventions explain the figure (in any order).
    #[must_use]
    pub fn explained_only_by(&self, conventions: &[Rounding]) -> bool {
        self.consistent.len() == conventions.len() && conventions.iter().all(|c| self.consistent.contains(c))
    }
}

/// The cells a convention does not explain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Breaks {
    /// The convention.
    pub convention: Rounding,
    /// The cells it does not explain, in table order.
    pub cells: Vec<Cell>,
}

/// The conventions of a set of figures (a table or one column).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConventionSummary {
    /// How many printed figures had a figure behind them to judge by.
    pub assessed: usize,
    /// The candidates that explain every assessed figure; empty when no
    /// single convention does.
    pub consistent: Vec<Rounding>,
    /// For every other candidate, the cells it does not explain.
    pub breaks: Vec<Breaks>,
}

/// What a [`ConventionSummary`] comes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum ConventionVerdict {
    /// No figure had a figure behind it: nothing to judge.
    NothingToAssess,
    /// These conventions (one or more) explain every figure.
    Consistent(Vec<Rounding>),
    /// No single convention explains every figure.
    NoSingleConvention,
}

impl ConventionSummary {
    fn of<'c>(cells: impl Iterator<Item = &'c CellConventions> + Clone, candidates: &[Rounding]) -> ConventionSummary {
        let mut consistent = Vec::new();
        let mut breaks = Vec::new();
        for &convention in candidates {
            if consistent.contains(&convention) || breaks.iter().any(|b: &Breaks| b.convention == convention) {
                continue;
            }
            let broken: Vec<Cell> = cells
                .clone()
                .filter(|c| !c.consistent.contains(&convention))
                .map(|c| c.cell)
                .collect();
            if broken.is_empty() {
                consistent.push(convention);
            } else {
                breaks.push(Breaks {
                    convention,
                    cells: broken,
                });
            }
        }
        ConventionSummary {
            assessed: cells.count(),
            consistent,
            breaks,
        }
    }

    /// The verdict: nothing to judge, the conventions consistent with every
    /// figure, or no single convention.
    #[must_use]
    pub fn verdict(&self) -> ConventionVerdict {
        if self.assessed == 0 {
            ConventionVerdict::NothingToAssess
        } else if self.consistent.is_empty() {
            ConventionVerdict::NoSingleConvention
        } else {
            ConventionVerdict::Consistent(self.consistent.clone())
        }
    }

    /// The cells `convention` does not explain (none if it explains them
    /// all or was not a candidate).
    #[must_use]
    pub fn broken_by(&self, convention: Rounding) -> &[Cell] {
        self.breaks
            .iter()
            .find(|b| b.convention == convention)
            .map_or(&[], |b| b.cells.as_slice())
    }
}

/// A described table, checked: its footings, the conventions of each figure
/// and the summaries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableCheck {
    /// Every footing with a printed figure, in the order the totals were
    /// declared, then across the table.
    pub footings: Vec<TableFooting>,
    /// Every printed figure with a figure behind it, in table order.
    pub cells: Vec<CellConventions>,
    /// The whole table.
    pub table: ConventionSummary,
    /// One summary per column, in column order.
    pub columns: Vec<ConventionSummary>,
}

impl TableCheck {
    /// The conventions of the figure at `cell`, if it was assessed.
    #[must_use]
    pub fn cell(&self, cell: Cell) -> Option<&CellConventions> {
        self.cells.iter().find(|c| c.cell == cell)
    }

    /// Footings that miss by a rounding difference.
    pub fn rounding_differences(&self) -> impl Iterator<Item = &TableFooting> {
        self.footings
            .iter()
            .filter(|f| f.comparison.agreement == Agreement::Rounding)
    }

    /// Footings that miss by more than rounding can explain.
    pub fn errors(&self) -> impl Iterator<Item = &TableFooting> {
        self.footings
            .iter()
            .filter(|f| f.comparison.agreement == Agreement::Error)
    }

    /// The assessed cells explained by exactly these conventions.
    pub fn explained_only_by<'s>(&'s self, conventions: &'s [Rounding]) -> impl Iterator<Item = &'s CellConventions> {
        self.cells.iter().filter(move |c| c.explained_only_by(conventions))
    }
}

/// Checks every footing of `table` and infers the conventions its printed
/// figures are consistent with, among `candidates` (usually
/// [`PRINTING_CONVENTIONS`]).
///
/// Footings are judged as the published expenditure plan's are
/// ([`crate::published::check_footings`]): blank cells add nothing to a sum
/// or its bound, a blank total is compared with zero, a footing of blanks
/// only is skipped, and under [`BoundRule::WorstCase`] each printed figure
/// taking part adds half its own step to the bound.
///
/// # Errors
///
/// [`FootingError::Overflow`] if a sum, a difference or a rounding does not
/// fit, and [`FootingError::Bound`] if a rounding bound cannot be computed.
pub fn check_table(
    table: &DescribedTable,
    rule: BoundRule,
    candidates: &[Rounding],
) -> Result<TableCheck, FootingError> {
    let mut footings = Vec::new();
    for total in &table.totals {
        let across = match total.axis {
            Axis::Rows => table.columns.len(),
            Axis::Columns => table.rows.len(),
        };
        for k in 0..across {
            let at = |i: usize| match total.axis {
                Axis::Rows => Cell { row: i, column: k },
                Axis::Columns => Cell { row: k, column: i },
            };
            let parts: Vec<(Cell, bool)> = total.parts.iter().map(|&(p, add)| (at(p), add)).collect();
            if let Some(f) = check_footing(table, at(total.total), parts, total.axis, rule)? {
                footings.push(f);
            }
        }
    }

    let mut cells = Vec::new();
    for (r, row) in table.printed.iter().enumerate() {
        for (c, printed) in row.iter().enumerate() {
            let cell = Cell { row: r, column: c };
            if let (Some(printed), Some(behind)) = (*printed, table.behind(cell)) {
                cells.push(CellConventions {
                    cell,
                    printed,
                    behind,
                    consistent: conventions_explaining(printed, behind, candidates)?,
                });
            }
        }
    }
    let summary = ConventionSummary::of(cells.iter(), candidates);
    let columns = (0..table.columns.len())
        .map(|c| ConventionSummary::of(cells.iter().filter(move |x| x.cell.column == c), candidates))
        .collect();
    Ok(TableCheck {
        footings,
        cells,
        table: summary,
        columns,
    })
}

fn check_footing(
    table: &DescribedTable,
    total: Cell,
    parts: Vec<(Cell, bool)>,
    axis: Axis,
    rule: BoundRule,
) -> Result<Option<TableFooting>, FootingError> {
    let bound_error = |e: MoneyError| FootingError::Bound(e.to_string());
    let mut sum = Money::ZERO;
    let mut bound = RoundingBound::ZERO;
    let mut printed_any = false;
    for &(cell, add) in &parts {
        if let Some(p) = table.printed(cell) {
            sum = if add {
                sum.checked_add(p.value)
            } else {
                sum.checked_sub(p.value)
            }?;
            bound.add(p.precision, 1).map_err(bound_error)?;
            printed_any = true;
        }
    }
    let printed = table.printed(total);
    if let Some(p) = printed {
        bound.add(p.precision, 1).map_err(bound_error)?;
        printed_any = true;
    }
    if !printed_any {
        return Ok(None);
    }
    let stated = printed.map_or(Money::ZERO, |p| p.value);
    let bound = match rule {
        BoundRule::WorstCase => bound.to_money().map_err(bound_error)?,
        BoundRule::Fixed(b) => b,
    };
    let comparison = Comparison::new(sum, stated, bound)?;
    let (labels, across) = match axis {
        Axis::Rows => (&table.rows, &table.columns),
        Axis::Columns => (&table.columns, &table.rows),
    };
    // (position along the axis, position across it)
    let index = |c: Cell| match axis {
        Axis::Rows => (c.row, c.column),
        Axis::Columns => (c.column, c.row),
    };
    let name = |i: usize| {
        labels
            .get(i)
            .map_or_else(|| format!("#{i}"), |l| crate::text::escape(l).to_string())
    };
    let (t, k) = index(total);
    let mut description = format!("{} =", name(t));
    for (n, &(cell, add)) in parts.iter().enumerate() {
        let sign = match (n, add) {
            (0, true) => "",
            (0, false) => "- ",
            (_, true) => "+ ",
            (_, false) => "- ",
        };
        description.push_str(&format!(" {sign}{}", name(index(cell).0)));
    }
    let along = across
        .get(k)
        .map_or_else(|| format!("#{k}"), |l| crate::text::escape(l).to_string());
    description.push_str(&format!(", {along}"));
    Ok(Some(TableFooting {
        total,
        parts,
        description,
        comparison,
    }))
}

/// A headline figure in prose (`"£55.9m"`) read as a printed figure with
/// its precision: an optional `£`, a number as money is written, and a
/// unit: `m` or ` million` for £m, `k` or ` thousand` for £'000, nothing for
/// pounds.
///
/// ```
/// use bcf_model::footing::headline_figure;
/// use bcf_model::money::{Money, Precision, Unit};
///
/// let f = headline_figure("£55.9m")?;
/// assert_eq!(f.value, Money::parse("55,900,000", Unit::Pounds)?);
/// assert_eq!(f.precision, Precision::MILLIONS_1DP);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The [`crate::money::ParseMoneyError`] of [`Money::parse_printed`] if the
/// number cannot be read.
pub fn headline_figure(text: &str) -> Result<PrintedFigure, crate::money::ParseMoneyError> {
    let t = text.trim();
    let t = t.strip_prefix('£').unwrap_or(t).trim();
    let units = [
        (" million", Unit::Millions),
        ("million", Unit::Millions),
        ("m", Unit::Millions),
        (" thousand", Unit::Thousands),
        ("thousand", Unit::Thousands),
        ("k", Unit::Thousands),
    ];
    for (suffix, unit) in units {
        if let Some(number) = t.strip_suffix(suffix) {
            return Money::parse_printed(number.trim(), unit);
        }
    }
    Money::parse_printed(t, Unit::Pounds)
}

/// A headline figure checked against the exact total it states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeadlineCheck {
    /// The figure as printed.
    pub printed: PrintedFigure,
    /// What is known of the total it states.
    pub exact: Interval,
    /// The middle of `exact` against the printed figure, allowing half the
    /// printed step and half the width of `exact` (under
    /// [`BoundRule::WorstCase`]).
    pub comparison: Comparison,
    /// The candidate conventions that explain the printed figure.
    pub consistent: Vec<Rounding>,
}

/// Checks a headline figure (`"totals £55.9m"`, read with
/// [`headline_figure`]) against the exact total: as a footing of one part
/// (the total, at the middle of what is known of it, allowing half its
/// width) and by the conventions among `candidates` that explain it.
///
/// ```
/// use bcf_model::footing::{check_headline, headline_figure, Interval, PRINTING_CONVENTIONS};
/// use bcf_model::money::{Money, Rounding, Unit};
/// use bcf_model::published::BoundRule;
/// use bcf_model::reconcile::Agreement;
///
/// let total = Interval::point(Money::parse("55,993,100", Unit::Pounds)?);
/// let check = check_headline(headline_figure("£55.9m")?, total, BoundRule::WorstCase, &PRINTING_CONVENTIONS)?;
/// assert_eq!(check.comparison.agreement, Agreement::Error); // £93,100 off, more than £50,000
/// assert_eq!(check.consistent, vec![Rounding::TowardZero]);
/// let check = check_headline(headline_figure("£56.0m")?, total, BoundRule::WorstCase, &PRINTING_CONVENTIONS)?;
/// assert_eq!(check.comparison.agreement, Agreement::Rounding);
/// assert_eq!(check.consistent, vec![Rounding::HalfAwayFromZero, Rounding::HalfEven]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`FootingError::Overflow`] if a difference or rounding does not fit or
/// the middle of `exact` needs more than 28 decimals, and
/// [`FootingError::Bound`] if the bound cannot be computed.
pub fn check_headline(
    printed: PrintedFigure,
    exact: Interval,
    rule: BoundRule,
    candidates: &[Rounding],
) -> Result<HeadlineCheck, FootingError> {
    let (middle, radius) = exact.middle_and_radius()?;
    let bound = match rule {
        BoundRule::WorstCase => RoundingBound::of(printed.precision, 1)
            .to_money()
            .and_then(|h| h.checked_add(radius))
            .map_err(|e| FootingError::Bound(e.to_string()))?,
        BoundRule::Fixed(b) => b,
    };
    Ok(HeadlineCheck {
        printed,
        exact,
        comparison: Comparison::new(middle, printed.value, bound)?,
        consistent: conventions_explaining(printed, exact, candidates)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(s: &str, unit: Unit) -> PrintedFigure {
        Money::parse_printed(s, unit).unwrap()
    }
    fn thousands(s: &str) -> PrintedFigure {
        printed(s, Unit::Thousands)
    }
    fn between(low: &str, high: &str) -> Interval {
        Interval::new(thousands(low).value, thousands(high).value).unwrap()
    }
    fn explained(p: &str, behind: Interval) -> Vec<Rounding> {
        conventions_explaining(thousands(p), behind, &ALL_CONVENTIONS).unwrap()
    }
    use Rounding::{AwayFromZero as Up, HalfAwayFromZero as Half, HalfEven as Even, TowardZero as Trunc};

    /// Each end of each preimage, open or closed, positive and negative.
    #[test]
    fn ends_of_each_convention() {
        let point = |s: &str| Interval::point(thousands(s).value);
        // 2.5: half away -> 3, to even -> 2, truncated -> 2, up -> 3.
        assert_eq!(explained("3", point("2.5")), vec![Half, Up]);
        assert_eq!(explained("2", point("2.5")), vec![Even, Trunc]);
        // 3.5: to even is 4, as half away.
        assert_eq!(explained("4", point("3.5")), vec![Half, Even, Up]);
        assert_eq!(explained("3", point("3.5")), vec![Trunc]);
        // Negative: -2.5 half away -> -3, to even -> -2, toward zero -> -2, away -> -3.
        assert_eq!(explained("-3", point("-2.5")), vec![Half, Up]);
        assert_eq!(explained("-2", point("-2.5")), vec![Even, Trunc]);
        // -0.4 prints as 0 under every convention but away from zero (-1).
        assert_eq!(explained("0", point("-0.4")), vec![Half, Even, Trunc]);
        assert_eq!(explained("-1", point("-0.4")), vec![Up]);
        // A whole figure prints as itself under every convention.
        assert_eq!(explained("7", point("7")), ALL_CONVENTIONS.to_vec());
        // Closed ends: [2.4, 2.5] reaches 2.5, so half away can print 3.
        assert_eq!(explained("3", between("2.4", "2.5")), vec![Half, Up]);
        // [2.4, 2.49] cannot print 3 but by rounding up.
        assert_eq!(explained("3", between("2.4", "2.49")), vec![Up]);
        // [2.9, 3.0] truncates to 3 only at its high end.
        assert_eq!(explained("3", between("2.9", "3.0")), ALL_CONVENTIONS.to_vec());
        assert_eq!(explained("2", between("2.9", "3.0")), vec![Trunc]);
        // Negative mirror: [-3.0, -2.9] toward zero is -2 except at -3.0.
        assert_eq!(explained("-2", between("-3.0", "-2.9")), vec![Trunc]);
        assert_eq!(explained("-3", between("-3.0", "-2.9")), ALL_CONVENTIONS.to_vec());
        // Nothing explains a figure two steps away.
        assert!(explained("5", between("2.9", "3.0")).is_empty());
    }

    #[test]
    fn a_figure_off_its_own_step_is_explained_by_nothing() {
        let odd = PrintedFigure {
            value: thousands("2.5").value,
            precision: crate::money::Precision::THOUSANDS,
        };
        let behind = Interval::point(odd.value);
        assert!(conventions_explaining(odd, behind, &ALL_CONVENTIONS)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn intervals_are_checked() {
        assert!(matches!(
            Interval::new(Money::from_pence(2), Money::from_pence(1)),
            Err(FootingError::EmptyInterval { .. })
        ));
        let a = between("1.0", "2.0");
        let b = between("0.5", "0.75");
        assert_eq!(a.checked_sub(b).unwrap(), between("0.25", "1.5"));
        assert_eq!(
            a.middle_and_radius().unwrap(),
            (thousands("1.5").value, thousands("0.5").value)
        );
        assert!(Interval::point(Money::MAX).checked_add(a).is_err());
        assert!(Interval::new(Money::MIN, Money::MAX)
            .unwrap()
            .middle_and_radius()
            .is_err());
    }

    #[test]
    fn cells_and_totals_outside_the_table_are_refused() {
        let mut t = DescribedTable::new("t", ["a", "b"], ["x"]);
        let cell = Cell { row: 2, column: 0 };
        assert!(matches!(
            t.set_printed(cell, thousands("1")),
            Err(FootingError::NoSuchCell(_))
        ));
        assert!(matches!(
            t.set_behind(Cell { row: 0, column: 1 }, between("1", "1")),
            Err(FootingError::NoSuchCell(_))
        ));
        assert!(t.add_total(TotalOf::new(Axis::Rows, 1, [0, 2])).is_err());
        assert!(t.add_total(TotalOf::new(Axis::Columns, 0, [1])).is_err());
        assert!(t.add_total(TotalOf::new(Axis::Rows, 1, [0])).is_ok());
    }

    /// A total column, a subtracted part, a blank and a fixed bound.
    #[test]
    fn column_totals_signs_and_blanks() {
        let mut t = DescribedTable::new("t", ["r"], ["income", "spend", "blank", "balance"]);
        let at = |column| Cell { row: 0, column };
        t.set_printed(at(0), thousands("10.0")).unwrap();
        t.set_printed(at(1), thousands("7.4")).unwrap();
        t.set_printed(at(3), thousands("2.5")).unwrap();
        t.add_total(TotalOf {
            axis: Axis::Columns,
            total: 3,
            parts: vec![(0, true), (1, false), (2, true)],
        })
        .unwrap();
        let check = check_table(&t, BoundRule::WorstCase, &PRINTING_CONVENTIONS).unwrap();
        let f = &check.footings[0];
        assert_eq!(f.description, "balance = income - spend + blank, r");
        assert_eq!(f.comparison.computed, thousands("2.6").value);
        assert_eq!(f.comparison.bound, thousands("0.15").value);
        assert_eq!(f.comparison.agreement, Agreement::Rounding);
        let fixed = check_table(&t, BoundRule::Fixed(Money::from_pence(5_000)), &PRINTING_CONVENTIONS).unwrap();
        assert_eq!(fixed.footings[0].comparison.agreement, Agreement::Error);
        assert_eq!(check.table.verdict(), ConventionVerdict::NothingToAssess);
    }
}
