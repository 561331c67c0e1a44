//! A Quarter 1 return for the embedded Leicestershire 2017/18 plan, from a
//! monitoring round of its own, and the footing check of the 2017 funding
//! summary.
//!
//! Run with `cargo run --example quarterly_return`.
//!
//! # The round (made up for illustration; £'000, 2017/18, as at Jun-17)
//!
//! Every line has spent its budget profiled to June (a quarter of the year)
//! and is forecast on budget plus its variance to date, except West
//! Leicestershire CCG's Home Care (BCF2.11), 1,700.0 spent and forecast
//! straight line, and the County Council's Assistive Technology (BCF3.1),
//! 150.0 spent and 700.0 expected; 100.0 of WL CCG's risk pool is drawn
//! down into its Nursing Care Packages (BCF2.10) in June. No metric is rated
//! for the quarter, so each is listed as not assessed.

use std::collections::BTreeMap;
use std::process::ExitCode;

use bcf_model::calendar::Month;
use bcf_model::contingency::{ContingencyLedger, Movement};
use bcf_model::data::{self, leicestershire};
use bcf_model::footing::{check_table, PRINTING_CONVENTIONS};
use bcf_model::money::{Money, Precision, Render, Rounding, Unit};
use bcf_model::monitor::{monitor, Forecast, MissingActuals, Monitoring, Period};
use bcf_model::present::{present_return, PresentationContext};
use bcf_model::published::BoundRule;
use bcf_model::returns::{quarterly_return, Assurance, OnTrack};
use chrono::NaiveDate;

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

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

fn run() -> BoxResult<bool> {
    let plan = leicestershire::expenditure_plan()?.plan;
    let year = "2017/18".parse()?;
    let mut ledger = ContingencyLedger::from_plan(&plan, year)?;
    let wl = plan.contributor_ix("wl_ccg").ok_or("no WL CCG")?;
    let june = NaiveDate::from_ymd_opt(2017, 6, 15).ok_or("bad date")?;
    ledger.record(
        "CONTINGENCY.2",
        wl,
        Movement::draw_down(june, k("100")?, "nursing care demand", "IFG").for_line("BCF2.10"),
    )?;
    let q1 = Period::Quarter("2017/18 Q1".parse()?);
    let round = Monitoring::new(Month::new(2017, 6)?)
        .missing_actuals(MissingActuals::OnBudgetToDate)
        .default_forecast(Forecast::BudgetPlusVariance)
        .actual("BCF2.11", "wl_ccg", q1, k("1,700")?)
        .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine)
        .actual("BCF3.1", "lcc", q1, k("150")?)
        .forecast("BCF3.1", "lcc", Forecast::Given(k("700")?));
    let report = monitor(&plan, &ledger, &round)?;

    let (calendar, inputs, metrics) = (
        data::policy_calendar()?,
        leicestershire::condition_inputs()?,
        data::metric_calendar()?,
    );
    let ratings = BTreeMap::new();
    let assurance = Assurance {
        calendar: &calendar,
        inputs: &inputs,
        metrics: &metrics,
        ratings: &ratings,
    };
    let ret = quarterly_return(&plan, &report, &ledger)?.with_assurance(&plan, &assurance)?;

    println!("{} return of {} (to {})\n", ret.quarter, plan.name(), ret.as_at.label());
    let fmt = Precision::THOUSANDS_1DP.format().with_brackets();
    println!(
        "{:<16} {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "stream", "partner", "allocation", "income", "spend", "balance", "forecast", "variance"
    );
    let mut conserved = true;
    for r in &ret.streams {
        println!(
            "{:<16} {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
            r.stream,
            r.contributor_id,
            r.allocation.render(fmt),
            r.income_to_date.render(fmt),
            r.spend_to_date.render(fmt),
            r.balance_to_date.render(fmt),
            r.forecast.render(fmt),
            r.variance.render(fmt),
        );
        conserved &= r.income_to_date.checked_sub(r.spend_to_date)? == r.balance_to_date;
    }
    for (c, contributor) in plan.contributors_indexed() {
        let t = ret.contributor_total(c)?;
        let position = report.position(c).ok_or("no position")?;
        conserved &= t.spend_to_date == position.actual_to_date;
        println!(
            "{:<16} {:<8} income {} less spend {} = balance {}; contingency used {}",
            "all streams",
            contributor.id,
            t.income_to_date.render(fmt),
            t.spend_to_date.render(fmt),
            t.balance_to_date.render(fmt),
            ret.contingency_used(c)?.render(fmt),
        );
    }

    println!("\nTables (£'000), presented together so that each adds up:\n");
    let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
    for table in present_return(&ret, &mut pack)? {
        println!("{table}");
    }

    println!("National conditions, {}:", ret.year);
    for c in &ret.conditions {
        let name = c.national.clone().unwrap_or_else(|| c.condition.to_string());
        println!("  {:<48} {}", name, c.outcome);
    }
    println!("Metrics, {}:", ret.year);
    for m in &ret.metrics {
        match &m.status {
            OnTrack::NotAssessed { why } => println!("  {:<48} not assessed: {why}", m.key),
            other => println!("  {:<48} {}", m.key, other.label()),
        }
    }
    let csv = bcf_model::io::write_return_csv(&ret)?;
    println!(
        "\nAs tidy CSV: {} rows; as JSON: {} bytes.",
        csv.lines().count() - 1,
        bcf_model::io::write_return_json(&ret)?.len()
    );

    println!("\nThe 2017 funding summary (£'000), footing check:");
    let table = leicestershire::funding_summary()?;
    let check = check_table(&table, BoundRule::WorstCase, &PRINTING_CONVENTIONS)?;
    for f in &check.footings {
        let c = &f.comparison;
        let k0 = Precision::THOUSANDS.format();
        println!(
            "  {}: printed {}, parts add to {} ({:?})",
            f.description,
            c.stated.render(k0),
            c.computed.render(k0),
            c.agreement
        );
    }
    for c in check.explained_only_by(&[Rounding::TowardZero]) {
        println!(
            "  {} only truncation explains ({} behind)",
            table.describe(c.cell),
            c.behind
        );
    }
    println!("  convention of the table: {:?}", check.table.verdict());

    println!("\nmoney conserved: {}", if conserved { "yes" } else { "no" });
    Ok(conserved)
}
