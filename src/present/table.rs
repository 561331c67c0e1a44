//! Controlled rounding of a labelled two-way table: every cell, row total,
//! column total and the grand total rounded to the floor or the ceiling of
//! its exact value in printed steps, so that every row and every column adds
//! up to its rounded total.
//!
//! Such a rounding always exists (Bacharach 1966; Cox and Ernst 1982): the
//! choice of rounding each figure up is a flow from the grand total through
//! the rows and the cells to the columns and back, whose bounds are integers
//! and which the exact fractions satisfy, so an integral one exists. It is
//! found as a minimum-cost circulation.
//!
//! Which rounding is chosen among all those that add up is documented on
//! [`present_table`].

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::circulation::{Choice, Circulation};
use super::{floor_steps, PresentError};
use crate::money::{steps_to_money, Money, MoneyError, Precision, Render, Rounding};

/// One figure of a table: a cell, a row's or a column's total, or the
/// grand total. Rows and columns are counted from 0, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TableFigure {
    /// The cell at a row and a column.
    Cell {
        /// The row.
        row: usize,
        /// The column.
        column: usize,
    },
    /// A row's total.
    RowTotal(usize),
    /// A column's total.
    ColumnTotal(usize),
    /// The grand total.
    GrandTotal,
}

/// A two-way table of exact figures to present, with labelled rows and
/// columns, and any figures the caller pins to a printed value.
///
/// ```
/// use bcf_model::money::{Money, Precision, Rounding, Unit};
/// use bcf_model::present::{present_table, Table, TableFigure};
///
/// let k = |s: &str| Money::parse(s, Unit::Pounds);
/// let table = Table::new("Income by stream (£'000)", ["CCG", "Council"])
///     .row("NHS minimum", [k("1,571.15")?, k("61,053.37")?])?
///     .row("iBCF", [k("136,539.00")?, k("0")?])?;
/// let shown = present_table(&table, Precision::THOUSANDS, Rounding::HalfAwayFromZero)?;
/// // 199,163.52 prints as 199 (thousand), as `present` would print it, and
/// // the rows and columns add up to it.
/// assert_eq!(shown.total.rounded, k("199,000")?);
/// assert!(!shown.total.adjusted);
/// assert_eq!(shown.row_labels, ["NHS minimum", "iBCF"]);
///
/// // A figure already published can be pinned: here the grand total at 200.
/// let pinned = table.clone().pin(TableFigure::GrandTotal, k("200,000")?);
/// let shown = present_table(&pinned, Precision::THOUSANDS, Rounding::HalfAwayFromZero)?;
/// assert_eq!(shown.total.rounded, k("200,000")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    title: String,
    column_labels: Vec<String>,
    row_labels: Vec<String>,
    cells: Vec<Vec<Money>>,
    pins: Vec<(TableFigure, Money)>,
}

impl Table {
    /// An empty table called `title` with these column labels.
    pub fn new(title: impl Into<String>, columns: impl IntoIterator<Item = impl Into<String>>) -> Table {
        Table {
            title: title.into(),
            column_labels: columns.into_iter().map(Into::into).collect(),
            row_labels: Vec::new(),
            cells: Vec::new(),
            pins: Vec::new(),
        }
    }

    /// The table with a row labelled `label` added below the others.
    ///
    /// # Errors
    ///
    /// [`PresentError::Ragged`] if the row does not have one cell per
    /// column.
    pub fn row(
        mut self,
        label: impl Into<String>,
        cells: impl IntoIterator<Item = Money>,
    ) -> Result<Table, PresentError> {
        let cells: Vec<Money> = cells.into_iter().collect();
        if cells.len() != self.column_labels.len() {
            return Err(PresentError::Ragged {
                row: self.cells.len(),
                len: cells.len(),
                expected: self.column_labels.len(),
            });
        }
        self.row_labels.push(label.into());
        self.cells.push(cells);
        Ok(self)
    }

    /// The table with `figure` pinned to print as `printed` (a figure
    /// already published, say). A pin is checked when the table is
    /// presented: it must be the floor or the ceiling of the figure's exact
    /// value in printed steps, and the pins together must leave a rounding
    /// in which every row and column adds up.
    #[must_use]
    pub fn pin(mut self, figure: TableFigure, printed: Money) -> Table {
        self.pins.push((figure, printed));
        self
    }

    /// The title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The row labels, in order.
    #[must_use]
    pub fn row_labels(&self) -> &[String] {
        &self.row_labels
    }

    /// The column labels, in order.
    #[must_use]
    pub fn column_labels(&self) -> &[String] {
        &self.column_labels
    }

    /// The exact cells, row by row.
    #[must_use]
    pub fn cells(&self) -> &[Vec<Money>] {
        &self.cells
    }

    /// The figure's label in words: `cell (NHS minimum, CCG)`, `total of
    /// row iBCF`, `grand total`.
    fn describe(&self, figure: TableFigure) -> String {
        let row = |r: usize| {
            self.row_labels
                .get(r)
                .map_or_else(|| format!("#{r}"), crate::text::shown)
        };
        let column = |c: usize| {
            self.column_labels
                .get(c)
                .map_or_else(|| format!("#{c}"), crate::text::shown)
        };
        match figure {
            TableFigure::Cell { row: r, column: c } => format!("cell ({}, {})", row(r), column(c)),
            TableFigure::RowTotal(r) => format!("total of row {}", row(r)),
            TableFigure::ColumnTotal(c) => format!("total of column {}", column(c)),
            TableFigure::GrandTotal => "grand total".to_string(),
        }
    }
}

/// One figure of a presented table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentedValue {
    /// Its exact value.
    pub exact: Money,
    /// The value to print.
    pub rounded: Money,
    /// What ordinary rounding on its own would have printed.
    pub ordinary: Money,
    /// Whether `rounded` differs from `ordinary`.
    pub adjusted: bool,
}

/// A table presented so that its rows and columns add up, with its labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentedTable {
    /// The table's title.
    pub title: String,
    /// The row labels.
    pub row_labels: Vec<String>,
    /// The column labels.
    pub column_labels: Vec<String>,
    /// The precision the figures were rounded to.
    pub precision: Precision,
    /// The cells, row by row.
    pub cells: Vec<Vec<PresentedValue>>,
    /// Each row's total: its rounded cells add up to it.
    pub row_totals: Vec<PresentedValue>,
    /// Each column's total: its rounded cells add up to it.
    pub column_totals: Vec<PresentedValue>,
    /// The grand total: the rounded row totals, and the rounded column
    /// totals, each add up to it.
    pub total: PresentedValue,
    /// The figures that print differently from the same exact amount
    /// earlier in the [`PresentationContext`] (no controlled rounding of
    /// this table could print them the same). Empty when every figure
    /// agrees, and always for a table presented on its own.
    pub inconsistent: Vec<TableFigure>,
}

impl PresentedTable {
    /// How many figures (cells and totals) were moved away from their
    /// ordinary rounding.
    #[must_use]
    pub fn adjusted(&self) -> usize {
        self.figures().filter(|(_, v)| v.adjusted).count()
    }

    /// Every figure with where it is: rows (each total, then its cells),
    /// then the column totals, then the grand total.
    pub fn figures(&self) -> impl Iterator<Item = (TableFigure, &PresentedValue)> {
        let rows = self
            .row_totals
            .iter()
            .zip(&self.cells)
            .enumerate()
            .flat_map(|(r, (t, cells))| {
                std::iter::once((TableFigure::RowTotal(r), t)).chain(
                    cells
                        .iter()
                        .enumerate()
                        .map(move |(c, v)| (TableFigure::Cell { row: r, column: c }, v)),
                )
            });
        let columns = self
            .column_totals
            .iter()
            .enumerate()
            .map(|(c, v)| (TableFigure::ColumnTotal(c), v));
        rows.chain(columns)
            .chain(std::iter::once((TableFigure::GrandTotal, &self.total)))
    }
}

impl fmt::Display for PresentedTable {
    /// The table as text at its precision: a header of column labels and
    /// `Total`, a line a row with its total, and a `Total` line; a figure
    /// moved off its own rounding to make the table add up is marked `*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = self.precision.format();
        let shown = |v: &PresentedValue| format!("{}{}", v.rounded.render(format), if v.adjusted { "*" } else { " " });
        let label_width = self
            .row_labels
            .iter()
            .map(|l| l.chars().count())
            .fold(self.title.chars().count().max(5), usize::max);
        let mut widths: Vec<usize> = self.column_labels.iter().map(|l| l.chars().count()).collect();
        for (c, w) in widths.iter_mut().enumerate() {
            for v in self
                .cells
                .iter()
                .filter_map(|r| r.get(c))
                .chain(self.column_totals.get(c))
            {
                *w = (*w).max(shown(v).chars().count());
            }
        }
        let total_width = self
            .row_totals
            .iter()
            .chain([&self.total])
            .map(|v| shown(v).chars().count())
            .fold(5, usize::max);
        let esc = |s: &str| crate::text::escape(s).into_owned();
        write!(f, "{:<label_width$}", esc(&self.title))?;
        for (label, w) in self.column_labels.iter().zip(&widths) {
            write!(f, "  {:>w$}", esc(label))?;
        }
        writeln!(f, "  {:>total_width$}", "Total")?;
        let line = |f: &mut fmt::Formatter<'_>, label: &str, values: &[PresentedValue], total: &PresentedValue| {
            write!(f, "{:<label_width$}", esc(label))?;
            for (v, w) in values.iter().zip(&widths) {
                write!(f, "  {:>w$}", shown(v))?;
            }
            writeln!(f, "  {:>total_width$}", shown(total))
        };
        for ((label, values), total) in self.row_labels.iter().zip(&self.cells).zip(&self.row_totals) {
            line(f, label, values, total)?;
        }
        line(f, "Total", &self.column_totals, &self.total)
    }
}

/// Presents `table` at `precision` so that each row's rounded cells add up
/// to its rounded total, each column's to its rounded total, and the rounded
/// row totals and column totals both to the rounded grand total. Every
/// figure is the floor or the ceiling of its exact value in printed steps
/// (so within less than one step of it; an exact multiple is never moved);
/// the pins are honoured; and among such roundings the one chosen keeps the
/// grand total at its own rounding whenever one does, then moves the fewest
/// totals, then the fewest cells (below).
///
/// Meant for tables of presentation size (hundreds of rows, a handful of
/// columns): the work grows with the square of the number of cells.
///
/// # Which rounding is chosen
///
/// Among all controlled roundings (and those honouring the caller's pins),
/// the one chosen is the best by these rules, each deciding only between
/// roundings the earlier ones leave equal:
///
/// 1. in a [`PresentationContext`], the fewest figures printed differently
///    from the same exact amount earlier in the context;
/// 2. the **grand total at its own rounding** whenever any controlled
///    rounding has it there, as a published table holds its total and a
///    pack's tables must show one grand total; otherwise it moves one step,
///    and says so (`adjusted`);
/// 3. the fewest **row and column totals** moved, as totals are quoted on
///    their own;
/// 4. the fewest **cells** moved;
/// 5. the least distortion: each moved figure lands further from its exact
///    value than its ordinary rounding would by `|1 - 2f|` of a step (`f`
///    the fraction of a step above its floor), counted in thousandths of a
///    step; a figure near a half step is moved before one near a whole
///    step, as it is the least changed.
///
/// Roundings equal on all five are rare (two figures with the same
/// fraction); among them the solver's fixed order (rows, then their cells,
/// then columns, in table order) decides, so the same table always prints
/// the same.
///
/// # Errors
///
/// [`PresentError::PinOutOfReach`] for a pin that is neither the floor nor
/// the ceiling of its figure (or names a figure the table does not have, or
/// pins one figure twice to different values), [`PresentError::PinsConflict`]
/// if no rounding that adds up prints every pinned figure as pinned,
/// [`PresentError::Money`] if a total, a number of steps or a rounded figure
/// is beyond the decimal range, and [`PresentError::NoControlledRounding`]
/// if no controlled rounding is found (which would be a defect).
///
/// ```
/// use bcf_model::money::{Money, Precision, Rounding};
/// use bcf_model::present::{present_table, Table};
///
/// let p = |pence| Money::from_pence(pence);
/// // Every cell is £0.50: rounded alone, each prints £1 and no total adds up.
/// let table = Table::new("t", ["a", "b"])
///     .row("x", [p(50), p(50)])?
///     .row("y", [p(50), p(50)])?
///     .row("z", [p(50), p(50)])?;
/// let t = present_table(&table, Precision::POUNDS, Rounding::HalfAwayFromZero)?;
/// for (row, total) in t.cells.iter().zip(&t.row_totals) {
///     let sum = Money::checked_sum(row.iter().map(|c| c.rounded))?;
///     assert_eq!(sum, total.rounded);
/// }
/// assert_eq!(t.total.rounded, p(300));
/// // Each column's exact total is £1.50: one prints £2, the other £1.
/// let columns = Money::checked_sum(t.column_totals.iter().map(|c| c.rounded))?;
/// assert_eq!(columns, p(300));
/// assert!(t.column_totals.iter().all(|c| c.rounded == p(100) || c.rounded == p(200)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn present_table(table: &Table, precision: Precision, rounding: Rounding) -> Result<PresentedTable, PresentError> {
    PresentationContext::new(precision, rounding).present_table(table)
}

/// The tables of one pack presented together: the context remembers what
/// each exact amount printed as, so the same amount prints the same in
/// every table (a programme's 4,201 in one table is not 4,200 in the next),
/// wherever a rounding that adds up allows it; where none does, the table
/// lists the figure in [`PresentedTable::inconsistent`]. The first table to
/// print an amount decides how it prints.
///
/// ```
/// use bcf_model::money::{Money, Precision, Rounding, Unit};
/// use bcf_model::present::{PresentationContext, Table};
///
/// let k = |s: &str| Money::parse(s, Unit::Pounds);
/// let mut pack = PresentationContext::new(Precision::THOUSANDS, Rounding::HalfAwayFromZero);
/// // 4,200.6 + 400.7 = 4,601.3: rounded alone the cells print 4,201 + 401 =
/// // 4,602, so one must go down, and the first table prints 4,200.6 as 4,200.
/// let first = Table::new("By partner", ["CCG", "Council"])
///     .row("Home First", [k("4,200,600")?, k("400,700")?])?;
/// let first = pack.present_table(&first)?;
/// assert_eq!(first.cells[0][0].rounded, k("4,200,000")?);
/// // On its own the same figure would print 4,201; in the pack it prints 4,200 again.
/// let second = Table::new("By stream", ["NHS minimum"]).row("Home First", [k("4,200,600")?])?;
/// let second = pack.present_table(&second)?;
/// assert_eq!(second.total.rounded, k("4,200,000")?);
/// assert!(second.inconsistent.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentationContext {
    precision: Precision,
    rounding: Rounding,
    printed: BTreeMap<Money, Money>,
}

impl PresentationContext {
    /// A context presenting at `precision` with `rounding`, nothing
    /// printed yet.
    #[must_use]
    pub fn new(precision: Precision, rounding: Rounding) -> PresentationContext {
        PresentationContext {
            precision,
            rounding,
            printed: BTreeMap::new(),
        }
    }

    /// The precision the context presents at.
    #[must_use]
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// How `exact` has printed in the context so far, if it has.
    #[must_use]
    pub fn printed(&self, exact: Money) -> Option<Money> {
        self.printed.get(&exact).copied()
    }

    /// Presents `table` as [`present_table`] does, preferring above all
    /// else to print each exact amount as it printed before in this
    /// context, and remembers how every figure printed.
    ///
    /// # Errors
    ///
    /// As [`present_table`].
    pub fn present_table(&mut self, table: &Table) -> Result<PresentedTable, PresentError> {
        let shown = solve(table, self.precision, self.rounding, &self.printed)?;
        for (_, v) in shown.figures() {
            self.printed.entry(v.exact).or_insert(v.rounded);
        }
        Ok(shown)
    }
}

/// A figure in printed steps: its floor, whether it can go one step up (it
/// is not an exact multiple), and which way ordinary rounding goes.
struct Steps {
    exact: Money,
    floor: i128,
    can_rise: bool,
    ordinary_up: bool,
}

/// The error for a figure whose count of steps at `precision` does not fit
/// (`Money::steps` refuses it), or whose counts do not add up in an `i128`.
fn count_overflow(exact: Money, precision: Precision) -> PresentError {
    PresentError::Money(MoneyError::Overflow {
        op: "round",
        left: exact.to_string(),
        right: precision.to_string(),
    })
}

impl Steps {
    /// The steps of `exact`, or an overflow error if its floor (or the
    /// ceiling it may rise to) in steps of `precision` is not an amount.
    /// Every count accepted is below 2^96, so sums of them fit an `i128`.
    fn of(exact: Money, precision: Precision, rounding: Rounding) -> Result<Steps, PresentError> {
        let floor = floor_steps(exact, precision)?;
        let can_rise = !exact.is_multiple_of(precision);
        let e = precision.exponent();
        let countable = steps_to_money(floor, e).is_some()
            && (!can_rise || floor.checked_add(1).and_then(|up| steps_to_money(up, e)).is_some());
        if !countable {
            return Err(count_overflow(exact, precision));
        }
        let ordinary_up = can_rise && exact.steps(precision, rounding)? > floor;
        Ok(Steps {
            exact,
            floor,
            can_rise,
            ordinary_up,
        })
    }

    /// The amount `floor + up` steps make.
    fn money(&self, up: bool, precision: Precision) -> Result<Money, PresentError> {
        steps_to_money(self.floor + i128::from(up && self.can_rise), precision.exponent())
            .ok_or_else(|| count_overflow(self.exact, precision))
    }

    /// Whether printing `printed` means rising (`Some(true)`), staying at
    /// the floor (`Some(false)`), or is out of reach (`None`).
    fn reach(&self, printed: Money, precision: Precision) -> Result<Option<bool>, PresentError> {
        if printed == self.money(false, precision)? {
            Ok(Some(false))
        } else if self.can_rise && printed == self.money(true, precision)? {
            Ok(Some(true))
        } else {
            Ok(None)
        }
    }

    /// How much further from its exact value the figure lands when moved
    /// off its ordinary rounding, in thousandths of a step: `|1 - 2f|` for
    /// `f` its fraction of a step above the floor.
    fn distortion(&self, precision: Precision) -> Result<i128, PresentError> {
        if !self.can_rise {
            return Ok(0);
        }
        let overflow = || count_overflow(self.exact, precision);
        let floor = self.money(false, precision)?.pounds();
        let f = self
            .exact
            .pounds()
            .checked_sub(floor)
            .and_then(|d| d.checked_div(precision.step().pounds()))
            .ok_or_else(overflow)?;
        let extra = Decimal::ONE
            .checked_sub(f.checked_mul(Decimal::TWO).ok_or_else(overflow)?)
            .ok_or_else(overflow)?
            .abs();
        extra
            .checked_mul(Decimal::ONE_THOUSAND)
            .map(|d| d.round())
            .and_then(|d| d.to_i128())
            .ok_or_else(overflow)
    }

    fn presented(&self, up: bool, precision: Precision) -> Result<PresentedValue, PresentError> {
        let up = up && self.can_rise;
        Ok(PresentedValue {
            exact: self.exact,
            rounded: self.money(up, precision)?,
            ordinary: self.money(self.ordinary_up, precision)?,
            adjusted: up != self.ordinary_up,
        })
    }
}

/// The weight of each rule of the objective (see the module
/// documentation), each larger than everything the later rules can add up
/// to, so that the costs compare lexicographically.
struct Weights {
    cell: i128,
    margin: i128,
    grand_total: i128,
    context: i128,
}

impl Weights {
    /// The weights for a table of `cells` cells and `margins` row and
    /// column totals. Distortion adds at most 1,000 a figure.
    fn new(cells: usize, margins: usize) -> Option<Weights> {
        let figures = i128::try_from(cells.checked_add(margins)?.checked_add(1)?).ok()?;
        let cell = figures.checked_mul(1_001)?;
        let margin = cell.checked_mul(i128::try_from(cells).ok()?.checked_add(1)?)?;
        let grand_total = margin.checked_mul(i128::try_from(margins).ok()?.checked_add(1)?)?;
        let context = grand_total.checked_mul(2)?;
        Some(Weights {
            cell,
            margin,
            grand_total,
            context,
        })
    }
}

/// The controlled rounding of `table` (see [`present_table`]), preferring
/// to print each amount as `printed` says it printed before.
fn solve(
    table: &Table,
    precision: Precision,
    rounding: Rounding,
    printed: &BTreeMap<Money, Money>,
) -> Result<PresentedTable, PresentError> {
    let cells = &table.cells;
    let rows = cells.len();
    let cols = table.column_labels.len();
    let row_exact = cells
        .iter()
        .map(|r| Money::checked_sum(r.iter().copied()))
        .collect::<Result<Vec<_>, _>>()?;
    let col_exact = (0..cols)
        .map(|j| Money::checked_sum(cells.iter().filter_map(|r| r.get(j).copied())))
        .collect::<Result<Vec<_>, _>>()?;
    let total_exact = Money::checked_sum(row_exact.iter().copied())?;

    let steps = |m: &Money| Steps::of(*m, precision, rounding);
    let cell_steps: Vec<Vec<Steps>> = cells
        .iter()
        .map(|r| r.iter().map(steps).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let row_steps: Vec<Steps> = row_exact.iter().map(steps).collect::<Result<_, _>>()?;
    let col_steps: Vec<Steps> = col_exact.iter().map(steps).collect::<Result<_, _>>()?;
    let total_steps = steps(&total_exact)?;
    let at = |figure: TableFigure| -> Option<&Steps> {
        match figure {
            TableFigure::Cell { row, column } => cell_steps.get(row)?.get(column),
            TableFigure::RowTotal(r) => row_steps.get(r),
            TableFigure::ColumnTotal(c) => col_steps.get(c),
            TableFigure::GrandTotal => Some(&total_steps),
        }
    };

    // Pins, each checked against its figure.
    let mut pins: BTreeMap<TableFigure, bool> = BTreeMap::new();
    for &(figure, value) in &table.pins {
        let refuse = |why: &str| PresentError::PinOutOfReach {
            figure: table.describe(figure),
            pinned: value,
            why: why.to_string(),
        };
        let s = at(figure).ok_or_else(|| refuse("the table has no such figure"))?;
        let up = s.reach(value, precision)?.ok_or_else(|| {
            refuse(&format!(
                "its exact value is {}: it can print only as the floor or the ceiling of that in steps of {precision}",
                s.exact
            ))
        })?;
        if pins.insert(figure, up).is_some_and(|before| before != up) {
            return Err(refuse("it is pinned twice, to different values"));
        }
    }

    let weights = Weights::new(rows.saturating_mul(cols), rows.saturating_add(cols))
        .ok_or_else(|| count_overflow(total_exact, precision))?;
    let choice = |figure: TableFigure, s: &Steps, weight: i128| -> Result<Choice, PresentError> {
        let moved = weight
            .checked_add(s.distortion(precision)?)
            .ok_or_else(|| count_overflow(s.exact, precision))?;
        let wanted = match printed.get(&s.exact) {
            Some(before) => s.reach(*before, precision)?,
            None => None,
        };
        let cost = |up: bool| -> i128 {
            let own = if up == s.ordinary_up { 0 } else { moved };
            let context = match wanted {
                Some(w) if w != up => weights.context,
                _ => 0,
            };
            own.saturating_add(context)
        };
        Ok(Choice {
            can_rise: s.can_rise,
            fixed: pins.get(&figure).copied(),
            cost_up: cost(true),
            cost_down: cost(false),
        })
    };

    // How many units above its floors each total needs, at least.
    let ups = |total: &Steps, parts: &mut dyn Iterator<Item = &Steps>| -> Result<i128, PresentError> {
        let overflow = || count_overflow(total.exact, precision);
        let mut sum = 0i128;
        for p in parts {
            sum = sum.checked_add(p.floor).ok_or_else(overflow)?;
        }
        total.floor.checked_sub(sum).ok_or_else(overflow)
    };
    // Nodes: 0 the grand total, 1..=rows the rows, then the columns, then
    // the column side's end, which flows back to 0.
    let col_node = |j: usize| 1 + rows + j;
    let end = 1 + rows + cols;
    let mut net = Circulation::new(end + 1);
    let defect = || PresentError::NoControlledRounding;
    let mut arcs = Vec::new();
    for (i, (r, rs)) in cell_steps.iter().zip(&row_steps).enumerate() {
        let c = choice(TableFigure::RowTotal(i), rs, weights.margin)?;
        arcs.push(net.arc(0, 1 + i, ups(rs, &mut r.iter())?, &c).ok_or_else(defect)?);
        for (j, cs) in r.iter().enumerate() {
            let c = choice(TableFigure::Cell { row: i, column: j }, cs, weights.cell)?;
            arcs.push(net.arc(1 + i, col_node(j), 0, &c).ok_or_else(defect)?);
        }
    }
    for (j, cs) in col_steps.iter().enumerate() {
        let column = &mut cell_steps.iter().filter_map(|r| r.get(j));
        let c = choice(TableFigure::ColumnTotal(j), cs, weights.margin)?;
        arcs.push(net.arc(col_node(j), end, ups(cs, column)?, &c).ok_or_else(defect)?);
    }
    // The grand total's arc carries every cell's unit back: its floor less
    // all the cells' floors.
    let c = choice(TableFigure::GrandTotal, &total_steps, weights.grand_total)?;
    arcs.push(
        net.arc(end, 0, ups(&total_steps, &mut cell_steps.iter().flatten())?, &c)
            .ok_or_else(defect)?,
    );
    if !net.solve() {
        return Err(if pins.is_empty() {
            PresentError::NoControlledRounding
        } else {
            PresentError::PinsConflict {
                pins: pins.keys().map(|f| table.describe(*f)).collect::<Vec<_>>().join(", "),
            }
        });
    }

    // Read the choices back in the order the arcs were made.
    let mut taken = arcs.iter().map(|a| net.taken(a));
    let mut next = |s: &Steps| -> Result<PresentedValue, PresentError> {
        let up = taken.next().ok_or(PresentError::NoControlledRounding)?;
        s.presented(up, precision)
    };
    let mut out_cells = Vec::with_capacity(rows);
    let mut row_totals = Vec::with_capacity(rows);
    for (r, rs) in cell_steps.iter().zip(&row_steps) {
        row_totals.push(next(rs)?);
        out_cells.push(r.iter().map(&mut next).collect::<Result<Vec<_>, _>>()?);
    }
    let column_totals = col_steps.iter().map(&mut next).collect::<Result<Vec<_>, _>>()?;
    let total = next(&total_steps)?;
    let mut shown = PresentedTable {
        title: table.title.clone(),
        row_labels: table.row_labels.clone(),
        column_labels: table.column_labels.clone(),
        precision,
        cells: out_cells,
        row_totals,
        column_totals,
        total,
        inconsistent: Vec::new(),
    };
    shown.inconsistent = shown
        .figures()
        .filter(|(_, v)| printed.get(&v.exact).is_some_and(|before| *before != v.rounded))
        .map(|(f, _)| f)
        .collect();
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pence: i64) -> Money {
        Money::from_pence(pence)
    }

    fn table(cells: Vec<Vec<Money>>) -> Table {
        let cols = cells.first().map_or(0, Vec::len);
        let mut t = Table::new("t", (0..cols).map(|c| format!("c{c}")));
        for (i, r) in cells.into_iter().enumerate() {
            t = t.row(format!("r{i}"), r).unwrap();
        }
        t
    }

    #[test]
    fn rows_and_columns_add_up_and_ordinary_rounding_is_kept_where_it_works() {
        // Ordinary rounding already adds up: nothing moves.
        let t = table(vec![vec![p(110), p(210)], vec![p(310), p(410)]]);
        let t = present_table(&t, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        assert_eq!(t.adjusted(), 0);
        assert_eq!(t.total.rounded, p(1000));

        // It does not here (rows 3.50 and 7.50 round to 4 and 8, but their
        // cells to 1 + 2 and 3 + 4): the grand total (11.00) stays, and the
        // fewest totals move (a row total; then its cells).
        let t = table(vec![vec![p(120), p(230)], vec![p(310), p(440)]]);
        let t = present_table(&t, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        let rows: Vec<Money> = t.row_totals.iter().map(|r| r.rounded).collect();
        let first: Vec<Money> = t.cells.iter().flatten().map(|c| c.rounded).collect();
        assert_eq!(Money::checked_sum(first.iter().copied()).unwrap(), t.total.rounded);
        assert_eq!(Money::checked_sum(rows.iter().copied()).unwrap(), t.total.rounded);
        assert_eq!(t.total.rounded, p(1100));
        assert!(!t.total.adjusted);

        // A published-style table: each £'000 figure to one decimal.
        let k = |s: &str| Money::parse(s, crate::money::Unit::Pounds).unwrap();
        let t = table(vec![
            vec![k("1367349"), k("245051"), k("18449")],
            vec![k("84449"), k("99951"), k("1049")],
        ]);
        let t = present_table(&t, Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero).unwrap();
        for (row, total) in t.cells.iter().zip(&t.row_totals) {
            assert_eq!(
                Money::checked_sum(row.iter().map(|c| c.rounded)).unwrap(),
                total.rounded
            );
        }
        for (j, total) in t.column_totals.iter().enumerate() {
            let col = t.cells.iter().map(|r| r[j].rounded);
            assert_eq!(Money::checked_sum(col).unwrap(), total.rounded);
        }
        assert!(t.adjusted() > 0);
    }

    #[test]
    fn ragged_and_empty_tables() {
        let err = Table::new("t", ["a"])
            .row("x", [p(1)])
            .unwrap()
            .row("y", [])
            .unwrap_err();
        assert_eq!(
            err,
            PresentError::Ragged {
                row: 1,
                len: 0,
                expected: 1
            }
        );
        let t = present_table(
            &Table::new("t", Vec::<String>::new()),
            Precision::POUNDS,
            Rounding::HalfEven,
        )
        .unwrap();
        assert_eq!(t.total.rounded, Money::ZERO);
    }
}
