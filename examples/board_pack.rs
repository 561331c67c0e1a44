//! The finance director's tables for a board pack, from a plan and a
//! monitoring round: expenditure by programme and partner, income by
//! funding stream and partner, and the quarter's budget, forecast and
//! variance by programme and partner. Every table adds up across and down
//! (controlled rounding, `present::present_table`), the grand total of each
//! keeps its own rounding wherever a rounding that adds up allows it, and
//! all tables are presented in one `PresentationContext`, so a figure
//! shared by two tables (a programme's spend is also its budget) prints the
//! same in both.
//!
//! ```sh
//! cargo run --example board_pack                       # the embedded Leicestershire plan, 2017/18 Q3
//! cargo run --example board_pack -- plan.csv ledger.csv # your plan, and actuals from a ledger export
//! cargo run --features xlsx --example board_pack -- --xlsx pack.xlsx  # and the pack as a workbook
//! ```
//!
//! With `--xlsx PATH` (feature `xlsx`) the pack is also written as a
//! workbook: the plan's rows, live `SUMIFS` totals, the findings, each table
//! in whole £'000, and for the embedded plan the published table's footings,
//! its printed totals beside the totals regenerated from its lines.
//!
//! The ledger export has the columns `cost_centre,contributor,period,amount`,
//! the cost centre being a scheme line's id (`io::read_ledger_actuals`).
//! Figures are whole £'000; a figure moved off its own rounding to make a
//! table add up is marked `*`.

use std::error::Error;

use bcf_model::calendar::FinancialYear;
use bcf_model::contingency::ContingencyLedger;
use bcf_model::io::{load_plan, read_ledger_actuals, CostCentres};
use bcf_model::money::{Money, Precision, Rounding, Unit};
use bcf_model::monitor::{monitor, Forecast, LineMonitor, Monitoring, Period};
use bcf_model::plan::{ContributorIx, Plan, ProgrammeIx};
use bcf_model::present::{PresentationContext, PresentedTable, Table};
use bcf_model::reconcile::reconcile;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let xlsx = match args.iter().position(|a| a == "--xlsx") {
        Some(i) => {
            let path = args.get(i + 1).cloned().ok_or("--xlsx needs a file name")?;
            args.drain(i..=i + 1);
            Some(path)
        }
        None => None,
    };
    let plan: Plan = match args.first() {
        Some(path) => load_plan(std::path::Path::new(path))?,
        None => bcf_model::data::leicestershire::expenditure_plan()?.plan,
    };
    let year: FinancialYear = *plan.years().first().ok_or("the plan has no years")?;
    let ledger = ContingencyLedger::from_plan(&plan, year)?;
    let as_at = year.months().get(8).copied().ok_or("a year has twelve months")?; // December: quarter 3
    let mut round = Monitoring::new(as_at).default_forecast(Forecast::StraightLine);
    match args.get(1) {
        Some(path) => {
            let text = std::fs::read_to_string(path)?;
            let actuals = read_ledger_actuals(path, &text, &plan, &CostCentres::new())?;
            round = round.actuals(actuals);
        }
        None => {
            // A worked illustration for the embedded plan: West
            // Leicestershire's intermediate care 5,400 spent by the end of
            // quarter 3 (7,200 for the year on a straight line), and the
            // rest on budget.
            let k = |s: &str| Money::parse(s, Unit::Thousands);
            round = round
                .default_forecast(Forecast::OnBudget)
                .actual(
                    "BCF2.11",
                    "wl_ccg",
                    Period::Quarter(format!("{year} Q3").parse()?),
                    k("5,400")?,
                )
                .forecast("BCF2.11", "wl_ccg", Forecast::StraightLine);
        }
    }
    let report = monitor(&plan, &ledger, &round)?;
    let totals = reconcile(&plan)?.totals;

    let partners: Vec<(ContributorIx, String)> = plan.contributors_indexed().map(|(c, x)| (c, x.id.clone())).collect();
    let programmes: Vec<(ProgrammeIx, String)> = plan.programmes_indexed().map(|(p, x)| (p, x.name.clone())).collect();
    let partner_labels = || partners.iter().map(|(_, id)| id.clone());
    let mut pack = PresentationContext::new(Precision::THOUSANDS, Rounding::HalfAwayFromZero);
    let mut tables: Vec<PresentedTable> = Vec::new();

    // 1. Planned expenditure by programme and partner.
    let mut spend = Table::new(format!("{year} planned spend"), partner_labels());
    for (p, name) in &programmes {
        let row = partners
            .iter()
            .map(|(c, _)| totals.programme_contributor(*p, *c, year))
            .collect::<Result<Vec<_>, _>>()?;
        spend = spend.row(name.clone(), row)?;
    }
    tables.push(pack.present_table(&spend)?);

    // 2. Income by funding stream (a source, or a group of sources) and partner.
    let mut income = Table::new(format!("{year} income"), partner_labels());
    for class in plan.funding_classes() {
        let row = partners
            .iter()
            .map(|(c, _)| {
                Money::checked_sum(
                    plan.allocations()
                        .iter()
                        .filter(|a| a.year == year && a.contributor == *c && class.members.contains(&a.source))
                        .map(|a| a.amount),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        income = income.row(class.name.clone(), row)?;
    }
    tables.push(pack.present_table(&income)?);

    // 3. The round: revised budget, forecast outturn and variance by
    // programme and partner.
    let by = |what: fn(&LineMonitor) -> Money, title: String| -> Result<Table, Box<dyn Error>> {
        let mut t = Table::new(title, partner_labels());
        for (p, name) in &programmes {
            let row = partners
                .iter()
                .map(|(c, _)| {
                    Money::checked_sum(
                        report
                            .lines
                            .iter()
                            .filter(|l| l.programme == *p && l.contributor == *c)
                            .map(what),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            t = t.row(name.clone(), row)?;
        }
        Ok(t)
    };
    let month = report.as_at.label();
    tables.push(pack.present_table(&by(|l| l.revised_budget, format!("Budget at {month}"))?)?);
    tables.push(pack.present_table(&by(|l| l.forecast, format!("Forecast at {month}"))?)?);
    tables.push(pack.present_table(&by(|l| l.variance, format!("Variance at {month}"))?)?);

    println!(
        "{} board pack, whole £'000 (* moved off its own rounding so the table adds up)",
        plan.name()
    );
    for t in &tables {
        println!();
        print!("{t}");
    }
    // The pack checks itself: every table adds up across and down, and an
    // exact amount prints the same wherever it appears.
    for t in &tables {
        adds_up(t)?;
    }
    let mut printed: std::collections::BTreeMap<Money, Money> = std::collections::BTreeMap::new();
    for t in &tables {
        for (_, v) in t.figures() {
            if *printed.entry(v.exact).or_insert(v.rounded) != v.rounded {
                return Err(format!("{} prints as two figures in the pack", v.exact).into());
            }
        }
    }
    if let Some(path) = &xlsx {
        write_workbook(&plan, &tables, args.is_empty(), path)?;
        println!("wrote {path}");
    }
    let shared: usize = tables.iter().map(|t| t.inconsistent.len()).sum();
    let moved_totals = tables.iter().filter(|t| t.total.adjusted).count();
    println!();
    println!(
        "{} tables, each adding up across and down; grand totals moved off their own rounding: {moved_totals}; \
         figures printed differently from the same amount in an earlier table: {shared}",
        tables.len()
    );
    Ok(())
}

/// Whether every row and every column of `t` adds up to its printed total,
/// and the totals to the grand total; an error naming the first that does not.
fn adds_up(t: &PresentedTable) -> Result<(), Box<dyn Error>> {
    let sum = |v: &mut dyn Iterator<Item = Money>| Money::checked_sum(v);
    for (label, (row, total)) in t.row_labels.iter().zip(t.cells.iter().zip(&t.row_totals)) {
        if sum(&mut row.iter().map(|c| c.rounded))? != total.rounded {
            return Err(format!("{}: row {label} does not add up", t.title).into());
        }
    }
    for (j, (label, total)) in t.column_labels.iter().zip(&t.column_totals).enumerate() {
        if sum(&mut t.cells.iter().filter_map(|r| r.get(j)).map(|c| c.rounded))? != total.rounded {
            return Err(format!("{}: column {label} does not add up", t.title).into());
        }
    }
    let rows = sum(&mut t.row_totals.iter().map(|r| r.rounded))?;
    let columns = sum(&mut t.column_totals.iter().map(|c| c.rounded))?;
    if rows != t.total.rounded || columns != t.total.rounded {
        return Err(format!("{}: the totals do not add up to the grand total", t.title).into());
    }
    Ok(())
}

/// The pack as a workbook, with the published footings for the embedded plan.
#[cfg(feature = "xlsx")]
fn write_workbook(plan: &Plan, tables: &[PresentedTable], embedded: bool, path: &str) -> Result<(), Box<dyn Error>> {
    use bcf_model::io::xlsx::PlanWorkbook;
    use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule};
    let published = bcf_model::data::leicestershire::expenditure_plan()?;
    let check = check_footings(
        &published.table,
        &expenditure_plan_footings(&published.table),
        BoundRule::WorstCase,
    )?;
    let mut book = PlanWorkbook::new(plan);
    if embedded {
        book = book.footings(&check, "£'000 to one decimal");
    }
    for t in tables {
        book = book.table(t.clone());
    }
    book.save(std::path::Path::new(path))?;
    Ok(())
}

/// Without the `xlsx` feature there is no workbook to write.
#[cfg(not(feature = "xlsx"))]
fn write_workbook(_: &Plan, _: &[PresentedTable], _: bool, _: &str) -> Result<(), Box<dyn Error>> {
    Err("--xlsx needs the xlsx feature: cargo run --features xlsx --example board_pack -- --xlsx pack.xlsx".into())
}
