//! Prints Leicestershire's 2021/22 year-end adult social care dashboard
//! with each printed RAG beside the one the dashboard policy re-derives (and
//! why), the data status where a figure is not yet due, the direction of
//! travel, and the Green count; then writes `dtoc_rag.svg`, the 2017/18 DTOC
//! trajectory (a BCF metric) with its actual coloured by RAG.
//!
//! Run with `cargo run --example performance_dashboard`.

use bcf_model::data::leicestershire;
use bcf_model::metrics::dashboard::{Aim, GreenCount};
use bcf_model::metrics::Period;
use bcf_model::present::{rag_chart_svg, ChartPoint};
use bcf_model::text::escape;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = leicestershire::dashboard_2021_22()?;
    let policy = bcf_model::data::leicestershire::dashboard_rag_policy();
    println!(
        "Adult social care dashboard, 2021/22 year end (policy: {})",
        escape(&policy.source)
    );
    println!(
        "{:<62} {:>5} {:>10} {:>12} {:>7} {:>7}  travel  why / status",
        "measure", "aim", "target", "performance", "printed", "derived"
    );
    for r in &rows {
        let derived = policy.assess(r.aim, &r.target, &r.performance)?;
        let travel = match r.improved() {
            Some(true) => "better",
            Some(false) => "worse",
            None => "-",
        };
        let aim = match r.aim {
            Aim::Higher => "H",
            Aim::Lower => "L",
            Aim::Band => "band",
            _ => "-",
        };
        let measure: String = r.measure.chars().take(62).collect();
        let printed = r.printed_rag.map_or("-", |g| g.letter());
        let (letter, why) = match &derived {
            Some(d) => (d.rag.letter(), d.because.clone()),
            None => ("-", r.status.clone()),
        };
        let flag = if r.is_rated() && derived.as_ref().map(|d| d.rag) != r.printed_rag {
            "  <- differs"
        } else {
            ""
        };
        println!(
            "{:<62} {:>5} {:>10} {:>12} {:>7} {:>7}  {:<6}  {}{flag}",
            escape(&measure),
            aim,
            r.target.to_string(),
            r.performance.to_string(),
            printed,
            letter,
            travel,
            escape(&why)
        );
    }
    let count = GreenCount::of(&rows);
    let percent = count.percent().map_or_else(|| "-".to_string(), |p| format!("{p}%"));
    println!(
        "\nOf the {} measures RAG-rated, {} ({percent}) are Green.",
        count.rated, count.green
    );

    // The 2017/18 DTOC trajectory with the June 2017 actual, rated as a
    // "lower is better" measure by the same policy.
    let targets = leicestershire::dtoc_trajectory_2017_18()?;
    let actuals = leicestershire::dtoc_actuals()?;
    let mut points = Vec::new();
    for (month, target) in targets.iter() {
        let actual = actuals.iter().find_map(|a| match a.period {
            Period::Month(m) if m == month => Some(a.rate.value),
            _ => None,
        });
        let rag = match actual {
            Some(a) => policy
                .assess(
                    Aim::Lower,
                    &target.per_100k().to_string().parse()?,
                    &a.to_string().parse()?,
                )?
                .map(|d| d.rag),
            None => None,
        };
        points.push(ChartPoint {
            label: month.label(),
            target: Some(target.per_100k()),
            actual,
            rag,
        });
    }
    let svg = rag_chart_svg(
        "Delayed transfers of care, Leicestershire 2017/18",
        "delayed days per 100,000 adults (18+) per month",
        &points,
    )?;
    std::fs::write("dtoc_rag.svg", svg)?;
    println!("wrote dtoc_rag.svg ({} months, actuals coloured by RAG)", points.len());
    Ok(())
}
