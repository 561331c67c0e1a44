//! Property tests: money is conserved, balanced plans reconcile, any single
//! change is found, presentations add up.

use bcf_model::money::Render;
use bcf_model::money::{allocate, Money, Precision, Rounding, Unit};
use bcf_model::present::{present, Breakdown, Presented};
use bcf_model::reconcile::{reconcile, Agreement, FindingKind};
use bcf_model::strategies::{amount, balanced_plan, perturbed_plan, PlanShape};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn pence() -> impl Strategy<Value = Money> {
    (-1_000_000_000_000i64..=1_000_000_000_000i64).prop_map(Money::from_pence)
}

fn weight() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..=1_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::ZERO),
        (0i128..=i128::from(u64::MAX), 0u32..=10).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn allocation_sums_back_exactly(total in pence(), weights in proptest::collection::vec(weight(), 1..12)) {
        prop_assume!(weights.iter().any(|w| !w.is_zero()));
        let shares = allocate(total, &weights, Precision::PENCE).unwrap();
        prop_assert_eq!(shares.len(), weights.len());
        prop_assert_eq!(Money::checked_sum(shares.iter().copied()).unwrap(), total);
        let sum_w: Decimal = weights.iter().sum();
        for (s, w) in shares.iter().zip(&weights) {
            if w.is_zero() {
                prop_assert!(s.is_zero());
            }
            // within one penny of the exact pro-rata share
            if let Some(exact) = total.pounds().checked_mul(*w / sum_w) {
                // the pro-rata value itself is rounded at 28 digits: allow for it
                prop_assert!((s.pounds() - exact).abs() <= Decimal::new(1, 2), "{} vs {}", s, exact);
            }
            // same sign as the total
            prop_assert!(!(s.is_negative() && total.is_positive()));
        }
    }

    #[test]
    fn allocation_to_the_pound_across_the_whole_range(total in amount(Decimal::MAX), weights in proptest::collection::vec(weight(), 1..8)) {
        prop_assume!(weights.iter().any(|w| !w.is_zero()));
        let total = total.round(Precision::POUNDS, Rounding::TowardZero).unwrap();
        match allocate(total, &weights, Precision::POUNDS) {
            Ok(shares) => prop_assert_eq!(Money::checked_sum(shares).unwrap(), total),
            // weights too precise to bring to one scale is the only allowed refusal
            Err(e) => prop_assert_eq!(e, bcf_model::money::AllocationError::WeightsOutOfRange),
        }
    }

    #[test]
    fn parse_reads_back_what_format_writes(m in pence(), brackets in any::<bool>()) {
        let f = Precision::PENCE.format().with_symbol();
        let f = if brackets { f.with_brackets() } else { f };
        prop_assert_eq!(Money::parse(&m.render(f), Unit::Pounds).unwrap(), m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_generated_balanced_plan_reconciles_with_no_finding(plan in balanced_plan(PlanShape::default())) {
        let rec = reconcile(&plan).unwrap();
        prop_assert!(rec.findings.is_empty(), "{:?}", rec.findings);
        prop_assert!(rec.balances.iter().all(|b| b.commitment.is_zero()));
    }

    #[test]
    fn unbalancing_one_line_gives_exactly_the_findings_that_name_it(
        (_plan, changed, p) in perturbed_plan(PlanShape::default())
    ) {
        let rec = reconcile(&changed).unwrap();
        prop_assert_eq!(rec.findings.len(), 2, "{:?}", rec.findings);
        for f in &rec.findings {
            prop_assert_eq!(&f.contributor_id, &p.contributor);
            prop_assert_eq!(f.year, p.year);
            prop_assert_eq!(f.comparison.agreement, Agreement::Error);
            prop_assert_eq!(f.comparison.difference, p.delta);
        }
        prop_assert!(rec.findings.iter().any(|f| f.kind == FindingKind::ContributorImbalance));
        let funding = rec.findings.iter().find(|f| f.kind == FindingKind::FundingMismatch);
        // The contributor's lines are funded by its own source, or by its group.
        let n = p.contributor.trim_start_matches('c');
        let named = funding.and_then(|f| f.funding.clone());
        prop_assert!(named == Some(format!("s{n}")) || named == Some(format!("g{n}")), "{:?}", named);
    }

    #[test]
    fn presentations_add_up_and_move_each_figure_less_than_one_step(
        groups in proptest::collection::vec(proptest::collection::vec(pence(), 1..8), 1..6),
        rounding in prop_oneof![Just(Rounding::HalfAwayFromZero), Just(Rounding::HalfEven)],
        precision in prop_oneof![Just(Precision::THOUSANDS_1DP), Just(Precision::POUNDS), Just(Precision::THOUSANDS)],
    ) {
        let parts: Vec<Breakdown> = groups
            .iter()
            .enumerate()
            .map(|(g, leaves)| {
                let leaves = leaves.iter().enumerate().map(|(i, m)| Breakdown::leaf(format!("{g}.{i}"), *m)).collect();
                Breakdown::total(format!("{g}"), leaves).unwrap()
            })
            .collect();
        let top = Breakdown::total("total", parts).unwrap();
        let shown = present(&top, precision, rounding).unwrap();
        prop_assert_eq!(shown.rounded, top.exact.round(precision, rounding).unwrap());
        fn walk(p: &Presented, step: Money) -> Result<(), TestCaseError> {
            prop_assert!(p.rounded.checked_sub(p.exact).unwrap().abs() < step, "{} moved too far", p.label);
            prop_assert_eq!(p.adjusted, p.rounded != p.ordinary);
            if !p.parts.is_empty() {
                let sum = Money::checked_sum(p.parts.iter().map(|c| c.rounded)).unwrap();
                prop_assert_eq!(sum, p.rounded, "{} does not add up", p.label);
            }
            for c in &p.parts {
                walk(c, step)?;
            }
            Ok(())
        }
        walk(&shown, precision.step())?;
    }
}

/// Whether every amount of `plan` fits an `i64` count of its finest decimal
/// unit, with room to add them all: the condition for the fast path,
/// worked out here independently of the plan's own columns.
fn fits_the_fast_path(plan: &bcf_model::plan::Plan) -> bool {
    let amounts: Vec<Decimal> = plan
        .allocations()
        .iter()
        .map(|a| a.amount.pounds())
        .chain(plan.lines().iter().flat_map(|l| l.amounts().map(|a| a.amount.pounds())))
        .chain(
            plan.contingency()
                .iter()
                .flat_map(|l| l.amounts.iter().map(|a| a.amount.pounds())),
        )
        .collect();
    let scale = amounts.iter().map(|d| d.normalize().scale()).max().unwrap_or(0);
    let mut total: i128 = 0;
    for d in amounts {
        let d = d.normalize();
        let Some(units) = 10i128
            .checked_pow(scale - d.scale())
            .and_then(|p| d.mantissa().checked_mul(p))
        else {
            return false;
        };
        if i64::try_from(units).is_err() {
            return false;
        }
        total = total.saturating_add(units.abs());
    }
    i64::try_from(total).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The fast, column-wise reconciliation gives exactly what the reference
    /// path gives, for balanced plans, perturbed plans and extreme amounts,
    /// and is taken exactly when the amounts fit it (so the comparison is of
    /// two paths, not of the reference with itself).
    #[test]
    fn fast_reconciliation_equals_the_reference(
        (plan, changed, _) in any::<bool>().prop_flat_map(|full_range| {
            perturbed_plan(PlanShape { max_lines: 40, full_range, ..PlanShape::default() })
        })
    ) {
        use bcf_model::reconcile::{reconcile_reference, takes_fast_path};
        for p in [&plan, &changed] {
            prop_assert_eq!(takes_fast_path(p), fits_the_fast_path(p));
            prop_assert_eq!(reconcile(p).unwrap(), reconcile_reference(p).unwrap());
        }
    }

    /// Everyday plans (amounts up to £100m) always take the fast path: these
    /// cases compare it with the reference every time.
    #[test]
    fn everyday_plans_take_the_fast_path_and_agree(
        (plan, changed, _) in perturbed_plan(PlanShape { max_lines: 40, full_range: false, ..PlanShape::default() })
    ) {
        use bcf_model::reconcile::{reconcile_reference, takes_fast_path};
        for p in [&plan, &changed] {
            prop_assert!(takes_fast_path(p));
            prop_assert_eq!(reconcile(p).unwrap(), reconcile_reference(p).unwrap());
        }
    }
}
