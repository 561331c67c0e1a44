//! The year-end return and the 2020/21 end-of-year reconciliation (issue
//! 18, item 4): outturn against plan per stream and contributor, the
//! underspends carried forward or released, the overspend met by the
//! waterfall and borne under the risk share, all conserving money to the
//! penny; checked on a March round of the Leicestershire 2017/18 plan with
//! figures worked out by hand, over generated plans, and on a one-year
//! 2020/21 plan of the fictional Northshire.

use bcf_model::calendar::FinancialYear;
use bcf_model::conditions::check_social_care_maintained;
use bcf_model::contingency::ContingencyLedger;
use bcf_model::data::leicestershire;
use bcf_model::io::read_area_inputs;
use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::money::{Money, Precision, Rounding, Unit};
use bcf_model::monitor::{
    monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, MonitoringReport, OutturnBasis, Period,
    YearEnd,
};
use bcf_model::plan::{FundingSourceKind, Plan};
use bcf_model::present::{present_reconciliation, present_year_end, PresentationContext, PresentedTable};
use bcf_model::returns::{
    end_of_year_reconciliation, year_end_return, MandatorySource, OverspendStage, ReturnError, YearEndReturn,
};
use bcf_model::verdict::Outcome;
use bcf_model::waterfall::{waterfall, Bearer, RiskShareRule, WaterfallConfig, WaterfallOutcome, WaterfallStep};
use chrono::NaiveDate;
use proptest::prelude::*;

fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}

fn gbp(s: &str) -> Money {
    Money::parse(s, Unit::Pounds).unwrap()
}

/// The day the year's books close: the waterfall's draw-downs are dated in the year.
fn closing(year: &str) -> NaiveDate {
    year.parse::<FinancialYear>().unwrap().last_day()
}

/// The March 2018 round of Leicestershire 2017/18 (£'000): every line spent
/// its budget except WL CCG's Intermediate Care (BCF2.3, 313.0 → 463.0) and
/// Home Care (BCF2.11, 6,273.0 → 6,800.0), ELR CCG's Nursing Care (BCF2.10,
/// 1,554.9 → 1,754.9) over; the County Council's Assistive Technology
/// (BCF3.1, 760.0 → 700.0) and Blaby DFG (BCF3.3, 499.5 → 449.5), whose
/// slippage the agreement carries forward, and ELR CCG's Assessment and
/// Review (BCF2.15, 708.4 → 608.4), released, under.
fn leicestershire_march() -> (Plan, ContingencyLedger, MonitoringReport) {
    let plan = leicestershire::expenditure_plan().unwrap().plan;
    let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse().unwrap()).unwrap();
    let march = Period::Month("2018-03".parse().unwrap());
    let mut round = Monitoring::new("2018-03".parse().unwrap())
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance);
    for (line, who, spent) in [
        ("BCF2.3", "wl_ccg", "463"),
        ("BCF2.11", "wl_ccg", "6,800"),
        ("BCF2.10", "elr_ccg", "1,754.9"),
        ("BCF3.1", "lcc", "700"),
        ("BCF3.3", "lcc", "449.5"),
        ("BCF2.15", "elr_ccg", "608.4"),
    ] {
        round = round.actual(line, who, march, k(spent));
    }
    let report = monitor(&plan, &ledger, &round).unwrap();
    (plan, ledger, report)
}

fn carried_lines() -> CarryForwardRule {
    CarryForwardRule::FlaggedLines(vec!["BCF3.1".to_string(), "BCF3.3".to_string()])
}

/// The agreement draws on the risk pools, then shares what is left by `rule`.
fn risk_pools_then(rule: RiskShareRule) -> WaterfallConfig {
    let mut config = WaterfallConfig::section_75(closing("2017/18"), "IFG", rule);
    config.steps = vec![WaterfallStep::RiskPool];
    config
}

fn close_and_share(
    plan: &Plan,
    ledger: &ContingencyLedger,
    report: &MonitoringReport,
    rule: &CarryForwardRule,
    config: &WaterfallConfig,
) -> (YearEnd, WaterfallOutcome, YearEndReturn) {
    let close = year_end(plan, report, OutturnBasis::Actuals, rule).unwrap();
    let outcome = waterfall(plan, report, ledger, config).unwrap();
    let ret = year_end_return(plan, report, ledger, &close, &outcome).unwrap();
    (close, outcome, ret)
}

/// Checks that `ret` conserves money, independently of how the return added
/// its rows up: per contributor against the year-end outturn's own lines;
/// per stream against the report's lines (single-funded in the plans
/// tested); and the overspend against the waterfall's own steps and shares.
fn assert_conserves(
    plan: &Plan,
    report: &MonitoringReport,
    close: &YearEnd,
    outcome: &WaterfallOutcome,
    ret: &YearEndReturn,
) {
    assert!(ret.is_conserved(), "{:?}", ret.conservation_failures());
    let sum = |it: &mut dyn Iterator<Item = Money>| Money::checked_sum(it).unwrap();
    for (c, contributor) in plan.contributors_indexed() {
        let t = ret.contributor_total(c).unwrap();
        let mine = || close.lines.iter().filter(|l| l.contributor == c);
        let budget = sum(&mut mine().map(|l| l.budget));
        let outturn = sum(&mut mine().map(|l| l.outturn));
        let carried = sum(&mut mine().map(|l| l.carried));
        let released = sum(&mut mine().map(|l| l.released));
        assert_eq!(
            (t.budget, t.outturn, t.carried, t.released),
            (budget, outturn, carried, released),
            "{}",
            contributor.id
        );
        assert_eq!(
            t.budget,
            t.outturn
                .checked_add(t.carried)
                .unwrap()
                .checked_add(t.released)
                .unwrap(),
            "{}",
            contributor.id
        );
        assert_eq!(
            ret.borne(Bearer::Contributor(c)).unwrap(),
            outcome.share_of(Bearer::Contributor(c))
        );
    }
    for class in plan.funding_classes() {
        let t = ret.stream_total(Some(class.funding)).unwrap();
        let funded = || {
            report
                .lines
                .iter()
                .zip(&close.lines)
                .filter(|(l, _)| l.funding.first().map(|f| f.0) == Some(class.funding))
        };
        assert_eq!(t.budget, sum(&mut funded().map(|(_, y)| y.budget)), "{}", class.id);
        assert_eq!(t.outturn, sum(&mut funded().map(|(_, y)| y.outturn)), "{}", class.id);
        assert_eq!(t.carried, sum(&mut funded().map(|(_, y)| y.carried)), "{}", class.id);
        assert_eq!(
            t.budget,
            t.outturn
                .checked_add(t.carried)
                .unwrap()
                .checked_add(t.released)
                .unwrap(),
            "{}",
            class.id
        );
    }
    // The overspend: met by the waterfall's steps, borne by its shares, or unallocated.
    let stepped = sum(&mut outcome.steps.iter().map(|s| s.moved));
    let shared = sum(&mut outcome.shares.iter().map(|s| s.amount));
    assert_eq!(ret.met_at(OverspendStage::RiskShare).unwrap(), shared);
    assert_eq!(
        ret.overspend,
        stepped
            .checked_add(shared)
            .unwrap()
            .checked_add(ret.unallocated)
            .unwrap()
    );
    let borne = sum(&mut ret
        .met
        .iter()
        .filter(|m| m.stage == OverspendStage::RiskShare)
        .map(|m| m.amount));
    assert_eq!(borne.checked_add(ret.unallocated).unwrap(), outcome.remaining);
}

#[test]
fn leicestershire_year_end_with_the_host_bearing_the_rest() {
    let (plan, ledger, report) = leicestershire_march();
    let lcc = plan.contributor_ix("lcc").unwrap();
    let (close, outcome, ret) = close_and_share(
        &plan,
        &ledger,
        &report,
        &carried_lines(),
        &risk_pools_then(RiskShareRule::host_bears(lcc)),
    );
    let wl = plan.contributor_ix("wl_ccg").unwrap();
    let elr = plan.contributor_ix("elr_ccg").unwrap();

    // WL CCG, NHS minimum: lines of 20,684.1, 150.0 + 527.0 over.
    let r = ret.stream(plan.funding("nhs_minimum"), wl).unwrap();
    assert_eq!(r.allocation, k("20,843.5"));
    assert_eq!((r.planned, r.budget), (k("20,684.1"), k("20,684.1")));
    assert_eq!(r.outturn, k("21,361.1"));
    assert_eq!((r.variance, r.carried, r.released), (k("677"), Money::ZERO, k("-677")));
    // ELR CCG, NHS minimum: 200.0 over on one line, 100.0 under (released) on another.
    let r = ret.stream(plan.funding("nhs_minimum"), elr).unwrap();
    assert_eq!((r.budget, r.outturn), (k("15,325.3"), k("15,425.3")));
    assert_eq!((r.variance, r.carried, r.released), (k("100"), Money::ZERO, k("-100")));
    // The County Council's iBCF and DFG: 60.0 and 50.0 under, both carried.
    let r = ret.stream(plan.funding("ibcf"), lcc).unwrap();
    assert_eq!(
        (r.budget, r.outturn, r.carried, r.released),
        (k("9,525.6"), k("9,465.6"), k("60"), Money::ZERO)
    );
    let r = ret.stream(plan.funding("dfg"), lcc).unwrap();
    assert_eq!(
        (r.budget, r.outturn, r.carried, r.released),
        (k("3,349.9"), k("3,299.9"), k("50"), Money::ZERO)
    );

    // The whole pool: 52,119.9 allocated, 51,447.7 budgeted on lines,
    // 52,114.7 spent, 110.0 carried, 777.0 net overspend released.
    let total = ret.total().unwrap();
    assert_eq!(total.allocation, k("52,119.9"));
    assert_eq!(total.budget, k("51,447.7"));
    assert_eq!(total.outturn, k("52,114.7"));
    assert_eq!((total.carried, total.released), (k("110"), k("-777")));

    // 877.0 over on lines plus the undelivered savings targets (840.6 +
    // 487.2) = 2,204.8: the risk pools meet 1,000.0 (500.0 each CCG), the
    // County Council, host, bears the other 1,204.8.
    assert_eq!(ret.overspend, k("2,204.8"));
    assert_eq!(ret.undelivered_savings, k("1,327.8"));
    assert_eq!(
        ret.met_at(OverspendStage::Step(WaterfallStep::RiskPool)).unwrap(),
        k("1,000")
    );
    assert_eq!(ret.borne(Bearer::Contributor(lcc)).unwrap(), k("1,204.8"));
    assert!(ret.borne(Bearer::Contributor(wl)).unwrap().is_zero());
    assert!(ret.unallocated.is_zero());
    // The County Council's underspends are carried, ELR CCG's released.
    assert_eq!(ret.underspend_released(lcc).unwrap(), Money::ZERO);
    assert_eq!(ret.underspend_released(elr).unwrap(), k("100"));

    assert_conserves(&plan, &report, &close, &outcome, &ret);
}

#[test]
fn leicestershire_year_end_split_by_side() {
    let (plan, ledger, report) = leicestershire_march();
    let rule = RiskShareRule::split_by_side(
        &plan,
        "2017/18".parse().unwrap(),
        "50".parse().unwrap(),
        "50".parse().unwrap(),
    )
    .unwrap();
    let (close, outcome, ret) = close_and_share(&plan, &ledger, &report, &carried_lines(), &risk_pools_then(rule));
    // 1,204.8 left: half (602.4) to the council; the NHS half pro rata to
    // the CCGs' contributions, 22,210.8 and 17,033.6 of 39,244.4: WL
    // 340,934.908..., ELR 261,465.091..., the odd penny to WL's larger remainder.
    let share = |id: &str| {
        ret.borne(Bearer::Contributor(plan.contributor_ix(id).unwrap()))
            .unwrap()
    };
    assert_eq!(share("lcc"), k("602.4"));
    assert_eq!(share("wl_ccg"), gbp("340,934.91"));
    assert_eq!(share("elr_ccg"), gbp("261,465.09"));
    assert_conserves(&plan, &report, &close, &outcome, &ret);
}

#[test]
fn an_offset_against_underspends_carried_forward_is_refused() {
    let (plan, ledger, report) = leicestershire_march();
    let lcc = plan.contributor_ix("lcc").unwrap();
    // The full section 75 order offsets overspends against every underspend first.
    let config = WaterfallConfig::section_75(closing("2017/18"), "IFG", RiskShareRule::host_bears(lcc));
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &carried_lines()).unwrap();
    let outcome = waterfall(&plan, &report, &ledger, &config).unwrap();
    let err = year_end_return(&plan, &report, &ledger, &close, &outcome).unwrap_err();
    assert!(
        matches!(&err, ReturnError::CarriedUnderspendOffset { contributor, offset, released }
            if contributor == "lcc" && *offset == k("110") && released.is_zero()),
        "{err}"
    );
    // Releasing every underspend, the same waterfall is accepted: the 210.0
    // of underspends meet 210.0 of the overspend.
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing).unwrap();
    let ret = year_end_return(&plan, &report, &ledger, &close, &outcome).unwrap();
    assert_eq!(
        ret.met_at(OverspendStage::Step(WaterfallStep::OffsetUnderspends))
            .unwrap(),
        k("210")
    );
    assert_conserves(&plan, &report, &close, &outcome, &ret);
}

#[test]
fn a_waterfall_of_another_outturn_is_refused() {
    let (plan, ledger, report) = leicestershire_march();
    let lcc = plan.contributor_ix("lcc").unwrap();
    let config = risk_pools_then(RiskShareRule::host_bears(lcc));
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &carried_lines()).unwrap();
    // The waterfall run on a December forecast, not on the March outturn.
    let december = Monitoring::new("2017-12".parse().unwrap())
        .default_forecast(Forecast::OnBudget)
        .forecast("BCF2.3", "wl_ccg", Forecast::Given(k("463")));
    let other = monitor(&plan, &ledger, &december).unwrap();
    let outcome = waterfall(&plan, &other, &ledger, &config).unwrap();
    let err = year_end_return(&plan, &report, &ledger, &close, &outcome).unwrap_err();
    assert!(
        matches!(&err, ReturnError::NotOfThisRound { what } if what.contains("BCF2.10")),
        "{err}"
    );
}

fn assert_tables_add_up(tables: &[PresentedTable]) {
    for t in tables {
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
}

#[test]
fn every_presented_year_end_table_adds_up() {
    let (plan, ledger, report) = leicestershire_march();
    let rule = RiskShareRule::split_by_side(
        &plan,
        "2017/18".parse().unwrap(),
        "50".parse().unwrap(),
        "50".parse().unwrap(),
    )
    .unwrap();
    let (_, _, ret) = close_and_share(&plan, &ledger, &report, &carried_lines(), &risk_pools_then(rule));
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_year_end(&ret, &mut pack).unwrap();
    assert_eq!(tables.len(), 8);
    assert_tables_add_up(&tables);
    // The exact grand totals are the return's.
    let exact: Vec<Money> = tables.iter().map(|t| t.total.exact).collect();
    assert_eq!(
        exact,
        [
            k("52,119.9"),
            k("51,447.7"),
            k("51,447.7"),
            k("52,114.7"),
            k("667"),
            k("110"),
            k("-777"),
            k("2,204.8")
        ]
    );
    // Who met the overspend: the CCGs' risk pools, then the three shares.
    let met = &tables[7];
    assert_eq!(met.row_labels, ["risk pool", "risk share"]);
    assert_eq!(met.column_labels, ["wl_ccg", "elr_ccg", "lcc"]);
    assert_eq!(met.row_totals[1].exact, k("1,204.8"));
    // Printed to one decimal of £'000: the shares 340.9 + 261.5 + 602.4.
    let shares: Vec<Money> = met.cells[1].iter().map(|v| v.rounded).collect();
    assert_eq!(shares, [k("340.9"), k("261.5"), k("602.4")]);
}

#[test]
fn the_year_end_return_as_csv_and_json() {
    let (plan, ledger, report) = leicestershire_march();
    let lcc = plan.contributor_ix("lcc").unwrap();
    let (_, _, ret) = close_and_share(
        &plan,
        &ledger,
        &report,
        &carried_lines(),
        &risk_pools_then(RiskShareRule::host_bears(lcc)),
    );
    let csv = bcf_model::io::write_year_end_csv(&ret).unwrap();
    assert_eq!(csv.lines().next(), Some("year,table,row,contributor,measure,value"));
    assert!(csv.contains("2017/18,stream,dfg,lcc,carried,50000\n"), "{csv}");
    assert!(csv.contains("2017/18,overspend,risk share,lcc,met,1204800"), "{csv}");
    // Every stream's budget is its outturn, carried and released, read back from the CSV.
    let mut figures: std::collections::BTreeMap<(String, String, String), rust_decimal::Decimal> = Default::default();
    for line in csv.lines().skip(1).filter(|l| l.contains(",stream,")) {
        let f: Vec<&str> = line.split(',').collect();
        figures.insert((f[2].into(), f[3].into(), f[4].into()), f[5].parse().unwrap());
    }
    let mut rows = 0;
    for ((s, c, m), v) in &figures {
        if m == "budget" {
            let get = |m: &str| figures[&(s.clone(), c.clone(), m.to_string())];
            assert_eq!(*v, get("outturn") + get("carried") + get("released"), "{s} {c}");
            rows += 1;
        }
    }
    assert_eq!(rows, ret.streams.len());

    let json: serde_json::Value = serde_json::from_str(&bcf_model::io::write_year_end_json(&ret).unwrap()).unwrap();
    assert_eq!(json["year"], "2017/18");
    assert_eq!(json["overspend"], "2204800.00");
    let ibcf = json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stream"] == "ibcf" && r["contributor_id"] == "lcc")
        .unwrap();
    assert_eq!(ibcf["carried"], "60000");
}

fn shape() -> bcf_model::strategies::PlanShape {
    bcf_model::strategies::PlanShape {
        full_range: false,
        funding_groups: false,
        ..bcf_model::strategies::PlanShape::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over generated balanced plans, with a March round in which some
    /// lines spend more and some less than their budget, any carry-forward
    /// rule, and the host or the pooled fund bearing what the pools do not
    /// meet: the year-end return conserves money per row, contributor and
    /// stream, and the overspend is met and borne exactly.
    #[test]
    fn the_year_end_return_conserves_money(
        plan in bcf_model::strategies::balanced_plan(shape()),
        moves in proptest::collection::vec(-5_000_000i64..5_000_000, 1..6),
        carry in 0usize..3,
        host in proptest::bool::ANY,
    ) {
        let year: FinancialYear = plan.years()[0];
        let ledger = ContingencyLedger::from_plan(&plan, year).unwrap();
        let march = year.months()[11];
        let on_budget = Monitoring::new(march)
            .missing_actuals(MissingActuals::OnBudgetToDate)
            .default_forecast(Forecast::BudgetPlusVariance);
        let rows = monitor(&plan, &ledger, &on_budget).unwrap().lines;
        prop_assume!(!rows.is_empty());
        // Line i % rows spends its budget moved by moves[i] pence (never below nothing).
        let mut round = on_budget;
        let mut spent: Vec<Option<Money>> = vec![None; rows.len()];
        for (i, m) in moves.iter().enumerate() {
            let r = &rows[i % rows.len()];
            let base = spent[i % rows.len()].unwrap_or(r.revised_budget);
            let moved = base.checked_add(Money::from_pence(*m)).unwrap();
            spent[i % rows.len()] = Some(if moved.is_negative() { Money::ZERO } else { moved });
        }
        for (r, s) in rows.iter().zip(&spent) {
            if let Some(s) = s {
                round = round.actual(&r.line, &r.contributor_id, Period::Month(march), *s);
            }
        }
        let report = monitor(&plan, &ledger, &round).unwrap();
        let rule = match carry {
            0 => CarryForwardRule::Nothing,
            1 => CarryForwardRule::AllUnderspends,
            _ => CarryForwardRule::FlaggedLines(vec![rows[0].line.clone()]),
        };
        let risk_share = if host {
            RiskShareRule::host_bears(rows[0].contributor)
        } else {
            RiskShareRule::pooled_fund_bears()
        };
        let mut config = WaterfallConfig::section_75(year.last_day(), "IFG", risk_share);
        if rule != CarryForwardRule::Nothing {
            // Underspends carried forward cannot also meet overspends.
            config.steps.retain(|s| *s != WaterfallStep::OffsetUnderspends);
        }
        let (close, outcome, ret) = close_and_share(&plan, &ledger, &report, &rule, &config);
        assert_conserves(&plan, &report, &close, &outcome, &ret);
        let mut pack = PresentationContext::new(Precision::POUNDS, Rounding::HalfAwayFromZero);
        assert_tables_add_up(&present_year_end(&ret, &mut pack).unwrap());
    }
}

/// A one-year 2020/21 plan of the fictional Northshire, whose use of the
/// mandatory contributions was agreed in writing (no plan was submitted).
const NORTHSHIRE_2020_21: &str = include_str!("../examples/data/northshire_2020_21_plan.csv");

const NORTHSHIRE_2020_21_INPUTS: &str = include_str!("../examples/data/northshire_2020_21_inputs.csv");

/// The 2020/21 plan, its year-end return on a March 2021 round where the
/// lines named spent the amounts given (the others their budgets), every
/// underspend released and offset first, the council bearing the rest.
fn northshire(spent: &[(&str, &str, &str)]) -> (Plan, YearEndReturn, bcf_model::returns::EndOfYearReconciliation) {
    let plan = read_plan_tidy("northshire_2020_21.csv", NORTHSHIRE_2020_21).unwrap();
    let inputs = read_area_inputs("northshire_2020_21_inputs.csv", NORTHSHIRE_2020_21_INPUTS).unwrap();
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let year: FinancialYear = "2020/21".parse().unwrap();
    let ledger = ContingencyLedger::from_plan(&plan, year).unwrap();
    let march = Period::Month("2021-03".parse().unwrap());
    let mut round = Monitoring::new("2021-03".parse().unwrap())
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance);
    for (line, who, amount) in spent {
        round = round.actual(line, who, march, gbp(amount));
    }
    let report = monitor(&plan, &ledger, &round).unwrap();
    let council = plan.contributor_ix("ns_cc").unwrap();
    let config = WaterfallConfig::section_75(closing("2020/21"), "HWB", RiskShareRule::host_bears(council));
    let (_, _, ret) = close_and_share(&plan, &ledger, &report, &CarryForwardRule::Nothing, &config);
    let ret = ret.with_conditions(&plan, &calendar, &inputs).unwrap();
    let form = end_of_year_reconciliation(&plan, &ret, &calendar, &inputs).unwrap();
    (plan, ret, form)
}

/// The plan's spend in `year` from sources of the kinds `keep` accepts,
/// added up from its lines directly.
fn planned_from(plan: &Plan, year: FinancialYear, keep: impl Fn(&FundingSourceKind) -> bool) -> Money {
    let mut total = Money::ZERO;
    for line in plan.lines().iter() {
        for a in line.amounts().filter(|a| a.year == year) {
            let (id, _) = plan.funding_label(a.funding).unwrap();
            let source = plan.sources().iter().find(|s| s.id == id).unwrap();
            if keep(&source.kind) {
                total = total.checked_add(a.amount).unwrap();
            }
        }
    }
    total
}

#[test]
fn the_2020_21_end_of_year_reconciliation_on_budget() {
    let (plan, ret, form) = northshire(&[]);
    let year: FinancialYear = "2020/21".parse().unwrap();
    // The policy calendar says 2020/21 was reconciled at the year's end.
    assert_eq!(form.planning_mode.as_deref(), Some("end_of_year_reconciliation"));
    assert_eq!(ret.planning_mode.as_deref(), Some("end_of_year_reconciliation"));
    assert!(form.is_reconciliation_year());
    assert_eq!(form.title(), "End of year reconciliation 2020/21");

    // Total spend from each mandatory source is the plan's spend from it.
    for (source, kind) in [
        (MandatorySource::NhsMinimum, FundingSourceKind::NhsMinimum),
        (MandatorySource::Ibcf, FundingSourceKind::Ibcf),
        (MandatorySource::Dfg, FundingSourceKind::Dfg),
    ] {
        let planned = planned_from(&plan, year, |k| *k == kind);
        assert_eq!(form.spend_from(source).unwrap(), planned, "{source}");
        assert_eq!(form.agreed_from(source).unwrap(), planned, "{source}");
    }
    assert_eq!(form.spend_from(MandatorySource::NhsMinimum).unwrap(), gbp("19,000,000"));
    assert_eq!(form.spend_from(MandatorySource::Ibcf).unwrap(), gbp("8,500,000"));
    assert_eq!(form.spend_from(MandatorySource::Dfg).unwrap(), gbp("2,900,000"));
    assert_eq!(form.other_spend, gbp("500,000"));
    // With the other spend, the whole outturn.
    assert_eq!(
        form.mandatory_spend().unwrap().checked_add(form.other_spend).unwrap(),
        ret.total().unwrap().outturn
    );

    // The social care breakdown: the two flagged lines, 7,200,000 + 800,000,
    // adding up to the NHS minimum's social care spend as the national
    // condition counts it.
    let lines: Vec<(&str, Money)> = form.social_care.iter().map(|s| (s.line.as_str(), s.spend)).collect();
    assert_eq!(lines, [("social", gbp("7,200,000")), ("carers", gbp("800,000"))]);
    assert_eq!(form.social_care[0].area_of_spend.as_deref(), Some("Social care"));
    let params = bcf_model::data::policy_parameters().unwrap();
    let inputs = read_area_inputs("i.csv", NORTHSHIRE_2020_21_INPUTS).unwrap();
    let condition = check_social_care_maintained(&plan, &params, &inputs, year).unwrap();
    assert_eq!(
        Some(form.social_care_spend().unwrap()),
        condition.money("flagged spend from NHS minimum")
    );

    // The national conditions of 2020/21, each with its outcome: use agreed
    // in writing (signed off by all three) is met; the others are not
    // confirmed for the year in the calendar, so cannot be told.
    let calendar = bcf_model::data::policy_calendar().unwrap();
    assert_eq!(
        form.conditions,
        bcf_model::conditions::check_all(&plan, &calendar, &inputs, year).unwrap()
    );
    let national: Vec<(&str, Outcome)> = form
        .conditions
        .iter()
        .filter_map(|c| c.national.as_deref().map(|n| (n, c.outcome)))
        .collect();
    assert_eq!(
        national,
        [
            ("jointly_agreed_plan", Outcome::Met),
            ("nhs_contribution_to_social_care_maintained", Outcome::CannotTell),
            ("invest_in_nhs_commissioned_out_of_hospital", Outcome::CannotTell),
            ("managing_transfers_of_care", Outcome::CannotTell),
        ]
    );
    assert_eq!(form.conditions_confirmed().count(), ret.conditions_confirmed().count());
}

#[test]
fn the_2020_21_reconciliation_reports_the_outturn() {
    // Social care packages 200,000 under, North Northshire DFG 50,000 over:
    // the underspend offsets the overspend, 150,000 is released.
    let (_, ret, form) = northshire(&[("social", "ns_ccg", "7,000,000"), ("north", "ns_cc", "1,750,000")]);
    assert_eq!(form.spend_from(MandatorySource::NhsMinimum).unwrap(), gbp("18,800,000"));
    assert_eq!(
        form.agreed_from(MandatorySource::NhsMinimum).unwrap(),
        gbp("19,000,000")
    );
    assert_eq!(form.spend_from(MandatorySource::Dfg).unwrap(), gbp("2,950,000"));
    assert_eq!(form.social_care_spend().unwrap(), gbp("7,800,000"));
    assert_eq!(form.social_care_agreed().unwrap(), gbp("8,000,000"));
    assert_eq!(ret.overspend, gbp("50,000"));
    assert_eq!(
        ret.met_at(OverspendStage::Step(WaterfallStep::OffsetUnderspends))
            .unwrap(),
        gbp("50,000")
    );
    assert!(ret.met_at(OverspendStage::RiskShare).unwrap().is_zero());
    assert_eq!(ret.total().unwrap().released, gbp("150,000"));

    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_reconciliation(&form, &mut pack).unwrap();
    assert_tables_add_up(&tables);
    assert_eq!(tables[0].total.exact, gbp("30,250,000"));
    assert_eq!(tables[1].total.exact, gbp("7,800,000"));

    let csv = bcf_model::io::write_reconciliation_csv(&form).unwrap();
    assert!(
        csv.contains("2020/21,summary,,,planning_mode,end_of_year_reconciliation\n"),
        "{csv}"
    );
    assert!(csv.contains("2020/21,mandatory,dfg,ns_cc,spend,2950000"), "{csv}");
    assert!(
        csv.contains("2020/21,condition,jointly_agreed_plan,,outcome,MET\n"),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&bcf_model::io::write_reconciliation_json(&form).unwrap()).unwrap();
    assert_eq!(json["planning_mode"], "end_of_year_reconciliation");
    assert_eq!(json["social_care"][0]["line"], "social");
}

#[test]
fn a_planning_year_gives_the_same_figures_as_a_year_end_return() {
    let (plan, ledger, report) = leicestershire_march();
    let lcc = plan.contributor_ix("lcc").unwrap();
    let (_, _, ret) = close_and_share(
        &plan,
        &ledger,
        &report,
        &carried_lines(),
        &risk_pools_then(RiskShareRule::host_bears(lcc)),
    );
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let inputs = leicestershire::condition_inputs().unwrap();
    let form = end_of_year_reconciliation(&plan, &ret, &calendar, &inputs).unwrap();
    assert_eq!(form.planning_mode.as_deref(), Some("plan"));
    assert!(!form.is_reconciliation_year());
    // The NHS minimum: both CCGs' outturn, 21,361.1 + 15,425.3; the DFG 3,299.9.
    assert_eq!(form.spend_from(MandatorySource::NhsMinimum).unwrap(), k("36,786.4"));
    assert_eq!(form.spend_from(MandatorySource::Dfg).unwrap(), k("3,299.9"));
    // The additional NHS contributions are not mandatory.
    assert_eq!(form.other_spend, k("2,562.8"));
    // No Leicestershire line is flagged as maintaining social care.
    assert!(form.social_care.is_empty());
}
