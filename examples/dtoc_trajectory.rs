//! The 2017/18 DTOC trajectory for Leicestershire: monthly targets with
//! per-day rates and quarterly averages, the June 2017 actual against its
//! target, 2016/17 Q4 against its target, and charts written to
//! `dtoc_trajectory.svg` (per month) and `dtoc_trajectory_per_day.svg` (per
//! day, June coloured by its RAG) in the current directory.
//!
//! Run with `cargo run --example dtoc_trajectory`.

use bcf_model::data::leicestershire;
use std::error::Error;

use bcf_model::calendar::{Month, QuarterOfYear};
use bcf_model::dtoc::{
    chart_svg, chart_svg_in, per_day, ChartActual, ChartUnit, DtocMonth, ProfileScaling, Trajectory,
};
use bcf_model::metrics::{
    ids, implied_population, AgeBand, Percent, Period, Polarity, Population, PopulationBase, PrintedValue, RagPolicy,
    Rate,
};
use bcf_model::money::{Format, Precision, Render};
use rust_decimal::Decimal;

/// `+28.48` / `-3.10`: a variance with its sign, rounded for presentation.
fn signed(value: Decimal, format: Format) -> String {
    let text = value.render(format);
    if value > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let published = leicestershire::dtoc_targets_2017_18()?;
    let targets = leicestershire::dtoc_trajectory_2017_18()?;

    println!("Leicestershire DTOC targets 2017/18: delayed days per 100,000 adults (18+)");
    println!();
    println!(
        "{:<7} {:>14} {:>10} {:>5} {:>9}",
        "month", "LLR % bed days", "per month", "days", "per day"
    );
    for row in &published {
        let target = Rate::new(row.target.value);
        println!(
            "{:<7} {:>14} {:>10} {:>5} {:>9}",
            row.month.label(),
            row.llr_percent_target
                .map_or("-".to_string(), |p| p.render(Precision::PENCE)),
            target.render(Precision::PENCE),
            row.month.days(),
            per_day(target, row.month)?.render(Precision::PENCE),
        );
    }
    println!();
    println!("Quarterly targets (average of the three monthly rates):");
    for (q, avg) in targets.quarter_averages()? {
        println!("  {q}: {}", avg.render(Precision::PENCE));
    }
    let feb: Month = "2018-02".parse()?;
    let mar: Month = "2018-03".parse()?;
    if let (Some(f), Some(m)) = (targets.target(feb), targets.target(mar)) {
        println!(
            "  (a monthly total flatters short months: Feb-18 {} < Mar-18 {}, yet per day {} > {})",
            f.render(Precision::PENCE),
            m.render(Precision::PENCE),
            per_day(f, feb)?.render(Precision::PENCE),
            per_day(m, mar)?.render(Precision::PENCE)
        );
    }

    // June 2017: 1,739 delayed days = 318.39 per 100,000 adults 18+.
    let actuals = leicestershire::dtoc_actuals()?;
    let june_row = actuals
        .iter()
        .find(|a| matches!(a.period, Period::Month(m) if m.label() == "Jun-17"))
        .ok_or("no June 2017 actual in dtoc_actuals.csv")?;
    let june_days = june_row.delayed_days.ok_or("June 2017 has no delayed days")?;
    let implied = implied_population(june_days.into(), june_row.rate)?;
    let (first, last) = implied.whole_people().ok_or("no whole population fits")?;
    let base = PopulationBase {
        metric: ids::DTOC.to_string(),
        year: "2017/18".parse()?,
        band: AgeBand::Adults18Plus,
        source: "implied by the published June 2017 rate (1,739 days = 318.39)".to_string(),
        vintage: "September 2017 HWB paper".to_string(),
        population: Population::new(implied.point().ok_or("no point estimate")?.round())?,
    };
    let june = DtocMonth::new("2017-06".parse()?, june_days);
    let rate = june.rate(base.population)?;
    let variance = targets.variance(&june, base.population)?;
    let policy = RagPolicy::default();
    let rag = policy.assess(
        ids::DTOC,
        Polarity::LowerIsBetter,
        variance.actual.per_100k(),
        variance.target.per_100k(),
    )?;
    println!();
    println!("June 2017 actual");
    println!(
        "  population {}: {} adults, {}",
        base.band,
        base.population.render(Precision::POUNDS),
        base.source
    );
    println!(
        "  (a rate printed to 2 dp fits any population in {}: {}..={} whole adults)",
        implied.render(Format::places(1)?),
        Decimal::from(first).render(Precision::POUNDS),
        Decimal::from(last).render(Precision::POUNDS)
    );
    println!(
        "  {} delayed days = {} per 100,000 (published {}), {} a day",
        Decimal::from(june.total_days()).render(Precision::POUNDS),
        rate.render(Precision::PENCE),
        june_row.rate,
        june.per_day_rate(base.population)?.render(Precision::PENCE)
    );
    println!(
        "  target {} = {} days; variance {} per 100,000 = {} days; RAG {} (default policy: amber within 5%)",
        variance.target.render(Precision::PENCE),
        variance.target_days.render(Format::places(1)?),
        signed(variance.rate_gap.per_100k(), Precision::PENCE.format()),
        signed(variance.days_gap, Format::places(1)?),
        rag.computed
    );
    println!("  (the paper printed 318.39 against 318.39, R: April-June targets were reset to actual performance)");

    // 2016/17 quarters, Q4 against 312.19.
    println!();
    println!("2016/17 (quarter = average of monthly rates)");
    let q4_target = PrintedValue::new(Decimal::new(31_219, 2), 2);
    for a in &actuals {
        if let Period::Quarter(q) = a.period {
            let line = format!("  {q}: {}", a.rate);
            if q.of_year == QuarterOfYear::Q4 {
                let q4 = policy.assess(ids::DTOC, Polarity::LowerIsBetter, a.rate.value, q4_target.value)?;
                println!(
                    "{line} against a target of {q4_target}: {} ({} of target) -> {} (printed R)",
                    signed(q4.adverse_gap, Precision::PENCE.format()),
                    Percent::of(q4.adverse_gap, q4_target.value)?.render(Format::places(1)?),
                    q4.computed
                );
            } else {
                println!("{line}");
            }
        }
    }

    // The LLR % of bed days profile, scaled per day to end at the March target.
    let profile = leicestershire::llr_profile_2017_18()?;
    let end = targets.target(mar).ok_or("no March target")?;
    let built = Trajectory::from_profile(&profile, end, ProfileScaling::PerDay)?;
    println!();
    println!(
        "Targets rebuilt from the LLR profile (per-day scaling, ending at Mar-18 {}) against the published ones:",
        end.render(Precision::PENCE)
    );
    for (m, r) in built.iter() {
        let published = targets
            .target(m)
            .map_or("-".to_string(), |t| t.render(Precision::PENCE));
        println!(
            "  {}: {:>7} (published {:>7})",
            m.label(),
            r.render(Precision::PENCE),
            published
        );
    }
    println!("  (April-June were reset to actual performance, so May and June differ most)");

    let svg = chart_svg(
        "Leicestershire delayed transfers of care 2017/18: target and actual",
        &targets,
        &[(june.month(), rate)],
    )?;
    std::fs::write("dtoc_trajectory.svg", svg)?;
    // The same chart per day (the 2018/19 papers' unit), June coloured by its RAG.
    let june_rated = ChartActual {
        month: june.month(),
        rate,
        rag: Some(rag.computed),
    };
    let svg_per_day = chart_svg_in(
        "Leicestershire delayed transfers of care 2017/18, per day: target and actual",
        &targets,
        &[june_rated],
        ChartUnit::PerDay,
    )?;
    std::fs::write("dtoc_trajectory_per_day.svg", svg_per_day)?;
    println!();
    println!(
        "wrote dtoc_trajectory.svg and dtoc_trajectory_per_day.svg (June coloured {})",
        rag.computed
    );
    Ok(())
}
