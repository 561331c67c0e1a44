//! Controlled rounding of a two-way table: every cell, row total, column
//! total and the grand total rounded to the floor or the ceiling of its exact
//! value in printed steps, so that every row and every column adds up to its
//! rounded total, with as few figures as possible moved away from their
//! ordinary rounding.
//!
//! Such a rounding always exists (Bacharach 1966; Cox and Ernst 1982): the
//! choice of rounding each figure up is a flow from the grand total through
//! the rows and the cells to the columns and back, whose bounds are integers
//! and which the exact fractions satisfy, so an integral one exists. It is
//! found as a minimum-cost circulation in which taking a figure away from its
//! ordinary rounding costs one.

use serde::{Deserialize, Serialize};

use super::{floor_steps, PresentError};
use crate::money::{steps_to_money, Money, MoneyError, Precision, Rounding};

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

/// A table presented so that its rows and columns add up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentedTable {
    /// The cells, row by row.
    pub cells: Vec<Vec<PresentedValue>>,
    /// Each row's total: its rounded cells add up to it.
    pub row_totals: Vec<PresentedValue>,
    /// Each column's total: its rounded cells add up to it.
    pub column_totals: Vec<PresentedValue>,
    /// The grand total: the rounded row totals, and the rounded column
    /// totals, each add up to it.
    pub total: PresentedValue,
}

impl PresentedTable {
    /// How many figures (cells and totals) were moved away from their
    /// ordinary rounding.
    #[must_use]
    pub fn adjusted(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .chain(&self.row_totals)
            .chain(&self.column_totals)
            .chain(std::iter::once(&self.total))
            .filter(|v| v.adjusted)
            .count()
    }
}

/// Presents a table of exact `cells` (rows of equal length) at `precision`
/// so that each row's rounded cells add up to its rounded total, each
/// column's to its rounded total, and the rounded row totals and column
/// totals both to the rounded grand total. Every figure is the floor or the
/// ceiling of its exact value in printed steps (so within less than one step
/// of it; an exact multiple is never moved), and as few figures as possible
/// differ from what `rounding` would print on its own.
///
/// Meant for tables of presentation size (hundreds of rows, a handful of
/// columns): the work grows with the square of the number of cells.
///
/// # Errors
///
/// [`PresentError::Ragged`] if a row is not as long as the first,
/// [`PresentError::Money`] if a total, a number of steps or a rounded figure is
/// beyond the decimal range, and [`PresentError::NoControlledRounding`] if no
/// controlled rounding is found (which would be a defect).
///
/// ```
/// use bcf_model::present::present_table;
/// use bcf_model::money::{Money, Precision, Rounding};
///
/// let p = |pence| Money::from_pence(pence);
/// // Every cell is £0.50: rounded alone, each prints £1 and no total adds up.
/// let cells = vec![vec![p(50), p(50)], vec![p(50), p(50)], vec![p(50), p(50)]];
/// let t = present_table(&cells, Precision::POUNDS, Rounding::HalfAwayFromZero)?;
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
pub fn present_table(
    cells: &[Vec<Money>],
    precision: Precision,
    rounding: Rounding,
) -> Result<PresentedTable, PresentError> {
    let rows = cells.len();
    let cols = cells.first().map_or(0, Vec::len);
    for (row, r) in cells.iter().enumerate() {
        if r.len() != cols {
            return Err(PresentError::Ragged {
                row,
                len: r.len(),
                expected: cols,
            });
        }
    }
    let row_exact = cells
        .iter()
        .map(|r| Money::checked_sum(r.iter().copied()))
        .collect::<Result<Vec<_>, _>>()?;
    let col_exact = (0..cols)
        .map(|j| Money::checked_sum(cells.iter().filter_map(|r| r.get(j).copied())))
        .collect::<Result<Vec<_>, _>>()?;
    let total_exact = Money::checked_sum(row_exact.iter().copied())?;

    // Nodes: 0 the grand total, 1..=rows the rows, then the columns, then
    // the column side's end, which flows back to 0.
    let col_node = |j: usize| 1 + rows + j;
    let end = 1 + rows + cols;
    let mut net = Circulation::new(end + 1);
    let figure = |m: &Money| Figure::of(*m, precision, rounding);
    let cell_figs: Vec<Vec<Figure>> = cells
        .iter()
        .map(|r| r.iter().map(figure).collect::<Result<Vec<_>, _>>())
        .collect::<Result<_, _>>()?;
    let row_figs: Vec<Figure> = row_exact.iter().map(figure).collect::<Result<_, _>>()?;
    let col_figs: Vec<Figure> = col_exact.iter().map(figure).collect::<Result<_, _>>()?;
    let total_fig = figure(&total_exact)?;

    // How many units above its floors each total needs, at least.
    let ups = |total: &Figure, parts: &mut dyn Iterator<Item = &Figure>| -> Result<i128, PresentError> {
        let overflow = || count_overflow(total.exact, precision);
        let mut sum = 0i128;
        for p in parts {
            sum = sum.checked_add(p.floor).ok_or_else(overflow)?;
        }
        total.floor.checked_sub(sum).ok_or_else(overflow)
    };
    let mut arcs = Vec::new();
    for (i, (r, rf)) in cell_figs.iter().zip(&row_figs).enumerate() {
        arcs.push(net.arc(0, 1 + i, ups(rf, &mut r.iter())?, rf)?);
        for (j, cf) in r.iter().enumerate() {
            arcs.push(net.arc(1 + i, col_node(j), 0, cf)?);
        }
    }
    for (j, cf) in col_figs.iter().enumerate() {
        let column = &mut cell_figs.iter().filter_map(|r| r.get(j));
        arcs.push(net.arc(col_node(j), end, ups(cf, column)?, cf)?);
    }
    // The grand total's arc carries every cell's unit back: its floor less
    // all the cells' floors.
    arcs.push(net.arc(end, 0, ups(&total_fig, &mut cell_figs.iter().flatten())?, &total_fig)?);
    if !net.solve() {
        return Err(PresentError::NoControlledRounding);
    }

    // Read the choices back in the order the arcs were made.
    let mut taken = arcs.iter().map(|a| net.taken(a));
    let mut next = |f: &Figure| -> Result<PresentedValue, PresentError> {
        let up = taken.next().ok_or(PresentError::NoControlledRounding)?;
        f.presented(up, precision)
    };
    let mut out_cells = Vec::with_capacity(rows);
    let mut row_totals = Vec::with_capacity(rows);
    for (r, rf) in cell_figs.iter().zip(&row_figs) {
        row_totals.push(next(rf)?);
        out_cells.push(r.iter().map(&mut next).collect::<Result<Vec<_>, _>>()?);
    }
    let column_totals = col_figs.iter().map(&mut next).collect::<Result<Vec<_>, _>>()?;
    let total = next(&total_fig)?;
    Ok(PresentedTable {
        cells: out_cells,
        row_totals,
        column_totals,
        total,
    })
}

/// A figure in printed steps: its floor, whether it can go one step up (it
/// is not an exact multiple), and which way ordinary rounding goes.
struct Figure {
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

impl Figure {
    /// The figure of `exact`, or an overflow error if its floor (or the
    /// ceiling it may rise to) in steps of `precision` is not an amount.
    /// Every count accepted is below 2^96, so sums of them fit an `i128`.
    fn of(exact: Money, precision: Precision, rounding: Rounding) -> Result<Figure, PresentError> {
        let floor = floor_steps(exact, precision)?;
        let can_rise = !exact.is_multiple_of(precision);
        let e = precision.exponent();
        let countable = steps_to_money(floor, e).is_some()
            && (!can_rise || floor.checked_add(1).and_then(|up| steps_to_money(up, e)).is_some());
        if !countable {
            return Err(count_overflow(exact, precision));
        }
        let ordinary_up = can_rise && exact.steps(precision, rounding)? > floor;
        Ok(Figure {
            exact,
            floor,
            can_rise,
            ordinary_up,
        })
    }

    fn presented(&self, up: bool, precision: Precision) -> Result<PresentedValue, PresentError> {
        let e = precision.exponent();
        let money = |s: i128| {
            steps_to_money(s, e).ok_or_else(|| MoneyError::Overflow {
                op: "round",
                left: self.exact.to_string(),
                right: precision.to_string(),
            })
        };
        let up = up && self.can_rise;
        Ok(PresentedValue {
            exact: self.exact,
            rounded: money(self.floor + i128::from(up))?,
            ordinary: money(self.floor + i128::from(self.ordinary_up))?,
            adjusted: up != self.ordinary_up,
        })
    }
}

/// An arc of the circulation: a forced flow, and an optional unit above it.
struct Arc {
    /// The residual edge of the optional unit, if the figure can rise.
    edge: Option<usize>,
    /// Whether the unit was pushed in advance (ordinary rounding goes up),
    /// so that the edge holds its undoing.
    pre_taken: bool,
}

/// A residual edge.
struct Edge {
    to: usize,
    cap: i128,
    cost: i64,
}

/// A minimum-cost circulation with lower bounds, by successive shortest
/// paths (Bellman-Ford) between a super source and a super sink.
struct Circulation {
    nodes: usize,
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
    /// Flow each node must pass on (forced flows in less forced flows out).
    excess: Vec<i128>,
}

impl Circulation {
    fn new(nodes: usize) -> Circulation {
        Circulation {
            nodes,
            edges: Vec::new(),
            out: (0..nodes + 2).map(|_| Vec::new()).collect(),
            excess: vec![0; nodes],
        }
    }

    fn edge(&mut self, from: usize, to: usize, cap: i128, cost: i64) -> Option<usize> {
        let i = self.edges.len();
        self.edges.push(Edge { to, cap, cost });
        self.edges.push(Edge {
            to: from,
            cap: 0,
            cost: -cost,
        });
        self.out.get_mut(from)?.push(i);
        self.out.get_mut(to)?.push(i + 1);
        Some(i)
    }

    /// Moves `amount` of forced flow from `from` to `to`. `None` if a node
    /// is out of range or a sum overflows (neither can happen for the
    /// counts [`Figure::of`] accepts: a defect).
    fn shift(&mut self, from: usize, to: usize, amount: i128) -> Option<()> {
        let e = self.excess.get_mut(from)?;
        *e = e.checked_sub(amount)?;
        let e = self.excess.get_mut(to)?;
        *e = e.checked_add(amount)?;
        Some(())
    }

    /// An arc from `from` to `to` carrying `forced` units and, if `figure`
    /// can rise, one more unit whose choice costs one when it moves the
    /// figure away from its ordinary rounding.
    fn arc(&mut self, from: usize, to: usize, forced: i128, figure: &Figure) -> Result<Arc, PresentError> {
        self.shift(from, to, forced).ok_or(PresentError::NoControlledRounding)?;
        if !figure.can_rise {
            return Ok(Arc {
                edge: None,
                pre_taken: false,
            });
        }
        // Costs stay non-negative: a unit ordinary rounding takes is pushed
        // now, and undoing it costs one.
        let (a, b, pre_taken) = if figure.ordinary_up {
            self.shift(from, to, 1).ok_or(PresentError::NoControlledRounding)?;
            (to, from, true)
        } else {
            (from, to, false)
        };
        let edge = self.edge(a, b, 1, 1).ok_or(PresentError::NoControlledRounding)?;
        Ok(Arc {
            edge: Some(edge),
            pre_taken,
        })
    }

    /// Whether the optional unit of `arc` ended up taken.
    fn taken(&self, arc: &Arc) -> bool {
        let used = arc.edge.and_then(|e| self.edges.get(e)).is_some_and(|e| e.cap == 0);
        arc.edge.is_some() && (used != arc.pre_taken)
    }

    /// Routes every node's excess from a super source to a super sink at
    /// least cost; `false` if it cannot all be routed.
    fn solve(&mut self) -> bool {
        let (source, sink) = (self.nodes, self.nodes + 1);
        let mut need: i128 = 0;
        for (v, x) in self.excess.clone().into_iter().enumerate() {
            let ok = match x {
                x if x > 0 => {
                    let Some(n) = need.checked_add(x) else {
                        return false;
                    };
                    need = n;
                    self.edge(source, v, x, 0)
                }
                x if x < 0 => self.edge(v, sink, -x, 0),
                _ => Some(0),
            };
            if ok.is_none() {
                return false;
            }
        }
        while need > 0 {
            let Some(path) = self.shortest_path(source, sink) else {
                return false;
            };
            // A path has at least one edge; one with no room routes nothing.
            let Some(room) = path.iter().filter_map(|e| self.edges.get(*e).map(|e| e.cap)).min() else {
                return false;
            };
            let push = room.min(need);
            if push <= 0 {
                return false;
            }
            // `push` is at most every edge's room and at most `need`, so the
            // capacities and `need` stay within 0..=need: no overflow.
            for e in path {
                let Some(fwd) = self.edges.get_mut(e) else {
                    return false;
                };
                fwd.cap -= push;
                let Some(back) = self.edges.get_mut(e ^ 1) else {
                    return false;
                };
                back.cap += push;
            }
            need -= push;
        }
        true
    }

    /// The edges of a cheapest path with room from `source` to `sink`
    /// (Bellman-Ford: residual costs may be negative, never in a cycle).
    fn shortest_path(&self, source: usize, sink: usize) -> Option<Vec<usize>> {
        let n = self.nodes + 2;
        let mut dist: Vec<Option<i64>> = vec![None; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        *dist.get_mut(source)? = Some(0);
        for _ in 0..n {
            let mut changed = false;
            for (u, edges) in self.out.iter().enumerate() {
                let Some(du) = dist.get(u).copied().flatten() else {
                    continue;
                };
                for &ei in edges {
                    let e = self.edges.get(ei)?;
                    if e.cap <= 0 {
                        continue;
                    }
                    let d = du.saturating_add(e.cost);
                    let slot = dist.get_mut(e.to)?;
                    if slot.map_or(true, |old| d < old) {
                        *slot = Some(d);
                        *via.get_mut(e.to)? = Some(ei);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        dist.get(sink).copied().flatten()?;
        let mut path = Vec::new();
        let mut v = sink;
        while v != source {
            let e = via.get(v).copied().flatten()?;
            path.push(e);
            v = self.edges.get(e ^ 1)?.to;
            if path.len() > self.edges.len() {
                return None;
            }
        }
        path.reverse();
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pence: i64) -> Money {
        Money::from_pence(pence)
    }

    #[test]
    fn rows_and_columns_add_up_and_ordinary_rounding_is_kept_where_it_works() {
        // Ordinary rounding already adds up: nothing moves.
        let cells = vec![vec![p(110), p(210)], vec![p(310), p(410)]];
        let t = present_table(&cells, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        assert_eq!(t.adjusted(), 0);
        assert_eq!(t.total.rounded, p(1000));

        // It does not here (rows 3.50 and 7.50 round to 4 and 8, but their
        // cells to 1 + 2 and 3 + 4): the fewest figures move, each one step.
        let cells = vec![vec![p(120), p(230)], vec![p(310), p(440)]];
        let t = present_table(&cells, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        let rows: Vec<Money> = t.row_totals.iter().map(|r| r.rounded).collect();
        let first: Vec<Money> = t.cells.iter().flatten().map(|c| c.rounded).collect();
        assert_eq!(Money::checked_sum(first.iter().copied()).unwrap(), t.total.rounded);
        assert_eq!(Money::checked_sum(rows.iter().copied()).unwrap(), t.total.rounded);
        assert_eq!(t.adjusted(), 2, "{t:?}");

        // A published-style table: each £'000 figure to one decimal.
        let k = |s: &str| Money::parse(s, crate::money::Unit::Pounds).unwrap();
        let cells = vec![
            vec![k("1367349"), k("245051"), k("18449")],
            vec![k("84449"), k("99951"), k("1049")],
        ];
        let t = present_table(&cells, Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero).unwrap();
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
        let err = present_table(&[vec![p(1)], vec![]], Precision::POUNDS, Rounding::HalfEven).unwrap_err();
        assert_eq!(
            err,
            PresentError::Ragged {
                row: 1,
                len: 0,
                expected: 1
            }
        );
        let t = present_table(&[], Precision::POUNDS, Rounding::HalfEven).unwrap();
        assert_eq!(t.total.rounded, Money::ZERO);
    }
}
