//! Performance dashboards as councils publish them: a row a measure, with
//! its aim (higher, lower, or a target band), the RAG printed, the target,
//! this year's and last year's performance, the quartile and any data
//! status ("due June 2022", "for information only") printed in place of a
//! figure; and a RAG policy, as data, that re-derives each rating and says
//! why.
//!
//! ```
//! use bcf_model::metrics::dashboard::{Aim, DashboardFigure, DashboardRagPolicy};
//! use bcf_model::metrics::Rag;
//!
//! // Amber within 1 percentage point of a percentage, or 5% of any other figure
//! let policy = DashboardRagPolicy {
//!     amber_points: "1".parse()?,
//!     amber_fraction: "0.05".parse()?,
//!     source: "an example".into(),
//! };
//! let target: DashboardFigure = "86%".parse()?;
//! let amber = policy.assess(Aim::Higher, &target, &"85.0%".parse()?)?.ok_or("not rated")?;
//! assert_eq!(amber.rag, Rag::Amber); // a point short
//! let band = policy.assess(Aim::Band, &"55-60%".parse()?, &"56.4%".parse()?)?.ok_or("not rated")?;
//! assert_eq!(band.rag, Rag::Green);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{div, mul_exact, sub, MetricError, Rag};

/// What a measure aims for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Aim {
    /// Higher is better (`H`).
    Higher,
    /// Lower is better (`L`).
    Lower,
    /// Within a target band (`Target Band Width`, e.g. `55-60%`).
    Band,
    /// No aim: the measure is for information (`N/A` or blank).
    None,
}

impl FromStr for Aim {
    type Err = String;

    fn from_str(s: &str) -> Result<Aim, String> {
        match s.trim() {
            "H" => Ok(Aim::Higher),
            "L" => Ok(Aim::Lower),
            "Target Band Width" => Ok(Aim::Band),
            "" | "N/A" => Ok(Aim::None),
            other => Err(format!(
                "{:?} is not an aim (expected H, L, Target Band Width or N/A)",
                crate::text::shown(&other)
            )),
        }
    }
}

/// A figure as a dashboard prints it: a number, perhaps a percentage,
/// perhaps in thousands (`146.1k`) or millions (`1.5m`), perhaps a band
/// (`55-60%`) or a bound (`<538`), perhaps with a count beside it
/// (`<538 (780 Adm's)`) or words after it (`40.4k Q1 19/20`). The text is
/// kept as printed; `N/A` and `TBC` are figures without a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFigure {
    /// The text as printed.
    pub text: String,
    /// The value, scaled (`146.1k` is 146,100), exact; the lower end of a
    /// band; `None` for `N/A`, `TBC` or words.
    pub value: Option<Decimal>,
    /// The upper end of a band.
    pub upper: Option<Decimal>,
    /// Whether it is a percentage.
    pub percent: bool,
    /// `<` or `>` printed before it (a target that must be beaten, not
    /// met).
    pub bound: Option<char>,
    /// A count printed beside it in brackets (`780` in `<538 (780 Adm's)`).
    pub count: Option<Decimal>,
    /// The decimal places the value was printed to (before scaling).
    pub decimals: u32,
    /// For a figure of part of the year (`40.4k Q1 19/20`), the quarters it
    /// covers; `None` for a whole year.
    pub quarters: Option<u8>,
}

impl FromStr for DashboardFigure {
    type Err = String;

    /// Reads a printed figure; text that does not start with a number is a
    /// figure without a value (never an error: dashboards print words in
    /// figure cells).
    fn from_str(s: &str) -> Result<DashboardFigure, String> {
        let text = s.trim().to_string();
        let mut rest = text.as_str();
        let bound = rest.chars().next().filter(|c| *c == '<' || *c == '>');
        if let Some(b) = bound {
            rest = rest
                .get(b.len_utf8()..)
                .expect("the bound is the text's first character")
                .trim_start();
        }
        let (value, decimals, after) = number(rest);
        let mut figure = DashboardFigure {
            text: text.clone(),
            value: None,
            upper: None,
            percent: false,
            bound,
            count: None,
            decimals: 0,
            quarters: None,
        };
        let Some(mut value) = value else {
            return Ok(figure);
        };
        let mut after = after;
        // A band: `55-60%`.
        if let Some(upper_text) = after.strip_prefix('-') {
            let (upper, _, tail) = number(upper_text);
            if let Some(u) = upper {
                figure.upper = Some(u);
                after = tail;
            }
        }
        let scale = |after: &str| -> (Decimal, usize) {
            match after.chars().next() {
                Some('k') => (Decimal::from(1_000), 1),
                Some('m') if !after.starts_with("mth") => (Decimal::from(1_000_000), 1),
                _ => (Decimal::ONE, 0),
            }
        };
        let (factor, skip) = scale(after);
        value = value
            .checked_mul(factor)
            .ok_or_else(|| format!("{text:?} is too large"))?;
        after = after.get(skip..).expect("`k` and `m` are one byte");
        if let Some(p) = after.strip_prefix('%') {
            figure.percent = true;
            after = p;
        }
        if let Some(inner) = after.trim_start().strip_prefix('(') {
            let (count, _, _) = number(inner.trim_start());
            figure.count = count;
        }
        figure.quarters = [(" Q1", 1), (" Q2", 2), (" Q3", 3)]
            .into_iter()
            .find(|(q, _)| after.contains(q))
            .map(|(_, n)| n);
        figure.value = Some(value);
        figure.decimals = decimals;
        Ok(figure)
    }
}

/// The leading number of `s` (digits, commas between groups, a point), its
/// decimal places, and the text after it.
fn number(s: &str) -> (Option<Decimal>, u32, &str) {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(s.len(), |(i, _)| i);
    let (head, rest) = s.split_at(end); // `end` is a character boundary, from char_indices
    match crate::money::parse_decimal(head) {
        Ok(d) if head.chars().any(|c| c.is_ascii_digit()) => (Some(d), d.scale(), rest),
        _ => (None, 0, s),
    }
}

impl fmt::Display for DashboardFigure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::escape(&self.text))
    }
}

/// How wide Amber is, as a dashboard policy: data, with where it came
/// from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardRagPolicy {
    /// For a percentage: Amber up to this many percentage points worse than
    /// the target (or outside the band); Red beyond.
    pub amber_points: Decimal,
    /// For any other figure: Amber up to this fraction of the target worse
    /// than it (`0.05` is 5%); Red beyond.
    pub amber_fraction: Decimal,
    /// Where the tolerances come from.
    pub source: String,
}

/// A rating re-derived by a [`DashboardRagPolicy`], with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedRag {
    /// The rating.
    pub rag: Rag,
    /// Why, in words: the figures compared and the tolerance used.
    pub because: String,
}

impl DashboardRagPolicy {
    /// The rating of `performance` against `target` for a measure aiming
    /// for `aim`, or `None` when there is nothing to rate (no aim, or a
    /// figure without a value). A target printed with `<` or `>` must be
    /// beaten; otherwise met. A band target printed as one number is a band
    /// from that number to itself.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if a difference or the tolerance is beyond
    /// the decimal range.
    pub fn assess(
        &self,
        aim: Aim,
        target: &DashboardFigure,
        performance: &DashboardFigure,
    ) -> Result<Option<DerivedRag>, MetricError> {
        let (Some(t), Some(p)) = (target.value, performance.value) else {
            return Ok(None);
        };
        // A count for part of the year against a whole year's target: the
        // target pro rata (a quarter a quarter), as "on track to meet" reads.
        let printed = t;
        let t = match (
            performance.quarters,
            target.quarters,
            target.percent || performance.percent,
        ) {
            (Some(q), None, false) => div(mul_exact(t, Decimal::from(q))?, Decimal::from(4), "four quarters")?,
            _ => t,
        };
        // How far worse than the target the performance is (zero or less:
        // met), and the Amber tolerance in the same unit.
        let (short, met) = match aim {
            Aim::Higher => (sub(t, p)?, if target.bound == Some('>') { p > t } else { p >= t }),
            Aim::Lower => (sub(p, t)?, if target.bound == Some('<') { p < t } else { p <= t }),
            Aim::Band => {
                let upper = target.upper.unwrap_or(t);
                let outside = if p < t {
                    sub(t, p)?
                } else if p > upper {
                    sub(p, upper)?
                } else {
                    Decimal::ZERO
                };
                (outside, outside.is_zero())
            }
            Aim::None => return Ok(None),
        };
        let tolerance = if target.percent || performance.percent {
            self.amber_points
        } else {
            mul_exact(t, self.amber_fraction)?.abs()
        };
        let unit = if target.percent { " points" } else { "" };
        let target = match (performance.quarters, target.quarters) {
            (Some(q), None) if t != printed => format!("{target} pro rata ({q} of 4 quarters: {t})"),
            _ => target.to_string(),
        };
        let (rag, because) = if met {
            (Rag::Green, format!("{performance} meets {target}"))
        } else if short <= tolerance {
            (
                Rag::Amber,
                format!("{performance} misses {target} by {short}{unit}, within {tolerance}{unit}"),
            )
        } else {
            (
                Rag::Red,
                format!("{performance} misses {target} by {short}{unit}, beyond {tolerance}{unit}"),
            )
        };
        Ok(Some(DerivedRag { rag, because }))
    }
}

/// One row of a dashboard, as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardRow {
    /// The line of the file it was read from.
    pub line: u64,
    /// The line of the published document the row was transcribed from,
    /// where known.
    pub document_line: Option<u64>,
    /// The dashboard section it is under.
    pub section: String,
    /// The measure's type label (`Local`, `ASCOF 2A pt 2`, `*BCF*`...).
    pub measure_type: String,
    /// The measure as described.
    pub measure: String,
    /// Its aim.
    pub aim: Aim,
    /// The RAG printed, if any (`N/A` and blank are none).
    pub printed_rag: Option<Rag>,
    /// The target.
    pub target: DashboardFigure,
    /// This period's performance.
    pub performance: DashboardFigure,
    /// Last year's performance.
    pub last_year: DashboardFigure,
    /// The quartile against comparators, as printed.
    pub quartile: String,
    /// What is printed in place of a figure (`performance: Due June 2022`),
    /// or blank.
    pub status: String,
}

impl DashboardRow {
    /// The quartile printed: `None` for a blank or `N/A`.
    ///
    /// # Errors
    ///
    /// [`ParseQuartileError`](super::ParseQuartileError) for other text.
    pub fn printed_quartile(&self) -> Result<Option<super::Quartile>, super::ParseQuartileError> {
        let q = self.quartile.trim();
        if q.is_empty() || q.eq_ignore_ascii_case("n/a") {
            return Ok(None);
        }
        q.parse().map(Some)
    }

    /// Whether the row is rated: it prints a RAG.
    #[must_use]
    pub fn is_rated(&self) -> bool {
        self.printed_rag.is_some()
    }

    /// The direction of travel against last year: `Some(true)` if better,
    /// `Some(false)` if worse, `None` if either figure has no value, they
    /// are equal, or the measure has no direction.
    #[must_use]
    pub fn improved(&self) -> Option<bool> {
        let (now, before) = (self.performance.value?, self.last_year.value?);
        match self.aim {
            _ if now == before => None,
            Aim::Higher => Some(now > before),
            Aim::Lower => Some(now < before),
            Aim::Band | Aim::None => None,
        }
    }
}

/// How many rated rows, and how many of them Green, as a report counts
/// them ("of the 23 metrics RAG-rated, 18 (78%) Green").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GreenCount {
    /// Rows with a printed RAG.
    pub rated: usize,
    /// Of those, Green.
    pub green: usize,
}

impl GreenCount {
    /// The count over `rows`, from their printed ratings.
    #[must_use]
    pub fn of(rows: &[DashboardRow]) -> GreenCount {
        GreenCount {
            rated: rows.iter().filter(|r| r.is_rated()).count(),
            green: rows.iter().filter(|r| r.printed_rag == Some(Rag::Green)).count(),
        }
    }

    /// The Green share in whole percent, rounded half away from zero, as
    /// reports print it; `None` when nothing is rated.
    #[must_use]
    pub fn percent(&self) -> Option<Decimal> {
        if self.rated == 0 {
            return None;
        }
        // A count of rows times 100 over a count of rows: in range.
        let share = Decimal::from(self.green) * Decimal::from(100) / Decimal::from(self.rated);
        Some(share.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    }
}
