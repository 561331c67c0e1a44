//! Contingency pools, the overspend waterfall and the risk-share rules.

use bcf_model::calendar::FinancialYear;
use bcf_model::contingency::{ContingencyError, ContingencyLedger, Movement, MovementKind};
use bcf_model::io::published::leicestershire_2017_19;
use bcf_model::money::{Money, Unit};
use bcf_model::plan::Plan;
use chrono::NaiveDate;

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}
fn fy(s: &str) -> FinancialYear {
    s.parse().unwrap()
}
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn leics() -> Plan {
    leicestershire_2017_19().unwrap().plan
}

#[test]
fn pools_open_at_the_planned_contingency() {
    let plan = leics();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    let elr = plan.contributor_ix("elr_ccg").unwrap();
    let lcc = plan.contributor_ix("lcc").unwrap();
    assert_eq!(ledger.pool("CONTINGENCY.1", "wl_ccg").unwrap().name, "CCG Contingency");
    assert_eq!(ledger.pool("CONTINGENCY.2", "elr_ccg").unwrap().balance(), k("500"));
    assert_eq!(ledger.pool("CONTINGENCY.3", "wl_ccg").unwrap().balance(), k("-840.6"));
    assert_eq!(ledger.net_position(wl).unwrap(), k("159.4"));
    assert_eq!(ledger.net_position(elr).unwrap(), k("512.8"));
    assert_eq!(ledger.net_position(lcc).unwrap(), Money::ZERO);
    assert_eq!(ledger.available(wl).unwrap(), k("1000"));
    assert_eq!(ledger.undelivered(elr).unwrap(), k("487.2"));
    let y2 = ContingencyLedger::from_plan(&plan, fy("2018/19")).unwrap();
    assert_eq!(y2.pool("CONTINGENCY.3", "elr_ccg").unwrap().balance(), k("-136.7"));
    assert!(matches!(
        ContingencyLedger::from_plan(&plan, fy("2019/20")),
        Err(ContingencyError::YearNotInPlan { .. })
    ));
}

#[test]
fn draw_downs_and_releases_reduce_the_pool_and_are_kept() {
    let plan = leics();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    ledger
        .record(
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::draw_down(date(2017, 7, 3), k("120.5"), "care home fees", "IFG").for_line("BCF2.1"),
        )
        .unwrap();
    ledger
        .record(
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::release(date(2018, 3, 31), k("379.5"), "year end release", "HWB"),
        )
        .unwrap();
    let pool = ledger.pool("CONTINGENCY.1", "wl_ccg").unwrap();
    assert_eq!(pool.balance(), Money::ZERO);
    assert_eq!(pool.movements().len(), 2);
    assert_eq!(pool.total(MovementKind::DrawDown).unwrap(), k("120.5"));
    assert_eq!(pool.movements()[0].approver, "IFG");
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    assert_eq!(ledger.line_budget_change("BCF2.1", wl).unwrap(), k("120.5"));
    assert!(ledger.is_consistent());
}

#[test]
fn a_pool_cannot_go_below_zero_and_the_ledger_is_left_unchanged() {
    let plan = leics();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    ledger
        .record(
            "CONTINGENCY.2",
            "elr_ccg",
            Movement::draw_down(date(2017, 6, 1), k("450"), "a", "b"),
        )
        .unwrap();
    let before = ledger.clone();
    let err = ledger
        .record(
            "CONTINGENCY.2",
            "elr_ccg",
            Movement::draw_down(date(2017, 9, 1), k("60"), "a", "b"),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContingencyError::PoolShortfall {
            pool: "Risk Pool".into(),
            contributor: "elr_ccg".into(),
            year: fy("2017/18"),
            balance: k("50"),
            requested: k("60"),
            shortfall: k("10"),
        }
    );
    assert_eq!(
        err.to_string(),
        "Risk Pool (elr_ccg, 2017/18) cannot go below zero: it holds £50,000.00, £60,000.00 was asked for, \
         a shortfall of £10,000.00"
    );
    assert_eq!(ledger, before);
    // All or nothing: the first movement fits, the second does not.
    let err = ledger
        .record_all([
            (
                "CONTINGENCY.1",
                "elr_ccg",
                Movement::draw_down(date(2017, 6, 1), k("100"), "a", "b"),
            ),
            (
                "CONTINGENCY.2",
                "elr_ccg",
                Movement::release(date(2017, 6, 1), k("50.1"), "a", "b"),
            ),
        ])
        .unwrap_err();
    assert!(matches!(err, ContingencyError::PoolShortfall { ref shortfall, .. } if *shortfall == k("0.1")));
    assert_eq!(ledger, before);
}

#[test]
fn movements_are_validated() {
    let plan = leics();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let before = ledger.clone();
    let d = date(2017, 6, 1);
    let cases = [
        ("CONTINGENCY.9", "wl_ccg", Movement::draw_down(d, k("1"), "", "")),
        ("CONTINGENCY.1", "nobody", Movement::draw_down(d, k("1"), "", "")),
        ("CONTINGENCY.1", "wl_ccg", Movement::draw_down(d, Money::ZERO, "", "")),
        (
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::draw_down(d, Money::from_pence(-1), "", ""),
        ),
        ("CONTINGENCY.1", "wl_ccg", Movement::draw_down(d, k("0.000001"), "", "")),
        (
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::draw_down(date(2018, 4, 1), k("1"), "", ""),
        ),
        (
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::savings_delivered(d, k("1"), "", ""),
        ),
        ("CONTINGENCY.3", "wl_ccg", Movement::draw_down(d, k("1"), "", "")),
        (
            "CONTINGENCY.1",
            "wl_ccg",
            Movement::draw_down(d, k("1"), "", "").for_line("BCF99.1"),
        ),
    ];
    for (line, c, m) in cases {
        assert!(ledger.record(line, c, m.clone()).is_err(), "{line} {c} {m:?}");
    }
    assert_eq!(ledger, before);
}

#[test]
fn cost_improvement_target_reports_the_undelivered_remainder() {
    let plan = leics();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    ledger
        .record(
            "CONTINGENCY.3",
            "wl_ccg",
            Movement::savings_delivered(date(2017, 10, 1), k("600"), "", "").for_line("BCF2.1"),
        )
        .unwrap();
    let err = ledger
        .record(
            "CONTINGENCY.3",
            "wl_ccg",
            Movement::savings_delivered(date(2017, 11, 1), k("300"), "", ""),
        )
        .unwrap_err();
    assert!(matches!(err, ContingencyError::SavingsExceedTarget { ref excess, .. } if *excess == k("59.4")));
    let report = ledger.savings_report().unwrap();
    assert_eq!(report.len(), 3); // WL, ELR and the County Council's zero target
    assert_eq!(report[0].pool, "Cost Improvement Target (wl_ccg, 2017/18)");
    assert_eq!(report[0].target, k("840.6"));
    assert_eq!(report[0].delivered, k("600"));
    assert_eq!(report[0].undelivered, k("240.6"));
    assert_eq!(report[1].undelivered, k("487.2"));
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    assert_eq!(ledger.line_budget_change("BCF2.1", wl).unwrap(), k("-600"));
}
