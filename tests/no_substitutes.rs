//! No silent substitutes (issue 11, finding 16): where something "cannot
//! happen" but caller data can make it happen (a ledger or report made from
//! another plan, a rate too large to average, a bearer not in the plan), the
//! library returns an error; it never substitutes an empty id, a zero or a
//! made-up figure.

use bcf_model::calendar::{FinancialYear, Month};
use bcf_model::contingency::{ContingencyError, ContingencyLedger};
use bcf_model::dtoc::Trajectory;
use bcf_model::ibcf::{withhold, CutRule, IbcfError, WithheldAmount, Withholding};
use bcf_model::metrics::{MetricError, Rate};
use bcf_model::money::{Money, Unit};
use bcf_model::monitor::{monitor, Forecast, MonitorError, Monitoring, Period};
use bcf_model::plan::{ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::waterfall::{waterfall, Bearer, RiskShareRule, WaterfallConfig};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn p(s: &str) -> Money {
    Money::parse(s, Unit::Pounds).unwrap()
}
fn fy(s: &str) -> FinancialYear {
    s.parse().unwrap()
}

/// A CCG and a council (in the order given), one line each, and a risk pool
/// held by the CCG.
fn plan(council_first: bool) -> Plan {
    let y = fy("2017/18");
    let mut b = Plan::builder("two partners").year(y);
    b = if council_first {
        b.contributor("la", "Council", ContributorKind::CountyCouncil)
            .contributor("ccg", "CCG", ContributorKind::Ccg)
    } else {
        b.contributor("ccg", "CCG", ContributorKind::Ccg)
            .contributor("la", "Council", ContributorKind::CountyCouncil)
    };
    b.source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
        .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
        .allocation("min", "ccg", y, p("1100"))
        .allocation("ibcf", "la", y, p("500"))
        .programme("P1", "Prevention")
        .programme("P2", "Home First")
        .line(LineDraft::new("a", "P1", "Line A").amount("ccg", y, "min", p("1000")))
        .line(LineDraft::new("b", "P2", "Line B").amount("la", y, "ibcf", p("500")))
        .contingency(
            ContingencyDraft::new("risk", "Risk Pool", ContingencyKind::RiskPool).amount("ccg", y, "min", p("100")),
        )
        .build()
        .unwrap()
}

fn round() -> Monitoring {
    Monitoring::new(Month::new(2018, 3).unwrap())
        .default_forecast(Forecast::OnBudget)
        .actual("a", "ccg", Period::Month(Month::new(2018, 3).unwrap()), p("1050"))
        .forecast("a", "ccg", Forecast::Given(p("1050")))
}

#[test]
fn a_ledger_from_another_plan_is_refused() {
    // The ledger's risk pool belongs to contributor #0 of the council-first
    // plan, which is `la` there; in this plan #0 is the CCG. Its money was
    // silently credited to whichever contributor has the same position.
    let mine = plan(false);
    let other = plan(true);
    let ledger = ContingencyLedger::from_plan(&other, fy("2017/18")).unwrap();
    match monitor(&mine, &ledger, &round()) {
        Err(MonitorError::UnknownContributor { contributor, .. }) => assert_eq!(contributor, "ccg"),
        other => panic!("expected an unknown contributor, got {other:?}"),
    }
}

#[test]
fn a_quarterly_report_against_another_plan_is_refused() {
    let mine = plan(false);
    let ledger = ContingencyLedger::from_plan(&mine, fy("2017/18")).unwrap();
    let report = monitor(&mine, &ledger, &round()).unwrap();
    assert!(report.quarterly(&mine).is_ok());
    // Same shape, contributors the other way round: the report's rows would
    // be named after the wrong partners.
    assert!(matches!(
        report.quarterly(&plan(true)),
        Err(MonitorError::NotThisPlan { .. })
    ));
    // A plan without the report's programmes: rows with empty ids and names before.
    let y = fy("2017/18");
    let bare = Plan::builder("bare")
        .year(y)
        .contributor("ccg", "CCG", ContributorKind::Ccg)
        .contributor("la", "Council", ContributorKind::CountyCouncil)
        .build()
        .unwrap();
    let e = report.quarterly(&bare).unwrap_err();
    assert!(matches!(e, MonitorError::NotThisPlan { .. }), "{e:?}");
    assert!(e.to_string().contains("programme"), "{e}");
}

#[test]
fn a_waterfall_on_a_report_from_another_plan_is_refused() {
    let mine = plan(false);
    let other = plan(true);
    let ledger = ContingencyLedger::from_plan(&mine, fy("2017/18")).unwrap();
    let report = monitor(&mine, &ledger, &round()).unwrap();
    let date = NaiveDate::from_ymd_opt(2018, 3, 31).unwrap();
    let config = WaterfallConfig::section_75(date, "IFG", RiskShareRule::Commissioner);
    assert!(waterfall(&mine, &report, &ledger, &config).is_ok());
    let e = waterfall(&other, &report, &ledger, &config).unwrap_err();
    assert!(matches!(e, ContingencyError::UnknownContributor { .. }), "{e:?}");
}

#[test]
fn a_bearer_not_in_the_plan_has_no_label() {
    let small = Plan::builder("one")
        .year(fy("2017/18"))
        .contributor("ccg", "CCG", ContributorKind::Ccg)
        .build()
        .unwrap();
    let two = plan(false);
    let la = two.contributor_ix("la").unwrap();
    assert_eq!(Bearer::Contributor(la).label(&two).unwrap(), "la");
    assert_eq!(Bearer::PooledFund.label(&small).unwrap(), "pooled fund");
    // `la` is contributor #1 of `two`; `small` has only #0. The label was "".
    assert!(matches!(
        Bearer::Contributor(la).label(&small),
        Err(ContingencyError::UnknownContributor { .. })
    ));
}

#[test]
fn a_quarter_whose_average_overflows_is_an_error_not_a_missing_quarter() {
    let big = Rate::new(Decimal::MAX);
    let months: Vec<(Month, Rate)> = fy("2017/18").months()[..6].iter().map(|m| (*m, big)).collect();
    let t = Trajectory::new(months).unwrap();
    // Q1 and Q2 are covered in full; their averages overflow. They were
    // silently left out, as if not covered.
    assert!(matches!(t.quarter_averages(), Err(MetricError::Overflow { .. })));
    let small = Rate::new(Decimal::ONE);
    let months: Vec<(Month, Rate)> = fy("2017/18").months()[1..8].iter().map(|m| (*m, small)).collect();
    let t = Trajectory::new(months).unwrap();
    // May to November covers only Q2 in full.
    let averages = t.quarter_averages().unwrap();
    assert_eq!(averages.len(), 1);
    assert_eq!(averages[0].0.to_string(), "2017/18 Q2");
}

#[test]
fn a_bad_percentage_is_not_reported_as_nothing_withheld() {
    let plan = plan(false);
    let w = Withholding::new(
        "ibcf",
        fy("2017/18"),
        WithheldAmount::Percent(Decimal::from(120)),
        CutRule::ProRata,
    );
    let e = withhold(&plan, &w).unwrap_err();
    // The message said "cannot withhold £0.00 of ibcf": a made-up amount.
    assert!(matches!(e, IbcfError::BadPercent { .. }), "{e:?}");
    let shown = e.to_string();
    assert!(shown.contains("120%") && !shown.contains("£0.00"), "{shown}");
}
