//! The quarterly return (issue 18, item 3): its tables add up and conserve
//! money. Income to date less spend to date is the change in the pooled
//! balance, per contributor and stream, to the penny; checked on a Quarter 1
//! round of the Leicestershire 2017/18 plan with figures worked out by hand
//! from the published plan, and over generated balanced plans.

use bcf_model::calendar::{FinancialYear, Month};
use bcf_model::contingency::{ContingencyLedger, Movement};
use bcf_model::data::leicestershire;
use bcf_model::money::{Money, Unit};
use bcf_model::monitor::{monitor, Forecast, MissingActuals, Monitoring, MonitoringReport, Period, Profile};
use bcf_model::plan::Plan;
use bcf_model::returns::{quarterly_return, QuarterlyReturn};
use bcf_model::strategies::{balanced_plan, PlanShape};
use chrono::NaiveDate;
use proptest::prelude::*;

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}

/// Quarter 1 of 2017/18 (as at June 2017): every line has spent its budget
/// to date (a quarter of the year) except WL CCG Home Care (BCF2.11), 1,700.0
/// spent, forecast straight line, and the County Council's Assistive
/// Technology (BCF3.1), 150.0 spent and 700.0 expected; 100.0 of WL CCG's
/// risk pool drawn down into its Nursing Care Packages (BCF2.10) in June.
fn leicestershire_q1() -> (Plan, ContingencyLedger, MonitoringReport) {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let mut ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    let june = NaiveDate::from_ymd_opt(2017, 6, 15).unwrap();
    ledger
        .record(
            "CONTINGENCY.2",
            wl,
            Movement::draw_down(june, k("100"), "nursing care demand", "IFG").for_line("BCF2.10"),
        )
        .unwrap();
    let q1 = Period::Quarter("2017/18 Q1".parse().unwrap());
    let round = Monitoring::new(Month::new(2017, 6).unwrap())
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance)
        .actual("BCF2.11", "wl_ccg", q1, k("1,700"))
        .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine)
        .actual("BCF3.1", "lcc", q1, k("150"))
        .forecast("BCF3.1", "lcc", Forecast::Given(k("700")));
    let report = monitor(&plan, &ledger, &round).unwrap();
    (plan, ledger, report)
}

/// Checks that `ret` conserves money against the plan and the report it was
/// made from, independently of how the return added its rows up: per row;
/// per contributor against the report's own positions; per stream against
/// the report's lines (single-funded in the plans tested); and in total.
fn assert_conserves(plan: &Plan, report: &MonitoringReport, ret: &QuarterlyReturn) {
    for r in &ret.streams {
        assert_eq!(
            r.income_to_date.checked_sub(r.spend_to_date).unwrap(),
            r.balance_to_date,
            "{} {}",
            r.stream,
            r.contributor_id
        );
        assert_eq!(r.forecast.checked_sub(r.budget).unwrap(), r.variance);
    }
    let profile = Profile::straight_line();
    for (c, contributor) in plan.contributors_indexed() {
        let t = ret.contributor_total(c).unwrap();
        let position = report.position(c).unwrap();
        assert_eq!(t.spend_to_date, position.actual_to_date, "{}", contributor.id);
        assert_eq!(t.budget, position.budget, "{}", contributor.id);
        assert_eq!(t.forecast, position.forecast, "{}", contributor.id);
        // The contributor's income: each stream's allocations profiled on their own.
        let mut income = Money::ZERO;
        for class in plan.funding_classes() {
            let allocated = Money::checked_sum(
                plan.allocations()
                    .iter()
                    .filter(|a| a.year == report.year && a.contributor == c && class.members.contains(&a.source))
                    .map(|a| a.amount),
            )
            .unwrap();
            income = income
                .checked_add(profile.budget_to_date(allocated, report.months_elapsed).unwrap())
                .unwrap();
        }
        assert_eq!(t.income_to_date, income, "{}", contributor.id);
        assert_eq!(
            t.balance_to_date,
            income.checked_sub(position.actual_to_date).unwrap(),
            "{}",
            contributor.id
        );
    }
    for class in plan.funding_classes() {
        let t = ret.stream_total(Some(class.funding)).unwrap();
        let spent = Money::checked_sum(
            report
                .lines
                .iter()
                .filter(|l| l.funding.first().map(|f| f.0) == Some(class.funding))
                .map(|l| l.actual_to_date),
        )
        .unwrap();
        assert_eq!(t.spend_to_date, spent, "{}", class.id);
        assert_eq!(
            t.balance_to_date,
            t.income_to_date.checked_sub(spent).unwrap(),
            "{}",
            class.id
        );
    }
    let total = ret.total().unwrap();
    let spent = Money::checked_sum(report.lines.iter().map(|l| l.actual_to_date)).unwrap();
    assert_eq!(total.spend_to_date, spent);
    assert_eq!(total.balance_to_date, total.income_to_date.checked_sub(spent).unwrap());
}

#[test]
fn leicestershire_quarter_1_figures() {
    let (plan, ledger, report) = leicestershire_q1();
    let ret = quarterly_return(&plan, &report, &ledger).unwrap();
    assert_eq!(ret.quarter.to_string(), "2017/18 Q1");
    assert_eq!(ret.months_elapsed, 3);

    // WL CCG, NHS minimum: 20,843.5 for the year, a quarter received; spent
    // a quarter of its lines (20,684.1) with Home Care 131.75 over its
    // 1,568.25 to date and Nursing Care 25.0 over (a quarter of the 100.0
    // drawn down): the pool is 116.9 short at June.
    let wl = ret
        .stream(plan.funding("nhs_minimum"), plan.contributor_ix("wl_ccg").unwrap())
        .unwrap();
    assert_eq!(wl.allocation, k("20,843.5"));
    assert_eq!(wl.income_to_date, k("5,210.875"));
    assert_eq!(wl.spend_to_date, k("5,327.775"));
    assert_eq!(wl.balance_to_date, k("-116.9"));
    assert_eq!(wl.budget, k("20,784.1"));
    assert_eq!(wl.forecast, k("21,311.1")); // Home Care 1,700.0 × 4 = 6,800.0 against 6,273.0
    assert_eq!(wl.variance, k("527"));

    // ELR CCG, NHS minimum: all on budget, so the pool holds a quarter of its
    // contingency net of its cost improvement target: (1,000.0 - 487.2) / 4.
    let elr = ret
        .stream(plan.funding("nhs_minimum"), plan.contributor_ix("elr_ccg").unwrap())
        .unwrap();
    assert_eq!(elr.income_to_date, k("3,959.525"));
    assert_eq!(elr.spend_to_date, k("3,831.325"));
    assert_eq!(elr.balance_to_date, k("128.2"));

    // The County Council's iBCF grants (both, as one stream): 9,525.6 for
    // the year; Assistive Technology 40.0 below its 190.0 to date.
    let ibcf = ret
        .stream(plan.funding("ibcf"), plan.contributor_ix("lcc").unwrap())
        .unwrap();
    assert_eq!(ibcf.allocation, k("9,525.6"));
    assert_eq!(ibcf.income_to_date, k("2,381.4"));
    assert_eq!(ibcf.spend_to_date, k("2,341.4"));
    assert_eq!(ibcf.balance_to_date, k("40"));
    assert_eq!(ibcf.variance, k("-60"));

    // The DFG and the additional NHS funding are spent exactly as received.
    for (stream, who, income) in [
        ("dfg", "lcc", "837.475"),
        ("nhs_additional", "wl_ccg", "341.825"),
        ("nhs_additional", "elr_ccg", "298.875"),
    ] {
        let r = ret
            .stream(plan.funding(stream), plan.contributor_ix(who).unwrap())
            .unwrap();
        assert_eq!(
            (r.income_to_date, r.spend_to_date),
            (k(income), k(income)),
            "{stream} {who}"
        );
        assert!(r.balance_to_date.is_zero());
    }

    // The whole pool: 52,119.9 for the year (the funding summary's
    // 52,120), 13,029.975 received, 12,978.675 spent, 51.3 held.
    let total = ret.total().unwrap();
    assert_eq!(total.allocation, k("52,119.9"));
    assert_eq!(total.income_to_date, k("13,029.975"));
    assert_eq!(total.spend_to_date, k("12,978.675"));
    assert_eq!(total.balance_to_date, k("51.3"));
    assert_eq!(total.variance, k("467"));

    // Contingency used: WL CCG's 100.0 from its risk pool, no one else's.
    let wl_ix = plan.contributor_ix("wl_ccg").unwrap();
    let elr_ix = plan.contributor_ix("elr_ccg").unwrap();
    assert_eq!(ret.contingency_used(wl_ix).unwrap(), k("100"));
    assert!(ret.contingency_used(elr_ix).unwrap().is_zero());
    let risk = ret
        .contingency
        .iter()
        .find(|c| c.line == "CONTINGENCY.2" && c.contributor_id == "wl_ccg")
        .unwrap();
    assert_eq!((risk.opening, risk.balance), (k("500"), k("400")));

    assert_conserves(&plan, &report, &ret);
}

#[test]
fn a_ledger_of_another_year_is_refused() {
    let (plan, _, report) = leicestershire_q1();
    let other = ContingencyLedger::from_plan(&plan, "2018/19".parse().unwrap()).unwrap();
    let err = quarterly_return(&plan, &report, &other).unwrap_err();
    assert!(err.to_string().contains("2018/19"), "{err}");
}

fn shape() -> PlanShape {
    PlanShape {
        full_range: false,
        funding_groups: false,
        ..PlanShape::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Over generated balanced plans and any month of their first year,
    /// with every line on budget to date: the return conserves money per
    /// row, contributor and stream; and at March, when every allocation has
    /// been received and every budget spent, each contributor's pool holds
    /// exactly its contingency lines (a balanced plan's allocations are its
    /// lines plus its contingency).
    #[test]
    fn the_return_conserves_money(plan in balanced_plan(shape()), month in prop_oneof![Just(12u32), 1u32..=12]) {
        let year: FinancialYear = plan.years()[0];
        let as_at = year.months()[month as usize - 1];
        let ledger = ContingencyLedger::from_plan(&plan, year).unwrap();
        let round = Monitoring::new(as_at)
            .missing_actuals(MissingActuals::OnBudgetToDate)
            .default_forecast(Forecast::BudgetPlusVariance);
        let report = monitor(&plan, &ledger, &round).unwrap();
        let ret = quarterly_return(&plan, &report, &ledger).unwrap();
        assert_conserves(&plan, &report, &ret);
        if month == 12 {
            for (c, _) in plan.contributors_indexed() {
                let held = Money::checked_sum(
                    plan.contingency()
                        .iter()
                        .flat_map(|l| l.amounts.iter())
                        .filter(|a| a.year == year && a.contributor == c)
                        .map(|a| a.amount),
                )
                .unwrap();
                prop_assert_eq!(ret.contributor_total(c).unwrap().balance_to_date, held);
            }
        }
    }
}

fn assurance_inputs() -> (
    bcf_model::policy::PolicyCalendar,
    bcf_model::conditions::ConditionInputs,
    bcf_model::metrics::MetricCalendar,
) {
    (
        bcf_model::data::policy_calendar().unwrap(),
        leicestershire::condition_inputs().unwrap(),
        bcf_model::data::metric_calendar().unwrap(),
    )
}

#[test]
fn conditions_and_metrics_of_the_year() {
    use bcf_model::metrics::Rag;
    use bcf_model::returns::{Assurance, OnTrack};
    use bcf_model::verdict::Outcome;
    use std::collections::BTreeMap;

    let (plan, ledger, report) = leicestershire_q1();
    let (calendar, inputs, metrics) = assurance_inputs();
    let set = metrics.metric_set("2017/18".parse().unwrap()).unwrap();
    let keys: Vec<String> = set.metrics.iter().map(|m| m.listed.key.clone()).collect();
    assert!(keys.len() >= 2, "{keys:?}");
    // Ratings for the first two metrics only: one green, one red.
    let ratings: BTreeMap<String, Rag> = [(keys[0].clone(), Rag::Green), (keys[1].clone(), Rag::Red)].into();
    let assurance = Assurance {
        calendar: &calendar,
        inputs: &inputs,
        metrics: &metrics,
        ratings: &ratings,
    };
    let ret = quarterly_return(&plan, &report, &ledger)
        .unwrap()
        .with_assurance(&plan, &assurance)
        .unwrap();
    // The same checks as check_all on the plan for the year.
    let direct = bcf_model::conditions::check_all(&plan, &calendar, &inputs, "2017/18".parse().unwrap()).unwrap();
    assert_eq!(ret.conditions, direct);
    assert!(ret.conditions_confirmed().count() >= 1);
    // The four national conditions of 2017/18: the plan's figures show the
    // out-of-hospital ring-fence met; the others need evidence the embedded
    // inputs do not confirm (or the crate does not check).
    let national: Vec<(&str, Outcome)> = ret
        .conditions
        .iter()
        .filter_map(|c| c.national.as_deref().map(|n| (n, c.outcome)))
        .collect();
    assert_eq!(
        national,
        [
            ("jointly_agreed_plan", Outcome::CannotTell),
            ("nhs_contribution_to_social_care_maintained", Outcome::CannotTell),
            ("invest_in_nhs_commissioned_out_of_hospital", Outcome::Met),
            ("managing_transfers_of_care", Outcome::CannotTell),
        ]
    );
    assert_eq!(
        keys,
        [
            "non_elective_admissions",
            "residential_admissions_65plus",
            "reablement_91_days",
            "delayed_transfers_of_care"
        ]
    );
    // Every metric of the set, in order; rated ones as rated, the rest not assessed.
    assert_eq!(ret.metrics.iter().map(|m| m.key.clone()).collect::<Vec<_>>(), keys);
    assert_eq!(ret.metrics[0].status, OnTrack::OnTrack { rag: Rag::Green });
    assert_eq!(ret.metrics[1].status, OnTrack::NotOnTrack { rag: Rag::Red });
    for m in &ret.metrics[2..] {
        assert!(
            matches!(&m.status, OnTrack::NotAssessed { why } if why.contains("2017/18 Q1")),
            "{m:?}"
        );
    }
    assert!(ret.no_metric_set.is_none());
}

#[test]
fn every_presented_table_adds_up() {
    use bcf_model::money::{Precision, Rounding};
    use bcf_model::present::{present_return, PresentationContext};

    let (plan, ledger, report) = leicestershire_q1();
    let ret = quarterly_return(&plan, &report, &ledger).unwrap();
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_return(&ret, &mut pack).unwrap();
    assert_eq!(tables.len(), 7);
    for t in &tables {
        for (row, total) in t.cells.iter().zip(&t.row_totals) {
            assert_eq!(
                Money::checked_sum(row.iter().map(|v| v.rounded)).unwrap(),
                total.rounded,
                "{}",
                t.title
            );
        }
        for (c, total) in t.column_totals.iter().enumerate() {
            let column = Money::checked_sum(t.cells.iter().map(|r| r[c].rounded)).unwrap();
            assert_eq!(column, total.rounded, "{}", t.title);
        }
        let rows = Money::checked_sum(t.row_totals.iter().map(|v| v.rounded)).unwrap();
        assert_eq!(rows, t.total.rounded, "{}", t.title);
        assert!(t.inconsistent.is_empty(), "{}", t.title);
    }
    // The exact grand totals are the return's: 13,029.975 in, 12,978.675 out, 51.3 held;
    // the pool's contingency used is WL CCG's 100.0.
    let exact: Vec<Money> = tables.iter().map(|t| t.total.exact).collect();
    assert_eq!(&exact[..3], &[k("13,029.975"), k("12,978.675"), k("51.3")]);
    assert_eq!(exact[6], k("100"));
    // Income and spend print so that the printed balance is their difference
    // wherever the exact one is: 13,030.0 - 12,978.7 = 51.3.
    assert_eq!(tables[2].total.rounded, k("51.3"));
}

#[test]
fn the_return_as_csv_and_json() {
    let (plan, ledger, report) = leicestershire_q1();
    let ret = quarterly_return(&plan, &report, &ledger).unwrap();
    let csv = bcf_model::io::write_return_csv(&ret).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("quarter,table,row,contributor,measure,value"));
    assert!(
        csv.contains("2017/18 Q1,stream,nhs_minimum,wl_ccg,balance_to_date,-116900.00\n"),
        "{csv}"
    );
    assert!(
        csv.contains("2017/18 Q1,contingency,CONTINGENCY.2,wl_ccg,drawn_down,100000\n"),
        "{csv}"
    );
    // Every balance row is its income less its spend, read back from the CSV.
    let mut figures: std::collections::BTreeMap<(String, String, String), rust_decimal::Decimal> = Default::default();
    for line in csv.lines().skip(1).filter(|l| l.contains(",stream,")) {
        let f: Vec<&str> = line.split(',').collect();
        figures.insert((f[2].into(), f[3].into(), f[4].into()), f[5].parse().unwrap());
    }
    let mut rows = 0;
    for ((s, c, m), v) in &figures {
        if m == "balance_to_date" {
            let get = |m: &str| figures[&(s.clone(), c.clone(), m.to_string())];
            assert_eq!(*v, get("income_to_date") - get("spend_to_date"), "{s} {c}");
            rows += 1;
        }
    }
    assert_eq!(rows, ret.streams.len());

    let json: serde_json::Value = serde_json::from_str(&bcf_model::io::write_return_json(&ret).unwrap()).unwrap();
    assert_eq!(json["quarter"], "2017/18 Q1");
    let wl = json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stream"] == "nhs_minimum" && r["contributor_id"] == "wl_ccg")
        .unwrap();
    assert_eq!(wl["income_to_date"], "5210875.00");
    assert_eq!(wl["balance_to_date"], "-116900.00");
}
