//! Delayed transfers of care (DTOC): delayed days by attribution, the BCF
//! rate per 100,000 adults (18+) per month and its per-day form, % of
//! occupied bed days, monthly trajectories (from a profile or a straight
//! line), quarterly averages, variance to target in days and in rate, and a
//! chart for a board paper.
//!
//! The BCF measure is `delayed days in month / population 18+ × 100,000`: a
//! monthly total, so short months look better (Feb-18 target 215.31 is below
//! Mar-18 223.03). The per-day form divides by the days in the month. A
//! quarter is the average of its three monthly rates.
//!
//! ```
//! use bcf_model::dtoc::{per_day, DtocMonth};
//! use bcf_model::metrics::Population;
//! use bcf_model::money::{Precision, Render};
//!
//! let june = DtocMonth::new("2017-06".parse()?, 1_739);
//! let adults = Population::new(546_185)?;
//! let rate = june.rate(adults)?;
//! assert_eq!(rate.render(Precision::PENCE), "318.39");
//! assert_eq!(per_day(rate, june.month())?.render(Precision::PENCE), "10.61");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::calendar::Month;
use crate::metrics::{DailyRate, MetricError, Rate};

mod actuals;
mod attribution;
mod chart;
mod trajectory;

pub use actuals::{DtocMonth, DtocVariance, PublishedDtocActual};
pub use attribution::{AttributedBounds, AttributedDailyRate, AttributedRate, Attribution, DelayedDays, PartBounds};
pub use chart::{chart_svg, chart_svg_in, ChartActual, ChartUnit};
pub use trajectory::{ProfileScaling, PublishedDtocTarget, Trajectory};

fn days_overflow(what: &str) -> MetricError {
    MetricError::Overflow {
        op: "days",
        left: what.to_string(),
        right: String::new(),
    }
}

/// The per-day form of a monthly rate: `rate / days in month` (as
/// [`Rate::per_day_of`]).
///
/// # Errors
///
/// [`MetricError::Overflow`] from [`Rate::checked_div`] if the quotient is
/// beyond the decimal range (a month's 28 to 31 days cannot cause it in
/// practice).
pub fn per_day(monthly: Rate, month: Month) -> Result<DailyRate, MetricError> {
    monthly.per_day_of(month)
}

/// The monthly rate from a per-day rate: `daily × days in month` (as
/// [`DailyRate::over_month`]; exact, 7.88 a day is 244.28 in a 31-day month).
///
/// # Errors
///
/// [`MetricError::Overflow`] if the product is beyond the decimal range.
///
/// ```
/// use bcf_model::dtoc::monthly_from_per_day;
/// use bcf_model::metrics::{DailyRate, Rate};
/// use rust_decimal::Decimal;
/// let m = monthly_from_per_day(DailyRate::new(Decimal::new(788, 2)), "2018-05".parse()?)?;
/// assert_eq!(m, Rate::new(Decimal::new(24_428, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn monthly_from_per_day(daily: DailyRate, month: Month) -> Result<Rate, MetricError> {
    daily.over_month(month)
}
