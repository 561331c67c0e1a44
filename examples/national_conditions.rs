//! Checks the national conditions for 2017/18 and 2018/19 on the embedded
//! Leicestershire 2017-19 BCF plan, printing each verdict with the figures
//! behind it (£'000), then the dated policy parameters used and an iBCF
//! withholding scenario.
//!
//! Run with `cargo run --example national_conditions`.
//!
//! What the published plan does not say is reported as CANNOT TELL rather
//! than guessed: it records no sign-offs and flags no line as "maintains
//! social care". Its out-of-hospital planned spend is the published total
//! (no line is flagged "NHS-commissioned out of hospital"); the ring-fence is
//! computed from the area's share parameter and matches the published figure.
//! The conditions are those the policy calendar has in force each year.

use bcf_model::conditions::{check_all, detect_uplift};
use bcf_model::data;
use bcf_model::data::leicestershire;
use bcf_model::ibcf::{withhold, CutRule, WithheldAmount, Withholding};
use bcf_model::money::Render;
use bcf_model::money::{Money, Precision};
use rust_decimal::Decimal;

fn k(m: Money) -> String {
    m.render(Precision::THOUSANDS_1DP.format())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = leicestershire::expenditure_plan()?.plan;
    let params = data::policy_parameters()?;
    let calendar = data::policy_calendar()?;
    let inputs = leicestershire::condition_inputs()?;

    println!("National conditions: {} (£'000)", plan.name());
    for &year in plan.years() {
        println!("\n=== {year} ===");
        for check in check_all(&plan, &calendar, &inputs, year)? {
            println!("{}", check.render(Precision::THOUSANDS_1DP));
        }
    }

    let (from, to) = ("2017/18".parse()?, "2018/19".parse()?);
    let d = detect_uplift(&plan, from, to)?;
    println!("\n=== NHS minimum uplift applied, {from} -> {to} ===");
    for c in &d.contributors {
        let raw = c
            .growth_percent
            .map_or_else(|| "n/a, from zero".to_string(), |g| format!("{}%", g.round_dp(4)));
        println!(
            "  {:8} {:>9} -> {:>9}  (raw growth {raw})",
            c.contributor,
            k(c.from_amount),
            k(c.to_amount)
        );
    }
    if let Some((lo, hi)) = d.range {
        println!(
            "  uplifts consistent with rounding each to its printed precision: {}% to {}%",
            lo.round_dp(4),
            hi.round_dp(4)
        );
    }
    match d.uplift_percent {
        Some(u) => println!(
            "  uplift applied: {}% (reproduces every CCG exactly, rounded per CCG)",
            u.round_dp(3).trunc_with_scale(3)
        ),
        None => println!("  no single uplift reproduces every CCG"),
    }

    println!("\n=== Out-of-hospital ring-fence as published (£'000) ===");
    for row in leicestershire::out_of_hospital()? {
        println!(
            "  {}: ring-fence {:>6}  planned spend {:>6}  variance {:>6}",
            row.year,
            row.ring_fence.render(Precision::THOUSANDS.format()),
            row.planned_spend.render(Precision::THOUSANDS.format()),
            row.variance.render(Precision::THOUSANDS.format())
        );
    }

    println!("\n=== Policy parameters used ===");
    for r in &params.rules {
        let to = r.to.map(|t| t.to_string()).unwrap_or_else(|| "onward".to_string());
        println!(
            "  {:22} {} to {:7} {:>7}%  {}  [{}]",
            r.parameter.key(),
            r.from,
            to,
            r.value_percent,
            if r.confirmed { "confirmed  " } else { "UNCONFIRMED" },
            r.source
        );
    }

    println!("\n=== Scenario: 10% of the 2018/19 Spring Budget iBCF withheld, cut pro rata ===");
    let w = Withholding::new(
        "ibcf_spring_2017",
        to,
        WithheldAmount::Percent(Decimal::TEN),
        CutRule::ProRata,
    );
    let out = withhold(&plan, &w)?;
    println!(
        "  grant {} -> {}; withheld {} across the lines of group {}",
        out.grant_before,
        out.grant_after,
        out.withheld,
        out.via_group.as_deref().unwrap_or("-")
    );
    let mut biggest: Vec<_> = out.cuts.iter().filter(|c| c.cut.is_positive()).collect();
    biggest.sort_by_key(|c| std::cmp::Reverse(c.cut));
    for c in biggest.iter().take(5) {
        println!(
            "  {:>14} cut from {} ({} -> {})",
            c.cut.to_string(),
            c.name,
            c.before,
            c.after
        );
    }
    println!("  ... {} lines cut in all", biggest.len());
    for b in out.balances() {
        let who = out
            .plan
            .contributor(b.contributor)
            .map(|c| c.id.as_str())
            .ok_or("a balance of a contributor the plan does not have")?;
        println!(
            "  new balance {who}: allocation {} expenditure {} commitment {}",
            b.allocation, b.expenditure, b.commitment
        );
    }
    println!(
        "  reconciles: {}",
        if out.reconciliation.is_balanced() { "yes" } else { "NO" }
    );
    Ok(())
}
