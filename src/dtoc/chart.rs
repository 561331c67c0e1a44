//! A trajectory and actuals drawn as an SVG line chart for a board paper
//! ([`chart_svg`]), per month or per day with RAG-coloured points
//! ([`chart_svg_in`]).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::calendar::Month;
use crate::metrics::svg::{self, coord};
use crate::metrics::{add, div, mul, sub};
use crate::metrics::{MetricError, Rag, Rate};
use crate::money::{Precision, Render};

use super::{days_overflow, Trajectory};

/// The colour of an actual that is not rated (and of every actual [`chart_svg`] draws).
const UNRATED: &str = "#c0392b";

/// The colour of a rated actual, as the RAG chart of `present` draws it.
const fn rag_colour(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "#2e8b57",
        Rag::Amber => "#e69f00",
        Rag::Red => "#c0392b",
    }
}

/// The unit a DTOC chart is drawn in: delayed days per 100,000 adults a
/// month (the BCF measure, as the 2017/18 papers print it) or a day (as
/// the 2018/19 papers do). Targets and actuals are always given as monthly
/// [`Rate`]s; the chart converts them ([`Rate::per_day_of`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChartUnit {
    /// Delayed days per 100,000 adults 18+ a month.
    #[default]
    PerMonth,
    /// Delayed days per 100,000 adults 18+ a day: each month's rate over its days.
    PerDay,
}

impl ChartUnit {
    /// The y axis label.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            ChartUnit::PerMonth => "delayed days per 100,000 adults 18+ per month",
            ChartUnit::PerDay => "delayed days per 100,000 adults 18+ per day",
        }
    }

    /// The step between grid lines: 50 a month, 2 a day.
    const fn step(self) -> i128 {
        match self {
            ChartUnit::PerMonth => 50,
            ChartUnit::PerDay => 2,
        }
    }

    /// `rate` (of `month`) in this unit.
    fn value(self, month: Month, rate: Rate) -> Result<Decimal, MetricError> {
        match self {
            ChartUnit::PerMonth => Ok(rate.per_100k()),
            ChartUnit::PerDay => Ok(rate.per_day_of(month)?.per_100k()),
        }
    }
}

/// One month's actual for [`chart_svg_in`]: its rate a month and, if
/// rated, its RAG rating, which colours its point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartActual {
    /// The month.
    pub month: Month,
    /// The actual, delayed days per 100,000 adults 18+ in the month.
    pub rate: Rate,
    /// The actual's rating against its target, if rated.
    pub rag: Option<Rag>,
}

/// A line chart of `targets` with `actuals` as points, by month, as a
/// standalone SVG document (written as text; no floating point), per month
/// ([`chart_svg_in`] with [`ChartUnit::PerMonth`] and unrated actuals, drawn
/// red). The y axis runs from zero to a round number above the largest value.
///
/// # Errors
///
/// [`MetricError::Overflow`] if the y axis maximum or a coordinate is beyond
/// the decimal range (a rate near the limit of the decimal).
///
/// ```
/// use bcf_model::dtoc::{chart_svg};
/// let svg = chart_svg("DTOC 2017/18", &bcf_model::data::leicestershire::dtoc_trajectory_2017_18()?, &[])?;
/// assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chart_svg(title: &str, targets: &Trajectory, actuals: &[(Month, Rate)]) -> Result<String, MetricError> {
    let actuals: Vec<ChartActual> = actuals
        .iter()
        .map(|&(month, rate)| ChartActual { month, rate, rag: None })
        .collect();
    chart_svg_in(title, targets, &actuals, ChartUnit::PerMonth)
}

/// A line chart of `targets` with `actuals` as points in the `unit` the
/// caller chooses, as a standalone SVG document (no floating point). Each
/// point is labelled with its value in that unit to two places (June 2017,
/// 318.39 a month, is 10.61 a day) and coloured by its RAG rating (green,
/// amber, red; red if not rated, as [`chart_svg`] draws every actual). The
/// y axis runs from zero to the next multiple of 50 (a month) or 2 (a day)
/// above the largest value.
///
/// # Errors
///
/// [`MetricError::Overflow`] if a value in `unit`, the y axis maximum or a
/// coordinate is beyond the decimal range.
///
/// ```
/// use bcf_model::dtoc::{chart_svg_in, ChartActual, ChartUnit};
/// use bcf_model::metrics::{Rag, Rate};
///
/// let targets = bcf_model::data::leicestershire::dtoc_trajectory_2017_18()?;
/// let june = ChartActual { month: "2017-06".parse()?, rate: Rate::new("318.39".parse()?), rag: Some(Rag::Red) };
/// let svg = chart_svg_in("DTOC 2017/18 a day", &targets, &[june], ChartUnit::PerDay)?;
/// assert!(svg.contains(">10.61</text>") && svg.contains("per day"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn chart_svg_in(
    title: &str,
    targets: &Trajectory,
    actuals: &[ChartActual],
    unit: ChartUnit,
) -> Result<String, MetricError> {
    const WIDTH: i64 = 720;
    const HEIGHT: i64 = 400;
    const LEFT: i64 = 60;
    const RIGHT: i64 = 20;
    const TOP: i64 = 40;
    const BOTTOM: i64 = 50;
    let months: Vec<Month> = targets.iter().map(|(m, _)| m).collect();
    let n = Decimal::from(months.len());
    let target_values = targets
        .iter()
        .map(|(m, r)| unit.value(m, r))
        .collect::<Result<Vec<Decimal>, MetricError>>()?;
    // the actuals in the trajectory's months, with their index and value in `unit`
    let mut points = Vec::new();
    for a in actuals {
        if let Some(i) = months.iter().position(|x| *x == a.month) {
            points.push((i, a.month, unit.value(a.month, a.rate)?, a.rag));
        }
    }
    let max_value = target_values
        .iter()
        .copied()
        .chain(points.iter().map(|(_, _, v, _)| *v))
        .fold(Decimal::ZERO, Decimal::max);
    // y axis top: the next multiple of the step above the largest value (at
    // least one step), in whole numbers: floor(max / step) =
    // floor(floor(max) / step) for max >= 0.
    let step = unit.step();
    let step_decimal = Decimal::from(step);
    let whole_max = max_value.floor().mantissa();
    let y_max = whole_max
        .div_euclid(step)
        .checked_add(1)
        .and_then(|n| n.checked_mul(step))
        .and_then(|top| Decimal::try_from_i128_with_scale(top, 0).ok())
        .ok_or_else(|| days_overflow("chart y axis maximum"))?;
    let plot_w = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_h = Decimal::from(HEIGHT - TOP - BOTTOM);
    // Coordinates multiply first and divide once; `coord` then rounds them
    // to one decimal place for the SVG (presentation).
    let x_of = |i: usize| -> Result<Decimal, MetricError> {
        // centre of the i-th of n slots: plot_w × (2i + 1) / 2n
        let twice_i_plus_one = add(mul(Decimal::from(i), Decimal::TWO)?, Decimal::ONE)?;
        let offset = div(
            mul(plot_w, twice_i_plus_one)?,
            mul(n, Decimal::TWO)?,
            "number of months",
        )?;
        add(Decimal::from(LEFT), offset)
    };
    let y_of = |v: Decimal| -> Result<Decimal, MetricError> {
        let height = div(mul(plot_h, v)?, y_max, "y axis maximum")?;
        sub(Decimal::from(HEIGHT - BOTTOM), height)
    };
    let mut s = String::new();
    svg::open(&mut s, WIDTH, HEIGHT, LEFT, title);
    // horizontal grid lines and y labels every step
    let mut tick = Decimal::ZERO;
    while tick <= y_max {
        let y = coord(y_of(tick)?);
        let _ = writeln!(
            s,
            r##"  <line x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#dddddd"/>"##,
            WIDTH - RIGHT
        );
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            LEFT - 6,
            tick.normalize()
        );
        match tick.checked_add(step_decimal) {
            Some(t) => tick = t,
            None => break,
        }
    }
    let _ = writeln!(
        s,
        r#"  <text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">{}</text>"#,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        unit.label()
    );
    // x labels
    for (i, m) in months.iter().enumerate() {
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            coord(x_of(i)?),
            HEIGHT - BOTTOM + 18,
            m.label()
        );
    }
    // target line
    let mut path = String::new();
    for (i, v) in target_values.iter().enumerate() {
        let _ = write!(
            path,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            coord(x_of(i)?),
            coord(y_of(*v)?)
        );
    }
    let _ = writeln!(
        s,
        r##"  <path d="{}" fill="none" stroke="#1f5aa6" stroke-width="2"/>"##,
        path.trim_end()
    );
    // actual points (only those in the trajectory's months), by RAG
    for &(i, month, v, rag) in &points {
        let (x, y) = (coord(x_of(i)?), coord(y_of(v)?));
        let label = v.render(Precision::PENCE);
        match rag {
            None => {
                let _ = writeln!(s, r##"  <circle cx="{x}" cy="{y}" r="5" fill="{UNRATED}"/>"##);
            }
            Some(r) => {
                let _ = writeln!(
                    s,
                    r##"  <circle cx="{x}" cy="{y}" r="5" fill="{}"><title>{}: {label} ({})</title></circle>"##,
                    rag_colour(r),
                    month.label(),
                    r.letter()
                );
            }
        }
        let _ = writeln!(
            s,
            r#"  <text x="{x}" y="{}" text-anchor="middle">{label}</text>"#,
            coord(sub(y_of(v)?, Decimal::from(10))?),
        );
    }
    // legend
    let ly = HEIGHT - 14;
    let _ = writeln!(
        s,
        r##"  <line x1="{LEFT}" y1="{ly}" x2="{}" y2="{ly}" stroke="#1f5aa6" stroke-width="2"/>"##,
        LEFT + 24
    );
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="{}" dominant-baseline="middle">target</text>"#,
        LEFT + 30,
        ly
    );
    if points.iter().all(|(_, _, _, rag)| rag.is_none()) {
        let _ = writeln!(
            s,
            r##"  <circle cx="{}" cy="{ly}" r="5" fill="{UNRATED}"/>"##,
            LEFT + 100
        );
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{}" dominant-baseline="middle">actual</text>"#,
            LEFT + 110,
            ly
        );
    } else {
        for (rag, word, offset) in [
            (Rag::Green, "green", 100),
            (Rag::Amber, "amber", 200),
            (Rag::Red, "red", 300),
        ] {
            let _ = writeln!(
                s,
                r##"  <circle cx="{}" cy="{ly}" r="5" fill="{}"/>"##,
                LEFT + offset,
                rag_colour(rag)
            );
            let _ = writeln!(
                s,
                r#"  <text x="{}" y="{ly}" dominant-baseline="middle">actual, {word}</text>"#,
                LEFT + offset + 10
            );
        }
    }
    s.push_str("</svg>\n");
    Ok(s)
}
