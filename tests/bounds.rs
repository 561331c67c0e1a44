//! The rounding bound, as a property (issue 11): for random plans whose
//! figures are printed each to a precision of its own,
//!
//! - a pure rounding perturbation (every printed figure within half a step
//!   of a true figure, the true figures balancing) is always rounding or
//!   exact, never an error;
//! - the bound of every comparison is exactly the sum of the half steps of
//!   the printed figures taking part, worked out here by hand;
//! - an error injected into one printed figure, larger than the bound, is
//!   always an error.

use std::collections::BTreeMap;

use bcf_model::calendar::FinancialYear;
use bcf_model::money::{Money, Precision};
use bcf_model::plan::{ContributorIx, Funding, Plan};
use bcf_model::reconcile::{reconcile, reconcile_reference, Agreement, FindingKind};
use bcf_model::strategies::{printed_plan, PlanShape};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Half a step of `p`, worked out from its unit and decimals.
fn half(p: Option<Precision>) -> Decimal {
    match p {
        None => Decimal::ZERO,
        Some(p) => {
            let unit = Decimal::from(10i64.pow(p.unit().exponent()));
            let step = unit / Decimal::from(10i64.pow(u32::from(p.decimals())));
            step / Decimal::TWO
        }
    }
}

/// The half steps of every printed figure of each contributor and year.
fn expected_bounds(plan: &Plan) -> BTreeMap<(ContributorIx, FinancialYear), Decimal> {
    let mut out: BTreeMap<(ContributorIx, FinancialYear), Decimal> = BTreeMap::new();
    let mut add = |c, y, p| *out.entry((c, y)).or_default() += half(p);
    for a in plan.allocations() {
        add(a.contributor, a.year, a.precision);
    }
    for l in plan.lines() {
        for a in l.amounts() {
            add(a.contributor, a.year, a.precision);
        }
    }
    for l in plan.contingency() {
        for a in &l.amounts {
            add(a.contributor, a.year, a.precision);
        }
    }
    out
}

fn shape() -> PlanShape {
    PlanShape {
        max_contributors: 3,
        max_years: 2,
        max_programmes: 3,
        max_lines: 10,
        full_range: false,
        funding_groups: true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn rounding_is_rounding_and_errors_beyond_the_bound_are_errors(
        (_, printed) in printed_plan(shape()),
        pick in any::<prop::sample::Index>(),
        up in any::<bool>(),
    ) {
        // 1. Pure rounding: never an error, and the bound is the sum of the
        //    half steps of the figures taking part.
        let rec = reconcile(&printed).unwrap();
        prop_assert_eq!(&rec, &reconcile_reference(&printed).unwrap());
        prop_assert!(rec.is_balanced(), "{:?}", rec.findings);
        let bounds = expected_bounds(&printed);
        for f in rec.findings.iter().filter(|f| f.kind == FindingKind::ContributorImbalance) {
            let expected = bounds.get(&(f.contributor, f.year)).copied().unwrap_or_default();
            prop_assert_eq!(f.comparison.bound.pounds(), expected);
            prop_assert!(f.comparison.difference.pounds().abs() <= expected);
        }

        // 2. Inject an error into one printed line amount: more than twice
        //    the bound of its contributor and year, a whole number of its steps.
        let amounts: Vec<(usize, usize)> = printed
            .lines()
            .iter()
            .flat_map(|l| (0..l.amounts().len()).map(move |j| (l.index(), j)))
            .collect();
        prop_assume!(!amounts.is_empty());
        let (li, aj) = amounts[pick.index(amounts.len())];
        let line = printed.lines().get(li).unwrap();
        let target = line.amounts().get(aj).unwrap();
        let precision = target.precision.unwrap();
        let step = precision.step().pounds();
        let bound = bounds.get(&(target.contributor, target.year)).copied().unwrap_or_default();
        let steps = ((bound * Decimal::TWO) / step).floor() + Decimal::ONE;
        let size = steps * step;
        // Up, or down where the amount allows it.
        let delta = if !up && target.amount.pounds() >= size { -size } else { size };
        let new_amount = Money::from_pounds(target.amount.pounds() + delta);
        let changed = printed
            .with_line_amounts(|l, a| (l.index() == li && a == &target).then_some(new_amount))
            .unwrap();
        // The changed amount is computed (exact); its contributor and
        // year lose that figure's half step from the bound.
        let rec = reconcile(&changed).unwrap();
        prop_assert_eq!(&rec, &reconcile_reference(&changed).unwrap());
        let imbalance = rec
            .findings
            .iter()
            .find(|f| {
                f.kind == FindingKind::ContributorImbalance && f.contributor == target.contributor && f.year == target.year
            })
            .expect("the injected error is found");
        prop_assert!(imbalance.comparison.difference.pounds().abs() > imbalance.comparison.bound.pounds());
        prop_assert_eq!(imbalance.comparison.agreement, Agreement::Error);
        prop_assert_eq!(imbalance.comparison.bound.pounds(), bound - half(Some(precision)));
        // The funding class of the amount is out by more than its bound too.
        let class = match target.funding {
            Funding::Source(s) => changed.source(s).map(|s| s.id.clone()),
            Funding::Group(g) => changed.group(g).map(|g| g.id.clone()),
        };
        let mismatch = rec
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::FundingMismatch && f.contributor == target.contributor && f.year == target.year && f.funding == class)
            .expect("the class of the injected error is out");
        prop_assert_eq!(mismatch.comparison.agreement, Agreement::Error);
    }
}

/// A footing's bound includes the printed total's own half step: parts of
/// 1.2 and 2.3 (£'000 to one decimal) printed with a total of 4 (whole
/// £'000) can be rounding, since the true total may be 3.5.
#[test]
fn a_footing_bound_counts_the_total_at_its_own_precision() {
    use bcf_model::money::{Money, PrintedFigure, Unit};
    use bcf_model::published::{
        check_footings, Cell, Footing, FootingKind, PublishedColumn, PublishedRow, PublishedTable, RowKind,
    };
    let figure = |s: &str| Money::parse_printed(s, Unit::Thousands).unwrap();
    let row = |line: u64, kind, name: &str, cell: PrintedFigure| PublishedRow {
        line,
        section: "BCF1".into(),
        subgroup: None,
        kind,
        name: name.into(),
        code: None,
        cells: vec![Some(cell)],
    };
    let table = PublishedTable {
        source: "t.csv".into(),
        unit: Unit::Thousands,
        columns: vec![PublishedColumn {
            key: "total_2017_18".into(),
            year: "2017/18".parse().unwrap(),
            contributor: None,
        }],
        rows: vec![
            row(2, RowKind::Line, "a", figure("1.2")),
            row(3, RowKind::Line, "b", figure("2.3")),
            row(4, RowKind::Total, "Total", figure("4")),
        ],
    };
    let footing = Footing {
        kind: FootingKind::ProgrammeLines,
        total: Cell { row: 2, column: 0 },
        parts: vec![(Cell { row: 0, column: 0 }, true), (Cell { row: 1, column: 0 }, true)],
    };
    let check = check_footings(
        &table,
        &(vec![footing.clone()], vec![]),
        bcf_model::published::BoundRule::WorstCase,
    )
    .unwrap();
    let c = &check.results[0].comparison;
    assert_eq!(c.difference, Money::parse("-0.5", Unit::Thousands).unwrap());
    assert_eq!(c.bound, Money::parse("0.6", Unit::Thousands).unwrap());
    assert_eq!(c.agreement, Agreement::Rounding);
    // A footing naming a cell outside the table is an error, not a blank.
    let mut outside = footing;
    outside.parts.push((Cell { row: 9, column: 0 }, true));
    assert!(check_footings(
        &table,
        &(vec![outside], vec![]),
        bcf_model::published::BoundRule::WorstCase
    )
    .is_err());
}
