//! Divisions are exact where the answer is exact (multiply first, divide
//! last), rounded only where the caller asked, and never leave an accidental
//! 28-digit tail (issue 11, finding 7).

use bcf_model::calendar::{FinancialYear, Month};
use bcf_model::contingency::ContingencyLedger;
use bcf_model::dtoc::{AttributedRate, ProfileScaling, Trajectory};
use bcf_model::ibcf::{withhold, CutRule, WithheldAmount, Withholding};
use bcf_model::metrics::{Percent, Polarity, PrintedValue, ProfiledTarget, Rag, RagRule, Rate, Tolerance};
use bcf_model::money::{Money, Rounding};
use bcf_model::monitor::{monitor, Forecast, Monitoring, Period};
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}
fn rate(s: &str) -> Rate {
    Rate::new(d(s))
}
fn month(s: &str) -> Month {
    s.parse().unwrap()
}

#[test]
fn profile_trajectory_multiplies_before_it_divides() {
    // The same percentage every month, scaled per day: the per-day target is
    // the same every month, 7.8832, so May (31 days) is exactly 244.3792 and
    // June (30 days) exactly 236.496.
    let p = Percent::new(d("4.56"));
    let profile = [(month("2017-05"), p), (month("2017-06"), p)];
    let t = Trajectory::from_profile(&profile, rate("236.496"), ProfileScaling::PerDay).unwrap();
    assert_eq!(t.target(month("2017-05")), Some(rate("244.3792")));
    assert_eq!(t.target(month("2017-05")).unwrap().per_100k().normalize().scale(), 4);
    // And the other way round.
    let profile = [(month("2017-06"), p), (month("2017-07"), p)];
    let t = Trajectory::from_profile(&profile, rate("244.3792"), ProfileScaling::PerDay).unwrap();
    assert_eq!(t.target(month("2017-06")), Some(rate("236.496")));
    // Per month, 5.06% against 2.53% at the end is exactly twice the end target.
    let profile = [
        (month("2017-05"), Percent::new(d("5.06"))),
        (month("2017-06"), Percent::new(d("2.53"))),
    ];
    let t = Trajectory::from_profile(&profile, rate("223.03"), ProfileScaling::PerMonth).unwrap();
    assert_eq!(t.target(month("2017-05")), Some(rate("446.06")));
}

#[test]
fn linear_trajectory_multiplies_before_it_divides() {
    // 0 to 3 in three equal steps is 0, 1, 2, 3: not 0.9999999999999999999999999999.
    let t = Trajectory::linear(month("2017-04"), rate("0"), month("2017-07"), rate("3")).unwrap();
    let targets: Vec<Rate> = t.iter().map(|(_, r)| r).collect();
    assert_eq!(targets, vec![rate("0"), rate("1"), rate("2"), rate("3")]);
}

#[test]
fn profiled_month_target_is_its_own_exact_share() {
    // 10 spread 2:3:1 over April to June: May is 10 × 3 / 6 = 5 exactly
    // (the difference of two rounded year-to-date shares gave 4.9999999999999999999999999997).
    let year: FinancialYear = "2017/18".parse().unwrap();
    let mut weights = [Decimal::ZERO; 12];
    weights[0] = d("2");
    weights[1] = d("3");
    weights[2] = d("1");
    let p = ProfiledTarget::new(year, d("10"), weights).unwrap();
    assert_eq!(p.month(month("2017-05")).unwrap(), d("5"));
    assert_eq!(p.year_to_date(month("2017-06")).unwrap(), d("10"));
    // A share that does not terminate is the quotient correctly rounded in
    // its 28th decimal place, not the difference of two rounded shares.
    let third = ProfiledTarget::new(year, d("1"), {
        let mut w = [Decimal::ZERO; 12];
        w[0] = d("1");
        w[1] = d("1");
        w[2] = d("1");
        w
    })
    .unwrap();
    assert_eq!(
        third.month(month("2017-05")).unwrap(),
        d("0.3333333333333333333333333333")
    );
}

#[test]
fn relative_rag_tolerance_compares_without_dividing() {
    // A third of the target, as finely as a decimal can write it, tolerates
    // an adverse gap of 0.9999999999999999999999999999 on a target of 3;
    // a gap of 1 is beyond it. Dividing 1 by 3 rounded the gap to the
    // tolerance and called it Amber.
    let rule = RagRule {
        polarity: Polarity::LowerIsBetter,
        amber: Tolerance::Relative(d("0.3333333333333333333333333333")),
    };
    assert_eq!(rule.rate(d("4"), d("3")).unwrap(), Rag::Red);
    assert_eq!(
        rule.rate(d("3.9999999999999999999999999999"), d("3")).unwrap(),
        Rag::Amber
    );
    // 5% of 312.19 is 15.6095: exactly at the tolerance is Amber.
    let five = RagRule {
        polarity: Polarity::LowerIsBetter,
        amber: Tolerance::Relative(d("0.05")),
    };
    assert_eq!(five.rate(d("327.7995"), d("312.19")).unwrap(), Rag::Amber);
    assert_eq!(five.rate(d("327.7996"), d("312.19")).unwrap(), Rag::Red);
    // A negative target's tolerance is a share of its size.
    assert_eq!(five.rate(d("-95"), d("-100")).unwrap(), Rag::Amber);
    assert_eq!(five.rate(d("-94.99"), d("-100")).unwrap(), Rag::Red);
}

#[test]
fn shared_rate_improvement_gives_an_odd_last_unit_to_the_nhs() {
    // An improvement of 3 in the 28th decimal place cannot be halved in the
    // decimal range: the NHS takes 2 units, social care 1 (as whole delayed
    // days, where an odd day goes to the NHS).
    let unit = d("0.0000000000000000000000000001");
    let now = AttributedRate {
        nhs: rate("1"),
        social_care: rate("1"),
        both: Rate::ZERO,
    };
    let total = now.total().unwrap();
    let target = total.checked_sub(Rate::new(unit * d("3"))).unwrap();
    let after = now.share_improvement(target).unwrap();
    assert_eq!(after.nhs, Rate::new(d("1") - unit * d("2")));
    assert_eq!(after.social_care, Rate::new(d("1") - unit));
    assert_eq!(after.total().unwrap(), target);
}

fn one_line_plan(pence: i64) -> Plan {
    let y: FinancialYear = "2017/18".parse().unwrap();
    Plan::builder("p")
        .year(y)
        .contributor("la", "Council", ContributorKind::CountyCouncil)
        .source("grant", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
        .allocation("grant", "la", y, Money::from_pence(pence))
        .programme("P", "P")
        .line(LineDraft::new("a", "P", "Line A").amount("la", y, "grant", Money::from_pence(pence)))
        .build()
        .unwrap()
}

#[test]
fn straight_line_forecast_is_rounded_once_from_the_exact_value() {
    // Twelve months of actuals forecast by straight line are the actuals,
    // to the penny, however large: the product `actual × 12` was rounded in
    // the decimal before it was divided.
    let plan = one_line_plan(100);
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let huge = Money::from_pounds(d("700000000000000000000000000.01"));
    let march = Month::new(2018, 3).unwrap();
    let round = Monitoring::new(march)
        .actual("a", "la", Period::Month(march), huge)
        .forecast("a", "la", Forecast::StraightLine);
    let report = monitor(&plan, &ledger, &round).unwrap();
    assert_eq!(report.row("a", "la").unwrap().forecast, huge);
    // Nine months: 800 × 12 / 9 = 1,066.666… is 1,066.67 (half to even is moot here).
    let december = Month::new(2017, 12).unwrap();
    let round = Monitoring::new(december)
        .actual("a", "la", Period::Month(december), Money::from_pence(80_000))
        .forecast("a", "la", Forecast::StraightLine);
    let report = monitor(&plan, &ledger, &round).unwrap();
    assert_eq!(report.row("a", "la").unwrap().forecast, Money::from_pence(106_667));
    // Eight months of 0.01: 0.015 exactly, half to even is 0.02.
    let november = Month::new(2017, 11).unwrap();
    let round = Monitoring::new(november)
        .actual("a", "la", Period::Month(november), Money::from_pence(1))
        .forecast("a", "la", Forecast::StraightLine);
    let report = monitor(&plan, &ledger, &round).unwrap();
    assert_eq!(report.row("a", "la").unwrap().forecast, Money::from_pence(2));
}

#[test]
fn withheld_percentage_is_rounded_once_from_the_exact_amount() {
    // 0.499999999999999999999999999% of £1 is just under half a penny: it
    // rounds (half away from zero) to nothing. Dividing the percentage by 100
    // first rounded it to 0.005 and withheld a penny.
    let plan = one_line_plan(100);
    let w = Withholding::new(
        "grant",
        "2017/18".parse().unwrap(),
        WithheldAmount::Percent(d("0.499999999999999999999999999")),
        CutRule::ProRata,
    );
    let out = withhold(&plan, &w).unwrap();
    assert_eq!(out.withheld, Money::ZERO);
    // Exactly half a penny rounds by the rule asked for.
    for (rounding, pence) in [(Rounding::HalfAwayFromZero, 1), (Rounding::HalfEven, 0)] {
        let mut w = w.clone();
        w.amount = WithheldAmount::Percent(d("0.5"));
        w.rounding = rounding;
        assert_eq!(
            withhold(&plan, &w).unwrap().withheld,
            Money::from_pence(pence),
            "{rounding:?}"
        );
    }
}

#[test]
fn a_printed_value_too_fine_to_bound_is_an_error() {
    // Half a unit in the 28th decimal place is beyond the decimal range: the
    // bounds are refused rather than widened to the 27th.
    let p = PrintedValue::new(d("1.0000000000000000000000000001"), 28);
    assert!(p.bounds().is_err());
    assert!(p.half_step().is_err());
    let p = PrintedValue::new(d("1.000000000000000000000000001"), 27);
    assert_eq!(p.half_step().unwrap(), d("0.0000000000000000000000000005"));
}
