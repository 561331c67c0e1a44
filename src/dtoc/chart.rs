//! A trajectory and actuals drawn as an SVG line chart for a board paper
//! ([`chart_svg`]).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::calendar::Month;
use crate::metrics::svg::{self, coord};
use crate::metrics::{add, div, mul, sub};
use crate::metrics::{MetricError, Rate};
use crate::money::{Precision, Render};

use super::{days_overflow, Trajectory};

/// A line chart of `targets` with `actuals` as points, by month, as a
/// standalone SVG document (written as text; no floating point). The y axis
/// runs from zero to a round number above the largest value.
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
    const WIDTH: i64 = 720;
    const HEIGHT: i64 = 400;
    const LEFT: i64 = 60;
    const RIGHT: i64 = 20;
    const TOP: i64 = 40;
    const BOTTOM: i64 = 50;
    let months: Vec<Month> = targets.iter().map(|(m, _)| m).collect();
    let n = Decimal::from(months.len());
    let max_value = targets
        .iter()
        .map(|(_, r)| r.per_100k())
        .chain(actuals.iter().map(|(_, r)| r.per_100k()))
        .fold(Decimal::ZERO, Decimal::max);
    // y axis top: the next multiple of 50 above the largest value (at least
    // 50), in whole numbers: floor(max / 50) = floor(floor(max) / 50) for max >= 0.
    let fifty = Decimal::from(50);
    let whole_max = max_value.floor().mantissa();
    let y_max = whole_max
        .div_euclid(50)
        .checked_add(1)
        .and_then(|n| n.checked_mul(50))
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
    // horizontal grid lines and y labels every 50
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
        match tick.checked_add(fifty) {
            Some(t) => tick = t,
            None => break,
        }
    }
    let _ = writeln!(
        s,
        r#"  <text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">delayed days per 100,000 adults 18+ per month</text>"#,
        TOP + (HEIGHT - TOP - BOTTOM) / 2,
        TOP + (HEIGHT - TOP - BOTTOM) / 2
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
    for (i, (_, r)) in targets.iter().enumerate() {
        let _ = write!(
            path,
            "{}{},{} ",
            if i == 0 { "M" } else { "L" },
            coord(x_of(i)?),
            coord(y_of(r.per_100k())?)
        );
    }
    let _ = writeln!(
        s,
        r##"  <path d="{}" fill="none" stroke="#1f5aa6" stroke-width="2"/>"##,
        path.trim_end()
    );
    // actual points (only those in the trajectory's months)
    for (m, r) in actuals {
        if let Some(i) = months.iter().position(|x| x == m) {
            let (x, y) = (coord(x_of(i)?), coord(y_of(r.per_100k())?));
            let _ = writeln!(s, r##"  <circle cx="{x}" cy="{y}" r="5" fill="#c0392b"/>"##);
            let _ = writeln!(
                s,
                r#"  <text x="{x}" y="{}" text-anchor="middle">{}</text>"#,
                coord(sub(y_of(r.per_100k())?, Decimal::from(10))?),
                r.render(Precision::PENCE)
            );
        }
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
    let _ = writeln!(s, r##"  <circle cx="{}" cy="{ly}" r="5" fill="#c0392b"/>"##, LEFT + 100);
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="{}" dominant-baseline="middle">actual</text>"#,
        LEFT + 110,
        ly
    );
    s.push_str("</svg>\n");
    Ok(s)
}
