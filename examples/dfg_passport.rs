//! Passports the Leicestershire Disabled Facilities Grant to the seven
//! district councils for 2017/18 and 2018/19, checks the embedded plan's DFG
//! lines against it, and prints a quarterly monitoring table.
//!
//! Run with `cargo run --example dfg_passport`.
//!
//! The allocations are the published exact-pound figures
//! (`data/dfg_allocations_gbp.csv`). The quarterly returns in the monitoring
//! table are a **worked illustration** (made-up approvals, spend and
//! forecasts), not published figures.

use bcf_model::calendar::Quarter;
use bcf_model::data::leicestershire;
use bcf_model::dfg::{check_plan_passport, monitor_passport, passport, pro_rata, QuarterReturn};
use bcf_model::money::Render;
use bcf_model::money::{Money, Precision, Unit};
use rust_decimal::Decimal;

fn gbp(m: Money) -> String {
    m.render(Precision::POUNDS.format().with_symbol())
}

fn pct(p: Option<Decimal>) -> String {
    p.map(|p| format!("{:+}%", p.round_dp(2)))
        .unwrap_or_else(|| "n/a".to_string())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dfg = leicestershire::dfg_allocations()?;
    let (y1, y2) = ("2017/18".parse()?, "2018/19".parse()?);
    let p1 = passport(&dfg, y1, &[])?;
    let p2 = passport(&dfg, y2, &[])?;
    let growth = dfg.growth(y1, y2)?;

    println!("DFG passported to the Leicestershire districts (in full, no local agreement to retain)\n");
    println!(
        "{:28} {:>12} {:>12} {:>10}",
        "district",
        y1.to_string(),
        y2.to_string(),
        "growth"
    );
    for ((a, b), g) in p1.districts.iter().zip(&p2.districts).zip(&growth.districts) {
        println!(
            "{:28} {:>12} {:>12} {:>10}",
            a.district,
            gbp(a.passed),
            gbp(b.passed),
            pct(g.percent)
        );
    }
    println!(
        "{:28} {:>12} {:>12} {:>10}",
        "Total",
        gbp(p1.passed),
        gbp(p2.passed),
        pct(growth.total.percent)
    );
    println!(
        "\nallocation {} / {}; passed {} / {}; retained {} / {}",
        gbp(p1.allocation),
        gbp(p2.allocation),
        gbp(p1.passed),
        gbp(p2.passed),
        gbp(p1.retained),
        gbp(p2.retained)
    );

    let plan = leicestershire::expenditure_plan()?.plan;
    println!("\nThe plan's DFG lines (£'000 to 1 dp) against the DFG income:");
    for y in [y1, y2] {
        let c = check_plan_passport(&plan, y, Some(&dfg), &[])?;
        let lines: Vec<String> = c
            .lines
            .iter()
            .map(|(d, m)| format!("{d} {}", m.render(Precision::THOUSANDS_1DP.format())))
            .collect();
        println!(
            "  {y}: income {} passported {} shortfall {} ({})",
            c.income.render(Precision::THOUSANDS_1DP.format()),
            c.passported.render(Precision::THOUSANDS_1DP.format()),
            c.shortfall.render(Precision::THOUSANDS_1DP.format()),
            c.agreement
        );
        println!("           {}", lines.join("; "));
    }

    // When only a county total is known: split it pro rata over last year's shares.
    let weights: Vec<Decimal> = p1.districts.iter().map(|d| d.allocation.pounds()).collect();
    let total = Money::parse("3,632,291", Unit::Pounds)?;
    let split = pro_rata(total, &weights)?;
    println!(
        "\nIf only the {y2} county total {} were known, split pro rata to {y1} shares (to the pound):",
        gbp(total)
    );
    for (d, m) in p1.districts.iter().zip(&split) {
        println!("  {:28} {:>12}", d.district, gbp(*m));
    }
    println!(
        "  {:28} {:>12}",
        "Total (exact)",
        gbp(Money::checked_sum(split.iter().copied())?)
    );

    // A worked quarter: illustrative returns from six of the seven districts.
    let q: Quarter = "2017/18 Q3".parse()?;
    let r =
        |d: &str, committed: &str, spent: &str, forecast: &str| -> Result<QuarterReturn, Box<dyn std::error::Error>> {
            Ok(QuarterReturn {
                district: d.to_string(),
                approved_committed: Money::parse(committed, Unit::Pounds)?,
                spent: Money::parse(spent, Unit::Pounds)?,
                forecast_committed_year_end: Money::parse(forecast, Unit::Pounds)?,
            })
        };
    let returns = vec![
        r("Blaby", "410,000", "330,000", "525,000")?,
        r("Charnwood", "640,000", "520,000", "846,293")?,
        r("Harborough", "210,000", "150,000", "300,000")?,
        r("Hinckley and Bosworth", "330,000", "250,000", "439,674")?,
        r("Melton", "205,000", "160,000", "259,427")?,
        r("North West Leicestershire", "470,000", "360,000", "610,000")?,
    ];
    let report = monitor_passport(&p1, q, &returns)?;
    println!(
        "\nQuarterly DFG monitoring, {} (worked illustration, £)",
        report.quarter
    );
    println!(
        "{:28} {:>12} {:>14} {:>12} {:>16} {:>22}",
        "district", "allocation", "appr/committed", "spent", "forecast demand", "forecast uncommitted"
    );
    for row in report.rows.iter().chain(std::iter::once(&report.total)) {
        println!(
            "{:28} {:>12} {:>14} {:>12} {:>16} {:>22}",
            row.district,
            gbp(row.allocation),
            gbp(row.approved_committed),
            gbp(row.spent),
            gbp(row.forecast_committed),
            gbp(row.forecast_uncommitted)
        );
    }
    println!("\nFindings:");
    for f in &report.findings {
        println!("  - {f}");
    }
    Ok(())
}
