//! BCF metrics: exact [`Rate`]s per 100,000 and [`Percent`]ages, the
//! [`Population`] each metric is measured against, metric definitions as
//! data, targets, year-to-date profiles, forecasts, and Red/Amber/Green
//! ratings as an explicit, configurable [`RagPolicy`].
//!
//! Nothing here uses floating point. Every value is an exact
//! [`rust_decimal::Decimal`], and rounding happens only when presenting
//! (`round`/`format` with the crate's [`Rounding`]).
//!
//! **Division.** Every formula multiplies first and divides once, last
//! (`count × 100,000 / population`, `end target × w(m) / w(last)`), so a
//! result is exact whenever the exact answer fits in the decimal (28 decimal
//! places). A quotient that does not terminate (1,739 × 100,000 / 546,185)
//! is the exact quotient rounded half to even in its last place, the
//! decimal's own rule and the only rounding not asked for by name. Where a
//! verdict depends on a ratio (a relative RAG tolerance) the comparison is
//! made by exact multiplication, without dividing at all.
//!
//! ```
//! use bcf_model::metrics::{implied_population, PrintedValue, Population, Rate};
//! use bcf_model::money::Rounding;
//! use rust_decimal::Decimal;
//!
//! // "The BCF target for 2017/18 is a maximum of 879 admissions" = 630.6 per 100,000 65+.
//! let printed: PrintedValue = "630.6".parse()?;
//! let pop65 = implied_population(Decimal::from(879), printed)?;
//! assert_eq!(pop65.whole_people(), Some((139_381, 139_402)));
//! let rate = Rate::new(printed.value);
//! for people in [139_381, 139_391, 139_402] {
//!     let count = rate.count(Population::new(people)?)?;
//!     assert_eq!(count.round_dp(0), Decimal::from(879));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dashboard;
mod definition;
mod population;
mod published;
mod quartile;
mod rag;
mod rate;
mod schedule;
pub(crate) mod svg;
mod target;
pub mod vintage;

pub use definition::{
    catalogue, ids, later_metrics, national_metrics_2017_19, FormulaKind, MetricDefinition, MetricUnit, PeriodBasis,
    Polarity,
};
pub use population::{
    implied_population, AgeBand, Population, PopulationBase, PopulationBases, PopulationInterval, Ratio,
};
pub use published::{PublishedMetric, PublishedTrajectory, TrajectoryYear};
pub use quartile::{ParseQuartileError, Quartile};
pub use rag::{Rag, RagAssessment, RagOverride, RagPolicy, RagReport, RagRow, RagRule, Tolerance};
pub(crate) use rate::describe_bad_number;
pub use rate::{AnnualRate, BasedRate, DailyRate, Percent, PrintedValue, Rate, RateUnit, PER_100K};
pub use schedule::{
    MetricCalendar, MetricCalendarError, MetricField, MetricSet, MetricSetError, MetricSpec, SetMetric,
};
pub use target::{target_plus_variance, Period, ProfiledTarget, TargetSchedule, YearToDate};

use rust_decimal::{Decimal, RoundingStrategy};

use crate::calendar::{CalendarError, FinancialYear, Month};
use crate::money::{AllocationError, Rounding};

/// Why a metric calculation could not be done. Every variant says which
/// values were involved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// The exact result does not fit in the decimal range.
    #[error("overflow: {left} {op} {right} does not fit in the decimal range")]
    Overflow {
        /// The operation attempted.
        op: &'static str,
        /// The left operand.
        left: String,
        /// The right operand.
        right: String,
    },
    /// A division by zero (a zero population, cohort, month length or profile value).
    #[error("division by zero: {}", crate::text::shown(.what))]
    DivisionByZero {
        /// What was zero.
        what: String,
    },
    /// A population that is zero or negative.
    #[error("population {0} is not positive")]
    NonPositivePopulation(Decimal),
    /// A value that must not be negative.
    #[error("{} must not be negative (got {value})", crate::text::shown(.what))]
    Negative {
        /// What the value is.
        what: String,
        /// The value.
        value: Decimal,
    },
    /// A printed rate so small that half its last digit reaches zero: the
    /// implied population has no upper bound.
    #[error("printed value {0} is too small to bound the population it implies")]
    UnboundedInterval(Decimal),
    /// A revision dated on or before the version it revises.
    #[error("a revision dated {revision} cannot revise a version dated {latest}: revisions come after it")]
    Revision {
        /// The latest version's date.
        latest: chrono::NaiveDate,
        /// The revision's date.
        revision: chrono::NaiveDate,
    },
    /// No version of a figure printed by a date.
    #[error("no version of the figure was printed by {as_of}")]
    MissingVersion {
        /// The date asked for.
        as_of: chrono::NaiveDate,
    },
    /// A series of months with nothing in it.
    #[error("{}: no months given", crate::text::shown(.what))]
    Empty {
        /// What was empty.
        what: String,
    },
    /// Months that are not consecutive (a gap, a repeat or out of order).
    #[error("{}: {month} does not follow {previous}", crate::text::shown(.what))]
    NotConsecutive {
        /// What series.
        what: String,
        /// The month before.
        previous: Month,
        /// The month that does not follow it.
        month: Month,
    },
    /// A month that a calculation needs and that is missing.
    #[error("{}: no value for {month}", crate::text::shown(.what))]
    MissingMonth {
        /// What series.
        what: String,
        /// The missing month.
        month: Month,
    },
    /// A month outside the financial year being profiled.
    #[error("{month} is not in {year}")]
    MonthOutsideYear {
        /// The month.
        month: Month,
        /// The year.
        year: FinancialYear,
    },
    /// No population base was recorded for a metric and year.
    #[error("no population base for metric {metric:?} in {year}")]
    NoPopulation {
        /// The metric id.
        metric: String,
        /// The year.
        year: FinancialYear,
    },
    /// A second population base for the same metric and year.
    #[error("a population base for metric {metric:?} in {year} is already recorded")]
    DuplicatePopulation {
        /// The metric id.
        metric: String,
        /// The year.
        year: FinancialYear,
    },
    /// An improvement that would take a delay attribution below zero.
    #[error("the improvement of {improvement} cannot be shared equally: {part} would fall below zero")]
    ImprovementTooLarge {
        /// The improvement asked for.
        improvement: String,
        /// The attribution that would go negative.
        part: &'static str,
    },
    /// Delayed days whose attributed parts do not add up to the stated total.
    #[error("{month}: the attributed delayed days add up to {parts}, not the total {total}")]
    AttributionMismatch {
        /// The month.
        month: Month,
        /// The stated total.
        total: u64,
        /// The sum of the parts.
        parts: u64,
    },
    /// Attributed parts that cannot add up to their total: the least they
    /// allow adds to more than the total can be, or the most to less.
    #[error("attributed parts between {least} and {most} in all cannot add up to a total between {total_least} and {total_most}")]
    PartsCannotAddUp {
        /// The parts' least, added.
        least: Decimal,
        /// The parts' most, added.
        most: Decimal,
        /// The least the total can be.
        total_least: Decimal,
        /// The most the total can be.
        total_most: Decimal,
    },
    /// A manual RAG override without a reason.
    #[error("a manual RAG override needs a recorded reason")]
    OverrideWithoutReason,
    /// A figure printed to so many decimals that half its last digit is
    /// beyond the decimal range (more than 27).
    #[error("a figure printed to {decimals} decimals is too fine to bound (27 decimals at most)")]
    PrecisionOutOfRange {
        /// The decimals printed.
        decimals: u32,
    },
    /// Printed (count, value) pairs whose populations have none in common:
    /// they cannot all be true of one population.
    #[error("no population is consistent with both {first} and {second}")]
    DisjointPopulations {
        /// The first interval, as `(low, high]`.
        first: String,
        /// The second interval.
        second: String,
    },
    /// An intersection of several printed pairs has no single point estimate.
    #[error("an intersection of population intervals has no point estimate")]
    NoPointEstimate,
    /// A value that is not a count over a population (an age-standardised
    /// rate): no count follows from it, and no population from a printed one.
    #[error("{formula} is not a count over a population: no count or population follows from its value")]
    NotACountOverPopulation {
        /// The formula, in words.
        formula: &'static str,
    },
    /// A metric that cannot be printed per day (only a monthly count per
    /// 100,000, such as delayed days, can).
    #[error("metric {metric:?} is not a monthly count per 100,000, so it has no per-day form")]
    NotPerDay {
        /// The metric id.
        metric: String,
    },
    /// A rate per 100,000 of one age band asked for a count in a
    /// population of another.
    #[error("a rate per 100,000 {rate} cannot be counted in a population {base}")]
    WrongBand {
        /// The band the rate is per 100,000 of.
        rate: AgeBand,
        /// The band of the population offered.
        base: AgeBand,
    },
    /// A calendar failure (month out of range).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// An exact split failed.
    #[error(transparent)]
    Allocation(#[from] AllocationError),
}

pub(crate) fn overflow(op: &'static str, left: impl std::fmt::Display, right: impl std::fmt::Display) -> MetricError {
    MetricError::Overflow {
        op,
        left: left.to_string(),
        right: right.to_string(),
    }
}

/// `a × b`, checked.
pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, MetricError> {
    a.checked_mul(b).ok_or_else(|| overflow("×", a, b))
}

pub(crate) use crate::money::exact_product;

/// `a × b` exactly, or an overflow error if the exact product does not fit.
pub(crate) fn mul_exact(a: Decimal, b: Decimal) -> Result<Decimal, MetricError> {
    exact_product(a, b).ok_or_else(|| overflow("×", a, b))
}

/// `a + b`, checked.
pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, MetricError> {
    a.checked_add(b).ok_or_else(|| overflow("+", a, b))
}

/// `a - b`, checked.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, MetricError> {
    a.checked_sub(b).ok_or_else(|| overflow("-", a, b))
}

/// `a ÷ b`, checked; `what` names the divisor for the error message.
pub(crate) fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, MetricError> {
    if b.is_zero() {
        return Err(MetricError::DivisionByZero { what: what.to_string() });
    }
    a.checked_div(b).ok_or_else(|| overflow("÷", a, b))
}

/// The rust_decimal strategy for the crate's [`Rounding`].
fn strategy(rounding: Rounding) -> RoundingStrategy {
    match rounding {
        Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        Rounding::TowardZero => RoundingStrategy::ToZero,
        Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
    }
}

/// `value` rounded to `decimals` places with `rounding` (presentation only).
pub(crate) fn round_decimal(value: Decimal, decimals: u32, rounding: Rounding) -> Decimal {
    value.round_dp_with_strategy(decimals, strategy(rounding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presentation_rounding_is_explicit() {
        use crate::money::{Format, Render};
        let places = |d: u8, r: Rounding| Format::places(d).map(|f| f.with_rounding(r)).unwrap();
        let v = Decimal::new(350_875, 3);
        assert_eq!(v.render(places(2, Rounding::HalfAwayFromZero)), "350.88");
        assert_eq!(v.render(places(2, Rounding::HalfEven)), "350.88");
        assert_eq!(Decimal::new(2_445, 1).render(places(0, Rounding::HalfEven)), "244");
        assert_eq!(
            Decimal::new(2_445, 1).render(places(0, Rounding::HalfAwayFromZero)),
            "245"
        );
        assert_eq!(Decimal::from(546_185).render(places(0, Rounding::default())), "546,185");
        assert_eq!(Decimal::from(-7).render(places(2, Rounding::default())), "-7.00");
        assert!(Format::places(29).is_err());
        assert!(div(Decimal::ONE, Decimal::ZERO, "x").is_err());
        assert!(mul(Decimal::MAX, Decimal::TWO).is_err());
    }

    #[test]
    fn exact_products_or_none() {
        let d = |s: &str| Decimal::from_str_exact(s).unwrap();
        assert_eq!(exact_product(d("1.50"), d("2.0")), Some(d("3")));
        assert_eq!(
            exact_product(d("0.5"), d("0.0000000000000000000000000002")),
            Some(d("0.0000000000000000000000000001"))
        );
        // 29 decimals: `checked_mul` rounds it, the exact product refuses.
        assert_eq!(exact_product(d("0.1234567890123456789012345678"), d("3.3")), None);
        assert_eq!(
            exact_product(d("0.3333333333333333333333333333"), d("3")),
            Some(d("0.9999999999999999999999999999"))
        );
        assert_eq!(exact_product(Decimal::MAX, d("1")), Some(Decimal::MAX));
        assert_eq!(exact_product(Decimal::MAX, d("2")), None);
        assert_eq!(exact_product(Decimal::MAX, Decimal::MAX), None);
        assert_eq!(exact_product(d("-2.5"), d("4")), Some(d("-10")));
        assert!(mul_exact(Decimal::MAX, d("2")).is_err());
    }
}
