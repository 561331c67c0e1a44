//! Loads a plan file, reconciles it and prints the report.
//!
//! ```text
//! cargo run --release --example reconcile -- PATH   # a .json or .csv plan file
//! cargo run --release --example reconcile           # the embedded Leicestershire plan
//! ```
//!
//! A CSV not in the tidy layout is read as a published expenditure plan in
//! the layout of the Leicestershire plan (the one layout the crate ships).
//!
//! Exit status: 0 when the plan reconciles with no errors (rounding
//! differences allowed), 1 when reconciliation finds errors, 2 when the file
//! cannot be read or parsed (one line on stderr naming the file, line and
//! column of the first problem).

use std::path::Path;
use std::process::ExitCode;

use bcf_model::data::leicestershire;
use bcf_model::io::{load_plan_with, LoadOptions};
use bcf_model::money::Render;
use bcf_model::plan::Plan;
use bcf_model::reconcile::reconcile;
use bcf_model::text::escape;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let loaded = match args.as_slice() {
        [] => leicestershire::expenditure_plan().map(|p| p.plan),
        [path] => {
            let options = LoadOptions {
                layout: Some(leicestershire::expenditure_plan_layout()),
                ..LoadOptions::default()
            };
            load_plan_with(Path::new(path), &options)
        }
        _ => {
            eprintln!("usage: reconcile [PATH]   (a .json or .csv plan file; none for the embedded plan)");
            return ExitCode::from(2);
        }
    };
    let plan = match loaded {
        Ok(plan) => plan,
        Err(errors) => {
            let more = errors.len().saturating_sub(1);
            match errors.first() {
                Some(first) if more > 0 => eprintln!("error: {first} (and {more} more)"),
                Some(first) => eprintln!("error: {first}"),
                None => eprintln!("error: the plan could not be loaded"),
            }
            return ExitCode::from(2);
        }
    };
    report(&plan)
}

fn report(plan: &Plan) -> ExitCode {
    let rec = match reconcile(plan) {
        Ok(rec) => rec,
        Err(e) => {
            println!("{}: cannot be reconciled: {e}", escape(plan.name()));
            return ExitCode::from(1);
        }
    };
    println!("plan: {}", escape(plan.name()));
    println!(
        "years: {}; {} contributors, {} funding sources, {} programmes, {} scheme lines, {} contingency lines",
        plan.years()
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        plan.contributors().len(),
        plan.sources().len(),
        plan.programmes().len(),
        plan.lines().len(),
        plan.contingency().len()
    );
    println!();
    println!("balances (allocation against expenditure):");
    for b in &rec.balances {
        let Some(who) = plan.contributor(b.contributor) else {
            continue; // (every balance is of one of the plan's contributors)
        };
        println!(
            "  {:<40} {}  allocation {:>18}  expenditure {:>18}  {}",
            escape(&who.name),
            b.year,
            b.allocation.to_string(),
            b.expenditure.to_string(),
            b.agreement
        );
    }
    println!();
    println!("findings:");
    if rec.findings.is_empty() {
        println!("  none");
    }
    // In the plan's own unit (a plan entered in whole pounds prints no pence).
    for f in &rec.findings {
        match plan.written_precision() {
            Some(p) => println!("  {}", f.render(p.format().with_symbol())),
            None => println!("  {f}"),
        }
    }
    let errors = rec.errors().count();
    println!();
    println!("rounding differences: {}", rec.rounding_differences().count());
    println!("errors: {errors}");
    if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
