//! Controlled rounding of two-way tables: rows and columns add up, every
//! figure stays within one printed step, and the fewest figures move.

use bcf_model::money::{Money, Precision, Rounding};
use bcf_model::present::PresentError;
use bcf_model::present::{present_table, PresentedTable, Table, TableFigure};
use proptest::prelude::*;

/// A table of `cells` with rows `r0, r1, ...` and columns `c0, c1, ...`.
fn labelled(cells: &[Vec<Money>]) -> Table {
    let cols = cells.first().map_or(0, Vec::len);
    let mut t = Table::new("t", (0..cols).map(|c| format!("c{c}")));
    for (i, r) in cells.iter().enumerate() {
        t = t.row(format!("r{i}"), r.iter().copied()).unwrap();
    }
    t
}

/// What a presented table moved: (the grand total, row and column totals,
/// cells), the order in which `present_table` minimises them.
fn moved(t: &PresentedTable) -> (usize, usize, usize) {
    let count = |v: &mut dyn Iterator<Item = &bcf_model::present::PresentedValue>| v.filter(|v| v.adjusted).count();
    (
        usize::from(t.total.adjusted),
        count(&mut t.row_totals.iter().chain(&t.column_totals)),
        count(&mut t.cells.iter().flatten()),
    )
}

fn sum(values: impl Iterator<Item = Money>) -> Money {
    Money::checked_sum(values).unwrap()
}

fn adds_up(t: &PresentedTable) -> Result<(), TestCaseError> {
    for (row, total) in t.cells.iter().zip(&t.row_totals) {
        prop_assert_eq!(sum(row.iter().map(|c| c.rounded)), total.rounded);
    }
    for (j, total) in t.column_totals.iter().enumerate() {
        prop_assert_eq!(
            sum(t.cells.iter().filter_map(|r| r.get(j)).map(|c| c.rounded)),
            total.rounded
        );
    }
    prop_assert_eq!(sum(t.row_totals.iter().map(|r| r.rounded)), t.total.rounded);
    prop_assert_eq!(sum(t.column_totals.iter().map(|c| c.rounded)), t.total.rounded);
    Ok(())
}

fn within_a_step(t: &PresentedTable, precision: Precision) -> Result<(), TestCaseError> {
    let step = precision.step();
    let all = t
        .cells
        .iter()
        .flatten()
        .chain(&t.row_totals)
        .chain(&t.column_totals)
        .chain(std::iter::once(&t.total));
    for v in all {
        let gap = v.rounded.checked_sub(v.exact).unwrap().abs();
        prop_assert!(gap < step, "{:?} moved {} at a step of {}", v, gap, step);
        if v.exact.is_multiple_of(precision) {
            prop_assert_eq!(v.rounded, v.exact);
        }
        prop_assert_eq!(v.adjusted, v.rounded != v.ordinary);
    }
    Ok(())
}

/// The best any controlled rounding of a small table can do, by trying
/// every choice of floor or ceiling for the cells: the totals are then the
/// sums of the chosen cells, and the choice is possible when each of them is
/// the floor or the ceiling of its exact total (the exact total itself when
/// that is a multiple of the step). "Best" is lexicographic: the grand total
/// unmoved if any rounding keeps it, then the fewest row and column totals
/// moved, then the fewest cells.
fn best_by_brute_force(cells: &[Vec<Money>], precision: Precision, rounding: Rounding) -> (usize, usize, usize) {
    let (nr, nc) = (cells.len(), cells[0].len());
    let rows: Vec<Money> = cells.iter().map(|r| sum(r.iter().copied())).collect();
    let cols: Vec<Money> = (0..nc).map(|j| sum(cells.iter().map(|r| r[j]))).collect();
    let total = sum(rows.iter().copied());
    let floor = |m: Money| {
        let f = m.round(precision, Rounding::TowardZero).unwrap();
        if f > m {
            f.checked_sub(precision.step()).unwrap()
        } else {
            f
        }
    };
    let ceiling = |m: Money| {
        if m.is_multiple_of(precision) {
            m
        } else {
            floor(m).checked_add(precision.step()).unwrap()
        }
    };
    // How many figures `printed` moves from `exact`'s ordinary rounding, or
    // `None` if `exact` cannot print as it.
    let cost = |exact: Money, printed: Money| -> Option<usize> {
        (printed == floor(exact) || printed == ceiling(exact))
            .then(|| usize::from(printed != exact.round(precision, rounding).unwrap()))
    };
    let flat: Vec<Money> = cells.iter().flatten().copied().collect();
    let mut best = (usize::MAX, usize::MAX, usize::MAX);
    'choice: for choice in 0u32..(1 << flat.len()) {
        let mut cells_moved = 0;
        let mut v = Vec::with_capacity(flat.len());
        for (k, m) in flat.iter().enumerate() {
            let up = choice & (1 << k) != 0;
            if up && m.is_multiple_of(precision) {
                continue 'choice;
            }
            let r = if up { ceiling(*m) } else { floor(*m) };
            cells_moved += usize::from(r != m.round(precision, rounding).unwrap());
            v.push(r);
        }
        let cell = |i: usize, j: usize| v[i * nc + j];
        let printed_rows: Vec<Money> = (0..nr).map(|i| sum((0..nc).map(|j| cell(i, j)))).collect();
        let printed_cols: Vec<Money> = (0..nc).map(|j| sum((0..nr).map(|i| cell(i, j)))).collect();
        let printed_total = sum(printed_rows.iter().copied());
        let mut margins_moved = 0;
        for (exact, printed) in rows.iter().zip(&printed_rows).chain(cols.iter().zip(&printed_cols)) {
            match cost(*exact, *printed) {
                Some(c) => margins_moved += c,
                None => continue 'choice,
            }
        }
        let Some(total_moved) = cost(total, printed_total) else {
            continue 'choice;
        };
        best = best.min((total_moved, margins_moved, cells_moved));
    }
    best
}

/// Whether some controlled rounding of `cells` at whole pounds prints
/// `figure` as `printed` (every choice of floor or ceiling for the cells).
fn pin_possible(cells: &[Vec<Money>], figure: TableFigure, printed: Money) -> bool {
    let precision = Precision::POUNDS;
    let (nr, nc) = (cells.len(), cells[0].len());
    let step = precision.step();
    let floor = |m: Money| {
        let f = m.round(precision, Rounding::TowardZero).unwrap();
        if f > m {
            f.checked_sub(step).unwrap()
        } else {
            f
        }
    };
    let ok = |exact: Money, p: Money| {
        p == floor(exact) || (!exact.is_multiple_of(precision) && p == floor(exact).checked_add(step).unwrap())
    };
    let flat: Vec<Money> = cells.iter().flatten().copied().collect();
    'choice: for choice in 0u32..(1 << flat.len()) {
        let mut v = Vec::new();
        for (k, m) in flat.iter().enumerate() {
            let up = choice & (1 << k) != 0;
            if up && m.is_multiple_of(precision) {
                continue 'choice;
            }
            v.push(if up {
                floor(*m).checked_add(step).unwrap()
            } else {
                floor(*m)
            });
        }
        let cell = |i: usize, j: usize| v[i * nc + j];
        let exact_cell = |i: usize, j: usize| cells[i][j];
        let rows: Vec<(Money, Money)> = (0..nr)
            .map(|i| (sum((0..nc).map(|j| exact_cell(i, j))), sum((0..nc).map(|j| cell(i, j)))))
            .collect();
        let cols: Vec<(Money, Money)> = (0..nc)
            .map(|j| (sum((0..nr).map(|i| exact_cell(i, j))), sum((0..nr).map(|i| cell(i, j)))))
            .collect();
        let total = (sum(rows.iter().map(|r| r.0)), sum(rows.iter().map(|r| r.1)));
        if !rows.iter().chain(&cols).chain([&total]).all(|(e, p)| ok(*e, *p)) {
            continue;
        }
        let got = match figure {
            TableFigure::GrandTotal => total.1,
            TableFigure::RowTotal(i) => rows[i].1,
            TableFigure::ColumnTotal(j) => cols[j].1,
            TableFigure::Cell { row, column } => cell(row, column),
        };
        if got == printed {
            return true;
        }
    }
    false
}

/// Tables of a few pence per cell at a precision of pounds: most figures
/// have a fraction, many near a half, so rounding them alone rarely adds up
/// and the cheapest rounding often reroutes an earlier choice.
fn awkward_table(max_rows: usize, max_cols: usize) -> impl Strategy<Value = Vec<Vec<Money>>> {
    (1..=max_rows, 1..=max_cols).prop_flat_map(|(r, c)| {
        let amount = prop_oneof![3 => 20i64..80, 1 => -80i64..-20, 1 => 0i64..300].prop_map(Money::from_pence);
        proptest::collection::vec(proptest::collection::vec(amount, c), r)
    })
}

fn table(max_rows: usize, max_cols: usize) -> impl Strategy<Value = Vec<Vec<Money>>> {
    (1..=max_rows, 1..=max_cols).prop_flat_map(|(r, c)| {
        let amount = prop_oneof![
            3 => -2_000_000_000i64..2_000_000_000i64,
            1 => (-20i64..20).prop_map(|k| k * 10_000),
            1 => 0i64..300,
        ]
        .prop_map(Money::from_pence);
        proptest::collection::vec(proptest::collection::vec(amount, c), r)
    })
}

fn precision() -> impl Strategy<Value = Precision> {
    prop_oneof![
        Just(Precision::POUNDS),
        Just(Precision::THOUSANDS_1DP),
        Just(Precision::THOUSANDS)
    ]
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![Just(Rounding::HalfAwayFromZero), Just(Rounding::HalfEven)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rows_and_columns_always_add_up_within_a_step(
        cells in table(12, 6), precision in precision(), rounding in rounding()
    ) {
        let t = present_table(&labelled(&cells), precision, rounding).unwrap();
        adds_up(&t)?;
        within_a_step(&t, precision)?;
    }

    /// The grand total keeps its own rounding whenever any controlled
    /// rounding has it there (and otherwise moves one step and says so),
    /// then the fewest totals, then the fewest cells move: the same as the
    /// best of every rounding tried by brute force.
    #[test]
    fn the_grand_total_then_the_totals_then_the_cells(cells in table(3, 2), precision in precision(), rounding in rounding()) {
        let t = present_table(&labelled(&cells), precision, rounding).unwrap();
        prop_assert_eq!(moved(&t), best_by_brute_force(&cells, precision, rounding));
    }

    #[test]
    fn the_grand_total_then_the_totals_then_the_cells_in_awkward_tables(
        cells in awkward_table(4, 3), rounding in rounding()
    ) {
        let t = present_table(&labelled(&cells), Precision::POUNDS, rounding).unwrap();
        adds_up(&t)?;
        within_a_step(&t, Precision::POUNDS)?;
        prop_assert_eq!(moved(&t), best_by_brute_force(&cells, Precision::POUNDS, rounding));
    }

    /// A pin is honoured when some controlled rounding prints the figure so
    /// (found by brute force over the cells), and refused with a reason
    /// otherwise; a pin to a value neither the floor nor the ceiling is
    /// refused as out of reach.
    #[test]
    fn pins_are_honoured_or_refused_with_a_reason(
        cells in awkward_table(3, 2), rounding in rounding(), which in 0usize..4, up in any::<bool>()
    ) {
        let t = labelled(&cells);
        let (nr, nc) = (cells.len(), cells[0].len());
        let figure = match which {
            0 => TableFigure::GrandTotal,
            1 => TableFigure::RowTotal(nr - 1),
            2 => TableFigure::ColumnTotal(nc - 1),
            _ => TableFigure::Cell { row: nr - 1, column: nc - 1 },
        };
        let free = present_table(&t, Precision::POUNDS, rounding).unwrap();
        let exact = free.figures().find(|(f, _)| *f == figure).unwrap().1.exact;
        let step = Precision::POUNDS.step();
        let floor = {
            let f = exact.round(Precision::POUNDS, Rounding::TowardZero).unwrap();
            if f > exact { f.checked_sub(step).unwrap() } else { f }
        };
        let target = if up && !exact.is_multiple_of(Precision::POUNDS) { floor.checked_add(step).unwrap() } else { floor };
        let possible = pin_possible(&cells, figure, target);
        match present_table(&t.clone().pin(figure, target), Precision::POUNDS, rounding) {
            Ok(shown) => {
                prop_assert!(possible, "a pin no rounding allows was accepted");
                adds_up(&shown)?;
                prop_assert_eq!(shown.figures().find(|(f, _)| *f == figure).unwrap().1.rounded, target);
            }
            Err(e) => {
                prop_assert!(!possible, "a possible pin was refused: {}", e);
                prop_assert!(matches!(e, PresentError::PinsConflict { .. }), "{:?}", e);
            }
        }
        // Two steps away is out of reach.
        let far = target.checked_add(step).unwrap().checked_add(step).unwrap();
        let refused = present_table(&t.pin(figure, far), Precision::POUNDS, rounding);
        prop_assert!(matches!(refused, Err(PresentError::PinOutOfReach { .. })), "{:?}", refused);
    }
}

/// Issue 11, finding 16: counts of steps too large for an `i128` were
/// saturated by `Money::steps` and then added without a check (a panic in a
/// debug build, a wrapped number in release). A table whose figures cannot be
/// counted at the precision asked for is an error.
#[test]
fn figures_too_fine_to_count_are_an_error_not_a_panic() {
    use bcf_model::money::Unit;
    use bcf_model::present::{present, Breakdown, PresentError};
    let trillion = Money::parse("1,000,000,000,000", Unit::Pounds).unwrap();
    let fine = Precision::new(Unit::Pounds, 28).unwrap();
    let cells = vec![vec![trillion, trillion], vec![trillion, Money::ZERO]];
    let e = std::panic::catch_unwind(|| present_table(&labelled(&cells), fine, Rounding::HalfAwayFromZero))
        .expect("present_table must not panic");
    assert!(matches!(e, Err(PresentError::Money(_))), "{e:?}");
    // The same table at a precision it can be counted in is presented.
    assert!(present_table(&labelled(&cells), Precision::PENCE, Rounding::HalfAwayFromZero).is_ok());
    let figure = Breakdown::total(
        "t",
        vec![Breakdown::leaf("a", trillion), Breakdown::leaf("b", trillion)],
    )
    .unwrap();
    assert!(matches!(
        present(&figure, fine, Rounding::HalfAwayFromZero),
        Err(PresentError::Money(_))
    ));
}

/// Mutation gap: the largest amount there is, at a precision of £'000, has
/// a floor that is an amount but a ceiling (the floor and one more thousand)
/// that is not. The table cannot be presented, and the error says which
/// figure could not be rounded; a multiple of a thousand just below it,
/// which never rises, is presented as it is.
#[test]
fn a_figure_whose_ceiling_is_not_an_amount_is_an_error() {
    use bcf_model::money::MoneyError;
    use bcf_model::present::PresentError;
    use rust_decimal::Decimal;
    let max = Money::from_pounds(Decimal::MAX);
    let e = present_table(
        &labelled(&[vec![max]]),
        Precision::THOUSANDS,
        Rounding::HalfAwayFromZero,
    );
    match e {
        Err(PresentError::Money(MoneyError::Overflow { op, left, .. })) => {
            assert_eq!(op, "round");
            assert_eq!(left, max.to_string());
        }
        other => panic!("{other:?}"),
    }
    let whole = max.round(Precision::THOUSANDS, Rounding::TowardZero).unwrap();
    let t = present_table(
        &labelled(&[vec![whole]]),
        Precision::THOUSANDS,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    assert_eq!(t.total.rounded, whole);
}

/// Mutation gaps: a presented total has its parts presented (each within a
/// step, adding up), and `iter` and `adjusted` list them.
#[test]
fn presented_totals_keep_their_parts() {
    use bcf_model::money::Unit;
    use bcf_model::present::{present, Breakdown};
    let m = |s: &str| Money::parse(s, Unit::Pounds).unwrap();
    let leaves = vec![
        Breakdown::leaf("a", m("1,571.15")),
        Breakdown::leaf("b", m("61,053.37")),
        Breakdown::leaf("c", m("136,539.00")),
    ];
    let total = Breakdown::total("total", leaves).unwrap();
    let shown = present(&total, Precision::THOUSANDS, Rounding::HalfAwayFromZero).unwrap();
    assert_eq!(shown.parts.len(), 3);
    let labels: Vec<&str> = shown.iter().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["total", "a", "b", "c"]);
    assert_eq!(sum(shown.parts.iter().map(|p| p.rounded)), shown.rounded);
    assert_eq!(shown.rounded, m("199,000"));
    // 2 + 61 + 137 = 200: one part goes down to make 199.
    let adjusted: Vec<&str> = shown.adjusted().iter().map(|p| p.label.as_str()).collect();
    assert_eq!(adjusted.len(), 1, "{adjusted:?}");
    let leaf = present(
        &Breakdown::leaf("x", m("1,500")),
        Precision::THOUSANDS,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    assert_eq!((leaf.rounded, leaf.parts.len()), (m("2,000"), 0));
}

/// Issue 15, item 1: a source x contributor table whose cells, each rounded
/// on its own, add to one more than the rounded grand total (197, 166, 84
/// and 121 make 568 against 566.70, which rounds to 567). The grand total keeps
/// its own rounding, and three figures move instead, as in a published
/// funding table: a cell, its row's total and a column's total.
#[test]
fn the_grand_total_holds_and_three_figures_move() {
    use bcf_model::money::Unit;
    let k = |s: &str| Money::parse(s, Unit::Pounds).unwrap();
    let table = Table::new("Income by stream (£'000)", ["CCG", "Council"])
        .row("NHS minimum", [k("196,670"), k("165,760")])
        .unwrap()
        .row("iBCF", [k("83,650"), k("120,620")])
        .unwrap();
    let ordinary = sum(table
        .cells()
        .iter()
        .flatten()
        .map(|c| c.round(Precision::THOUSANDS, Rounding::HalfAwayFromZero).unwrap()));
    assert_eq!(ordinary, k("568,000"));
    let t = present_table(&table, Precision::THOUSANDS, Rounding::HalfAwayFromZero).unwrap();
    assert_eq!(t.total.rounded, k("567,000"));
    assert!(!t.total.adjusted);
    assert_eq!(t.adjusted(), 3);
    assert_eq!(moved(&t), (0, 2, 1));
    adds_up(&t).unwrap();
    // Of the roundings moving a cell, a row total and a column total, the
    // one chosen moves the figures nearest a half step: NHS minimum's total
    // 362.43 up to 363, Council's 286.38 up to 287, and iBCF's CCG cell
    // 83.65 down to 83 (moving 196.67, 204.27 and 286.38 instead would be
    // three moves too, each further from its exact value).
    assert_eq!(t.row_totals[0].rounded, k("363,000"));
    assert_eq!(t.column_totals[1].rounded, k("287,000"));
    assert_eq!(t.cells[1][0].rounded, k("83,000"));
    assert!(t.row_totals[0].adjusted && t.column_totals[1].adjusted && t.cells[1][0].adjusted);
    // Its labels come with it.
    let text = t.to_string();
    assert!(text.contains("NHS minimum"), "{text}");
    assert!(text.contains("83*"), "{text}");
}

/// Issue 15, item 2: in one presentation context the same exact amount
/// prints the same in every table, where a table presented on its own
/// would print it otherwise.
#[test]
fn a_figure_prints_the_same_in_every_table_of_a_context() {
    use bcf_model::money::Unit;
    use bcf_model::present::PresentationContext;
    let k = |s: &str| Money::parse(s, Unit::Pounds).unwrap();
    let by_partner = Table::new("By partner", ["CCG", "Council"])
        .row("Home First", [k("4,200,600"), k("400,700")])
        .unwrap();
    let by_stream = Table::new("By stream", ["NHS minimum", "iBCF"])
        .row("Home First", [k("4,200,600"), k("0")])
        .unwrap();
    let (p, r) = (Precision::THOUSANDS, Rounding::HalfAwayFromZero);
    // Alone, the second table prints Home First's 4,200.6 as 4,201 ...
    let alone = present_table(&by_stream, p, r).unwrap();
    assert_eq!(alone.row_totals[0].rounded, k("4,201,000"));
    // ... but the first table had to print it 4,200: in one context, both do.
    let mut pack = PresentationContext::new(p, r);
    let first = pack.present_table(&by_partner).unwrap();
    assert_eq!(first.cells[0][0].rounded, k("4,200,000"));
    let second = pack.present_table(&by_stream).unwrap();
    assert_eq!(second.cells[0][0].rounded, k("4,200,000"));
    assert_eq!(second.row_totals[0].rounded, k("4,200,000"));
    assert_eq!(second.total.rounded, k("4,200,000"));
    assert!(second.inconsistent.is_empty());
    adds_up(&second).unwrap();
    assert_eq!(pack.printed(k("4,200,600")), Some(k("4,200,000")));
}
