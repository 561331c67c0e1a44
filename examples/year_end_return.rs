//! A year-end return for the embedded Leicestershire 2017/18 plan, from a
//! March round of its own, with the risk share applied; and the 2020/21
//! end-of-year reconciliation of the fictional Northshire, whose use of the
//! mandatory contributions was agreed in writing (no plans that year).
//!
//! Run with `cargo run --example year_end_return`. It checks itself: it
//! exits 1 if money is not conserved or a printed table does not add up.
//!
//! # The Leicestershire round (made up for illustration; £'000, 2017/18, at Mar-18)
//!
//! Every line spent its budget except West Leicestershire CCG's
//! Intermediate Care (BCF2.3, 313.0 → 463.0) and Home Care (BCF2.11,
//! 6,273.0 → 6,800.0), and East Leicestershire and Rutland CCG's Nursing
//! Care (BCF2.10, 1,554.9 → 1,754.9), over; the County Council's Assistive
//! Technology (BCF3.1, 760.0 → 700.0) and Blaby DFG (BCF3.3, 499.5 →
//! 449.5), whose slippage the agreement carries forward, and ELR CCG's
//! Assessment and Review (BCF2.15, 708.4 → 608.4), released, under. The
//! agreement draws on the risk pools, then shares what is left half to the
//! council and half to the CCGs pro rata to their contributions.

use std::process::ExitCode;

use bcf_model::contingency::ContingencyLedger;
use bcf_model::data::{self, leicestershire};
use bcf_model::io::read_area_inputs;
use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::money::{Money, Precision, Render, Rounding, Unit};
use bcf_model::monitor::{
    monitor, year_end, CarryForwardRule, Forecast, MissingActuals, Monitoring, OutturnBasis, Period,
};
use bcf_model::present::{present_reconciliation, present_year_end, PresentationContext, PresentedTable};
use bcf_model::returns::{end_of_year_reconciliation, year_end_return, MandatorySource};
use bcf_model::waterfall::{waterfall, RiskShareRule, WaterfallConfig, WaterfallStep};

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

const NORTHSHIRE_PLAN: &str = include_str!("data/northshire_2020_21_plan.csv");
const NORTHSHIRE_INPUTS: &str = include_str!("data/northshire_2020_21_inputs.csv");

fn k(s: &str) -> BoxResult<Money> {
    Ok(Money::parse(s, Unit::Thousands)?)
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

/// Whether every row and column of every table adds up to its printed total.
fn add_up(tables: &[PresentedTable]) -> BoxResult<bool> {
    let mut ok = true;
    for t in tables {
        for (row, total) in t.cells.iter().zip(&t.row_totals) {
            ok &= Money::checked_sum(row.iter().map(|v| v.rounded))? == total.rounded;
        }
        ok &= Money::checked_sum(t.row_totals.iter().map(|v| v.rounded))? == t.total.rounded;
        ok &= Money::checked_sum(t.column_totals.iter().map(|v| v.rounded))? == t.total.rounded;
    }
    Ok(ok)
}

fn run() -> BoxResult<bool> {
    let plan = leicestershire::expenditure_plan()?.plan;
    let year = "2017/18".parse()?;
    let ledger = ContingencyLedger::from_plan(&plan, year)?;
    let march = Period::Month("2018-03".parse()?);
    let mut round = Monitoring::new("2018-03".parse()?)
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
        round = round.actual(line, who, march, k(spent)?);
    }
    let report = monitor(&plan, &ledger, &round)?;
    let carry = CarryForwardRule::FlaggedLines(vec!["BCF3.1".to_string(), "BCF3.3".to_string()]);
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &carry)?;
    let rule = RiskShareRule::split_by_side(&plan, year, "50".parse()?, "50".parse()?)?;
    let mut config = WaterfallConfig::section_75(year.last_day(), "IFG", rule);
    config.steps = vec![WaterfallStep::RiskPool];
    let outcome = waterfall(&plan, &report, &ledger, &config)?;
    let ret = year_end_return(&plan, &report, &ledger, &close, &outcome)?.with_conditions(
        &plan,
        &data::policy_calendar()?,
        &leicestershire::condition_inputs()?,
    )?;

    println!(
        "Year-end return of {} for {} (outturn from {})\n",
        plan.name(),
        ret.year,
        ret.outturn_basis
    );
    println!("Carry-forward: {}", ret.carry_forward_rule);
    let fmt = Precision::THOUSANDS_1DP.format().with_brackets();
    println!(
        "{:<16} {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "stream", "partner", "allocation", "budget", "outturn", "variance", "carried", "released"
    );
    for r in &ret.streams {
        println!(
            "{:<16} {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            r.stream,
            r.contributor_id,
            r.allocation.render(fmt),
            r.budget.render(fmt),
            r.outturn.render(fmt),
            r.variance.render(fmt),
            r.carried.render(fmt),
            r.released.render(fmt),
        );
    }
    println!(
        "\nOverspend {} (of which undelivered savings {}):",
        ret.overspend.render(fmt),
        ret.undelivered_savings.render(fmt)
    );
    for m in &ret.met {
        println!(
            "  {:<28} {:<12} {:>10}",
            m.stage_name,
            m.bearer_id,
            m.amount.render(fmt)
        );
    }
    println!("  unallocated above caps: {}", ret.unallocated.render(fmt));

    println!("\nTables (£'000), presented together so that each adds up:\n");
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_year_end(&ret, &mut pack)?;
    for table in &tables {
        println!("{table}");
    }
    let mut ok = ret.is_conserved() && add_up(&tables)?;
    for f in ret.conservation_failures() {
        println!("NOT CONSERVED: {f}");
    }
    println!("National conditions, {}:", ret.year);
    for c in &ret.conditions {
        let name = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        println!("  {:<48} {}", name, c.outcome);
    }
    let csv = bcf_model::io::write_year_end_csv(&ret)?;
    println!(
        "\nAs tidy CSV: {} rows; as JSON: {} bytes.",
        csv.lines().count().saturating_sub(1),
        bcf_model::io::write_year_end_json(&ret)?.len()
    );

    // Northshire 2020/21: one March round, social care packages 200,000
    // under and North Northshire's DFG 50,000 over; every underspend released.
    let plan = read_plan_tidy("northshire_2020_21_plan.csv", NORTHSHIRE_PLAN)?;
    let inputs = read_area_inputs("northshire_2020_21_inputs.csv", NORTHSHIRE_INPUTS)?;
    let calendar = data::policy_calendar()?;
    let year = "2020/21".parse()?;
    let ledger = ContingencyLedger::from_plan(&plan, year)?;
    let march = Period::Month("2021-03".parse()?);
    let round = Monitoring::new("2021-03".parse()?)
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance)
        .actual("social", "ns_ccg", march, Money::parse("7,000,000", Unit::Pounds)?)
        .actual("north", "ns_cc", march, Money::parse("1,750,000", Unit::Pounds)?);
    let report = monitor(&plan, &ledger, &round)?;
    let close = year_end(&plan, &report, OutturnBasis::Actuals, &CarryForwardRule::Nothing)?;
    let council = plan.contributor_ix("ns_cc").ok_or("no council")?;
    let config = WaterfallConfig::section_75(year.last_day(), "HWB", RiskShareRule::host_bears(council));
    let outcome = waterfall(&plan, &report, &ledger, &config)?;
    let ret = year_end_return(&plan, &report, &ledger, &close, &outcome)?;
    ok &= ret.is_conserved();
    let form = end_of_year_reconciliation(&plan, &ret, &calendar, &inputs)?;

    let pounds = Precision::POUNDS.format().with_brackets();
    println!("\n{} ({})", form.title(), plan.name());
    println!("National conditions:");
    for c in &form.conditions {
        let name = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        println!("  {:<48} {}", name, c.outcome);
    }
    println!("Total spend from the mandatory funding sources:");
    for source in MandatorySource::ALL {
        println!(
            "  {:<36} agreed {:>12}  spent {:>12}",
            source.to_string(),
            form.agreed_from(source)?.render(pounds),
            form.spend_from(source)?.render(pounds)
        );
    }
    println!("  other sources: spent {}", form.other_spend.render(pounds));
    println!("Agreed spending on social care from the CCG minimum:");
    for s in &form.social_care {
        println!(
            "  {:<10} {:<40} agreed {:>12}  spent {:>12}",
            s.line,
            s.name,
            s.agreed.render(pounds),
            s.spend.render(pounds)
        );
    }
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    let tables = present_reconciliation(&form, &mut pack)?;
    for table in &tables {
        println!("{table}");
    }
    ok &= add_up(&tables)?;
    ok &= form.mandatory_spend()?.checked_add(form.other_spend)? == ret.total()?.outturn;

    println!(
        "money conserved and every table adds up: {}",
        if ok { "yes" } else { "no" }
    );
    Ok(ok)
}
