//! The inputs of a monitoring round: actuals by [`Period`], how each line is
//! [`Forecast`], gathered in a [`Monitoring`].

use crate::calendar::{FinancialYear, Month, Quarter};
use crate::money::Money;

use super::Profile;

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

impl std::str::FromStr for Period {
    type Err = crate::calendar::CalendarError;

    /// Reads a quarter (`2017/18 Q3`) or else a month (`2017-10` or `Oct-17`).
    ///
    /// ```
    /// use bcf_model::monitor::Period;
    ///
    /// assert_eq!("2017/18 Q3".parse::<Period>()?.last_month().to_string(), "2017-12");
    /// assert_eq!("2017-10".parse::<Period>()?.to_string(), "Oct-17");
    /// assert!("2017/18 Q5".parse::<Period>().is_err());
    /// # Ok::<(), bcf_model::calendar::CalendarError>(())
    /// ```
    fn from_str(s: &str) -> Result<Period, Self::Err> {
        if s.contains('/') {
            s.parse().map(Period::Quarter)
        } else {
            s.parse().map(Period::Month)
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
    /// In the line's budget [`Profile`]: the actual to date scaled up by
    /// the share of the year profiled to date (actual ÷ share to date),
    /// rounded to the penny half to even. With the straight-line profile
    /// this is [`Forecast::StraightLine`]. A line with nothing profiled to
    /// date cannot be forecast so
    /// ([`MonitorError::NothingProfiledToDate`](super::MonitorError::NothingProfiledToDate)).
    Profiled,
}

/// What a line with no actual entered for a contributor has spent to date.
/// The round chooses; [`MissingActuals::NothingSpent`] is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MissingActuals {
    /// Nothing: the actual to date is zero (the default, as monitoring has
    /// always read a line left blank).
    #[default]
    NothingSpent,
    /// Its budget profiled to date: the actual to date is the line's
    /// [`budget_to_date`](super::LineMonitor::budget_to_date), so the
    /// year-to-date variance is zero and the forecast follows by the line's
    /// method (on budget for [`Forecast::BudgetPlusVariance`]).
    OnBudgetToDate,
}

impl std::fmt::Display for MissingActuals {
    /// `nothing spent` or `on budget to date`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MissingActuals::NothingSpent => "nothing spent",
            MissingActuals::OnBudgetToDate => "on budget to date",
        })
    }
}

impl std::fmt::Display for Forecast {
    /// `caller's figure`, `straight line` or `budget + YTD variance`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Forecast::Given(_) => "caller's figure",
            Forecast::StraightLine => "straight line",
            Forecast::BudgetPlusVariance => "budget + YTD variance",
            Forecast::OnBudget => "on budget",
            Forecast::Profiled => "profiled",
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
    /// The budget profile of every line without its own (straight line
    /// unless set).
    pub profile: Profile,
    /// Budget profiles for particular lines (every contributor's part).
    pub line_profiles: Vec<(String, Profile)>,
    /// What a line with no actual entered has spent to date.
    pub missing_actuals: MissingActuals,
}

impl Monitoring {
    /// A round made at the end of `as_at`, with no actuals yet, the
    /// default forecast [`Forecast::BudgetPlusVariance`], budgets profiled
    /// straight line, and [`MissingActuals::NothingSpent`] for lines with no
    /// actual.
    #[must_use]
    pub fn new(as_at: Month) -> Monitoring {
        Monitoring {
            as_at,
            actuals: Vec::new(),
            forecasts: Vec::new(),
            default_forecast: Forecast::BudgetPlusVariance,
            profile: Profile::straight_line(),
            line_profiles: Vec::new(),
            missing_actuals: MissingActuals::NothingSpent,
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

    /// Sets the budget profile of every line without its own.
    #[must_use]
    pub fn profile(mut self, profile: Profile) -> Monitoring {
        self.profile = profile;
        self
    }

    /// Sets the budget profile of line `line` (for every contributor).
    #[must_use]
    pub fn line_profile(mut self, line: &str, profile: Profile) -> Monitoring {
        self.line_profiles.push((line.to_string(), profile));
        self
    }

    /// Sets what a line with no actual entered has spent to date.
    #[must_use]
    pub fn missing_actuals(mut self, rule: MissingActuals) -> Monitoring {
        self.missing_actuals = rule;
        self
    }

    /// Adds actuals made elsewhere (for example read from a ledger export
    /// by `io::read_ledger_actuals`).
    #[must_use]
    pub fn actuals(mut self, actuals: impl IntoIterator<Item = Actual>) -> Monitoring {
        self.actuals.extend(actuals);
        self
    }

    /// The financial year of the round.
    #[must_use]
    pub fn year(&self) -> FinancialYear {
        self.as_at.financial_year()
    }
}
