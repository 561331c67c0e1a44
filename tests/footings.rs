//! Footing checks and printing conventions for any described table (issue
//! 18): the 2017 funding summary of the Leicestershire plan, its headline
//! figures, and properties over tables printed by each convention.

use bcf_model::data::leicestershire;
use bcf_model::footing::{
    check_headline, check_table, headline_figure, Axis, ConventionVerdict, DescribedTable, Interval, TableCheck,
    TotalOf, ALL_CONVENTIONS, PRINTING_CONVENTIONS,
};
use bcf_model::money::{Money, Precision, PrintedFigure, Rounding, Unit};
use bcf_model::published::{BoundRule, Cell};
use bcf_model::reconcile::Agreement;
use proptest::prelude::*;
use rust_decimal::Decimal;

const HALF: [Rounding; 2] = [Rounding::HalfAwayFromZero, Rounding::HalfEven];
const TRUNCATED: [Rounding; 1] = [Rounding::TowardZero];

fn thousands(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}

fn summary() -> (DescribedTable, TableCheck) {
    let table = leicestershire::funding_summary().unwrap();
    let check = check_table(&table, BoundRule::WorstCase, &PRINTING_CONVENTIONS).unwrap();
    (table, check)
}

fn cell(table: &DescribedTable, row: &str, year: &str) -> Cell {
    table.cell(row, year).unwrap_or_else(|| panic!("no cell {row}, {year}"))
}

/// The printed total misses its printed parts by one (£'000) in each year,
/// and the CCG minimum subtotal misses its two CCGs in 2017/18 (it was
/// rounded on its own): rounding differences, none an error.
#[test]
fn funding_summary_footings() {
    let (table, check) = summary();
    assert_eq!(check.footings.len(), 6, "three totals in two years");
    assert_eq!(check.errors().count(), 0);
    let differences: Vec<(String, Money, Money)> = check
        .rounding_differences()
        .map(|f| (table.describe(f.total), f.comparison.computed, f.comparison.stated))
        .collect();
    assert_eq!(
        differences,
        vec![
            (
                "CCG minimum subtotal, 2017/18".to_string(),
                thousands("36,681"),
                thousands("36,682")
            ),
            ("Total, 2017/18".to_string(), thousands("52,121"), thousands("52,120")),
            ("Total, 2018/19".to_string(), thousands("55,992"), thousands("55,993")),
        ]
    );
    let total = check
        .footings
        .iter()
        .find(|f| f.total == cell(&table, "Total", "2017/18"))
        .unwrap();
    assert_eq!(
        total.description,
        "Total = CCG minimum subtotal + DCLG subtotal + CCG additional (ICS), 2017/18"
    );
    // Four whole-£'000 figures: 4 × 0.5.
    assert_eq!(total.comparison.bound, thousands("2"));
    assert_eq!(total.comparison.difference, thousands("1"));
}

/// Which conventions explain each figure, against the plan's allocations
/// (each known to £'000 to one decimal, so an interval of width 0.1).
#[test]
fn funding_summary_conventions() {
    let (table, check) = summary();
    let at = |row: &str, year: &str| check.cell(cell(&table, row, year)).unwrap();
    let behind = |row: &str, year: &str| at(row, year).behind;

    // Only truncation: iBCF Spring Budget 2018/19 6,837.6 printed 6,837,
    // and the DCLG subtotal 2018/19, 3,632.3 + 5,582.0 + 6,837.6 = 16,051.9
    // (16,051.75 to 16,052.05 from the intervals), printed 16,051.
    let spring = at("iBCF Spring Budget 2017", "2018/19");
    assert_eq!(
        spring.behind,
        Interval::new(thousands("6,837.55"), thousands("6,837.65")).unwrap()
    );
    assert_eq!(spring.printed.value, thousands("6,837"));
    let dclg = at("DCLG subtotal", "2018/19");
    assert_eq!(
        dclg.behind,
        Interval::new(thousands("16,051.75"), thousands("16,052.05")).unwrap()
    );
    assert_eq!(dclg.printed.value, thousands("16,051"));
    let truncated: Vec<String> = check
        .explained_only_by(&TRUNCATED)
        .map(|c| table.describe(c.cell))
        .collect();
    assert_eq!(
        truncated,
        vec!["iBCF Spring Budget 2017, 2018/19", "DCLG subtotal, 2018/19"],
        "two cells only truncation explains (the issue counted three)"
    );

    // Only rounding (half away from zero or to even): the additional CCG
    // allocations 1,367.3 + 1,195.5 = 2,562.8 printed 2,563; iBCF Spring
    // Budget 2017/18 9,525.6 printed 9,526; and four more.
    assert_eq!(
        behind("CCG additional (ICS)", "2017/18"),
        Interval::new(thousands("2,562.7"), thousands("2,562.9")).unwrap()
    );
    assert_eq!(at("CCG additional (ICS)", "2017/18").printed.value, thousands("2,563"));
    assert_eq!(
        at("iBCF Spring Budget 2017", "2017/18").printed.value,
        thousands("9,526")
    );
    let rounded: Vec<String> = check.explained_only_by(&HALF).map(|c| table.describe(c.cell)).collect();
    assert_eq!(
        rounded,
        vec![
            "CCG minimum subtotal, 2017/18", // 36,681.5 to 36,681.7, printed 36,682
            "DFG, 2017/18",                  // 3,349.9 printed 3,350
            "iBCF Spring Budget 2017, 2017/18",
            "DCLG subtotal, 2017/18", // 12,875.35 to 12,875.65, printed 12,876
            "CCG additional (ICS), 2017/18",
            "CCG additional (ICS), 2018/19",
        ]
    );

    // Both, through the interval: WL CCG 20,843.5 printed 20,843 (20,843.45
    // rounds to it, 20,843.5 truncates to it) and 21,239.5 printed 21,239.
    for (year, low, printed) in [("2017/18", "20,843.45", "20,843"), ("2018/19", "21,239.45", "21,239")] {
        let wl = at("WL CCG minimum", year);
        assert_eq!(wl.behind.low(), thousands(low));
        assert_eq!(wl.printed.value, thousands(printed));
        assert!(
            wl.explained_only_by(&PRINTING_CONVENTIONS),
            "{year}: {:?}",
            wl.consistent
        );
    }
    // As points, 20,843.5 would round to 20,844 either way: only the
    // interval lets rounding explain it.
    let point = bcf_model::footing::conventions_explaining(
        at("WL CCG minimum", "2017/18").printed,
        Interval::point(thousands("20,843.5")),
        &PRINTING_CONVENTIONS,
    )
    .unwrap();
    assert_eq!(point, TRUNCATED.to_vec());
    assert_eq!(check.explained_only_by(&PRINTING_CONVENTIONS).count(), 10);
    assert_eq!(check.cells.len(), 18, "every figure but the Care Act memorandum");
    assert!(check.cells.iter().all(|c| !c.consistent.is_empty()));

    // The table follows no single convention: each rounding is broken by
    // the two truncated cells, truncation by the six rounded ones.
    assert_eq!(check.table.verdict(), ConventionVerdict::NoSingleConvention);
    let names = |cells: &[Cell]| cells.iter().map(|c| table.describe(*c)).collect::<Vec<_>>();
    for convention in HALF {
        assert_eq!(names(check.table.broken_by(convention)), truncated);
    }
    assert_eq!(names(check.table.broken_by(Rounding::TowardZero)), rounded);
    // 2017/18 alone is rounded; 2018/19 mixes both.
    assert_eq!(check.columns[0].verdict(), ConventionVerdict::Consistent(HALF.to_vec()));
    assert_eq!(check.columns[1].verdict(), ConventionVerdict::NoSingleConvention);
}

/// "The BCF expenditure plan totals £52m in 2017/18 and £56m in 2018/19"
/// (paragraph 22 of the report): checked against the totals behind the
/// summary. £56m is a rounding of 55,993; £55.9m would be a truncation.
#[test]
fn headline_figures() {
    let (table, check) = summary();
    let total = |year: &str| check.cell(cell(&table, "Total", year)).unwrap().behind;
    assert_eq!(
        total("2018/19"),
        Interval::new(thousands("55,992.85"), thousands("55,993.55")).unwrap()
    );
    let headline = |text: &str, year: &str| {
        check_headline(
            headline_figure(text).unwrap(),
            total(year),
            BoundRule::WorstCase,
            &PRINTING_CONVENTIONS,
        )
        .unwrap()
    };
    let h = headline("£52m", "2017/18");
    assert_eq!(h.comparison.agreement, Agreement::Rounding);
    assert_eq!(h.consistent, PRINTING_CONVENTIONS.to_vec());
    let h = headline("£56m", "2018/19");
    assert_eq!(h.comparison.agreement, Agreement::Rounding);
    assert_eq!(h.consistent, HALF.to_vec());
    let h = headline("£55.9m", "2018/19");
    assert_eq!(h.comparison.agreement, Agreement::Error);
    assert_eq!(h.comparison.difference, thousands("93.2"));
    assert_eq!(h.comparison.bound, thousands("50.35"));
    assert_eq!(h.consistent, TRUNCATED.to_vec());
}

// ---- properties ----

/// A table of `parts` rows and their total row, in two columns, printed from
/// exact figures (whole pence) to `precision` with `convention`; behind each
/// figure, the exact figure (`points`) or an interval of £'000 to one
/// decimal around it (the parts' intervals summed for the total).
fn printed_table(
    parts: &[[i64; 2]],
    precision: Precision,
    convention: Rounding,
    points: bool,
) -> Result<DescribedTable, TestCaseError> {
    let n = parts.len();
    let labels: Vec<String> = (0..n)
        .map(|i| format!("part {i}"))
        .chain(["total".to_string()])
        .collect();
    let mut table = DescribedTable::new("t", labels, ["a", "b"]);
    let fail = |e: &dyn std::fmt::Display| TestCaseError::fail(e.to_string());
    for column in 0..2 {
        let mut exact_total = Money::ZERO;
        let mut behind_total = Interval::point(Money::ZERO);
        for (row, values) in parts.iter().enumerate() {
            let exact = Money::from_pence(values[column]);
            exact_total = exact_total.checked_add(exact).map_err(|e| fail(&e))?;
            let behind = if points {
                Interval::point(exact)
            } else {
                let known = exact
                    .round(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)
                    .map_err(|e| fail(&e))?;
                Interval::around(PrintedFigure {
                    value: known,
                    precision: Precision::THOUSANDS_1DP,
                })
                .map_err(|e| fail(&e))?
            };
            prop_assert!(behind.contains(exact));
            behind_total = behind_total.checked_add(behind).map_err(|e| fail(&e))?;
            let cell = Cell { row, column };
            let value = exact.round(precision, convention).map_err(|e| fail(&e))?;
            table
                .set_printed(cell, PrintedFigure { value, precision })
                .map_err(|e| fail(&e))?;
            table.set_behind(cell, behind).map_err(|e| fail(&e))?;
        }
        let cell = Cell { row: n, column };
        let value = exact_total.round(precision, convention).map_err(|e| fail(&e))?;
        table
            .set_printed(cell, PrintedFigure { value, precision })
            .map_err(|e| fail(&e))?;
        table.set_behind(cell, behind_total).map_err(|e| fail(&e))?;
    }
    table
        .add_total(TotalOf::new(Axis::Rows, n, 0..n))
        .map_err(|e| fail(&e))?;
    Ok(table)
}

fn convention() -> impl Strategy<Value = Rounding> {
    prop::sample::select(ALL_CONVENTIONS.to_vec())
}

fn precision() -> impl Strategy<Value = Precision> {
    prop::sample::select(vec![Precision::THOUSANDS, Precision::THOUSANDS_1DP, Precision::POUNDS])
}

/// Pence up to £10m either way, with many figures on a half step.
fn pence() -> impl Strategy<Value = i64> {
    prop_oneof![
        -1_000_000_000i64..1_000_000_000,
        (-20_000i64..20_000).prop_map(|k| k * 50_000), // £500 steps: halves of £'000
        (-20_000i64..20_000).prop_map(|k| k * 5_000),  // £50 steps: halves of £100
    ]
}

fn parts() -> impl Strategy<Value = Vec<[i64; 2]>> {
    prop::collection::vec([pence(), pence()], 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A table printed by any supported convention is recognised as
    /// consistent with it, from points or intervals behind.
    #[test]
    fn a_printed_table_is_consistent_with_its_convention(
        parts in parts(), precision in precision(), convention in convention(), points in any::<bool>()
    ) {
        let table = printed_table(&parts, precision, convention, points)?;
        let check = check_table(&table, BoundRule::WorstCase, &ALL_CONVENTIONS)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(check.cells.len(), 2 * (parts.len() + 1));
        prop_assert!(check.table.consistent.contains(&convention), "{:?}", check.table);
        prop_assert!(check.columns.iter().all(|c| c.consistent.contains(&convention)));
        prop_assert!(check.table.broken_by(convention).is_empty());
        // Rounded to nearest from exact figures, no footing is an error.
        if points && HALF.contains(&convention) {
            prop_assert_eq!(check.errors().count(), 0);
        }
    }

    /// One figure moved by more than the convention allows (any whole step
    /// from a point; two or more steps from an interval narrower than a
    /// step) is reported at that figure, and only there.
    #[test]
    fn an_altered_figure_is_reported_where_it_is(
        parts in parts(), precision in precision(), convention in convention(), points in any::<bool>(),
        row in any::<prop::sample::Index>(), column in 0usize..2, size in 1i64..6, up in any::<bool>(),
    ) {
        // Intervals of up to six figures of £'000 to one decimal are 0.6
        // thousand wide: narrower than a step only in whole £'000.
        prop_assume!(points || precision == Precision::THOUSANDS);
        let steps = if points { size } else { size + 1 };
        let mut table = printed_table(&parts, precision, convention, points)?;
        let at = Cell { row: row.index(parts.len() + 1), column };
        let original = table.printed(at).ok_or_else(|| TestCaseError::fail("printed"))?;
        let shift = precision.step().checked_mul(Decimal::from(if up { steps } else { -steps }))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let value = original.value.checked_add(shift).map_err(|e| TestCaseError::fail(e.to_string()))?;
        table.set_printed(at, PrintedFigure { value, precision }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let check = check_table(&table, BoundRule::WorstCase, &ALL_CONVENTIONS)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!check.table.consistent.contains(&convention));
        prop_assert_eq!(check.table.broken_by(convention), &[at][..]);
        prop_assert_eq!(check.columns[column].broken_by(convention), &[at][..]);
        prop_assert!(check.columns[1 - column].consistent.contains(&convention));
        // Rounded to nearest from exact figures, a figure moved by more
        // than twice its footing's bound makes that footing an error.
        let bound_steps = i64::try_from(parts.len()).unwrap_or(i64::MAX).saturating_add(1); // twice (n + 1) halves
        if points && HALF.contains(&convention) && steps > bound_steps {
            let errors: Vec<Cell> = check.errors().map(|f| f.total).collect();
            prop_assert_eq!(errors, vec![Cell { row: parts.len(), column }]);
        }
    }
}
