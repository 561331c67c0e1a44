//! Contingency pools, the overspend waterfall and the risk-share rules.

use bcf_model::calendar::FinancialYear;
use bcf_model::contingency::{ContingencyError, ContingencyLedger, Movement, MovementKind};
use bcf_model::data::leicestershire;
use bcf_model::money::{Money, Unit};
use bcf_model::plan::{ContributorKind, Plan};
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
    leicestershire::expenditure_plan().unwrap().plan
}

#[test]
fn pools_open_at_the_planned_contingency() {
    let plan = leics();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    let elr = plan.contributor_ix("elr_ccg").unwrap();
    let lcc = plan.contributor_ix("lcc").unwrap();
    assert_eq!(
        ledger
            .pool("CONTINGENCY.1", plan.contributor_ix("wl_ccg").unwrap())
            .unwrap()
            .name,
        "CCG Contingency"
    );
    assert_eq!(
        ledger
            .pool("CONTINGENCY.2", plan.contributor_ix("elr_ccg").unwrap())
            .unwrap()
            .balance(),
        k("500")
    );
    assert_eq!(
        ledger
            .pool("CONTINGENCY.3", plan.contributor_ix("wl_ccg").unwrap())
            .unwrap()
            .balance(),
        k("-840.6")
    );
    assert_eq!(ledger.net_position(wl).unwrap(), k("159.4"));
    assert_eq!(ledger.net_position(elr).unwrap(), k("512.8"));
    assert_eq!(ledger.net_position(lcc).unwrap(), Money::ZERO);
    assert_eq!(ledger.available(wl).unwrap(), k("1000"));
    assert_eq!(ledger.undelivered(elr).unwrap(), k("487.2"));
    let y2 = ContingencyLedger::from_plan(&plan, fy("2018/19")).unwrap();
    assert_eq!(
        y2.pool("CONTINGENCY.3", plan.contributor_ix("elr_ccg").unwrap())
            .unwrap()
            .balance(),
        k("-136.7")
    );
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
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(date(2017, 7, 3), k("120.5"), "care home fees", "IFG").for_line("BCF2.1"),
        )
        .unwrap();
    ledger
        .record(
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::release(date(2018, 3, 31), k("379.5"), "year end release", "HWB"),
        )
        .unwrap();
    let pool = ledger
        .pool("CONTINGENCY.1", plan.contributor_ix("wl_ccg").unwrap())
        .unwrap();
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
            plan.contributor_ix("elr_ccg").unwrap(),
            Movement::draw_down(date(2017, 6, 1), k("450"), "a", "b"),
        )
        .unwrap();
    let before = ledger.clone();
    let err = ledger
        .record(
            "CONTINGENCY.2",
            plan.contributor_ix("elr_ccg").unwrap(),
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
                plan.contributor_ix("elr_ccg").unwrap(),
                Movement::draw_down(date(2017, 6, 1), k("100"), "a", "b"),
            ),
            (
                "CONTINGENCY.2",
                plan.contributor_ix("elr_ccg").unwrap(),
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
    let foreign = Plan::builder("other")
        .year(fy("2017/18"))
        .contributor("wl_ccg", "WL", ContributorKind::Ccg)
        .build()
        .unwrap()
        .contributor_ix("wl_ccg")
        .unwrap();
    assert!(matches!(
        ledger.net_position(foreign),
        Err(ContingencyError::UnknownContributor { .. })
    ));
    let cases = [
        (
            "CONTINGENCY.9",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, k("1"), "", ""),
        ),
        // The county council has no CCG contingency pool.
        (
            "CONTINGENCY.1",
            plan.contributor_ix("lcc").unwrap(),
            Movement::draw_down(d, k("1"), "", ""),
        ),
        // An index of another plan (position 0 there is not WL here).
        ("CONTINGENCY.1", foreign, Movement::draw_down(d, k("1"), "", "")),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, Money::ZERO, "", ""),
        ),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, Money::from_pence(-1), "", ""),
        ),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, k("0.000001"), "", ""),
        ),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(date(2018, 4, 1), k("1"), "", ""),
        ),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::savings_delivered(d, k("1"), "", ""),
        ),
        (
            "CONTINGENCY.3",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, k("1"), "", ""),
        ),
        (
            "CONTINGENCY.1",
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::draw_down(d, k("1"), "", "").for_line("BCF99.1"),
        ),
    ];
    for (line, c, m) in cases {
        assert!(ledger.record(line, c, m.clone()).is_err(), "{line} {c:?} {m:?}");
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
            plan.contributor_ix("wl_ccg").unwrap(),
            Movement::savings_delivered(date(2017, 10, 1), k("600"), "", "").for_line("BCF2.1"),
        )
        .unwrap();
    let err = ledger
        .record(
            "CONTINGENCY.3",
            plan.contributor_ix("wl_ccg").unwrap(),
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
    use bcf_model::monitor::{monitor, Forecast, Monitoring, MonitoringReport};
    use bcf_model::plan::{
        Commissioner, ContingencyDraft, ContingencyKind, ContributorIx, ContributorKind, FundingSourceKind,
        LineAttributes, LineDraft,
    };
    use bcf_model::waterfall::{
        waterfall, Bearer, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallOutcome, WaterfallStep,
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

    /// Mutation gaps: each conservation check fires on an outcome tampered
    /// with in its own way; a report of another year is refused; the rules
    /// read as they should.
    #[test]
    fn every_conservation_check_fires_when_its_figures_do_not_add_up() {
        let f = fixture();
        let out = run(&f, &config(&f, RiskShareRule::ProRataContributions));
        let fails = |o: &WaterfallOutcome| o.conservation_failures(&f.ledger);
        let tamper = |change: &dyn Fn(&mut WaterfallOutcome)| {
            let mut o = out.clone();
            change(&mut o);
            fails(&o)
        };
        let one = p("1");
        let up = |m: &mut Money| *m = m.checked_add(one).unwrap();
        assert!(!tamper(&|o| up(&mut o.overspend)).is_empty());
        assert!(!tamper(&|o| up(&mut o.exposures[0].amount)).is_empty());
        assert!(!tamper(&|o| up(&mut o.exposures[0].remaining)).is_empty());
        assert!(
            !tamper(&|o| o.exposures[0].remaining = o.exposures[0].remaining.negate().checked_sub(one).unwrap())
                .is_empty()
        );
        assert!(!tamper(&|o| up(&mut o.remaining)).is_empty());
        assert!(!tamper(&|o| up(&mut o.unallocated)).is_empty());
        assert!(!tamper(&|o| up(&mut o.steps[0].overspend_after)).is_empty());
        assert!(!tamper(&|o| o.steps[1].available = Money::ZERO).is_empty());
        assert!(!tamper(&|o| up(&mut o.steps[1].draws[0].amount)).is_empty());
        assert!(!tamper(&|o| up(&mut o.underspend)).is_empty());
        assert!(!tamper(&|o| up(&mut o.underspend_outcome.carried_forward)).is_empty());
        assert!(!tamper(&|o| o.exposures.clear()).is_empty());
        assert!(out.conserves(&f.ledger));
        let mut broken = out.clone();
        up(&mut broken.overspend);
        assert!(!broken.conserves(&f.ledger));
        // Each law by its own words, where another law would also fire.
        let names = |fails: Vec<String>, words: &str| fails.iter().any(|f| f.contains(words));
        // Unallocated moved: the remainder is no longer what was shared.
        assert!(names(tamper(&|o| up(&mut o.unallocated)), "is not shared exactly"));
        // A remainder below zero though what was met still adds up.
        assert!(names(
            tamper(&|o| {
                // Move what remained, and a pound more, to what was met.
                let e = &mut o.exposures[0];
                let moved = e.remaining.checked_add(one).unwrap();
                e.remaining = one.negate();
                e.met[0] = e.met[0].checked_add(moved).unwrap();
            }),
            "is not met exactly"
        ));
        // Checked against a ledger other than the one the run started from
        // (one more release recorded): that pool's balance no longer follows.
        let mut other_before = f.ledger.clone();
        other_before
            .record(
                "cont",
                f.plan.contributor_ix("ccg2").unwrap(),
                Movement::release(date(2017, 9, 30), p("10"), "released early", "HWB"),
            )
            .unwrap();
        assert!(out
            .conservation_failures(&other_before)
            .iter()
            .any(|f| f.starts_with("pool ") && f.ends_with("does not add up")));
        // What the exposures met in a step no longer what the step moved.
        assert!(names(
            tamper(&|o| {
                let e = &mut o.exposures[0];
                up(&mut e.met[0]);
                e.amount = e.amount.checked_add(one).unwrap();
            }),
            "step "
        ));

        let mut other = f.report.clone();
        other.year = fy("2018/19");
        assert!(matches!(
            waterfall(&f.plan, &other, &f.ledger, &config(&f, RiskShareRule::Commissioner)),
            Err(ContingencyError::YearMismatch { .. })
        ));
        assert_eq!(
            [
                RiskShareRule::Commissioner,
                RiskShareRule::ProRataContributions,
                RiskShareRule::FixedShares(vec![])
            ]
            .map(|r| r.to_string()),
            [
                "each partner bears its commissioned lines",
                "pro rata to contributions",
                "fixed shares"
            ]
        );
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
        assert_eq!(
            out.ledger_after
                .pool("risk", f.plan.contributor_ix("ccg1").unwrap())
                .unwrap()
                .balance(),
            Money::ZERO
        );
        assert_eq!(
            out.ledger_after
                .pool("cont", f.plan.contributor_ix("ccg2").unwrap())
                .unwrap()
                .movements()[0]
                .reason,
            "overspend waterfall: contingency"
        );
        // 150 pro rata to 1,200 : 700 : 1,400, to the penny.
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("54.54"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("31.82"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("63.64"));
        assert_eq!(out.underspend_outcome.total, Money::ZERO);
    }

    /// The preset "shared 50% council / 50% NHS, each side pro rata to its
    /// partners' contributions" (issue 15, item 7): of the 150 left, the
    /// council bears 75 and the CCGs 75 split 1,200 : 700, to the penny;
    /// money is conserved as for any fixed shares.
    #[test]
    fn risk_shared_by_side_then_pro_rata_within_it() {
        let f = fixture();
        let half = RiskShareRule::split_by_side(&f.plan, fy("2017/18"), Decimal::from(50), Decimal::from(50)).unwrap();
        let out = run(&f, &config(&f, half));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("75"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("47.37"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("27.63"));
        let seventy =
            RiskShareRule::split_by_side(&f.plan, fy("2017/18"), Decimal::from(70), Decimal::from(30)).unwrap();
        let out = run(&f, &config(&f, seventy));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("105"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("28.42"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("16.58"));
        // A year with no contributions on a side that is given a share.
        assert!(RiskShareRule::split_by_side(&f.plan, fy("2019/20"), Decimal::from(50), Decimal::from(50)).is_err());
    }

    /// The other common presets (issue 15, item 7): the host bears all, the
    /// pooled fund bears all, equal shares; money is conserved as ever.
    #[test]
    fn host_pooled_fund_and_equal_presets() {
        let f = fixture();
        let out = run(&f, &config(&f, RiskShareRule::host_bears(f.la)));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("150"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), Money::ZERO);
        assert!(out.conserves(&f.ledger));
        let out = run(&f, &config(&f, RiskShareRule::pooled_fund_bears()));
        assert_eq!(out.share_of(Bearer::PooledFund), p("150"));
        assert!(out.conserves(&f.ledger));
        let equal = RiskShareRule::equal_shares(&f.plan, fy("2017/18")).unwrap();
        let out = run(&f, &config(&f, equal));
        for c in [f.ccg1, f.ccg2, f.la] {
            assert_eq!(out.share_of(Bearer::Contributor(c)), p("50"));
        }
        assert!(out.conserves(&f.ledger));
        assert!(RiskShareRule::equal_shares(&f.plan, fy("2019/20")).is_err());
    }

    #[test]
    fn commissioner_rule_and_caps() {
        let f = fixture();
        let out = run(&f, &config(&f, RiskShareRule::Commissioner));
        // nhs/ccg1 30 split by budget on the NHS line 600 : 400; the council's 90 and 30 fall on it.
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("18"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("12"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("120"));
        // Undelivered savings under their own rule: the council's 30 split 50/50 CCG one / the BCF.
        let mut c = config(&f, RiskShareRule::Commissioner);
        c.savings_risk_share = Some(RiskShareRule::FixedShares(vec![
            (Bearer::Contributor(f.ccg1), Decimal::ONE),
            (Bearer::PooledFund, Decimal::ONE),
        ]));
        let out = run(&f, &c);
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg1)), p("33"));
        assert_eq!(out.share_of(Bearer::Contributor(f.ccg2)), p("12"));
        assert_eq!(out.share_of(Bearer::Contributor(f.la)), p("90"));
        assert_eq!(out.share_of(Bearer::PooledFund), p("15"));
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

    /// A line the NHS commissions but only the council funds: no NHS
    /// partner has a budget on it, so its overspend falls on the NHS partners
    /// pro rata to their contributions (1,200 : 700), not back on the council.
    #[test]
    fn commissioner_split_falls_back_to_contributions() {
        let y = fy("2017/18");
        let plan = Plan::builder("NHS line, council money")
            .year(y)
            .contributor("ccg1", "CCG one", ContributorKind::Ccg)
            .contributor("ccg2", "CCG two", ContributorKind::Ccg)
            .contributor("la", "Council", ContributorKind::CountyCouncil)
            .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
            .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
            .allocation("min", "ccg1", y, p("1200"))
            .allocation("min", "ccg2", y, p("700"))
            .allocation("ibcf", "la", y, p("500"))
            .programme("P", "Programme")
            .line(
                LineDraft::new("nhs_run", "P", "NHS-run, council-funded")
                    .attributes(by(Commissioner::Nhs))
                    .amount("la", y, "ibcf", p("500")),
            )
            .build()
            .unwrap();
        let ledger = ContingencyLedger::from_plan(&plan, y).unwrap();
        let report = report(&plan, &ledger, &[("nhs_run", "la", "595")]);
        let mut config = WaterfallConfig::section_75(date(2018, 3, 31), "IFG", RiskShareRule::Commissioner);
        config.steps = vec![];
        let out = waterfall(&plan, &report, &ledger, &config).unwrap();
        assert_eq!(out.conservation_failures(&ledger), Vec::<String>::new());
        let ix = |id| Bearer::Contributor(plan.contributor_ix(id).unwrap());
        assert_eq!(out.remaining, p("95"));
        assert_eq!(out.share_of(ix("ccg1")), p("60"));
        assert_eq!(out.share_of(ix("ccg2")), p("35"));
        assert_eq!(out.share_of(ix("la")), Money::ZERO);
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

mod properties {
    use super::*;
    use bcf_model::calendar::Month;
    use bcf_model::monitor::{monitor, Forecast, Monitoring};
    use bcf_model::plan::{
        Commissioner, ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineAttributes, LineDraft,
    };
    use bcf_model::waterfall::{
        waterfall, Bearer, ExposureSource, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallStep,
    };
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    const IDS: [&str; 3] = ["c0", "c1", "c2"];

    #[derive(Clone, Debug)]
    struct Partner {
        nhs: bool,
        allocation: i64,
        risk: i64,
        contingency: i64,
        target: i64,
        other: i64,
        delivered_pct: i64,
        predrawn_pct: i64,
        uncommitted: i64,
        cap: Option<i64>,
    }

    #[derive(Clone, Debug)]
    struct Line {
        commissioner: u8,
        nhs_pct: u32,
        budgets: [i64; 3],
        forecasts: [i64; 3],
    }

    #[derive(Clone, Debug)]
    struct Scenario {
        partners: Vec<Partner>,
        lines: Vec<Line>,
        steps: Vec<WaterfallStep>,
        weights: [u32; 4],
        lead: usize,
        use_caps: bool,
        savings_rule: usize,
    }

    fn partner() -> impl Strategy<Value = Partner> {
        (
            any::<bool>(),
            1i64..200_000,
            (0i64..50_000, 0i64..50_000, 0i64..50_000, 0i64..20_000),
            (0i64..=100, 0i64..=100),
            0i64..30_000,
            proptest::option::of(0i64..60_000),
        )
            .prop_map(
                |(nhs, allocation, (risk, contingency, target, other), (d, p), uncommitted, cap)| Partner {
                    nhs,
                    allocation,
                    risk,
                    contingency,
                    target,
                    other,
                    delivered_pct: d,
                    predrawn_pct: p,
                    uncommitted,
                    cap,
                },
            )
    }

    fn line() -> impl Strategy<Value = Line> {
        (
            0u8..4,
            0u32..=100,
            [0i64..100_000, 0..100_000, 0..100_000],
            [0i64..150_000, 0..150_000, 0..150_000],
        )
            .prop_map(|(commissioner, nhs_pct, budgets, forecasts)| Line {
                commissioner,
                nhs_pct,
                budgets,
                forecasts,
            })
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        (
            proptest::collection::vec(partner(), 1..=3),
            proptest::collection::vec(line(), 1..=4),
            proptest::sample::subsequence(WaterfallStep::SECTION_75.to_vec(), 0..=5).prop_shuffle(),
            [0u32..5, 0..5, 0..5, 0..5],
            0usize..3,
            any::<bool>(),
            0usize..4,
        )
            .prop_map(
                |(partners, lines, steps, weights, lead, use_caps, savings_rule)| Scenario {
                    partners,
                    lines,
                    steps,
                    weights,
                    lead,
                    use_caps,
                    savings_rule,
                },
            )
    }

    fn pence(n: i64) -> Money {
        Money::from_pence(n)
    }

    fn build(s: &Scenario) -> (Plan, ContingencyLedger) {
        let y = fy("2017/18");
        let mut b = Plan::builder("random")
            .year(y)
            .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
            .programme("P", "P");
        for (i, p) in s.partners.iter().enumerate() {
            let kind = if p.nhs {
                ContributorKind::Ccg
            } else {
                ContributorKind::CountyCouncil
            };
            b = b
                .contributor(IDS[i], IDS[i], kind)
                .allocation("min", IDS[i], y, pence(p.allocation));
        }
        for (li, l) in s.lines.iter().enumerate() {
            let commissioner = match l.commissioner {
                0 => None,
                1 => Some(Commissioner::Nhs),
                2 => Some(Commissioner::LocalAuthority),
                _ => Some(Commissioner::Joint {
                    nhs_percent: Decimal::from(l.nhs_pct),
                    la_percent: Decimal::from(100 - l.nhs_pct),
                }),
            };
            let mut d = LineDraft::new(format!("l{li}"), "P", format!("line {li}")).attributes(LineAttributes {
                commissioner,
                ..LineAttributes::default()
            });
            for (i, _) in s.partners.iter().enumerate() {
                d = d.amount(IDS[i], y, "min", pence(l.budgets[i]));
            }
            b = b.line(d);
        }
        let pools = [
            ("risk", ContingencyKind::RiskPool),
            ("cont", ContingencyKind::Contingency),
            ("cit", ContingencyKind::CostImprovementTarget),
            ("other", ContingencyKind::Other("Winter".into())),
        ];
        for (id, kind) in pools {
            let mut d = ContingencyDraft::new(id, id, kind);
            for (i, p) in s.partners.iter().enumerate() {
                let amount = match id {
                    "risk" => p.risk,
                    "cont" => p.contingency,
                    "cit" => -p.target,
                    _ => p.other,
                };
                d = d.amount(IDS[i], y, "min", pence(amount));
            }
            b = b.contingency(d);
        }
        let plan = b.build().unwrap();
        let mut ledger = ContingencyLedger::from_plan(&plan, y).unwrap();
        let d = date(2017, 9, 1);
        for (i, p) in s.partners.iter().enumerate() {
            let delivered = p.target * p.delivered_pct / 100;
            if delivered > 0 {
                ledger
                    .record(
                        "cit",
                        plan.contributor_ix(IDS[i]).unwrap(),
                        Movement::savings_delivered(d, pence(delivered), "", ""),
                    )
                    .unwrap();
            }
            let drawn = p.risk * p.predrawn_pct / 100;
            if drawn > 0 {
                ledger
                    .record(
                        "risk",
                        plan.contributor_ix(IDS[i]).unwrap(),
                        Movement::draw_down(d, pence(drawn), "", "").for_line("l0"),
                    )
                    .unwrap();
            }
        }
        (plan, ledger)
    }

    fn check(s: &Scenario) -> Result<(), TestCaseError> {
        let (plan, ledger) = build(s);
        let mut round = Monitoring::new(Month::new(2018, 3).unwrap());
        for (li, l) in s.lines.iter().enumerate() {
            for (i, _) in s.partners.iter().enumerate() {
                round = round.forecast(&format!("l{li}"), IDS[i], Forecast::Given(pence(l.forecasts[i])));
            }
        }
        let report = monitor(&plan, &ledger, &round).unwrap();
        let ix: Vec<_> = s
            .partners
            .iter()
            .enumerate()
            .map(|(i, _)| plan.contributor_ix(IDS[i]).unwrap())
            .collect();
        let mut fixed: Vec<(Bearer, Decimal)> = ix
            .iter()
            .zip(s.weights)
            .map(|(c, w)| (Bearer::Contributor(*c), Decimal::from(w)))
            .collect();
        fixed.push((Bearer::PooledFund, Decimal::from(s.weights[3] + 1)));
        let rules = [
            RiskShareRule::Commissioner,
            RiskShareRule::ProRataContributions,
            RiskShareRule::FixedShares(fixed),
        ];
        let lead = ix[s.lead % ix.len()];
        let unders = [
            UnderspendRule::CarryForward,
            UnderspendRule::ReturnProRata,
            UnderspendRule::RetainByLead(lead),
        ];
        // Independently: the overspend is every positive variance plus every undelivered target.
        let pos = |f: fn(Money) -> bool| {
            Money::checked_sum(report.lines.iter().map(|l| l.variance).filter(|v| f(*v))).unwrap()
        };
        let undelivered = Money::checked_sum(ledger.pools().iter().map(|p| p.undelivered())).unwrap();
        let gross_over = pos(Money::is_positive).checked_add(undelivered).unwrap();
        let gross_under = pos(Money::is_negative).negate();
        for rule in &rules {
            for under in &unders {
                let mut config = WaterfallConfig::section_75(date(2018, 3, 31), "IFG", rule.clone());
                config.steps = s.steps.clone();
                config.savings_risk_share = rules.get(s.savings_rule).cloned();
                config.underspend = *under;
                config.uncommitted = ix
                    .iter()
                    .zip(&s.partners)
                    .map(|(c, p)| (*c, pence(p.uncommitted)))
                    .collect();
                if s.use_caps {
                    config.caps = ix
                        .iter()
                        .zip(&s.partners)
                        .filter_map(|(c, p)| p.cap.map(|m| (Bearer::Contributor(*c), pence(m))))
                        .collect();
                }
                let out = waterfall(&plan, &report, &ledger, &config).unwrap();
                prop_assert_eq!(out.conservation_failures(&ledger), Vec::<String>::new());
                prop_assert_eq!(out.overspend, gross_over);
                prop_assert_eq!(out.underspend, gross_under);
                // overspend = what each step moved + what each partner bears + what caps left.
                let steps = Money::checked_sum(out.steps.iter().map(|s| s.moved)).unwrap();
                let shares = Money::checked_sum(out.shares.iter().map(|s| s.amount)).unwrap();
                prop_assert_eq!(
                    steps.checked_add(shares).unwrap().checked_add(out.unallocated).unwrap(),
                    gross_over
                );
                for st in &out.steps {
                    let drawn = Money::checked_sum(st.draws.iter().map(|d| d.amount)).unwrap();
                    prop_assert_eq!(drawn, st.moved);
                    prop_assert!(st.moved <= st.available && st.moved <= st.overspend_before);
                    prop_assert!(st.moved == st.available || st.moved == st.overspend_before);
                }
                // Pools: before + movements = after, and none below zero.
                for (b, a) in ledger.pools().iter().zip(out.ledger_after.pools()) {
                    let new = &a.movements()[b.movements().len()..];
                    let moved = Money::checked_sum(new.iter().map(|m| m.signed_amount())).unwrap();
                    prop_assert_eq!(b.balance().checked_add(moved).unwrap(), a.balance());
                    if !a.is_savings_target() && !b.balance().is_negative() {
                        prop_assert!(!a.balance().is_negative(), "{} below zero", a.label());
                    }
                }
                // Shares: never negative, caps respected, nothing unallocated while a bearer has room.
                for sh in &out.shares {
                    prop_assert!(!sh.amount.is_negative());
                    if let Some((_, cap)) = config.caps.iter().find(|(b, _)| *b == sh.bearer) {
                        prop_assert!(sh.amount <= *cap);
                    }
                }
                if config.caps.is_empty() {
                    prop_assert!(out.unallocated.is_zero());
                }
                // Commissioner rule with no commissioner: each bears its own lines.
                if *rule == RiskShareRule::Commissioner
                    && s.lines.iter().all(|l| l.commissioner == 0)
                    && !s.use_caps
                    && matches!(config.savings_risk_share, None | Some(RiskShareRule::Commissioner))
                {
                    for c in &ix {
                        let own = Money::checked_sum(
                            out.exposures
                                .iter()
                                .filter(|e| match &e.source {
                                    ExposureSource::Line { contributor, .. } => contributor == c,
                                    ExposureSource::SavingsTarget { contributor, .. } => contributor == c,
                                    other => panic!("an exposure source this test does not know: {other:?}"),
                                })
                                .map(|e| e.remaining),
                        )
                        .unwrap();
                        prop_assert_eq!(out.share_of(Bearer::Contributor(*c)), own);
                    }
                }
                // Underspend: offset + disposed = gross; disposed = carried + returned.
                let offset = Money::checked_sum(
                    out.steps
                        .iter()
                        .filter(|s| s.step == WaterfallStep::OffsetUnderspends)
                        .map(|s| s.moved),
                )
                .unwrap();
                let u = &out.underspend_outcome;
                let returned = Money::checked_sum(u.to_partners.iter().map(|x| x.1)).unwrap();
                prop_assert_eq!(offset.checked_add(u.total).unwrap(), gross_under);
                prop_assert_eq!(u.carried_forward.checked_add(returned).unwrap(), u.total);
                match under {
                    UnderspendRule::CarryForward => prop_assert_eq!(u.carried_forward, u.total),
                    _ => prop_assert!(u.carried_forward.is_zero()),
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Every step (in any order and subset), every risk-share rule (with
        /// and without caps) and every underspend rule conserve money to the penny.
        #[test]
        fn waterfall_conserves_money(s in scenario()) {
            check(&s)?;
        }

        /// Whatever sequence of movements is tried, no pool goes below zero,
        /// a refused movement names the pool and its exact shortfall and
        /// leaves the ledger unchanged, and every pool adds up.
        #[test]
        fn no_pool_below_zero(
            s in scenario(),
            moves in proptest::collection::vec((0usize..4, 0usize..3, 0u8..3, 1i64..40_000), 1..20),
        ) {
            let (plan, mut ledger) = build(&s);
            let lines = ["risk", "cont", "cit", "other"];
            for (l, c, kind, amount) in moves {
                let (line, who) = (lines[l], plan.contributor_ix(IDS[c % s.partners.len()]).unwrap());
                let d = date(2017, 12, 1);
                let m = match kind {
                    0 => Movement::draw_down(d, pence(amount), "", ""),
                    1 => Movement::release(d, pence(amount), "", ""),
                    _ => Movement::savings_delivered(d, pence(amount), "", ""),
                };
                let before = ledger.clone();
                let balance = ledger.pool(line, who).unwrap().balance();
                match ledger.record(line, who, m.clone()) {
                    Ok(()) => {
                        let after = ledger.pool(line, who).unwrap().balance();
                        prop_assert_eq!(balance.checked_add(m.signed_amount()).unwrap(), after);
                        if line == "cit" {
                            prop_assert!(!after.is_positive());
                        } else {
                            prop_assert!(!after.is_negative());
                        }
                    }
                    Err(ContingencyError::PoolShortfall { pool, shortfall, contributor, .. }) => {
                        prop_assert_eq!(&ledger, &before);
                        prop_assert_eq!(pool, line);
                        prop_assert_eq!(Some(contributor.as_str()), plan.contributor(who).map(|c| c.id.as_str()));
                        prop_assert_eq!(shortfall, pence(amount).checked_sub(balance).unwrap());
                        prop_assert!(shortfall.is_positive());
                    }
                    Err(e) => {
                        prop_assert_eq!(&ledger, &before);
                        let refused_kind = matches!(e, ContingencyError::WrongKind { .. });
                        let over_target = matches!(e, ContingencyError::SavingsExceedTarget { .. });
                        prop_assert!(refused_kind || over_target, "{}", e);
                    }
                }
                prop_assert!(ledger.is_consistent());
                for p in ledger.pools() {
                    if p.is_savings_target() {
                        prop_assert!(!p.balance().is_positive());
                    } else {
                        prop_assert!(!p.balance().is_negative());
                    }
                }
            }
        }
    }
}

/// Mutation gaps: an `Other` pool may go below zero in the plan, and then
/// has nothing available and no savings undelivered; movement kinds read
/// as they should.
#[test]
fn a_negative_other_pool_has_nothing_available_or_undelivered() {
    use bcf_model::plan::{ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineDraft};
    let y = fy("2017/18");
    let plan = Plan::builder("other")
        .year(y)
        .contributor("c", "C", ContributorKind::Ccg)
        .source("s", "S", FundingSourceKind::NhsMinimum)
        .allocation("s", "c", y, k("90"))
        .programme("P", "P")
        .line(LineDraft::new("l", "P", "L").amount("c", y, "s", k("100")))
        .contingency(
            ContingencyDraft::new("adj", "Adjustment", ContingencyKind::Other("Adjustment".into())).amount(
                "c",
                y,
                "s",
                k("-10"),
            ),
        )
        .build()
        .unwrap();
    let ledger = ContingencyLedger::from_plan(&plan, y).unwrap();
    let pool = ledger.pool("adj", plan.contributor_ix("c").unwrap()).unwrap();
    assert_eq!(pool.balance(), k("-10"));
    assert_eq!(pool.available(), Money::ZERO);
    assert_eq!(pool.undelivered(), Money::ZERO);
    let words: Vec<String> = [
        MovementKind::DrawDown,
        MovementKind::Release,
        MovementKind::SavingsDelivered,
    ]
    .iter()
    .map(|m| m.to_string())
    .collect();
    assert_eq!(words, ["draw-down", "release", "savings delivered"]);
}

/// Mutation gap: with no allocations in a year, contributions are the
/// positive planned amounts of that year only.
#[test]
fn contributions_without_allocations_are_that_years_positive_amounts() {
    use bcf_model::plan::{ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineDraft};
    use bcf_model::waterfall::contributions;
    let (y1, y2) = (fy("2017/18"), fy("2018/19"));
    let plan = Plan::builder("no income")
        .year(y1)
        .year(y2)
        .contributor("a", "A", ContributorKind::Ccg)
        .contributor("b", "B", ContributorKind::CountyCouncil)
        .source("s", "S", FundingSourceKind::NhsMinimum)
        .allocation("s", "a", y2, k("9"))
        .programme("P", "P")
        .line(
            LineDraft::new("l", "P", "L")
                .amount("a", y1, "s", k("3"))
                .amount("b", y1, "s", k("1"))
                .amount("b", y2, "s", k("50")),
        )
        .contingency(
            ContingencyDraft::new("cit", "CIT", ContingencyKind::CostImprovementTarget).amount("a", y1, "s", k("-2")),
        )
        .build()
        .unwrap();
    let got = contributions(&plan, y1).unwrap();
    let a = plan.contributor_ix("a").unwrap();
    let b = plan.contributor_ix("b").unwrap();
    assert_eq!(got, vec![(a, k("3")), (b, k("1"))]);
    // With allocations in the year, they are the contributions.
    assert_eq!(contributions(&plan, y2).unwrap(), vec![(a, k("9")), (b, Money::ZERO)]);
}
