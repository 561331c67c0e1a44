//! Regenerates the Leicestershire 2017-19 BCF expenditure plan from its lines,
//! sets each regenerated total beside the printed one, shows each
//! contributor's balance, and checks every printed footing.
//!
//! Run with `cargo run --release --example expenditure_plan`.
//! The last two lines are the verdict: `rounding differences: N` and `errors: N`.

use bcf_model::data::leicestershire;
use std::process::ExitCode;

use bcf_model::calendar::FinancialYear;
use bcf_model::io::published::PublishedPlan;
use bcf_model::money::Render;
use bcf_model::money::{Money, Precision, Rounding};
use bcf_model::plan::ContributorIx;
use bcf_model::present::{present, present_table, Breakdown, PresentedValue, Table};
use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule, PublishedTable, RowKind};
use bcf_model::reconcile::{reconcile, Agreement, ReconcileError, Reconciliation};

fn k(m: Money) -> String {
    m.render(Precision::THOUSANDS_1DP.format())
}

/// The printed figure of the row matching `pick` in the column of
/// `contributor` (or the total column) and `year`.
fn printed(
    table: &PublishedTable,
    pick: impl Fn(&bcf_model::published::PublishedRow) -> bool,
    contributor: Option<&str>,
    year: FinancialYear,
) -> Option<Money> {
    let row = table.rows.iter().position(pick)?;
    let column = table.column_index(contributor, year)?;
    table
        .figure(bcf_model::published::Cell { row, column })
        .map(|f| f.value)
}

/// A regenerated figure, with the printed one beside it where they differ.
fn cell(regenerated: Money, printed: Option<Money>) -> String {
    match printed {
        Some(p) if p != regenerated => format!("{:>10} [printed {:>9}]", k(regenerated), k(p)),
        _ => format!("{:>10} {:19}", k(regenerated), ""),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let PublishedPlan { table, plan } = leicestershire::expenditure_plan()?;
    let rec: Reconciliation = reconcile(&plan)?;
    let totals = &rec.totals;
    let contributors: Vec<(ContributorIx, String, String)> = plan
        .contributors_indexed()
        .map(|(ix, c)| (ix, c.id.clone(), c.name.clone()))
        .collect();

    println!("Leicestershire Better Care Fund expenditure plan 2017-19, regenerated from its lines");
    println!("source: {} (embedded), figures in £'000", table.source);
    println!(
        "{} scheme lines in {} programmes, {} contingency lines, {} funding rows; contributors: {}",
        plan.lines().len(),
        plan.programmes().len(),
        plan.contingency().len(),
        table.rows.iter().filter(|r| r.kind == RowKind::Funding).count(),
        contributors
            .iter()
            .map(|(_, id, name)| format!("{name} ({id})"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    for &year in plan.years() {
        println!();
        print!("{year:<46}");
        for (_, id, _) in &contributors {
            print!("{id:>10} {:20}", "");
        }
        println!("{:>10}", "total");
        for (p, programme) in plan.programmes_indexed() {
            let is_total_row = |r: &bcf_model::published::PublishedRow| {
                r.section == programme.id && r.kind == RowKind::Total && r.subgroup.is_none()
            };
            let label = format!("{} {}", programme.id, programme.name);
            print!("{:<46}", truncate(&label, 45));
            for (c, id, _) in &contributors {
                let m = totals.programme_contributor(p, *c, year)?;
                print!("{}", cell(m, printed(&table, is_total_row, Some(id), year)));
            }
            let m = totals.programme(p, year)?;
            println!("{}", cell(m, printed(&table, is_total_row, None, year)));
        }
        type Getter<'a> = Box<dyn Fn(ContributorIx) -> Result<Money, ReconcileError> + 'a>;
        let rows: [(&str, Getter, Money); 4] = [
            (
                "TOTAL BCF SPEND",
                Box::new(|c| totals.contributor_spend(c, year)),
                totals.year_spend(year)?,
            ),
            (
                "TOTAL CONTINGENCY",
                Box::new(|c| totals.contributor_contingency(c, year)),
                totals.year_contingency(year)?,
            ),
            (
                "TOTAL EXPENDITURE",
                Box::new(|c| totals.contributor_expenditure(c, year)),
                totals.year_expenditure(year)?,
            ),
            (
                "Total Allocation",
                Box::new(|c| totals.contributor_allocation(c, year)),
                totals.year_allocation(year)?,
            ),
        ];
        for (name, per_contributor, total) in rows {
            let named = |r: &bcf_model::published::PublishedRow| r.name.eq_ignore_ascii_case(name);
            print!("{name:<46}");
            for (c, id, _) in &contributors {
                let m = per_contributor(*c)?;
                print!("{}", cell(m, printed(&table, named, Some(id), year)));
            }
            println!("{}", cell(total, printed(&table, named, None, year)));
        }
    }

    println!();
    println!("Headline totals as printed (£'000):");
    for &year in plan.years() {
        let named = |name: &'static str| move |r: &bcf_model::published::PublishedRow| r.name == name;
        let headline = |name: &'static str| {
            printed(&table, named(name), None, year).ok_or(format!("the printed table has no {name} row for {year}"))
        };
        let spend = headline("TOTAL BCF SPEND")?;
        let exp = headline("TOTAL EXPENDITURE")?;
        let alloc = headline("Total Allocation")?;
        println!(
            "  {year}: total BCF spend {}, total expenditure {} = total allocation {}",
            k(spend),
            k(exp),
            k(alloc)
        );
    }

    println!();
    println!("Balance per contributor and year (allocation - expenditure = commitment):");
    for b in &rec.balances {
        let name = plan
            .contributor(b.contributor)
            .map(|c| c.name.as_str())
            .ok_or("a balance of a contributor the plan does not have")?;
        let verdict = match b.agreement {
            Agreement::Exact => "balanced".to_string(),
            other => format!("{other}"),
        };
        println!(
            "  {} {:<36} {:>10} - {:>10} = {:>6}  {}",
            b.year,
            name,
            k(b.allocation),
            k(b.expenditure),
            k(b.commitment),
            verdict
        );
    }
    println!("Income against spend per funding source (or group) and contributor:");
    for f in rec
        .funding
        .iter()
        .filter(|f| !(f.income.is_zero() && f.spend.is_zero()))
    {
        let name = plan
            .contributor(f.contributor)
            .map(|c| c.id.as_str())
            .ok_or("a funding balance of a contributor the plan does not have")?;
        println!(
            "  {} {:<8} {:<18} income {:>10} spend {:>10}  {}",
            f.year,
            name,
            f.funding,
            k(f.income),
            k(f.spend),
            f.agreement
        );
    }
    // Findings in the plan's own unit, £'000 to one decimal.
    for finding in &rec.findings {
        match plan.written_precision() {
            Some(p) => println!("  finding: {}", finding.render(p.format().with_symbol())),
            None => println!("  finding: {finding}"),
        }
    }

    // The same plan presented in whole £'000, as a board summary would be,
    // so that it adds up: the total is rounded normally and shared down by
    // largest remainder.
    for &year in plan.years() {
        let programmes = plan
            .programmes_indexed()
            .map(|(p, prog)| Ok(Breakdown::leaf(prog.name.clone(), totals.programme(p, year)?)))
            .collect::<Result<Vec<_>, ReconcileError>>()?;
        let contingency = plan
            .contingency()
            .iter()
            .map(|l| {
                let held = l.amounts.iter().filter(|a| a.year == year).map(|a| a.amount);
                Money::checked_sum(held).map(|m| Breakdown::leaf(l.name.clone(), m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let top = Breakdown::total(
            "TOTAL EXPENDITURE",
            vec![
                Breakdown::total("TOTAL BCF SPEND", programmes)?,
                Breakdown::total("TOTAL CONTINGENCY", contingency)?,
            ],
        )?;
        let shown = present(&top, Precision::THOUSANDS, Rounding::HalfAwayFromZero)?;
        let whole = Precision::THOUSANDS.format();
        println!();
        println!("{year} in whole £'000, adding up (* = moved from its own rounding to make the total add up):");
        for f in shown.iter() {
            let mark = if f.adjusted { "*" } else { " " };
            println!(
                "  {:<46} {:>8}{mark}  (exact {}, own rounding {})",
                truncate(&f.label, 45),
                f.rounded.render(whole),
                k(f.exact),
                f.ordinary.render(whole)
            );
        }
    }

    // The programme x contributor spend table in whole £'000, rounded so
    // that every row and every column adds up (controlled rounding).
    for &year in plan.years() {
        let mut spend = Table::new(
            format!("{year} spend"),
            plan.contributors().iter().map(|c| c.id.clone()),
        );
        for (p, prog) in plan.programmes_indexed() {
            let cells = plan
                .contributors_indexed()
                .map(|(c, _)| totals.programme_contributor(p, c, year))
                .collect::<Result<Vec<Money>, ReconcileError>>()?;
            spend = spend.row(prog.name.clone(), cells)?;
        }
        let shown = present_table(&spend, Precision::THOUSANDS, Rounding::HalfAwayFromZero)?;
        let whole = Precision::THOUSANDS.format();
        let fmt = |v: &PresentedValue| format!("{:>8}{}", v.rounded.render(whole), if v.adjusted { "*" } else { " " });
        println!();
        println!(
            "{year} spend by programme and contributor in whole £'000, rows and columns adding up ({} moved, *):",
            shown.adjusted()
        );
        let ids: Vec<String> = plan
            .contributors()
            .iter()
            .map(|c| format!("{:>9}", truncate(&c.id, 9)))
            .collect();
        println!("  {:<30} {} {:>9}", "", ids.join(""), "total");
        for ((_, prog), (row, total)) in plan.programmes_indexed().zip(shown.cells.iter().zip(&shown.row_totals)) {
            let cells: String = row.iter().map(fmt).collect();
            println!("  {:<30} {cells} {}", truncate(&prog.name, 30), fmt(total));
        }
        let cols: String = shown.column_totals.iter().map(fmt).collect();
        println!("  {:<30} {cols} {}", "total", fmt(&shown.total));
    }

    let footings = expenditure_plan_footings(&table);
    let check = check_footings(&table, &footings, BoundRule::WorstCase)?;
    println!();
    println!(
        "Printed footings: {} checked in {} money columns (bound: half a printed step per figure taking part)",
        check.results.len(),
        table.columns.len()
    );
    for r in check
        .results
        .iter()
        .filter(|r| r.comparison.agreement != Agreement::Exact)
    {
        println!("  {}: {r}", r.comparison.agreement);
    }
    for p in &check.problems {
        println!("  error: {p}");
    }
    let exact = check
        .results
        .iter()
        .filter(|r| r.comparison.agreement == Agreement::Exact)
        .count();
    println!();
    println!("exact footings: {exact}");
    println!(
        "plan findings: {} ({} errors)",
        rec.findings.len(),
        rec.errors().count()
    );
    println!("rounding differences: {}", check.rounding_differences().count());
    println!("errors: {}", check.error_count() + rec.errors().count());
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
