//! A metric's trajectory as an SVG chart: the target as a line, each actual
//! as a point coloured by its RAG rating, in the unit the caller names.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::metrics::svg::{self, coord, xml};
use crate::metrics::{add, div, mul_exact, sub, MetricError, Rag};

/// One period of a chart: its label, its target and its actual (either may
/// be missing) and the actual's rating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartPoint {
    /// The period's label (`Apr 17`, `Q1`).
    pub label: String,
    /// The target, if one is set.
    pub target: Option<Decimal>,
    /// The actual, if known.
    pub actual: Option<Decimal>,
    /// The actual's rating, if rated.
    pub rag: Option<Rag>,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 400;
const LEFT: i64 = 70;
const RIGHT: i64 = 20;
const TOP: i64 = 40;
const BOTTOM: i64 = 60;

/// An SVG chart of `points`: the targets joined as a line, the actuals as
/// points coloured green, amber or red by their rating (grey if not
/// rated), `unit` labelling the y axis (`delayed days per 100,000 adults
/// per day`). Coordinates are exact until rounded to one decimal place for
/// the SVG; text is escaped.
///
/// # Errors
///
/// [`MetricError::Overflow`] if a coordinate is beyond the decimal range,
/// and [`MetricError::DivisionByZero`] if there are no points.
///
/// ```
/// use bcf_model::metrics::Rag;
/// use bcf_model::present::{rag_chart_svg, ChartPoint};
///
/// let point = |label: &str, target: i64, actual: i64, rag| ChartPoint {
///     label: label.into(),
///     target: Some(target.into()),
///     actual: Some(actual.into()),
///     rag: Some(rag),
/// };
/// let svg = rag_chart_svg("Admissions", "per 100,000", &[point("Q1", 10, 9, Rag::Green), point("Q2", 10, 12, Rag::Red)])?;
/// assert!(svg.contains("#2e8b57") && svg.contains("#c0392b"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rag_chart_svg(title: &str, unit: &str, points: &[ChartPoint]) -> Result<String, MetricError> {
    let values = points.iter().flat_map(|p| p.target.into_iter().chain(p.actual));
    let max = values.fold(Decimal::ZERO, Decimal::max);
    let y_max = nice_ceiling(max)?;
    let n = Decimal::from(points.len());
    let plot_w = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_h = Decimal::from(HEIGHT - TOP - BOTTOM);
    let x_of = |i: usize| -> Result<Decimal, MetricError> {
        // the centre of the i-th of n slots: plot_w x (2i + 1) / 2n
        let slots = mul_exact(n, Decimal::TWO)?;
        let odd = add(mul_exact(Decimal::from(i), Decimal::TWO)?, Decimal::ONE)?;
        let at = mul_exact(plot_w, odd)?;
        add(Decimal::from(LEFT), div(at, slots, "number of points")?)
    };
    let y_of = |v: Decimal| -> Result<Decimal, MetricError> {
        let h = div(mul_exact(plot_h, v)?, y_max, "y axis maximum")?;
        sub(Decimal::from(HEIGHT - BOTTOM), h)
    };
    let mut s = String::new();
    svg::open(&mut s, WIDTH, HEIGHT, LEFT, title);
    // Five grid lines, from zero to the top of the axis.
    for k in 0..=5i64 {
        let tick = div(mul_exact(y_max, Decimal::from(k))?, Decimal::from(5), "five")?;
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
    }
    let middle = TOP + (HEIGHT - TOP - BOTTOM) / 2;
    let _ = writeln!(
        s,
        r#"  <text x="14" y="{middle}" transform="rotate(-90 14 {middle})" text-anchor="middle">{}</text>"#,
        xml(unit)
    );
    let mut path = String::new();
    for (i, p) in points.iter().enumerate() {
        let x = coord(x_of(i)?);
        let _ = writeln!(
            s,
            r#"  <text x="{x}" y="{}" text-anchor="middle">{}</text>"#,
            HEIGHT - BOTTOM + 18,
            xml(&p.label)
        );
        if let Some(t) = p.target {
            let _ = write!(
                path,
                "{}{x},{} ",
                if path.is_empty() { "M" } else { "L" },
                coord(y_of(t)?)
            );
        }
    }
    if !path.is_empty() {
        let _ = writeln!(
            s,
            r##"  <path d="{}" fill="none" stroke="#1f5aa6" stroke-width="2"/>"##,
            path.trim_end()
        );
    }
    for (i, p) in points.iter().enumerate() {
        let Some(a) = p.actual else { continue };
        let (x, y) = (coord(x_of(i)?), coord(y_of(a)?));
        let _ = writeln!(
            s,
            r##"  <circle cx="{x}" cy="{y}" r="5" fill="{}"><title>{}: {} ({})</title></circle>"##,
            colour(p.rag),
            xml(&p.label),
            a.normalize(),
            p.rag.map_or("not rated", Rag::letter)
        );
    }
    let ly = HEIGHT - 16;
    let _ = writeln!(
        s,
        r##"  <line x1="{LEFT}" y1="{ly}" x2="{}" y2="{ly}" stroke="#1f5aa6" stroke-width="2"/>"##,
        LEFT + 24
    );
    let _ = writeln!(
        s,
        r#"  <text x="{}" y="{ly}" dominant-baseline="middle">target</text>"#,
        LEFT + 30
    );
    for (rag, word, offset) in [
        (Rag::Green, "green", 100),
        (Rag::Amber, "amber", 170),
        (Rag::Red, "red", 240),
    ] {
        let x = LEFT + offset;
        let _ = writeln!(
            s,
            r##"  <circle cx="{x}" cy="{ly}" r="5" fill="{}"/>"##,
            colour(Some(rag))
        );
        let _ = writeln!(
            s,
            r#"  <text x="{}" y="{ly}" dominant-baseline="middle">{word}</text>"#,
            x + 10
        );
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// The fill of a point rated `rag`.
fn colour(rag: Option<Rag>) -> &'static str {
    match rag {
        Some(Rag::Green) => "#2e8b57",
        Some(Rag::Amber) => "#e69f00",
        Some(Rag::Red) => "#c0392b",
        None => "#999999",
    }
}

/// The top of the y axis: the smallest of 1, 2 or 5 times a power of ten,
/// times 5 grid steps, at or above `max` (at least 5).
fn nice_ceiling(max: Decimal) -> Result<Decimal, MetricError> {
    let mut step = Decimal::ONE;
    loop {
        for m in [1i64, 2, 5] {
            let top = mul_exact(step, Decimal::from(5 * m))?;
            if top >= max {
                return Ok(top);
            }
        }
        step = mul_exact(step, Decimal::TEN)?;
    }
}
