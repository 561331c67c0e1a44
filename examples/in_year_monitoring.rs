//! A quarter-3 monitoring round on the embedded Leicestershire 2017/18 BCF
//! plan, the section 75 overspend waterfall step by step, and each partner's
//! share of what is left under three risk-share rules.
//!
//! Run with `cargo run --example in_year_monitoring`. The last line,
//! `money conserved: yes`, is computed: it checks every waterfall and every
//! report breakdown to the penny and says `no` (exit code 1) if any fails.
//!
//! # The scenario (made up for illustration; £'000, 2017/18, as at Dec-17)
//!
//! Every line has spent exactly its budget profiled to December (9/12 of
//! the year) and is forecast on budget ("budget + year-to-date variance"),
//! except:
//!
//! | line | contributor | what happened | forecast method |
//! |---|---|---|---|
//! | BCF2.11 Home Care | WL CCG | winter demand: 5,400.0 spent by December | straight line |
//! | BCF2.11 Home Care | ELR CCG | 300.0 of savings delivered here (budget 4,771.0 -> 4,471.0); finance expects 4,700.0 | caller's figure |
//! | BCF2.10 Nursing Care Packages | WL CCG | 150.0 drawn from the WL CCG contingency in October; 1,683.3 spent | budget + YTD variance |
//! | BCF2.26 Stabilising the provider market | County Council | fee uplift: 3,600.0 expected | caller's figure |
//! | BCF2.25 Interim bed capacity (D2A) | County Council | 520.0 expected | caller's figure |
//! | BCF2.4 Reablement | WL CCG | 500.0 of savings delivered here (2,419.0 -> 1,919.0); 1,900.0 expected | caller's figure |
//! | BCF6.6 Home Visiting Service | ELR CCG | 400.0 spent by December | straight line |
//! | BCF3.1 Assistive Technology | County Council | 700.0 expected | caller's figure |
//!
//! So the cost improvement targets (840.6 WL, 487.2 ELR) are part delivered:
//! 340.6 and 187.2 are still to find. The County Council has 100.0 of iBCF
//! not yet committed to any line. The waterfall runs in the section 75
//! order: offset, risk pool, contingency, other pools, uncommitted; then the
//! partners' own resources, shared three ways to compare:
//!
//! 1. Leicestershire's rule for an unmet saving: what is left of the
//!    undelivered targets falls 50% on CCG core budgets (WL and ELR pro rata
//!    to their contributions) and 50% on the BCF; the rest of the overspend
//!    pro rata to contributions;
//! 2. everything pro rata to each partner's contribution to the pool;
//! 3. each partner bears the overspend on the lines it commissions (the
//!    published plan records no commissioner, so each bears its own).
//!
//! Then the monitoring inputs of issue 15: WL CCG's home care actuals read
//! from a ledger export by cost centre, profiled in a winter profile (7.5%
//! of the year a month April to November, 10% December to March) with
//! every other line taken as on budget to date; and the year end at March,
//! with the underspend on Assistive Technology carried forward.

use bcf_model::data::leicestershire;
use std::process::ExitCode;

use bcf_model::calendar::{FinancialYear, Month, Quarter};
use bcf_model::contingency::{ContingencyLedger, Movement};
use bcf_model::io::{read_ledger_actuals, CostCentres};
use bcf_model::money::Render;
use bcf_model::money::{allocate, Money, Precision, Unit};
use bcf_model::monitor::{
    monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis, Period, Profile, ReportRow,
};
use bcf_model::plan::Plan;
use bcf_model::waterfall::{
    contributions, waterfall, Bearer, ExposureSource, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallOutcome,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// An amount written in the example as a £'000 literal.
fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).expect("the example's amounts are £'000 literals that parse")
}

fn show(m: Money) -> String {
    m.render(Precision::THOUSANDS_1DP.format().with_brackets())
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The actuals of a line on budget: its budget profiled 9 : 3, the nine
/// months split equally across Q1-Q3, all exactly to the penny.
fn on_budget(
    mut round: Monitoring,
    line: &str,
    contributor: &str,
    budget: Money,
    year: FinancialYear,
) -> BoxResult<Monitoring> {
    let nine = allocate(budget, &[Decimal::from(9), Decimal::from(3)], Precision::PENCE)?;
    let to_date = nine.first().copied().ok_or("allocate gives one part per weight")?;
    let quarters = allocate(to_date, &[Decimal::ONE; 3], Precision::PENCE)?;
    for (q, amount) in year.quarters().into_iter().zip(quarters) {
        round = round.actual(line, contributor, Period::Quarter(q), amount);
    }
    Ok(round)
}

fn run() -> BoxResult<bool> {
    let plan: Plan = leicestershire::expenditure_plan()?.plan;
    let year: FinancialYear = "2017/18".parse()?;
    let q3: Quarter = "2017/18 Q3".parse()?;
    let december: Month = q3.months()[2];
    let id = |c| {
        plan.contributor(c)
            .map(|c| c.id.clone())
            .expect("an index of one of the plan's own contributors")
    };
    let ix = |s: &str| plan.contributor_ix(s).ok_or(format!("no contributor {s}"));
    let (wl, elr, lcc) = (ix("wl_ccg")?, ix("elr_ccg")?, ix("lcc")?);
    let date = |m, d| NaiveDate::from_ymd_opt(2017, m, d).ok_or("bad date");

    // 1. Pools, with the year's movements so far.
    let mut ledger = ContingencyLedger::from_plan(&plan, year)?;
    ledger.record_all([
        (
            "CONTINGENCY.1",
            wl,
            Movement::draw_down(
                date(10, 12)?,
                k("150"),
                "nursing care package demand",
                "Integration Finance Group",
            )
            .for_line("BCF2.10"),
        ),
        (
            "CONTINGENCY.3",
            wl,
            Movement::savings_delivered(date(9, 30)?, k("500"), "reablement re-procurement", "WL CCG CFO")
                .for_line("BCF2.4"),
        ),
        (
            "CONTINGENCY.3",
            elr,
            Movement::savings_delivered(date(11, 30)?, k("300"), "home care framework rates", "ELR CCG CFO")
                .for_line("BCF2.11"),
        ),
    ])?;
    // A draw that would take a pool below zero is refused, and changes nothing.
    let before = ledger.clone();
    let refused = ledger.record(
        "CONTINGENCY.2",
        elr,
        Movement::draw_down(date(12, 1)?, k("600"), "ambulance handover pressure", "IFG"),
    );
    println!("== Contingency pools, {year}, as at {} (£'000) ==", december.label());
    match refused {
        Err(e) => println!("refused: {e}"),
        Ok(()) => println!("(unexpected: the over-draw was accepted)"),
    }
    let unchanged = ledger == before;
    println!(
        "ledger unchanged after the refusal: {}",
        if unchanged { "yes" } else { "no" }
    );
    for p in ledger.pools().iter().filter(|p| !p.opening.is_zero()) {
        println!(
            "{:<44} opening {:>8}  moved {:>8}  balance {:>8}",
            p.label(),
            show(p.opening),
            show(p.balance().checked_sub(p.opening)?),
            show(p.balance())
        );
    }
    for s in ledger.savings_report()?.iter().filter(|s| !s.target.is_zero()) {
        println!(
            "{}: target {}, delivered {}, undelivered {}",
            s.pool,
            show(s.target),
            show(s.delivered),
            show(s.undelivered)
        );
    }

    // 2. The quarter-3 monitoring round.
    let special: [(&str, &str); 8] = [
        ("BCF2.11", "wl_ccg"),
        ("BCF2.11", "elr_ccg"),
        ("BCF2.10", "wl_ccg"),
        ("BCF2.26", "lcc"),
        ("BCF2.25", "lcc"),
        ("BCF2.4", "wl_ccg"),
        ("BCF6.6", "elr_ccg"),
        ("BCF3.1", "lcc"),
    ];
    let mut round = Monitoring::new(december).default_forecast(Forecast::BudgetPlusVariance);
    for line in plan.lines() {
        for a in line.amounts().filter(|a| a.year == year && !a.amount.is_zero()) {
            let c = id(a.contributor);
            if !special.contains(&(line.id(), c.as_str())) {
                let change = ledger.line_budget_change(line.id(), a.contributor)?;
                round = on_budget(round, line.id(), &c, a.amount.checked_add(change)?, year)?;
            }
        }
    }
    let m = |n| Month::new(2017, n);
    round = round
        .actual("BCF2.11", "wl_ccg", Period::Quarter("2017/18 Q1".parse()?), k("1700"))
        .actual("BCF2.11", "wl_ccg", Period::Quarter("2017/18 Q2".parse()?), k("1750"))
        .actual("BCF2.11", "wl_ccg", Period::Quarter(q3), k("1950"))
        .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine)
        .actual("BCF2.11", "elr_ccg", Period::Month(m(12)?), k("3500"))
        .forecast("BCF2.11", "elr_ccg", Forecast::Given(k("4700")))
        .actual("BCF2.10", "wl_ccg", Period::Month(m(12)?), k("1683.3"))
        .forecast("BCF2.26", "lcc", Forecast::Given(k("3600")))
        .actual("BCF2.26", "lcc", Period::Quarter(q3), k("2700"))
        .forecast("BCF2.25", "lcc", Forecast::Given(k("520")))
        .actual("BCF2.25", "lcc", Period::Quarter(q3), k("390"))
        .forecast("BCF2.4", "wl_ccg", Forecast::Given(k("1900")))
        .actual("BCF2.4", "wl_ccg", Period::Quarter(q3), k("1425"))
        .actual("BCF6.6", "elr_ccg", Period::Month(m(12)?), k("400"))
        .forecast("BCF6.6", "elr_ccg", Forecast::StraightLine)
        .forecast("BCF3.1", "lcc", Forecast::Given(k("700")))
        .actual("BCF3.1", "lcc", Period::Quarter(q3), k("525"));
    let report = monitor(&plan, &ledger, &round)?;
    let quarterly = report.quarterly(&plan)?;
    println!();
    print!(
        "{}",
        bcf_model::present::present_quarterly(&quarterly, Precision::THOUSANDS_1DP)?
    );

    println!("\n== Lines off budget (£'000) ==");
    println!(
        "{:<10} {:<8} {:>9} {:>9} {:>9} {:>9} {:>9}  method",
        "line", "who", "budget", "revised", "actual", "forecast", "variance"
    );
    for l in report.lines.iter().filter(|l| !l.variance.is_zero()) {
        println!(
            "{:<10} {:<8} {:>9} {:>9} {:>9} {:>9} {:>9}  {}",
            l.line,
            l.contributor_id,
            show(l.budget),
            show(l.revised_budget),
            show(l.actual_to_date),
            show(l.forecast),
            show(l.variance),
            l.method
        );
    }
    // 3. The waterfall, under three risk-share rules.
    let contrib = contributions(&plan, year)?;
    let weight = |c| {
        contrib
            .iter()
            .find(|(x, _)| *x == c)
            .map(|(_, m)| m.pounds())
            .ok_or(format!("no contribution listed for contributor {}", id(c)))
    };
    let (w_wl, w_elr) = (weight(wl)?, weight(elr)?);
    let ccg_total = w_wl + w_elr;
    let ccg_core_and_bcf = RiskShareRule::FixedShares(vec![
        (Bearer::Contributor(wl), w_wl),
        (Bearer::Contributor(elr), w_elr),
        (Bearer::PooledFund, ccg_total),
    ]);
    let rules = [
        (
            "unmet savings 50% CCG core budgets / 50% BCF, the rest pro rata",
            RiskShareRule::ProRataContributions,
            Some(ccg_core_and_bcf),
        ),
        ("pro rata to contributions", RiskShareRule::ProRataContributions, None),
        ("each partner bears its own lines", RiskShareRule::Commissioner, None),
    ];
    let mut conserved = unchanged;
    for (i, (label, rule, savings_rule)) in rules.into_iter().enumerate() {
        let mut config = WaterfallConfig::section_75(
            NaiveDate::from_ymd_opt(2018, 1, 18).ok_or("bad date")?,
            "Integration Finance Group",
            rule,
        );
        config.savings_risk_share = savings_rule;
        config.uncommitted = vec![(lcc, k("100"))];
        config.underspend = UnderspendRule::ReturnProRata;
        let out = waterfall(&plan, &report, &ledger, &config)?;
        if i == 0 {
            print_steps(&out)?;
        }
        println!("\n-- risk share: {label} (£, to the penny) --");
        for s in &out.shares {
            println!(
                "{:<12} bears {:>14}{}",
                s.bearer.label(&plan)?,
                s.amount.to_string(),
                if s.capped { " (capped)" } else { "" }
            );
        }
        println!("{:<12}       {:>14}", "total", out.remaining.to_string());
        let failures = out.conservation_failures(&ledger);
        for f in &failures {
            println!("NOT CONSERVED: {f}");
        }
        conserved &= failures.is_empty();
    }
    // Every breakdown of the quarterly report adds up to the same totals.
    let sums = |rows: &[ReportRow]| -> BoxResult<[Money; 4]> {
        Ok([
            Money::checked_sum(rows.iter().map(|r| r.budget))?,
            Money::checked_sum(rows.iter().map(|r| r.actual_to_date))?,
            Money::checked_sum(rows.iter().map(|r| r.forecast))?,
            Money::checked_sum(rows.iter().map(|r| r.variance))?,
        ])
    };
    let t = &quarterly.total;
    let total = [t.budget, t.actual_to_date, t.forecast, t.variance];
    for rows in [
        &quarterly.by_programme,
        &quarterly.by_contributor,
        &quarterly.by_funding,
    ] {
        conserved &= sums(rows)? == total;
    }
    conserved &= ledger.is_consistent();
    conserved &= monitoring_inputs(&plan, &ledger, december)?;
    println!("\nmoney conserved: {}", if conserved { "yes" } else { "no" });
    Ok(conserved)
}

fn print_steps(out: &WaterfallOutcome) -> BoxResult<()> {
    println!("\n== Overspend waterfall (£'000) ==");
    println!(
        "overspend {} (line overspends + undelivered savings), underspend {}",
        show(out.overspend),
        show(out.underspend)
    );
    for (n, s) in out.steps.iter().enumerate() {
        println!(
            "step {}: {:<26} available {:>8}  moved {:>8}  overspend left {:>8}",
            n + 1,
            s.step.to_string(),
            show(s.available),
            show(s.moved),
            show(s.overspend_after)
        );
        for d in &s.draws {
            println!("          from {:<44} {:>8}", d.label, show(d.amount));
        }
    }
    let savings = Money::checked_sum(
        out.exposures
            .iter()
            .filter(|e| matches!(e.source, ExposureSource::SavingsTarget { .. }))
            .map(|e| e.remaining),
    )?;
    println!(
        "left for the partners' own resources: {} (of which undelivered savings {})",
        show(out.remaining),
        show(savings)
    );
    let u = &out.underspend_outcome;
    if !u.total.is_zero() {
        println!("underspend left {} returned pro rata", show(u.total));
    }
    Ok(())
}

/// WL CCG's home care postings as a ledger exports them, by cost centre.
const LEDGER_EXPORT: &str = "cost_centre,description,contributor,period,amount
HC-WL-01,Home care framework,wl_ccg,2017/18 Q1,\"1,700,000.00\"
HC-WL-01,Home care framework,wl_ccg,2017/18 Q2,\"1,750,000.00\"
HC-WL-01,Home care framework,wl_ccg,2017-10,\"640,000.00\"
HC-WL-02,Home care spot purchase,wl_ccg,2017-11,\"655,000.00\"
HC-WL-02,Home care spot purchase,wl_ccg,Dec-17,\"655,000.00\"
";

/// Issue 15's monitoring inputs: a ledger export, a winter profile, "on
/// budget to date" for lines with no actual, and the year end with carry
/// forward. Whether the year end conserves money.
fn monitoring_inputs(plan: &Plan, ledger: &ContingencyLedger, december: Month) -> BoxResult<bool> {
    let centres = CostCentres::new().map("HC-WL-01", "BCF2.11").map("HC-WL-02", "BCF2.11");
    let postings = read_ledger_actuals("ledger.csv", LEDGER_EXPORT, plan, &centres)?;
    let (s, w) = (Decimal::new(75, 3), Decimal::new(1, 1));
    let winter = Profile::winter([s, s, s, s, s, s, s, s, w, w, w, w])?;
    let q3 = Monitoring::new(december)
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .actuals(postings)
        .line_profile("BCF2.11", winter)
        .forecast("BCF2.11", "wl_ccg", Forecast::Profiled);
    let report = monitor(plan, ledger, &q3)?;
    println!("\n== Monitoring inputs: a ledger export, a winter profile (£'000) ==");
    let home_care = report.row("BCF2.11", "wl_ccg").ok_or("no BCF2.11 row")?;
    println!(
        "BCF2.11 wl_ccg, {} profile: budget {}, to date {}, actual (ledger) {}, forecast ({}) {}, variance {}",
        home_care.profile.label(),
        show(home_care.revised_budget),
        show(home_care.budget_to_date),
        show(home_care.actual_to_date),
        home_care.method,
        show(home_care.forecast),
        show(home_care.variance)
    );
    let assumed: Vec<_> = report
        .lines
        .iter()
        .filter(|l| l.assumed_actual == Some(MissingActuals::OnBudgetToDate))
        .collect();
    let assumed_variance = Money::checked_sum(assumed.iter().map(|l| l.variance))?;
    println!(
        "{} lines with no actual taken as on budget to date, variance {}",
        assumed.len(),
        show(assumed_variance)
    );

    // The year end: every line spent its budget but two.
    let k3 = |s: &str| Money::parse(s, Unit::Thousands);
    let march = Monitoring::new(Month::new(2018, 3)?)
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .actual("BCF3.1", "lcc", Period::Quarter("2017/18 Q4".parse()?), k3("700")?)
        .actual(
            "BCF2.11",
            "wl_ccg",
            Period::Quarter("2017/18 Q4".parse()?),
            k3("7,100")?,
        );
    let outturn = monitor(plan, ledger, &march)?;
    let rule = CarryForwardRule::FlaggedLines(vec!["BCF3.1".to_string()]);
    let close = year_end(plan, &outturn, OutturnBasis::Actuals, &rule)?;
    let [budget, spent, carried, released] = close.totals()?;
    println!(
        "\n== Year end {} (£'000), underspends carried on flagged lines ==",
        close.year
    );
    println!(
        "budget {} = outturn {} + carried forward {} + released {}",
        show(budget),
        show(spent),
        show(carried),
        show(released)
    );
    for (c, amount) in close.carried_by_contributor()? {
        let id = plan
            .contributor(c)
            .map(|c| c.id.clone())
            .ok_or("an index of the plan")?;
        println!("{id} carries {} into {}", show(amount), close.year.next()?);
    }
    let adds_up = spent.checked_add(carried)?.checked_add(released)? == budget;
    Ok(close.is_conserved() && adds_up && assumed_variance.is_zero())
}
