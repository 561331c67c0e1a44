//! Controlled rounding of two-way tables: rows and columns add up, every
//! figure stays within one printed step, and the fewest figures move.

use bcf_model::money::{Money, Precision, Rounding};
use bcf_model::present::{present_table, PresentedTable};
use proptest::prelude::*;

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

/// The fewest figures any controlled rounding of a small table
/// cells must move, by trying every choice of floor or ceiling.
fn fewest_by_brute_force(cells: &[Vec<Money>], precision: Precision, rounding: Rounding) -> usize {
    let rows: Vec<Money> = cells.iter().map(|r| sum(r.iter().copied())).collect();
    let cols: Vec<Money> = (0..cells[0].len()).map(|j| sum(cells.iter().map(|r| r[j]))).collect();
    let total = sum(rows.iter().copied());
    let figures: Vec<Money> = cells
        .iter()
        .flatten()
        .copied()
        .chain(rows.iter().copied())
        .chain(cols.iter().copied())
        .chain(std::iter::once(total))
        .collect();
    let floor = |m: Money| {
        let f = m.round(precision, Rounding::TowardZero).unwrap();
        if f > m {
            f.checked_sub(precision.step()).unwrap()
        } else {
            f
        }
    };
    let (nr, nc) = (cells.len(), cells[0].len());
    let mut best = usize::MAX;
    for choice in 0u32..(1 << figures.len()) {
        let mut v = Vec::with_capacity(figures.len());
        let mut moved = 0;
        let mut possible = true;
        for (k, m) in figures.iter().enumerate() {
            let up = choice & (1 << k) != 0;
            if up && m.is_multiple_of(precision) {
                possible = false;
                break;
            }
            let r = if up {
                floor(*m).checked_add(precision.step()).unwrap()
            } else {
                floor(*m)
            };
            moved += usize::from(r != m.round(precision, rounding).unwrap());
            v.push(r);
        }
        if !possible {
            continue;
        }
        let cell = |i: usize, j: usize| v[i * nc + j];
        let ok = (0..nr).all(|i| sum((0..nc).map(|j| cell(i, j))) == v[nr * nc + i])
            && (0..nc).all(|j| sum((0..nr).map(|i| cell(i, j))) == v[nr * nc + nr + j])
            && sum((0..nr).map(|i| v[nr * nc + i])) == v[nr * nc + nr + nc];
        if ok {
            best = best.min(moved);
        }
    }
    best
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
        let t = present_table(&cells, precision, rounding).unwrap();
        adds_up(&t)?;
        within_a_step(&t, precision)?;
    }

    #[test]
    fn the_fewest_figures_move(cells in table(3, 2), precision in precision(), rounding in rounding()) {
        let t = present_table(&cells, precision, rounding).unwrap();
        prop_assert_eq!(t.adjusted(), fewest_by_brute_force(&cells, precision, rounding));
    }
}

/// Issue 11, finding 16: counts of steps too large for an `i128` were
/// saturated by `Money::steps` and then added without a check (a panic in a
/// debug build, a wrapped number in release). A table whose figures cannot be
/// counted at the precision asked for is an error.
#[test]
fn figures_too_fine_to_count_are_an_error_not_a_panic() {
    use bcf_model::money::Unit;
    use bcf_model::present::{present, Figure, PresentError};
    let trillion = Money::parse("1,000,000,000,000", Unit::Pounds).unwrap();
    let fine = Precision::new(Unit::Pounds, 28).unwrap();
    let cells = vec![vec![trillion, trillion], vec![trillion, Money::ZERO]];
    let e = std::panic::catch_unwind(|| present_table(&cells, fine, Rounding::HalfAwayFromZero))
        .expect("present_table must not panic");
    assert!(matches!(e, Err(PresentError::Money(_))), "{e:?}");
    // The same table at a precision it can be counted in is presented.
    assert!(present_table(&cells, Precision::PENCE, Rounding::HalfAwayFromZero).is_ok());
    let figure = Figure::total("t", vec![Figure::leaf("a", trillion), Figure::leaf("b", trillion)]).unwrap();
    assert!(matches!(
        present(&figure, fine, Rounding::HalfAwayFromZero),
        Err(PresentError::Money(_))
    ));
}

/// Mutation gaps: a presented total has its parts presented (each within a
/// step, adding up), and `iter` and `adjusted` list them.
#[test]
fn presented_totals_keep_their_parts() {
    use bcf_model::money::Unit;
    use bcf_model::present::{present, Figure};
    let m = |s: &str| Money::parse(s, Unit::Pounds).unwrap();
    let leaves = vec![
        Figure::leaf("a", m("1,571.15")),
        Figure::leaf("b", m("61,053.37")),
        Figure::leaf("c", m("136,539.00")),
    ];
    let total = Figure::total("total", leaves).unwrap();
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
        &Figure::leaf("x", m("1,500")),
        Precision::THOUSANDS,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    assert_eq!((leaf.rounded, leaf.parts.len()), (m("2,000"), 0));
}
