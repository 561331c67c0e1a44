//! In-year monitoring: forecasts, variances, net positions and the quarterly report.

use bcf_model::calendar::{FinancialYear, Month, Quarter};
use bcf_model::contingency::{ContingencyLedger, Movement};
use bcf_model::data::leicestershire;
use bcf_model::io::{read_ledger_actuals, CostCentres, LoadErrorKind};
use bcf_model::money::{Money, Precision, Unit};
use bcf_model::monitor::{
    monitor, year_end, CarryForwardRule, Forecast, MissingActuals, MonitorError, Monitoring, OutturnBasis, Period,
    Profile, ProfileError,
};
use bcf_model::plan::{ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineDraft, Plan};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}
fn p(s: &str) -> Money {
    Money::parse(s, Unit::Pounds).unwrap()
}
fn fy(s: &str) -> FinancialYear {
    s.parse().unwrap()
}
fn q(s: &str) -> Quarter {
    s.parse().unwrap()
}
fn m(y: i32, n: u32) -> Month {
    Month::new(y, n).unwrap()
}

/// Two contributors, two programmes, a line funded from two sources.
fn small() -> Plan {
    let y = fy("2017/18");
    Plan::builder("small")
        .year(y)
        .contributor("ccg", "CCG", ContributorKind::Ccg)
        .contributor("la", "Council", ContributorKind::CountyCouncil)
        .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
        .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
        .allocation("min", "ccg", y, p("1300"))
        .allocation("ibcf", "la", y, p("600"))
        .programme("P1", "Prevention")
        .programme("P2", "Home First")
        .line(
            LineDraft::new("a", "P1", "Line A")
                .amount("ccg", y, "min", p("1000"))
                .amount("la", y, "ibcf", p("200")),
        )
        .line(LineDraft::new("b", "P2", "Line B").amount("la", y, "ibcf", p("400")))
        .line(
            LineDraft::new("c", "P2", "Line C")
                .amount("ccg", y, "min", p("100"))
                .amount("ccg", y, "ibcf", p("100")),
        )
        .contingency(
            ContingencyDraft::new("risk", "Risk Pool", ContingencyKind::RiskPool).amount("ccg", y, "min", p("100")),
        )
        .build()
        .unwrap()
}

#[test]
fn forecast_methods() {
    let plan = small();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let d = NaiveDate::from_ymd_opt(2017, 10, 1).unwrap();
    ledger
        .record(
            "risk",
            plan.contributor_ix("ccg").unwrap(),
            Movement::draw_down(d, Money::from_pence(1), "", "").for_line("c"),
        )
        .unwrap();
    let round = Monitoring::new(m(2017, 12))
        .actual("a", "ccg", Period::Quarter(q("2017/18 Q1")), p("250"))
        .actual("a", "ccg", Period::Month(m(2017, 7)), p("100"))
        .actual("a", "ccg", Period::Month(m(2017, 12)), p("450"))
        .actual("a", "la", Period::Quarter(q("2017/18 Q3")), p("100"))
        .actual("b", "la", Period::Quarter(q("2017/18 Q2")), p("100"))
        .forecast("a", "ccg", Forecast::StraightLine)
        .forecast("a", "la", Forecast::Given(p("180")))
        .forecast("c", "ccg", Forecast::BudgetPlusVariance);
    let r = monitor(&plan, &ledger, &round).unwrap();
    assert_eq!(r.months_elapsed, 9);
    let a = r.row("a", "ccg").unwrap();
    assert_eq!(a.actual_to_date, p("800"));
    assert_eq!(a.forecast, Money::parse("1066.67", Unit::Pounds).unwrap()); // 800 × 12 / 9, to the penny
    assert_eq!(a.variance, Money::parse("66.67", Unit::Pounds).unwrap());
    assert_eq!(a.budget_to_date, p("750"));
    let a_la = r.row("a", "la").unwrap();
    assert_eq!(a_la.forecast, p("180"));
    assert_eq!(a_la.variance, p("-20"));
    // Budget 400, profiled to date 300, spent 100: 400 + (100 - 300) = 200.
    let b = r.row("b", "la").unwrap();
    assert_eq!(b.method, Forecast::BudgetPlusVariance);
    assert_eq!(b.budget_to_date, p("300"));
    assert_eq!(b.forecast, p("200"));
    assert_eq!(b.variance, p("-200"));
    // Budget 200.01 (after a 0.01 draw-down into it) profiled 9 : 3 to the penny: 150.01 + 50.00.
    let c = r.row("c", "ccg").unwrap();
    assert_eq!(c.revised_budget, Money::parse("200.01", Unit::Pounds).unwrap());
    assert_eq!(c.budget_to_date, Money::parse("150.01", Unit::Pounds).unwrap());
    assert_eq!(c.forecast, Money::parse("50.00", Unit::Pounds).unwrap());
    assert_eq!(r.row("b", "ccg"), None);
}

#[test]
fn net_position_and_draw_downs_into_lines() {
    let plan = small();
    let mut ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let ccg = plan.contributor_ix("ccg").unwrap();
    let round = Monitoring::new(m(2018, 3))
        .default_forecast(Forecast::StraightLine)
        .actual("a", "ccg", Period::Month(m(2018, 3)), p("1060"))
        .actual("c", "ccg", Period::Month(m(2018, 3)), p("200"));
    let before = monitor(&plan, &ledger, &round).unwrap();
    let pos = before.position(ccg).unwrap();
    assert_eq!(pos.variance, p("60"));
    assert_eq!(pos.contingency_available, p("100"));
    assert_eq!(pos.net_position, p("40"));
    // Draw 60 from the risk pool into line a: a's budget rises, the pool falls, the net position holds.
    ledger
        .record(
            "risk",
            plan.contributor_ix("ccg").unwrap(),
            Movement::draw_down(NaiveDate::from_ymd_opt(2018, 3, 1).unwrap(), p("60"), "pressure", "IFG").for_line("a"),
        )
        .unwrap();
    let after = monitor(&plan, &ledger, &round).unwrap();
    let a = after.row("a", "ccg").unwrap();
    assert_eq!(a.revised_budget, p("1060"));
    assert_eq!(a.variance, Money::ZERO);
    let pos = after.position(ccg).unwrap();
    assert_eq!(pos.contingency_available, p("40"));
    assert_eq!(pos.net_position, p("40"));
    // A draw-down into a line the CCG has no budget on gives it a row there, still netting out.
    assert_eq!(after.row("b", "ccg"), None);
    ledger
        .record(
            "risk",
            plan.contributor_ix("ccg").unwrap(),
            Movement::draw_down(NaiveDate::from_ymd_opt(2018, 3, 2).unwrap(), p("15"), "", "").for_line("b"),
        )
        .unwrap();
    let third = monitor(&plan, &ledger, &round).unwrap();
    let b = third.row("b", "ccg").unwrap();
    assert_eq!(
        (b.budget, b.revised_budget, b.forecast),
        (Money::ZERO, p("15"), Money::ZERO)
    );
    assert_eq!(third.position(ccg).unwrap().net_position, p("40"));
}

#[test]
fn quarterly_report_breakdowns_all_add_up() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let round = Monitoring::new(m(2017, 12))
        .actual("a", "ccg", Period::Month(m(2017, 5)), p("700"))
        .actual("c", "ccg", Period::Quarter(q("2017/18 Q3")), p("33.33"))
        .default_forecast(Forecast::StraightLine);
    let r = monitor(&plan, &ledger, &round).unwrap();
    let report = r.quarterly(&plan).unwrap();
    assert_eq!(report.quarter, q("2017/18 Q3"));
    let sum = |rows: &[bcf_model::monitor::ReportRow], f: fn(&bcf_model::monitor::ReportRow) -> Money| {
        Money::checked_sum(rows.iter().map(f)).unwrap()
    };
    for rows in [&report.by_programme, &report.by_contributor, &report.by_funding] {
        assert_eq!(sum(rows, |r| r.budget), report.total.budget);
        assert_eq!(sum(rows, |r| r.actual_to_date), report.total.actual_to_date);
        assert_eq!(sum(rows, |r| r.forecast), report.total.forecast);
        assert_eq!(sum(rows, |r| r.variance), report.total.variance);
    }
    assert_eq!(report.total.budget, p("1800"));
    assert_eq!(report.total.variance, r.total_variance().unwrap());
    // Line c (100 NHS minimum + 100 iBCF) forecast 44.44 splits 22.22 / 22.22.
    let ibcf = report.by_funding.iter().find(|r| r.id == "ibcf").unwrap();
    assert_eq!(ibcf.budget, p("700"));
    assert_eq!(ibcf.forecast, Money::parse("22.22", Unit::Pounds).unwrap());
    assert_eq!(report.by_programme.len(), 2);
    let text = bcf_model::present::present_quarterly(&report, Precision::POUNDS).unwrap();
    assert!(text.contains("by funding source"), "{text}");
    assert!(text.contains("P2 Home First"), "{text}");
}

#[test]
fn bad_rounds_are_errors_that_say_where() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let err = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12)).actual("a", "ccg", Period::Month(m(2018, 1)), p("1")),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::PeriodOutsideRound { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "actual for a (ccg) in Jan-18 is outside 2017/18 up to Dec-17"
    );
    let err = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12)).actual("zz", "ccg", Period::Month(m(2017, 5)), p("1")),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::UnknownLine { .. }), "{err}");
    let err = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12)).forecast("a", "nobody", Forecast::StraightLine),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::UnknownContributor { .. }), "{err}");
    let err = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12))
            .forecast("a", "ccg", Forecast::StraightLine)
            .forecast("a", "ccg", Forecast::StraightLine),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::DuplicateForecast { .. }), "{err}");
    let err = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12)).actual("a", "ccg", Period::Month(m(2017, 5)), p("0.001")),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::NotWholePence { .. }), "{err}");
    let err = monitor(&plan, &ledger, &Monitoring::new(m(2018, 4))).unwrap_err();
    assert!(matches!(err, MonitorError::WrongYear { .. }), "{err}");
}

#[test]
fn leicestershire_rows_cover_every_funded_line() {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let round = Monitoring::new(m(2017, 12)).default_forecast(Forecast::Given(Money::ZERO));
    let r = monitor(&plan, &ledger, &round).unwrap();
    let report = r.quarterly(&plan).unwrap();
    // Forecasting nothing spent: every pound of scheme spend is underspent. The
    // lines add to 51,447.7; the printed TOTAL BCF SPEND, 51,447.6, is rounded.
    assert_eq!(report.total.budget, k("51447.7"));
    assert_eq!(report.total.variance, k("-51447.7"));
    assert_eq!(report.by_programme.len(), 11);
    assert_eq!(report.by_contributor.len(), 3);
    assert!(r.lines.iter().all(|l| !l.budget.is_zero()));
}

/// Winter pressure: 7.5% of the year in each of April to November, 10% in
/// each of December to March (8 × 7.5% + 4 × 10% = 100%).
fn winter() -> Profile {
    let (s, w) = (Decimal::new(75, 3), Decimal::new(1, 1));
    Profile::winter([s, s, s, s, s, s, s, s, w, w, w, w]).unwrap()
}

/// Issue 15, item 8: a winter profile moves the budget to date and the
/// profiled forecast, exactly.
#[test]
fn a_winter_profile_changes_budget_to_date_and_forecast() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let base = Monitoring::new(m(2017, 12))
        .actual("a", "ccg", Period::Quarter(q("2017/18 Q1")), p("250"))
        .actual("a", "ccg", Period::Quarter(q("2017/18 Q2")), p("250"))
        .actual("a", "ccg", Period::Quarter(q("2017/18 Q3")), p("300"))
        .actual("b", "la", Period::Quarter(q("2017/18 Q2")), p("100"))
        .forecast("a", "ccg", Forecast::Profiled);
    // Straight line (the default): 9/12 to date, and the profiled forecast is 800 × 12 / 9.
    let straight = monitor(&plan, &ledger, &base).unwrap();
    let a = straight.row("a", "ccg").unwrap();
    assert_eq!(a.profile, Profile::straight_line());
    assert_eq!(a.budget_to_date, p("750"));
    assert_eq!(a.forecast, p("1066.67"));
    assert_eq!(straight.row("b", "la").unwrap().budget_to_date, p("300"));
    // Winter: 8 × 7.5% + 10% = 70% to the end of December.
    let r = monitor(&plan, &ledger, &base.clone().profile(winter())).unwrap();
    let a = r.row("a", "ccg").unwrap();
    assert_eq!(a.profile.label(), "winter");
    assert_eq!(a.budget_to_date, p("700")); // 1,000 × 70%
    assert_eq!(a.forecast, p("1142.86")); // 800 ÷ 70% = 1,142.857142..., to the penny
    assert_eq!(a.variance, p("142.86"));
    // Line b (budget 400, 100 spent), forecast budget + YTD variance: 400 + (100 - 280).
    let b = r.row("b", "la").unwrap();
    assert_eq!(b.budget_to_date, p("280"));
    assert_eq!((b.forecast, b.variance), (p("220"), p("-180")));
    // Budget 200.01 (after a 0.01 draw-down) at 70%: 140.007 exactly, 140.01 to the penny.
    let mut moved = ledger.clone();
    moved
        .record(
            "risk",
            plan.contributor_ix("ccg").unwrap(),
            Movement::draw_down(NaiveDate::from_ymd_opt(2017, 10, 1).unwrap(), p("0.01"), "", "").for_line("c"),
        )
        .unwrap();
    let c = monitor(&plan, &moved, &base.clone().profile(winter())).unwrap();
    assert_eq!(c.row("c", "ccg").unwrap().budget_to_date, p("140.01"));
    // A profile for line b only: a stays straight line.
    let r = monitor(&plan, &ledger, &base.clone().line_profile("b", winter())).unwrap();
    assert_eq!(r.row("a", "ccg").unwrap().budget_to_date, p("750"));
    assert_eq!(r.row("b", "la").unwrap().budget_to_date, p("280"));
    // A line's own monthly amounts: budget 400 profiled as 10 a month to November, then 80 a month.
    let mut amounts = [p("10"); 12];
    for a in amounts.iter_mut().skip(8) {
        *a = p("80");
    }
    let r = monitor(
        &plan,
        &ledger,
        &base.clone().line_profile("b", Profile::amounts(amounts).unwrap()),
    )
    .unwrap();
    assert_eq!(r.row("b", "la").unwrap().budget_to_date, p("160")); // 8 × 10 + 80
                                                                    // Two profiles for one line, or a profile for a line not in the plan, are errors.
    let err = monitor(
        &plan,
        &ledger,
        &base.clone().line_profile("b", winter()).line_profile("b", winter()),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::DuplicateProfile { .. }), "{err}");
    let err = monitor(&plan, &ledger, &base.line_profile("zz", winter())).unwrap_err();
    assert!(matches!(err, MonitorError::UnknownLine { .. }), "{err}");
}

#[test]
fn profile_weights_must_add_to_the_whole_year() {
    let (s, w) = (Decimal::new(8, 2), Decimal::new(1, 1));
    let err = Profile::winter([s, s, s, s, s, s, s, s, w, w, w, w]).unwrap_err();
    assert_eq!(
        err,
        ProfileError::NotWhole {
            label: "winter".to_string(),
            total: Decimal::new(104, 2)
        }
    );
    assert_eq!(
        err.to_string(),
        "the month shares of the winter profile add up to 1.04, not to the whole year (1)"
    );
    let mut negative = [Decimal::new(1, 1); 12];
    negative[9] = Decimal::new(-1, 1); // January
    negative[0] = Decimal::new(3, 1);
    assert!(matches!(
        Profile::by_month(negative),
        Err(ProfileError::Negative { month: "January", .. })
    ));
    assert!(matches!(
        Profile::by_month([Decimal::ZERO; 12]),
        Err(ProfileError::AllZero { .. })
    ));
    assert!(matches!(
        Profile::amounts([Money::ZERO; 12]),
        Err(ProfileError::AllZero { .. })
    ));
    // A profile with nothing to date cannot scale a forecast: an error, not a division by zero.
    let mut late = [Money::ZERO; 12];
    late[11] = p("1");
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let round = Monitoring::new(m(2017, 12))
        .line_profile("a", Profile::amounts(late).unwrap())
        .forecast("a", "ccg", Forecast::Profiled);
    let err = monitor(&plan, &ledger, &round).unwrap_err();
    assert!(matches!(err, MonitorError::NothingProfiledToDate { .. }), "{err}");
}

/// Issue 15, item 8: "on budget to date" is a named choice; nothing spent stays the default.
#[test]
fn on_budget_to_date_for_lines_with_no_actuals() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let round = Monitoring::new(m(2017, 12)).actual("a", "ccg", Period::Month(m(2017, 6)), p("500"));
    // The default: line c (budget 200) has spent nothing, so 200 + (0 - 150) = 50.
    let r = monitor(&plan, &ledger, &round).unwrap();
    assert_eq!(round.missing_actuals, MissingActuals::NothingSpent);
    let c = r.row("c", "ccg").unwrap();
    assert_eq!(c.assumed_actual, Some(MissingActuals::NothingSpent));
    assert_eq!(
        (c.actual_to_date, c.forecast, c.variance),
        (Money::ZERO, p("50"), p("-150"))
    );
    // On budget to date: actual = budget profiled to date, variance zero.
    let on = round.clone().missing_actuals(MissingActuals::OnBudgetToDate);
    let r = monitor(&plan, &ledger, &on).unwrap();
    let c = r.row("c", "ccg").unwrap();
    assert_eq!(c.assumed_actual, Some(MissingActuals::OnBudgetToDate));
    assert_eq!((c.budget_to_date, c.actual_to_date), (p("150"), p("150")));
    assert_eq!((c.forecast, c.variance), (p("200"), Money::ZERO));
    let b = r.row("b", "la").unwrap();
    assert_eq!((b.actual_to_date, b.variance), (p("300"), Money::ZERO));
    // A line with an actual keeps it: 500 against 750 to date.
    let a = r.row("a", "ccg").unwrap();
    assert_eq!(
        (a.assumed_actual, a.actual_to_date, a.variance),
        (None, p("500"), p("-250"))
    );
    // In a winter profile the assumed actual follows the profile: 70% of 200.
    let r = monitor(&plan, &ledger, &on.profile(winter())).unwrap();
    let c = r.row("c", "ccg").unwrap();
    assert_eq!((c.actual_to_date, c.variance), (p("140"), Money::ZERO));
}

/// Issue 15, item 8: a ledger export with several bad rows reports every one, located.
#[test]
fn ledger_export_reports_every_bad_row() {
    let plan = small();
    let map = CostCentres::new()
        .map("CC100", "a")
        .map("CC200", "b")
        .map("CC900", "gone");
    let text = "cost_centre,description,contributor,period,amount\n\
                CC100,Falls,ccg,2017/18 Q1,250.00\n\
                CC999,Unknown,ccg,2017-05,1.00\n\
                CC200,Home First,la,2017-13,\"1,000\"\n\
                c,Line C by id,nobody,2017/18 Q5,12.345\n\
                CC900,Mapped to a line not in the plan,la,2017-06,10\n\
                \"CC1\r\nfake\",Control characters,ccg,2017-06,1O.00\n\
                b,Credit,la,Sep-17,-40.00\n";
    let errors = read_ledger_actuals("ledger.csv", text, &plan, &map).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            (Some(3), Some("cost_centre"), Some("CC999")),
            (Some(4), Some("period"), Some("2017-13")),
            (Some(5), Some("contributor"), Some("nobody")),
            (Some(5), Some("period"), Some("2017/18 Q5")),
            (Some(5), Some("amount"), Some("12.345")),
            (Some(6), Some("cost_centre"), Some("CC900")),
            (Some(7), Some("cost_centre"), Some("CC1\r\nfake")),
            (Some(7), Some("amount"), Some("1O.00")),
        ],
        "{errors}"
    );
    assert!(errors
        .iter()
        .all(|e| e.file == "ledger.csv" && e.kind == LoadErrorKind::Value));
    assert!(
        errors[0]
            .to_string()
            .starts_with("ledger.csv:line 3, column cost_centre, value \"CC999\": "),
        "{}",
        errors[0]
    );
    // The control characters are escaped: one error, one line.
    assert_eq!(errors[6].to_string().lines().count(), 1, "{}", errors[6]);
    assert!(errors[5].to_string().contains("\"gone\""), "{}", errors[5]);
    // A missing column is a layout error on line 1.
    let err = read_ledger_actuals("ledger.csv", "cost_centre,period,amount\n", &plan, &map).unwrap_err();
    assert_eq!((err[0].line, err[0].column.as_deref()), (Some(1), Some("contributor")));
}

#[test]
fn ledger_actuals_feed_a_round() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let map = CostCentres::new().map("CC100", "a").map("CC101", "a");
    let text = "cost_centre,contributor,period,amount\r\n\
                CC100,ccg,2017/18 Q1,250.00\r\n\
                CC101,ccg,2017-07,100\r\n\
                a,ccg,Dec-17,450\r\n\
                b,la,2017/18 Q2,\"100.00\"\r\n";
    let actuals = read_ledger_actuals("ledger.csv", text, &plan, &map).unwrap();
    assert_eq!(actuals.len(), 4);
    let round = Monitoring::new(m(2017, 12))
        .actuals(actuals)
        .forecast("a", "ccg", Forecast::StraightLine);
    let r = monitor(&plan, &ledger, &round).unwrap();
    let a = r.row("a", "ccg").unwrap();
    assert_eq!((a.actual_to_date, a.forecast), (p("800"), p("1066.67")));
    assert_eq!(r.row("b", "la").unwrap().actual_to_date, p("100"));
}

/// Issue 15, item 8: the year-end outturn carries underspends forward by a
/// stated rule and keeps budget = outturn + carried + released.
#[test]
fn year_end_carries_underspends_forward() {
    let plan = small();
    let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
    let march = Monitoring::new(m(2018, 3))
        .actual("a", "ccg", Period::Month(m(2018, 3)), p("900")) // budget 1,000: 100 under
        .actual("a", "la", Period::Month(m(2018, 3)), p("230")) // budget 200: 30 over
        .actual("b", "la", Period::Month(m(2018, 3)), p("399.99")) // budget 400: 0.01 under
        .actual("c", "ccg", Period::Month(m(2018, 3)), p("150")); // budget 200: 50 under
    let r = monitor(&plan, &ledger, &march).unwrap();
    let flagged = CarryForwardRule::FlaggedLines(vec!["a".to_string(), "b".to_string()]);
    let close = year_end(&plan, &r, OutturnBasis::Actuals, &flagged).unwrap();
    assert!(close.is_conserved());
    let row = |l, c| {
        let o = close.line(l, c).unwrap();
        (o.budget, o.outturn, o.carried, o.released)
    };
    assert_eq!(row("a", "ccg"), (p("1000"), p("900"), p("100"), Money::ZERO));
    assert_eq!(row("a", "la"), (p("200"), p("230"), Money::ZERO, p("-30"))); // overspends are never carried
    assert_eq!(row("b", "la"), (p("400"), p("399.99"), p("0.01"), Money::ZERO));
    assert_eq!(row("c", "ccg"), (p("200"), p("150"), Money::ZERO, p("50"))); // not flagged: released
    assert_eq!(close.totals().unwrap(), [p("1800"), p("1679.99"), p("100.01"), p("20")]);
    let (ccg, la) = (plan.contributor_ix("ccg").unwrap(), plan.contributor_ix("la").unwrap());
    assert_eq!(
        close.carried_by_contributor().unwrap(),
        vec![(ccg, p("100")), (la, p("0.01"))]
    );
    let all = year_end(&plan, &r, OutturnBasis::Actuals, &CarryForwardRule::AllUnderspends).unwrap();
    assert_eq!(all.totals().unwrap()[2], p("150.01"));
    let none = year_end(&plan, &r, OutturnBasis::Actuals, &CarryForwardRule::Nothing).unwrap();
    assert_eq!(none.totals().unwrap()[2..], [Money::ZERO, p("120.01")]);
    // Actuals need a March round; a forecast outturn does not.
    let dec = monitor(
        &plan,
        &ledger,
        &Monitoring::new(m(2017, 12)).default_forecast(Forecast::Given(p("90"))),
    )
    .unwrap();
    let err = year_end(&plan, &dec, OutturnBasis::Actuals, &flagged).unwrap_err();
    assert!(matches!(err, MonitorError::NotYearEnd { months: 9 }), "{err}");
    let given = year_end(&plan, &dec, OutturnBasis::Forecast, &flagged).unwrap();
    assert_eq!(given.line("b", "la").unwrap().carried, p("310"));
    let err = year_end(
        &plan,
        &r,
        OutturnBasis::Actuals,
        &CarryForwardRule::FlaggedLines(vec!["zz".into()]),
    )
    .unwrap_err();
    assert!(matches!(err, MonitorError::UnknownLine { .. }), "{err}");
}

mod properties {
    use super::*;
    use bcf_model::monitor::ReportRow;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    const IDS: [&str; 3] = ["c0", "c1", "c2"];
    const SOURCES: [&str; 2] = ["min", "ibcf"];

    /// (contributor, source, budget in pence) amounts, per line.
    type LineSpec = Vec<(usize, usize, i64)>;

    fn plan(contributors: usize, lines: &[LineSpec]) -> Plan {
        let y = fy("2017/18");
        let mut b = Plan::builder("random")
            .year(y)
            .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
            .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
            .programme("P0", "P0")
            .programme("P1", "P1");
        for id in IDS.iter().take(contributors) {
            b = b.contributor(id, id, ContributorKind::Ccg);
        }
        for (li, amounts) in lines.iter().enumerate() {
            let mut d = LineDraft::new(format!("l{li}"), format!("P{}", li % 2), format!("line {li}"));
            let mut seen = std::collections::BTreeSet::new();
            for (c, s, pence) in amounts {
                let (c, s) = (c % contributors, s % 2);
                if seen.insert((c, s)) {
                    d = d.amount(IDS[c], y, SOURCES[s], Money::from_pence(*pence));
                }
            }
            b = b.line(d);
        }
        b.build().unwrap()
    }

    fn sums(rows: &[ReportRow]) -> [Money; 4] {
        let s = |f: fn(&ReportRow) -> Money| Money::checked_sum(rows.iter().map(f)).unwrap();
        [
            s(|r| r.budget),
            s(|r| r.actual_to_date),
            s(|r| r.forecast),
            s(|r| r.variance),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Every breakdown of the quarterly report adds up to the same totals,
        /// the totals are the plan's, and each forecast follows its method exactly.
        #[test]
        fn monitoring_adds_up(
            contributors in 1usize..=3,
            lines in proptest::collection::vec(proptest::collection::vec((0usize..3, 0usize..2, 0i64..10_000_000), 0..4), 1..5),
            // (line, contributor, month 1-12 or quarter 13-16, pence)
            actuals in proptest::collection::vec((0usize..5, 0usize..3, 1u32..=16, -100_000i64..5_000_000), 0..12),
            methods in proptest::collection::vec(0u8..4, 15),
            as_at in 1u32..=12,
        ) {
            let plan = plan(contributors, &lines);
            let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
            let months = fy("2017/18").months();
            let as_at_month = months[as_at as usize - 1];
            let mut round = Monitoring::new(as_at_month);
            for (l, c, period, pence) in &actuals {
                let (l, c) = (l % lines.len(), c % contributors);
                let period = if *period <= 12 {
                    Period::Month(months[*period as usize - 1])
                } else {
                    Period::Quarter(fy("2017/18").quarters()[*period as usize - 13])
                };
                if period.last_month().month_of_year() <= as_at {
                    round = round.actual(&format!("l{l}"), IDS[c], period, Money::from_pence(*pence));
                }
            }
            for l in 0..lines.len() {
                for (c, id) in IDS.iter().enumerate().take(contributors) {
                    let method = match methods[l * 3 + c] {
                        0 => Forecast::StraightLine,
                        1 => Forecast::BudgetPlusVariance,
                        2 => Forecast::OnBudget,
                        _ => Forecast::Given(Money::from_pence((l * 1000 + c) as i64)),
                    };
                    round = round.forecast(&format!("l{l}"), id, method);
                }
            }
            let r = monitor(&plan, &ledger, &round).unwrap();
            let q = r.quarterly(&plan).unwrap();
            let total = [q.total.budget, q.total.actual_to_date, q.total.forecast, q.total.variance];
            prop_assert_eq!(sums(&q.by_programme), total);
            prop_assert_eq!(sums(&q.by_contributor), total);
            prop_assert_eq!(sums(&q.by_funding), total);
            let planned = Money::checked_sum(plan.lines().iter().flat_map(|l| l.amounts()).map(|a| a.amount)).unwrap();
            prop_assert_eq!(q.total.budget, planned);
            let actual: i64 = actuals.iter().filter(|a| {
                let last = if a.2 <= 12 { a.2 } else { (a.2 - 12) * 3 };
                last <= as_at
            }).map(|a| a.3).sum();
            prop_assert_eq!(q.total.actual_to_date, Money::from_pence(actual));
            let twelve = Decimal::from(12);
            let m = Decimal::from(as_at);
            for row in &r.lines {
                // The profile is the exact pro rata budget to within a penny.
                let exact = row.revised_budget.pounds() * m / twelve;
                prop_assert!((row.budget_to_date.pounds() - exact).abs() < Decimal::new(1, 2));
                if as_at == 12 {
                    prop_assert_eq!(row.budget_to_date, row.revised_budget);
                }
                prop_assert_eq!(row.variance, row.forecast.checked_sub(row.revised_budget).unwrap());
                match row.method {
                    Forecast::StraightLine => {
                        let exact = row.actual_to_date.pounds() * twelve / m;
                        prop_assert!((row.forecast.pounds() - exact).abs() <= Decimal::new(5, 3));
                    }
                    Forecast::BudgetPlusVariance => prop_assert_eq!(
                        row.variance,
                        row.actual_to_date.checked_sub(row.budget_to_date).unwrap()
                    ),
                    Forecast::Given(g) => prop_assert_eq!(row.forecast, g),
                    Forecast::OnBudget => prop_assert!(row.variance.is_zero()),
                    other => prop_assert!(false, "a forecast method this test does not know: {:?}", other),
                }
            }
            for p in &r.positions {
                prop_assert_eq!(p.net_position, p.variance.negate());
            }
        }

        /// The year end conserves money to the penny on every line and in
        /// total: budget = outturn + carried + released; only underspends
        /// are carried, and only on lines the rule carries.
        #[test]
        fn carry_forward_conserves_money(
            contributors in 1usize..=3,
            lines in proptest::collection::vec(proptest::collection::vec((0usize..3, 0usize..2, -1_000_000i64..1_000_000_000_000), 0..4), 1..6),
            // (line, contributor, pence) spent in the year
            actuals in proptest::collection::vec((0usize..6, 0usize..3, -1_000_000i64..2_000_000_000_000), 0..16),
            flags in proptest::collection::vec(any::<bool>(), 6),
            rule in 0u8..3,
            as_forecast in any::<bool>(),
        ) {
            let plan = plan(contributors, &lines);
            let ledger = ContingencyLedger::from_plan(&plan, fy("2017/18")).unwrap();
            let mut round = Monitoring::new(m(2018, 3)).default_forecast(Forecast::StraightLine);
            for (l, c, pence) in &actuals {
                let (l, c) = (l % lines.len(), c % contributors);
                round = round.actual(&format!("l{l}"), IDS[c], Period::Month(m(2018, 2)), Money::from_pence(*pence));
            }
            let flagged: Vec<String> = (0..lines.len()).filter(|l| flags[*l]).map(|l| format!("l{l}")).collect();
            let rule = match rule {
                0 => CarryForwardRule::Nothing,
                1 => CarryForwardRule::AllUnderspends,
                _ => CarryForwardRule::FlaggedLines(flagged.clone()),
            };
            let basis = if as_forecast { OutturnBasis::Forecast } else { OutturnBasis::Actuals };
            let r = monitor(&plan, &ledger, &round).unwrap();
            let close = year_end(&plan, &r, basis, &rule).unwrap();
            prop_assert!(close.is_conserved());
            prop_assert_eq!(close.lines.len(), r.lines.len());
            for (o, l) in close.lines.iter().zip(&r.lines) {
                // At March the straight-line forecast is the actual: both bases agree.
                prop_assert_eq!(o.outturn, l.actual_to_date);
                prop_assert_eq!(o.budget, l.revised_budget);
                let back = o.outturn.checked_add(o.carried).unwrap().checked_add(o.released).unwrap();
                prop_assert_eq!(back, o.budget);
                let under = o.budget.checked_sub(o.outturn).unwrap();
                let carries = match &rule {
                    CarryForwardRule::Nothing => false,
                    CarryForwardRule::AllUnderspends => true,
                    _ => flagged.contains(&o.line),
                };
                let expected = if carries && under.is_positive() { under } else { Money::ZERO };
                prop_assert_eq!(o.carried, expected);
            }
            let [budget, outturn, carried, released] = close.totals().unwrap();
            prop_assert_eq!(budget, Money::checked_sum(r.lines.iter().map(|l| l.revised_budget)).unwrap());
            prop_assert_eq!(budget, outturn.checked_add(carried).unwrap().checked_add(released).unwrap());
            let by_contributor = close.carried_by_contributor().unwrap();
            prop_assert_eq!(Money::checked_sum(by_contributor.iter().map(|c| c.1)).unwrap(), carried);
            prop_assert!(by_contributor.iter().all(|c| c.1.is_positive()));
        }
    }
}

/// The README tour snippet (for the README's "A short tour"), kept compiling and passing here.
#[test]
fn readme_tour() -> Result<(), Box<dyn std::error::Error>> {
    use bcf_model::contingency::ContingencyLedger;
    use bcf_model::money::{Money, Precision, Unit};
    use bcf_model::monitor::{monitor, Forecast, Monitoring, Period};
    use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig};

    // 3. In year: a quarter-3 monitoring round, then the section 75 overspend waterfall.
    let plan = leicestershire::expenditure_plan()?.plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?; // CCG contingency, risk pool, savings targets
    let k = |s: &str| Money::parse(s, Unit::Thousands);
    let q3 = Monitoring::new("2017-12".parse()?)
        .default_forecast(Forecast::OnBudget)
        .actual("BCF2.11", "wl_ccg", Period::Quarter("2017/18 Q3".parse()?), k("5,400")?)
        .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine); // 5,400 in 9 months: 7,200, so 927.0 over
    let report = monitor(&plan, &ledger, &q3)?;
    println!(
        "{}",
        bcf_model::present::present_quarterly(&report.quarterly(&plan)?, Precision::THOUSANDS_1DP)?
    ); // by programme, contributor, source; columns add up
    let date = chrono::NaiveDate::from_ymd_opt(2018, 1, 18).ok_or("bad date")?;
    let config = WaterfallConfig::section_75(date, "IFG", RiskShareRule::ProRataContributions);
    let out = waterfall(&plan, &report, &ledger, &config)?; // offset, risk pool, contingency, ..., partners
    assert!(out.conserves(&ledger)); // every penny accounted for

    assert_eq!(out.overspend, k("2,254.8")?); // 927.0 + 840.6 + 487.2 undelivered
    assert_eq!(out.remaining, k("254.8")?); // after 2,000.0 of pools
    Ok(())
}

/// The printed quarterly report adds up: in every breakdown, each column's
/// printed rows add to its printed total, here in whole £'000 (issue 15,
/// item 4: programme budgets printed 52,550.1 against a total of 52,550.0
/// when each figure was rounded on its own).
#[test]
fn the_printed_quarterly_report_adds_up() -> Result<(), Box<dyn std::error::Error>> {
    let plan = leicestershire::expenditure_plan()?.plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
    let k = |s: &str| Money::parse(s, Unit::Thousands);
    let q3 = Monitoring::new("2017-12".parse()?)
        .default_forecast(Forecast::OnBudget)
        .actual("BCF2.11", "wl_ccg", Period::Quarter("2017/18 Q3".parse()?), k("5,400")?)
        .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine);
    let text =
        bcf_model::present::present_quarterly(&monitor(&plan, &ledger, &q3)?.quarterly(&plan)?, Precision::THOUSANDS)?;
    // The four figures of a printed row, after the 44-character name.
    let figures = |line: &str| -> Vec<Money> {
        line.chars()
            .skip(44)
            .collect::<String>()
            .split_whitespace()
            .map(|f| Money::parse(f.trim_end_matches('*'), Unit::Thousands).unwrap())
            .collect()
    };
    let mut sections = 0;
    let mut rows: Vec<Vec<Money>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("by ") || line.starts_with("net position") {
            rows.clear();
            continue;
        }
        if line.starts_with(' ') {
            continue; // a column header
        }
        if line.starts_with("Total") {
            let total = figures(line);
            for (c, printed) in total.iter().enumerate() {
                let sum = Money::checked_sum(rows.iter().map(|r| r[c]))?;
                assert_eq!(sum, *printed, "column {c} of a section:\n{text}");
            }
            sections += 1;
        } else if !rows.is_empty() || line.contains(' ') {
            rows.push(figures(line));
        }
    }
    assert_eq!(sections, 3, "{text}");
    assert!(text.contains('*'), "some figure moved off its own rounding:\n{text}");
    Ok(())
}
