//! The inputs of a monitoring round: actuals by [`Period`], how each line is
//! [`Forecast`], gathered in a [`Monitoring`].

use crate::calendar::{FinancialYear, Month, Quarter};
use crate::money::Money;

/// A reporting period an actual is entered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// One month.
    Month(Month),
    /// One quarter.
    Quarter(Quarter),
}

impl Period {
    /// The last month of the period.
    #[must_use]
    pub fn last_month(self) -> Month {
        match self {
            Period::Month(m) => m,
            Period::Quarter(q) => {
                let [_, _, last] = q.months();
                last
            }
        }
    }

    /// The financial year of the period.
    #[must_use]
    pub fn year(self) -> FinancialYear {
        match self {
            Period::Month(m) => m.financial_year(),
            Period::Quarter(q) => q.year,
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(m) => f.write_str(&m.label()),
            Period::Quarter(q) => write!(f, "{q}"),
        }
    }
}

/// How a line's forecast outturn is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Forecast {
    /// The caller's own figure for the year.
    Given(Money),
    /// Straight line from the year to date: actual to date × 12 ÷ months
    /// elapsed, rounded to the penny half to even.
    StraightLine,
    /// The budget plus the year-to-date variance (actual to date less the
    /// budget profiled to date), the "annual target + YTD variance" method.
    BudgetPlusVariance,
    /// On budget: the forecast is the (revised) budget, no variance reported.
    OnBudget,
}

impl std::fmt::Display for Forecast {
    /// `caller's figure`, `straight line` or `budget + YTD variance`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Forecast::Given(_) => "caller's figure",
            Forecast::StraightLine => "straight line",
            Forecast::BudgetPlusVariance => "budget + YTD variance",
            Forecast::OnBudget => "on budget",
        })
    }
}

/// One actual figure: spend on a line by a contributor in a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actual {
    /// The scheme line id.
    pub line: String,
    /// The contributor id.
    pub contributor: String,
    /// The period.
    pub period: Period,
    /// The spend (may be negative, e.g. a credit).
    pub amount: Money,
}

/// The inputs of one monitoring round: the month it is made at, the actuals
/// to date and how each line is forecast.
///
/// ```
/// use bcf_model::calendar::Month;
/// use bcf_model::money::Money;
/// use bcf_model::monitor::{Forecast, Monitoring, Period};
///
/// let round = Monitoring::new(Month::new(2017, 9)?) // end of quarter 2
///     .default_forecast(Forecast::OnBudget)
///     .actual("BCF2.3", "wl_ccg", Period::Quarter("2017/18 Q1".parse()?), Money::from_pence(7_800_000))
///     .actual("BCF2.3", "wl_ccg", Period::Month(Month::new(2017, 9)?), Money::from_pence(2_600_000))
///     .forecast("BCF2.3", "wl_ccg", Forecast::BudgetPlusVariance);
/// assert_eq!(round.year().to_string(), "2017/18");
/// assert_eq!(round.actuals.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Monitoring {
    /// The last month included (e.g. December for quarter 3).
    pub as_at: Month,
    /// The actuals.
    pub actuals: Vec<Actual>,
    /// Forecast methods for particular lines and contributors.
    pub forecasts: Vec<(String, String, Forecast)>,
    /// The method for every other line.
    pub default_forecast: Forecast,
}

impl Monitoring {
    /// A round made at the end of `as_at`, with no actuals yet and the
    /// default forecast [`Forecast::BudgetPlusVariance`].
    #[must_use]
    pub fn new(as_at: Month) -> Monitoring {
        Monitoring {
            as_at,
            actuals: Vec::new(),
            forecasts: Vec::new(),
            default_forecast: Forecast::BudgetPlusVariance,
        }
    }

    /// Adds the spend on line `line` by contributor `contributor` in `period`.
    #[must_use]
    pub fn actual(mut self, line: &str, contributor: &str, period: Period, amount: Money) -> Monitoring {
        self.actuals.push(Actual {
            line: line.to_string(),
            contributor: contributor.to_string(),
            period,
            amount,
        });
        self
    }

    /// Sets how line `line` is forecast for contributor `contributor`.
    #[must_use]
    pub fn forecast(mut self, line: &str, contributor: &str, forecast: Forecast) -> Monitoring {
        self.forecasts
            .push((line.to_string(), contributor.to_string(), forecast));
        self
    }

    /// Sets the method for lines without their own.
    #[must_use]
    pub fn default_forecast(mut self, forecast: Forecast) -> Monitoring {
        self.default_forecast = forecast;
        self
    }

    /// The financial year of the round.
    #[must_use]
    pub fn year(&self) -> FinancialYear {
        self.as_at.financial_year()
    }
}
