//! Contingency pools in year: a [`ContingencyLedger`] of [`Pool`]s (one per
//! contingency line, contributor and year) with dated, approved
//! [`Movement`]s. The section 75 overspend waterfall that draws on them
//! ([`crate::waterfall`]) is built on top of the ledger and of in-year
//! monitoring.
//!
//! Pools start from the plan's contingency lines. A CCG contingency, a risk
//! pool or a positive named pool can be drawn down or released, never below
//! zero; a cost improvement target (negative) rises towards zero as savings
//! are delivered, and what is still negative is the undelivered remainder.
//! Every operation that fails returns an error that names the pool, the
//! contributor, the year and the shortfall, and leaves the ledger unchanged.
//!
//! ```
//! use bcf_model::contingency::{ContingencyError, ContingencyLedger, Movement};
//! use bcf_model::money::{Money, Unit};
//! use chrono::NaiveDate;
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let year = "2017/18".parse()?;
//! let mut ledger = ContingencyLedger::from_plan(&plan, year)?;
//! let k = |s: &str| Money::parse(s, Unit::Thousands);
//! let date = NaiveDate::from_ymd_opt(2017, 11, 15).ok_or("bad date")?;
//! let wl = plan.contributor_ix("wl_ccg").ok_or("no WL")?;
//! let balance = |l: &ContingencyLedger| l.pool("CONTINGENCY.2", wl).map(|p| p.balance());
//!
//! // Draw £200k of West Leicestershire's risk pool (it holds £500k).
//! ledger.record("CONTINGENCY.2", wl, Movement::draw_down(date, k("200")?, "winter pressures", "IFG"))?;
//! assert_eq!(balance(&ledger), Some(k("300")?));
//!
//! // £400k more would take it below zero: an error naming the pool, and no change.
//! let refused = ledger.record("CONTINGENCY.2", wl, Movement::draw_down(date, k("400")?, "more", "IFG"));
//! let err = refused.err().ok_or("the draw-down should be refused")?;
//! assert!(matches!(err, ContingencyError::PoolShortfall { .. }));
//! assert!(err.to_string().contains("Risk Pool"));
//! assert!(err.to_string().contains("£100,000.00"));
//! assert_eq!(balance(&ledger), Some(k("300")?));
//!
//! // Savings of £500k against WL's £840.6k cost improvement target leave £340.6k undelivered.
//! ledger.record("CONTINGENCY.3", wl, Movement::savings_delivered(date, k("500")?, "review", "IFG"))?;
//! let target = ledger.pool("CONTINGENCY.3", wl).ok_or("no target")?;
//! assert_eq!(target.undelivered(), k("340.6")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::NaiveDate;

use crate::calendar::FinancialYear;
use crate::money::{AllocationError, Money, MoneyError, Precision};
use crate::plan::{ContingencyKind, ContributorIx, Plan, PlanKey};

/// What a [`Movement`] does to a pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MovementKind {
    /// Money taken from the pool to meet a pressure (reduces the balance).
    DrawDown,
    /// Money released from the pool back to the partners or to general use
    /// (reduces the balance), e.g. a quarterly release of a risk-share pool.
    Release,
    /// Savings delivered against a cost improvement target (raises the
    /// negative balance towards zero).
    SavingsDelivered,
}

impl fmt::Display for MovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MovementKind::DrawDown => "draw-down",
            MovementKind::Release => "release",
            MovementKind::SavingsDelivered => "savings delivered",
        })
    }
}

/// One dated, approved movement on a pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    /// What it does.
    pub kind: MovementKind,
    /// When it was agreed (must fall in the ledger's financial year).
    pub date: NaiveDate,
    /// How much, in pounds: above zero and a whole number of pence.
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// Who approved it (a person or a board).
    pub approver: String,
    /// The scheme line the money goes to (a draw-down) or the saving is taken
    /// from (savings delivered), if any. In monitoring the line's budget is
    /// raised (or lowered) by the amount, so the movement is not counted twice.
    pub line: Option<String>,
}

impl Movement {
    fn new(kind: MovementKind, date: NaiveDate, amount: Money, reason: &str, approver: &str) -> Movement {
        Movement {
            kind,
            date,
            amount,
            reason: reason.to_string(),
            approver: approver.to_string(),
            line: None,
        }
    }

    /// A draw-down of `amount` on `date`.
    #[must_use]
    pub fn draw_down(date: NaiveDate, amount: Money, reason: &str, approver: &str) -> Movement {
        Movement::new(MovementKind::DrawDown, date, amount, reason, approver)
    }

    /// A release of `amount` on `date`.
    #[must_use]
    pub fn release(date: NaiveDate, amount: Money, reason: &str, approver: &str) -> Movement {
        Movement::new(MovementKind::Release, date, amount, reason, approver)
    }

    /// Savings of `amount` delivered against a cost improvement target on `date`.
    #[must_use]
    pub fn savings_delivered(date: NaiveDate, amount: Money, reason: &str, approver: &str) -> Movement {
        Movement::new(MovementKind::SavingsDelivered, date, amount, reason, approver)
    }

    /// Names the scheme line the money goes to, or the saving comes from.
    #[must_use]
    pub fn for_line(mut self, line_id: &str) -> Movement {
        self.line = Some(line_id.to_string());
        self
    }

    /// The movement's effect on the pool balance: negative for draw-downs and
    /// releases, positive for savings delivered.
    #[must_use]
    pub fn signed_amount(&self) -> Money {
        match self.kind {
            MovementKind::DrawDown | MovementKind::Release => self.amount.negate(),
            MovementKind::SavingsDelivered => self.amount,
        }
    }
}

/// One contingency pool: a contingency line's amount for one contributor and
/// year, with its movements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The contingency line's id, e.g. `CONTINGENCY.2`.
    pub line_id: String,
    /// The line's name, e.g. "Risk Pool".
    pub name: String,
    /// The line's kind.
    pub kind: ContingencyKind,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The financial year.
    pub year: FinancialYear,
    /// The planned amount (all funding sources together).
    pub opening: Money,
    movements: Vec<Movement>,
    balance: Money,
}

impl Pool {
    /// The balance now: opening plus the signed movements.
    #[must_use]
    pub fn balance(&self) -> Money {
        self.balance
    }

    /// The movements, in the order recorded.
    #[must_use]
    pub fn movements(&self) -> &[Movement] {
        &self.movements
    }

    /// The total of movements of `kind` (a positive amount).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn total(&self, kind: MovementKind) -> Result<Money, MoneyError> {
        Money::checked_sum(self.movements.iter().filter(|m| m.kind == kind).map(|m| m.amount))
    }

    /// Whether this pool is a cost improvement target.
    #[must_use]
    pub fn is_savings_target(&self) -> bool {
        self.kind == ContingencyKind::CostImprovementTarget
    }

    /// For a cost improvement target, the savings still to find (a positive
    /// amount, zero once delivered); zero for other pools.
    #[must_use]
    pub fn undelivered(&self) -> Money {
        if self.is_savings_target() && self.balance.is_negative() {
            self.balance.negate()
        } else {
            Money::ZERO
        }
    }

    /// What can still be drawn: the balance if above zero, else zero. Always
    /// zero for a cost improvement target.
    #[must_use]
    pub fn available(&self) -> Money {
        if self.is_savings_target() || !self.balance.is_positive() {
            Money::ZERO
        } else {
            self.balance
        }
    }

    /// `Risk Pool (wl_ccg, 2017/18)`: how errors and reports name the pool.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{} ({}, {})", self.name, self.contributor_id, self.year)
    }

    /// Checks `movement` against this pool and returns the new balance, or
    /// the error; does not change the pool.
    fn check(&self, movement: &Movement) -> Result<Money, ContingencyError> {
        let pool = self.name.clone();
        let contributor = self.contributor_id.clone();
        let year = self.year;
        if !movement.amount.is_positive() || !movement.amount.is_multiple_of(Precision::PENCE) {
            return Err(ContingencyError::BadAmount {
                pool,
                contributor,
                year,
                amount: movement.amount,
            });
        }
        if !year.contains(movement.date) {
            return Err(ContingencyError::DateOutsideYear {
                pool,
                contributor,
                year,
                date: movement.date,
            });
        }
        let target = self.is_savings_target();
        if target != (movement.kind == MovementKind::SavingsDelivered) {
            return Err(ContingencyError::WrongKind {
                pool,
                contributor,
                year,
                kind: self.kind.clone(),
                movement: movement.kind,
            });
        }
        let after = self.balance.checked_add(movement.signed_amount())?;
        if target && after.is_positive() {
            return Err(ContingencyError::SavingsExceedTarget {
                pool,
                contributor,
                year,
                remaining: self.undelivered(),
                delivered: movement.amount,
                excess: after,
            });
        }
        if !target && after.is_negative() {
            return Err(ContingencyError::PoolShortfall {
                pool,
                contributor,
                year,
                balance: self.balance,
                requested: movement.amount,
                shortfall: after.negate(),
            });
        }
        Ok(after)
    }
}

/// Why a contingency or waterfall operation failed. Each names the pool (or
/// line), contributor and year at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContingencyError {
    /// The year is not one of the plan's years.
    #[error("{year} is not a year of the plan (it covers {plan_years})")]
    YearNotInPlan {
        /// The year asked for.
        year: FinancialYear,
        /// The plan's years.
        plan_years: String,
    },
    /// The monitoring report is for another year than the ledger (or the plan).
    #[error("the monitoring report is for {} but the ledger is for {}", crate::text::shown(.report), crate::text::shown(.ledger))]
    YearMismatch {
        /// The report's year.
        report: FinancialYear,
        /// The ledger's year.
        ledger: FinancialYear,
    },
    /// No pool for this line and contributor.
    #[error("no contingency pool {line:?} for contributor {contributor:?} in {year}")]
    UnknownPool {
        /// The contingency line id given.
        line: String,
        /// The contributor id given.
        contributor: String,
        /// The ledger's year.
        year: FinancialYear,
    },
    /// A movement names a scheme line that is not in the plan.
    #[error("{} ({}, {year}): the movement names scheme line {line:?}, which is not in the plan", crate::text::shown(.pool), crate::text::shown(.contributor))]
    UnknownLine {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The line id given.
        line: String,
    },
    /// An amount that is zero, negative or not whole pence.
    #[error("{} ({}, {year}): a movement must be above zero and whole pence, not {amount}", crate::text::shown(.pool), crate::text::shown(.contributor))]
    BadAmount {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The amount given.
        amount: Money,
    },
    /// A movement dated outside the ledger's year.
    #[error("{} ({}, {year}): movement dated {date} is outside the financial year", crate::text::shown(.pool), crate::text::shown(.contributor))]
    DateOutsideYear {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The date given.
        date: NaiveDate,
    },
    /// Savings on a pool that is not a target, or a draw-down on a target.
    #[error("{} ({}, {year}): a {movement} cannot be recorded on a {kind}", crate::text::shown(.pool), crate::text::shown(.contributor))]
    WrongKind {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The pool's kind.
        kind: ContingencyKind,
        /// The movement attempted.
        movement: MovementKind,
    },
    /// A draw-down or release that would take the pool below zero.
    #[error("{} ({}, {year}) cannot go below zero: it holds {balance}, {requested} was asked for, a shortfall of {shortfall}", crate::text::shown(.pool), crate::text::shown(.contributor))]
    PoolShortfall {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The balance before.
        balance: Money,
        /// The amount asked for.
        requested: Money,
        /// How far below zero it would go.
        shortfall: Money,
    },
    /// Savings beyond what is left of a cost improvement target.
    #[error(
        "{pool} ({contributor}, {year}): savings of {delivered} exceed the {remaining} still to deliver by {excess}"
    )]
    SavingsExceedTarget {
        /// The pool's name.
        pool: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The savings still to deliver before.
        remaining: Money,
        /// The savings given.
        delivered: Money,
        /// By how much they exceed it.
        excess: Money,
    },
    /// A figure given to the waterfall that is not whole pence or has the wrong sign.
    #[error("{}: {amount} must be whole pence and not negative", crate::text::shown(.what))]
    BadFigure {
        /// Which figure (contributor, cap or uncommitted allocation).
        what: String,
        /// The figure.
        amount: Money,
    },
    /// A contributor that is not in the plan.
    #[error("{}: contributor {contributor:?} is not in the plan", crate::text::shown(.what))]
    UnknownContributor {
        /// Where it was used.
        what: String,
        /// The contributor position or id.
        contributor: String,
    },
    /// A monitoring report whose scheme line is not in the plan given.
    #[error("{}: scheme line {line:?} is not in the plan (was the report made from another plan?)", crate::text::shown(.what))]
    UnknownReportLine {
        /// Where it was used.
        what: String,
        /// The line id.
        line: String,
    },
    /// A rule whose weights cannot share anything (none, negative, or all zero).
    #[error("{}: cannot share {amount}: {}", crate::text::shown(.rule), crate::text::shown(.source))]
    Sharing {
        /// The rule or step.
        rule: String,
        /// The amount to share.
        amount: Money,
        /// Why.
        source: AllocationError,
    },
    /// A side of the partnership (the NHS or the councils) with no
    /// contributions in the year to share its part of a risk by.
    #[error("no {side} partner contributes in {year}, so its share cannot be split among them")]
    NoContributions {
        /// `NHS`, `council`, or `BCF` (any partner).
        side: &'static str,
        /// The year.
        year: FinancialYear,
    },
    /// Money arithmetic overflowed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The contingency pools of one plan year, with their movements.
///
/// ```
/// use bcf_model::contingency::{ContingencyLedger, Movement};
/// use bcf_model::money::{Money, Unit};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let mut ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let date = chrono::NaiveDate::from_ymd_opt(2017, 8, 1).ok_or("bad date")?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // ELR releases 100.0 of its CCG contingency: 500.0 + 500.0 - 100.0 - 487.2 net.
/// let elr = plan.contributor_ix("elr_ccg").ok_or("no ELR")?;
/// ledger.record("CONTINGENCY.1", elr, Movement::release(date, k("100")?, "Q1 review", "ELR CFO"))?;
/// assert_eq!(ledger.net_position(elr)?, k("412.8")?);
/// assert_eq!(ledger.undelivered(elr)?, k("487.2")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContingencyLedger {
    year: FinancialYear,
    pools: Vec<Pool>,
    scheme_lines: Vec<String>,
    /// The ids of the plan's contributors, by position.
    contributor_ids: Vec<String>,
    /// The key of the plan whose indexes are accepted.
    key: PlanKey,
}

impl ContingencyLedger {
    /// One pool per contingency line and contributor with an amount in
    /// `year` (a line's amounts from several funding sources are added),
    /// with no movements.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::YearNotInPlan`] if the plan does not cover `year`, and
    /// [`ContingencyError::Money`] if a pool's opening amount is beyond the decimal
    /// range.
    pub fn from_plan(plan: &Plan, year: FinancialYear) -> Result<ContingencyLedger, ContingencyError> {
        if plan.year_index(year).is_none() {
            return Err(ContingencyError::YearNotInPlan {
                year,
                plan_years: crate::plan::years_text(plan.years()),
            });
        }
        let mut pools: Vec<Pool> = Vec::new();
        for line in plan.contingency() {
            for a in line.amounts.iter().filter(|a| a.year == year) {
                if let Some(p) = pools
                    .iter_mut()
                    .find(|p| p.line_id == line.id && p.contributor == a.contributor)
                {
                    p.opening = p.opening.checked_add(a.amount)?;
                    p.balance = p.opening;
                    continue;
                }
                let contributor_id = plan
                    .contributor(a.contributor)
                    .map(|c| c.id.clone())
                    .expect("the plan builder resolves the contributor of every contingency amount");
                pools.push(Pool {
                    line_id: line.id.clone(),
                    name: line.name.clone(),
                    kind: line.kind.clone(),
                    contributor: a.contributor,
                    contributor_id,
                    year,
                    opening: a.amount,
                    movements: Vec::new(),
                    balance: a.amount,
                });
            }
        }
        Ok(ContingencyLedger {
            year,
            pools,
            scheme_lines: plan.lines().iter().map(|l| l.id().to_string()).collect(),
            contributor_ids: plan.contributors().iter().map(|c| c.id.clone()).collect(),
            key: plan.key(),
        })
    }

    /// The ledger's financial year.
    #[must_use]
    pub fn year(&self) -> FinancialYear {
        self.year
    }

    /// Every pool, in plan order (line, then contributor).
    #[must_use]
    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }

    /// The pool of contingency line `line_id` for `contributor`; `None` if
    /// there is none (or `contributor` is an index of another plan).
    #[must_use]
    pub fn pool(&self, line_id: &str, contributor: ContributorIx) -> Option<&Pool> {
        self.pools
            .iter()
            .find(|p| p.line_id == line_id && p.contributor == contributor)
    }

    /// The id of `contributor`, an index of the ledger's plan.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] for an index of another plan.
    fn contributor_id(&self, contributor: ContributorIx, what: &str) -> Result<&str, ContingencyError> {
        self.contributor_ids
            .get(contributor.index())
            .filter(|_| contributor.plan() == self.key)
            .map(String::as_str)
            .ok_or_else(|| ContingencyError::UnknownContributor {
                what: what.to_string(),
                contributor: format!("#{} of another plan", contributor.index()),
            })
    }

    fn position(&self, line_id: &str, contributor: ContributorIx) -> Result<usize, ContingencyError> {
        let id = self.contributor_id(contributor, "contingency movement")?;
        self.pools
            .iter()
            .position(|p| p.line_id == line_id && p.contributor == contributor)
            .ok_or_else(|| ContingencyError::UnknownPool {
                line: line_id.to_string(),
                contributor: id.to_string(),
                year: self.year,
            })
    }

    /// The pools of `contributor`, an index of the ledger's plan.
    fn pools_of(
        &self,
        contributor: ContributorIx,
        what: &str,
    ) -> Result<impl Iterator<Item = &Pool>, ContingencyError> {
        self.contributor_id(contributor, what)?;
        Ok(self.pools.iter().filter(move |p| p.contributor == contributor))
    }

    /// Records `movement` on the pool of contingency line `line_id` for
    /// contributor `contributor_id`. Fails, leaving the ledger unchanged, if
    /// the pool does not exist, the amount is not positive whole pence, the
    /// date is outside the year, the kind does not fit the pool, a draw-down
    /// or release would take the pool below zero ([`ContingencyError::PoolShortfall`]),
    /// or savings would exceed the target.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownPool`] if there is no such pool,
    /// [`ContingencyError::UnknownContributor`] for an index of another plan,
    /// [`ContingencyError::UnknownLine`] if the movement names a scheme line not in
    /// the plan, [`ContingencyError::BadAmount`] for an amount that is not above
    /// zero or not whole pence, [`ContingencyError::DateOutsideYear`] for a date
    /// outside the ledger's year, [`ContingencyError::WrongKind`] for savings on a
    /// pool that is not a cost improvement target or any other movement on one,
    /// [`ContingencyError::PoolShortfall`] and
    /// [`ContingencyError::SavingsExceedTarget`] as above, and
    /// [`ContingencyError::Money`] if the new balance is beyond the decimal range.
    pub fn record(
        &mut self,
        line_id: &str,
        contributor: ContributorIx,
        movement: Movement,
    ) -> Result<(), ContingencyError> {
        let i = self.position(line_id, contributor)?;
        let pool = self
            .pools
            .get_mut(i)
            .expect("a position found among the ledger's pools");
        if let Some(line) = &movement.line {
            if !self.scheme_lines.iter().any(|l| l == line) {
                return Err(ContingencyError::UnknownLine {
                    pool: pool.name.clone(),
                    contributor: pool.contributor_id.clone(),
                    year: pool.year,
                    line: line.clone(),
                });
            }
        }
        let after = pool.check(&movement)?;
        pool.balance = after;
        pool.movements.push(movement);
        Ok(())
    }

    /// Records every movement, or none: on the first error the ledger is
    /// left exactly as it was.
    ///
    /// # Errors
    ///
    /// The first error of [`ContingencyLedger::record`] among the movements.
    pub fn record_all<'a>(
        &mut self,
        movements: impl IntoIterator<Item = (&'a str, ContributorIx, Movement)>,
    ) -> Result<(), ContingencyError> {
        let mut next = self.clone();
        for (line, contributor, movement) in movements {
            next.record(line, contributor, movement)?;
        }
        *self = next;
        Ok(())
    }

    /// The sum of `contributor`'s pool balances (cost improvement targets
    /// count negative): its net contingency position.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] for an index of another
    /// plan, [`ContingencyError::Money`] if the sum is beyond the decimal
    /// range.
    pub fn net_position(&self, contributor: ContributorIx) -> Result<Money, ContingencyError> {
        Ok(Money::checked_sum(
            self.pools_of(contributor, "net position")?.map(|p| p.balance),
        )?)
    }

    /// What `contributor` can still draw from its pools (cost improvement targets excluded).
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] for an index of another
    /// plan, [`ContingencyError::Money`] if the sum is beyond the decimal
    /// range.
    pub fn available(&self, contributor: ContributorIx) -> Result<Money, ContingencyError> {
        Ok(Money::checked_sum(
            self.pools_of(contributor, "available")?.map(|p| p.available()),
        )?)
    }

    /// The savings `contributor` still has to deliver against its cost improvement targets.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] for an index of another
    /// plan, [`ContingencyError::Money`] if the sum is beyond the decimal
    /// range.
    pub fn undelivered(&self, contributor: ContributorIx) -> Result<Money, ContingencyError> {
        Ok(Money::checked_sum(
            self.pools_of(contributor, "undelivered")?.map(|p| p.undelivered()),
        )?)
    }

    /// The cost improvement targets: for each, the target (positive), the
    /// savings delivered and the undelivered remainder.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if a target's savings delivered add up beyond the
    /// decimal range.
    pub fn savings_report(&self) -> Result<Vec<SavingsLine>, MoneyError> {
        self.pools
            .iter()
            .filter(|p| p.is_savings_target())
            .map(|p| {
                Ok(SavingsLine {
                    pool: p.label(),
                    contributor: p.contributor,
                    target: p.opening.negate(),
                    delivered: p.total(MovementKind::SavingsDelivered)?,
                    undelivered: p.undelivered(),
                })
            })
            .collect()
    }

    /// The net amount moved into scheme line `line_id` for `contributor`:
    /// draw-downs naming the line, less savings taken from it.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] for an index of another
    /// plan, [`ContingencyError::Money`] if the sum is beyond the decimal
    /// range.
    pub fn line_budget_change(&self, line_id: &str, contributor: ContributorIx) -> Result<Money, ContingencyError> {
        let moves = self
            .pools_of(contributor, "line budget change")?
            .flat_map(|p| p.movements.iter())
            .filter(|m| m.line.as_deref() == Some(line_id))
            .filter_map(|m| match m.kind {
                MovementKind::DrawDown => Some(m.amount),
                MovementKind::SavingsDelivered => Some(m.amount.negate()),
                MovementKind::Release => None,
            });
        Ok(Money::checked_sum(moves)?)
    }

    /// Whether every pool's opening plus its signed movements equals its
    /// balance, and no pool other than a cost improvement target is below zero.
    #[must_use]
    pub fn is_consistent(&self) -> bool {
        self.pools.iter().all(|p| {
            let moved = Money::checked_sum(p.movements.iter().map(|m| m.signed_amount()));
            let sums = moved.and_then(|m| p.opening.checked_add(m)) == Ok(p.balance);
            let sign_ok = if p.is_savings_target() {
                !p.balance.is_positive()
            } else {
                !p.balance.is_negative() || p.movements.is_empty()
            };
            sums && sign_ok
        })
    }
}

/// A cost improvement target's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavingsLine {
    /// The pool's label.
    pub pool: String,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The target, as a positive amount.
    pub target: Money,
    /// The savings delivered so far.
    pub delivered: Money,
    /// What is still to deliver.
    pub undelivered: Money,
}
