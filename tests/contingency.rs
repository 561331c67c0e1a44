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

mod waterfall_rules {
    use super::*;
    use bcf_model::calendar::Month;
    use bcf_model::contingency::{
        waterfall, Bearer, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallOutcome, WaterfallStep,
    };
    use bcf_model::monitor::{monitor, Forecast, Monitoring, MonitoringReport};
    use bcf_model::plan::{
        Commissioner, ContingencyDraft, ContingencyKind, ContributorIx, ContributorKind, FundingSourceKind,
        LineAttributes, LineDraft,
    };
    use rust_decimal::Decimal;

    fn p(s: &str) -> Money {
        Money::parse(s, Unit::Pounds).unwrap()
    }
    fn by(c: Commissioner) -> LineAttributes {
        LineAttributes {
            commissioner: Some(c),
            ..LineAttributes::default()
        }
    }

    /// Two CCGs and a council; an NHS line, a council line, a 60/40 joint line
    /// and a line with no commissioner; a risk pool, a contingency and a savings target.
    fn plan() -> Plan {
        let y = fy("2017/18");
        Plan::builder("three partners")
            .year(y)
            .contributor("ccg1", "CCG one", ContributorKind::Ccg)
            .contributor("ccg2", "CCG two", ContributorKind::Ccg)
            .contributor("la", "Council", ContributorKind::CountyCouncil)
            .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
            .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
            .allocation("min", "ccg1", y, p("1200"))
            .allocation("min", "ccg2", y, p("700"))
            .allocation("ibcf", "la", y, p("1400"))
            .programme("P", "Programme")
            .line(
                LineDraft::new("nhs", "P", "NHS line")
                    .attributes(by(Commissioner::Nhs))
                    .amount("ccg1", y, "min", p("600"))
                    .amount("ccg2", y, "min", p("400")),
            )
            .line(
                LineDraft::new("council", "P", "Council line")
                    .attributes(by(Commissioner::LocalAuthority))
                    .amount("la", y, "ibcf", p("1000")),
            )
            .line(
                LineDraft::new("joint", "P", "Joint line")
                    .attributes(by(Commissioner::Joint {
                        nhs_percent: Decimal::from(60),
                        la_percent: Decimal::from(40),
                    }))
                    .amount("ccg1", y, "min", p("500"))
                    .amount("la", y, "ibcf", p("500")),
            )
            .line(LineDraft::new("plain", "P", "Plain line").amount("ccg2", y, "min", p("200")))
            .contingency(
                ContingencyDraft::new("risk", "Risk Pool", ContingencyKind::RiskPool).amount(
                    "ccg1",
                    y,
                    "min",
                    p("100"),
                ),
            )
            .contingency(
                ContingencyDraft::new("cont", "Contingency", ContingencyKind::Contingency).amount(
                    "ccg2",
                    y,
                    "min",
                    p("100"),
                ),
            )
            .contingency(
                ContingencyDraft::new("cit", "Savings target", ContingencyKind::CostImprovementTarget).amount(
                    "la",
                    y,
                    "ibcf",
                    p("-100"),
                ),
            )
            .build()
            .unwrap()
    }

    fn report(plan: &Plan, ledger: &ContingencyLedger, forecasts: &[(&str, &str, &str)]) -> MonitoringReport {
        let mut round = Monitoring::new(Month::new(2018, 3).unwrap()).default_forecast(Forecast::BudgetPlusVariance);
        for (l, c, f) in forecasts {
            round = round.forecast(l, c, Forecast::Given(p(f)));
        }
        monitor(plan, ledger, &round).unwrap()
    }

    struct Fixture {
        plan: Plan,
        ledger: ContingencyLedger,
        report: MonitoringReport,
        ccg1: ContributorIx,
        ccg2: ContributorIx,
        la: ContributorIx,
    }

    /// Overspends: nhs/ccg1 +100, council/la +300, the council's undelivered target 100.
    /// Underspends: joint/la -50, plain/ccg2 -50.
    fn fixture() -> Fixture {
        let plan = plan();
        let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
        let report = report(
            &plan,
            &ledger,
            &[
                ("nhs", "ccg1", "700"),
                ("nhs", "ccg2", "400"),
                ("council", "la", "1300"),
                ("joint", "ccg1", "500"),
                ("joint", "la", "450"),
                ("plain", "ccg2", "150"),
            ],
        );
        let ix = |id| plan.contributor_ix(id).unwrap();
        Fixture {
            ccg1: ix("ccg1"),
            ccg2: ix("ccg2"),
            la: ix("la"),
            plan,
            ledger,
            report,
        }
    }

    fn run(f: &Fixture, config: &WaterfallConfig) -> WaterfallOutcome {
        let out = waterfall(&f.plan, &f.report, &f.ledger, config).unwrap();
        assert_eq!(out.conservation_failures(&f.ledger), Vec::<String>::new());
        out
    }

    fn config(f: &Fixture, rule: RiskShareRule) -> WaterfallConfig {
        let mut c = WaterfallConfig::section_75(date(2018, 3, 31), "IFG", rule);
        c.uncommitted = vec![(f.la, p("50"))];
        c
    }

    #[test]
    fn each_step_records_what_it_moved() {
        let f = fixture();
        let out = run(&f, &config(&f, RiskShareRule::ProRataContributions));
        assert_eq!(out.overspend, p("500"));
        assert_eq!(out.underspend, p("100"));
        let moved: Vec<(WaterfallStep, Money, Money)> =
            out.steps.iter().map(|s| (s.step, s.available, s.moved)).collect();
        assert_eq!(
            moved,
            vec![
                (WaterfallStep::OffsetUnderspends, p("100"), p("100")),
                (WaterfallStep::RiskPool, p("100"), p("100")),
                (WaterfallStep::Contingency, p("100"), p("100")),
                (WaterfallStep::OtherPools, Money::ZERO, Money::ZERO),
                (WaterfallStep::Uncommitted, p("50"), p("50")),
            ]
        );
        assert_eq!(out.steps[1].draws[0].label, "Risk Pool (ccg1, 2017/18)");
        assert_eq!(out.remaining, p("150"));
        // Each overspend is met pro rata: 100 : 300 : 100.
        assert_eq!(
            out.exposures[0].met,
            vec![p("20"), p("20"), p("20"), Money::ZERO, p("10")]
        );
        assert_eq!(out.exposures[1].remaining, p("90"));
        // The pools were drawn to zero in the ledger after, with dated draw-downs.
        assert_eq!(out.ledger_after.pool("risk", "ccg1").unwrap().balance(), Money::ZERO);
        assert_eq!(
            out.ledger_after.pool("cont", "ccg2").unwrap().movements()[0].reason,
            "overspend waterfall: contingency"
        );
        // 150 pro rata to 1,200 : 700 : 1,400, to the penny.
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("54.54"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("31.82"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("63.64"));
        assert_eq!(out.underspend_outcome.total, Money::ZERO);
    }

    #[test]
    fn commissioner_rule_and_caps() {
        let f = fixture();
        let out = run(&f, &config(&f, RiskShareRule::Commissioner));
        // nhs/ccg1 30 split by budget on the NHS line 600 : 400; the council's 90 and 30 fall on it.
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("18"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("12"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("120"));
        // Cap the council at 100: its 20 over goes to the CCGs 18 : 12.
        let mut c = config(&f, RiskShareRule::Commissioner);
        c.caps = vec![(Bearer::Contributor(f.la), p("100"))];
        let out = run(&f, &c);
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("30"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("20"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("100"));
        assert!(out.shares.iter().any(|s| s.capped));
        assert_eq!(out.unallocated, Money::ZERO);
        // Cap everyone: what no one can take is reported, not lost.
        c.caps = vec![
            (Bearer::Contributor(f.la), p("100")),
            (Bearer::Contributor(f.ccg1), p("20")),
            (Bearer::Contributor(f.ccg2), p("15")),
        ];
        let out = run(&f, &c);
        assert_eq!(out.unallocated, p("15"));
    }

    #[test]
    fn fixed_shares_50_50_between_ccg_core_budgets_and_the_bcf() {
        let f = fixture();
        let rule = RiskShareRule::FixedShares(vec![
            (Bearer::Contributor(f.ccg1), Decimal::from(25)),
            (Bearer::Contributor(f.ccg2), Decimal::from(25)),
            (Bearer::PooledFund, Decimal::from(50)),
        ]);
        let out = run(&f, &config(&f, rule));
        assert_eq!(out.share_of(Bearer::PooledFund), p("75"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("37.5"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), Money::ZERO);
    }

    #[test]
    fn joint_lines_split_by_their_percentages() {
        let f = fixture();
        let report = report(&f.plan, &f.ledger, &[("joint", "ccg1", "600.01")]);
        let mut c = config(&f, RiskShareRule::Commissioner);
        c.steps = vec![];
        let out = run(&Fixture { report, ..fixture() }, &c);
        // 100.01 on the joint line: 60.01 NHS (all ccg1, the only NHS budget on it), 40.00 council,
        // plus the council's undelivered 100.
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("60.01"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), Money::ZERO);
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("140"));
    }

    #[test]
    fn underspend_rules() {
        let f = fixture();
        // Every line 10% under (320 in all); the only overspend is the undelivered target.
        let report = report(
            &f.plan,
            &f.ledger,
            &[
                ("nhs", "ccg1", "540"),
                ("nhs", "ccg2", "360"),
                ("council", "la", "900"),
                ("joint", "ccg1", "450"),
                ("joint", "la", "450"),
                ("plain", "ccg2", "180"),
            ],
        );
        let f = Fixture { report, ..f };
        let out = run(&f, &config(&f, RiskShareRule::ProRataContributions));
        assert_eq!(out.underspend, p("320"));
        assert_eq!(out.overspend, p("100"));
        assert_eq!(out.steps[0].moved, p("100"));
        assert_eq!(out.underspend_outcome.carried_forward, p("220"));
        let mut c = config(&f, RiskShareRule::ProRataContributions);
        c.underspend = UnderspendRule::ReturnProRata;
        c.non_recurrent_only = true;
        let out = run(&f, &c);
        let back: Vec<Money> = out.underspend_outcome.to_partners.iter().map(|x| x.1).collect();
        // 220 pro rata to 1,200 : 700 : 1,400.
        assert_eq!(back, vec![p("80"), p("46.67"), p("93.33")]);
        assert!(out.underspend_outcome.non_recurrent_only);
        c.underspend = UnderspendRule::RetainByLead(f.la);
        let out = run(&f, &c);
        assert_eq!(out.underspend_outcome.to_partners, vec![(f.la, p("220"))]);
        // Without the offset step the underspend is all left, the overspend met by the pools.
        c.steps.retain(|s| *s != WaterfallStep::OffsetUnderspends);
        let out = run(&f, &c);
        assert_eq!(out.underspend_outcome.total, p("320"));
        assert_eq!(out.steps[0].step, WaterfallStep::RiskPool);
    }

    #[test]
    fn bad_configuration_is_an_error_and_changes_nothing() {
        let f = fixture();
        let before = f.ledger.clone();
        let mut c = config(&f, RiskShareRule::FixedShares(vec![]));
        assert!(waterfall(&f.plan, &f.report, &f.ledger, &c).is_err());
        c.risk_share = RiskShareRule::ProRataContributions;
        c.date = date(2019, 1, 1); // outside the year: the pool draw-downs are refused
        let err = waterfall(&f.plan, &f.report, &f.ledger, &c).unwrap_err();
        assert!(matches!(err, ContingencyError::DateOutsideYear { .. }), "{err}");
        c.date = date(2018, 1, 1);
        c.uncommitted = vec![(f.la, p("-1"))];
        assert!(matches!(
            waterfall(&f.plan, &f.report, &f.ledger, &c),
            Err(ContingencyError::BadFigure { .. })
        ));
        assert_eq!(f.ledger, before);
    }
}
