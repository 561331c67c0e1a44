//! The BCF metrics dashboard: the 2016/17 outturn and 2017/18 in-year
//! tables as published, with the RAG rating the default policy computes
//! beside the printed one, a manual override with its reason, count <-> rate
//! conversions from the populations the published pairs imply, and the
//! forecasts officers use.
//!
//! Run with `cargo run --example metrics_dashboard`.

use bcf_model::data::leicestershire;
use std::collections::BTreeMap;
use std::error::Error;

use bcf_model::metrics::{
    implied_population, target_plus_variance, MetricError, PrintedValue, PublishedMetric, Rag, RagOverride, RagPolicy,
    RagReport, Rate, YearToDate,
};
use bcf_model::money::{Format, Precision, Render};
use rust_decimal::Decimal;

fn short(name: &str) -> String {
    let mut s: String = name.chars().take(44).collect();
    if name.chars().count() > 44 {
        s.push('~');
    }
    s
}

fn print_table(title: &str, rows: &[PublishedMetric], report: &RagReport) -> Result<(), Box<dyn Error>> {
    println!("{title}");
    println!(
        "{:<45} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
        "metric", "target", "actual", "gap", "computed", "override", "printed"
    );
    for (row, r) in rows.iter().zip(&report.rows) {
        let a = &r.assessment;
        let marker = if r.differs_from_printed() { "  <- differs" } else { "" };
        println!(
            "{:<45} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}{marker}",
            short(&row.metric),
            row.target,
            row.actual,
            a.adverse_gap.render(Format::places(row.target.decimals.min(2) as u8)?),
            a.computed,
            a.manual.as_ref().map_or("-".to_string(), |o| o.rating.to_string()),
            row.printed_rag,
        );
    }
    for r in &report.rows {
        if let Some(o) = &r.assessment.manual {
            println!(
                "  override on {:?}: {} because {}",
                short(&r.assessment.metric),
                o.rating,
                o.reason
            );
        }
    }
    println!();
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let policy = RagPolicy::default();
    println!("RAG policy (default): Green when the target is met; Amber up to 5% of the target worse; Red beyond.");
    println!("Published ratings are not consistent with any single threshold, so differences are listed.");
    println!("gap = how far worse than target, in the metric's unit (negative = better).");
    println!();

    let outturn = leicestershire::metrics_outturn_2016_17()?;
    let report = RagReport::from_published(&outturn, &policy, &BTreeMap::new())?;
    print_table("2016/17 outturn (position at March 2017)", &outturn, &report)?;

    let in_year = leicestershire::metrics_in_year_2017_18()?;
    let mut overrides = BTreeMap::new();
    let dtoc = in_year
        .iter()
        .find(|r| r.metric.starts_with("delayed transfers"))
        .ok_or("no DTOC row in the in-year table")?;
    overrides.insert(
        dtoc.metric.clone(),
        RagOverride::new(
            Rag::Red,
            "April-June targets were reset to actual performance; the position is above expected performance",
        )?,
    );
    let report_in_year = RagReport::from_published(&in_year, &policy, &overrides)?;
    print_table("2017/18 in year (September 2017)", &in_year, &report_in_year)?;

    println!("Where the default policy's computed rating differs from the printed one:");
    for r in report.disagreements().chain(report_in_year.disagreements()) {
        let a = &r.assessment;
        let relative = bcf_model::metrics::Percent::of(a.adverse_gap, a.target)?;
        println!(
            "  {}: {} against {} ({} of target worse): computed {}, printed {}{}",
            short(&a.metric),
            a.actual,
            a.target,
            relative.render(Format::places(1)?),
            a.computed,
            r.printed.map_or("-".to_string(), |p| p.to_string()),
            a.manual.as_ref().map_or(String::new(), |o| format!(
                " (overridden to {} with a recorded reason)",
                o.rating
            ))
        );
    }
    println!();

    // Count <-> rate with the population each published pair implies.
    println!("Counts and rates (each published pair implies its own population):");
    let pairs = [
        ("permanent admissions 2017/18 target", 879, "630.6"),
        ("permanent admissions 2017/18 forecast", 812, "582.7"),
        ("permanent admissions 2016/17 target", 827, "606.4"),
        ("permanent admissions 2016/17 outturn", 864, "633.5"),
    ];
    for (what, count, rate) in pairs {
        let printed: PrintedValue = rate.parse()?;
        let pop = implied_population(Decimal::from(count), printed)?;
        let (first, last) = pop.whole_people().ok_or("no whole population fits")?;
        println!(
            "  {what}: {count} = {rate} per 100,000 65+ -> population {}..={}",
            Decimal::from(first).render(Precision::POUNDS),
            Decimal::from(last).render(Precision::POUNDS)
        );
    }
    let target = implied_population(Decimal::from(879), "630.6".parse()?)?;
    let forecast = implied_population(Decimal::from(812), "582.7".parse()?)?;
    if let Err(MetricError::DisjointPopulations { first, second }) = forecast.intersect(&target) {
        println!("  forecast {first} and target {second}:");
        println!("  the 2017/18 target and forecast imply different 65+ populations: their intervals do not overlap");
    }
    let pop = target.point_population()?;
    let count = Rate::new(Decimal::new(6_306, 1)).count(pop)?;
    println!(
        "  630.6 per 100,000 of {} people 65+ = {} admissions, at most {} as printed",
        pop.render(Precision::POUNDS),
        count.render(Precision::PENCE),
        count.render(Precision::POUNDS)
    );
    for t in leicestershire::metric_trajectories_2017_19()? {
        let years: Vec<String> = t
            .years
            .iter()
            .map(|y| match y.count_equivalent {
                Some(c) => format!("{} {} (= {})", y.year, y.target, c.render(Precision::POUNDS)),
                None => format!("{} {}", y.year, y.target),
            })
            .collect();
        println!("  trajectory {}: {}", t.metric, years.join("; "));
    }
    println!();

    // Forecasts.
    println!("Forecasts of non-elective admissions 2017/18 (April-July: 21,104 against a profiled 20,157):");
    let ytd = YearToDate {
        annual_target: Decimal::from(60_582),
        target: Decimal::from(20_157),
        actual: Decimal::from(21_104),
        months_elapsed: 4,
    };
    println!(
        "  straight line:                    {}",
        ytd.straight_line()?.render(Precision::POUNDS)
    );
    println!(
        "  annual target + variance to date: {}",
        ytd.target_plus_variance()?.render(Precision::POUNDS)
    );
    println!(
        "  ratio to profile to date:         {}",
        ytd.ratio_to_profile()?.render(Precision::POUNDS)
    );
    println!("  (the paper's year-end forecast was 63,730: none of these methods reproduces it)");
    println!(
        "  annual target + year-to-date variance, as quoted elsewhere: 70,569 - 601 = {}",
        (target_plus_variance(Decimal::from(70_569), Decimal::from(-601))?).render(Precision::POUNDS)
    );
    Ok(())
}
