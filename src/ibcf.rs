//! The improved Better Care Fund (iBCF) and other grants that must be pooled
//! (docs/domain.md section 4): grant profiles, the pooling check, and the
//! withholding scenario.
//!
//! The Spring Budget 2017 grant was £19.7m over three years, non-recurrent
//! ([`GrantProfile::spring_budget_2017`]: 9,525.6 / 6,837.6 / the remainder
//! for Leicestershire); the Spending Review 2015 element depends on the
//! council's precept capacity (nil, then 5,582.0); the Winter Pressures grant
//! is a separate source that must also be pooled ([`check_pooled`]).
//!
//! The government could withhold part of a year's iBCF. [`withhold`] applies
//! such a cut to the lines the grant funds, penny-exact, by a chosen
//! [`CutRule`] (pro rata to the lines' amounts, or an explicit priority
//! order), lowers the grant income by the same amount, and reconciles the
//! result.
//!
//! **Lines funded by a group.** When a plan funds lines from a
//! [`FundingGroup`](crate::plan::FundingGroup) of grants jointly and does not
//! say which grant pays for which line (the Leicestershire 2018/19 County
//! Council lines are funded by the `ibcf` group: Spring Budget 6,837.6 +
//! Spending Review 5,582.0), a cut to one member grant is applied across
//! **all** the group's lines in that year, pro rata (or in the priority order
//! given), and [`WithholdingOutcome::via_group`] names the group.
//!
//! ```
//! use bcf_model::ibcf::{withhold, CutRule, WithheldAmount, Withholding};
//! use bcf_model::money::Money;
//! use rust_decimal::Decimal;
//!
//! let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
//! let w = Withholding::new("ibcf_spring_2017", "2018/19".parse()?, WithheldAmount::Percent(Decimal::TEN), CutRule::ProRata);
//! let out = withhold(&plan, &w)?;
//! assert_eq!(out.withheld, Money::from_pence(68_376_000)); // £683,760
//! let cut = Money::checked_sum(out.cuts.iter().map(|c| c.cut))?;
//! assert_eq!(cut, out.withheld);
//! assert!(out.reconciliation.is_balanced());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::metrics::exact_product;
use crate::money::{allocate, steps_to_money, AllocationError, Money, MoneyError, Precision, Rounding};
use crate::plan::{ContributorIx, Funding, FundingSourceKind, Plan, PlanErrors, SourceIx};
use crate::reconcile::{reconcile, ContributorBalance, ReconcileError, Reconciliation};
use crate::verdict::{Condition, ConditionCheck, ConditionFinding, Figure, Outcome};

/// Why a grant calculation or scenario could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IbcfError {
    /// A profile whose years do not add up.
    #[error("grant profile {}: {}", crate::text::shown(.name), crate::text::shown(.problem))]
    BadProfile {
        /// The profile.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// A funding source id not in the plan.
    #[error("the plan has no funding source {0:?}")]
    UnknownSource(String),
    /// A line id not in the plan, or not funded by the grant that year.
    #[error("line {line:?}: {}", crate::text::shown(.problem))]
    BadLine {
        /// The line id.
        line: String,
        /// What is wrong.
        problem: String,
    },
    /// An amount to withhold that cannot be withheld.
    #[error("cannot withhold {amount} of {} in {year}: {}", crate::text::shown(.source_id), crate::text::shown(.problem))]
    BadWithholding {
        /// The source.
        source_id: String,
        /// The year.
        year: FinancialYear,
        /// The amount asked for (after a percentage is applied).
        amount: Money,
        /// Why not.
        problem: String,
    },
    /// A percentage to withhold outside 0 to 100.
    #[error("cannot withhold {percent}% of {} in {year}: a percentage must be between 0 and 100", crate::text::shown(.source_id))]
    BadPercent {
        /// The source.
        source_id: String,
        /// The year.
        year: FinancialYear,
        /// The percentage asked for.
        percent: Decimal,
    },
    /// The priority order ran out before the whole amount was cut.
    #[error("the priority lines can give only {available}; {remaining} of the amount withheld is left to cut")]
    PriorityExhausted {
        /// What the listed lines held.
        available: Money,
        /// What remained to cut.
        remaining: Money,
    },
    /// A split that could not be made.
    #[error(transparent)]
    Allocation(#[from] AllocationError),
    /// Arithmetic beyond the decimal range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The changed plan is not valid.
    #[error(transparent)]
    Plan(#[from] PlanErrors),
    /// Reconciliation failed.
    #[error(transparent)]
    Reconcile(#[from] ReconcileError),
}

/// A grant's amount per year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantProfile {
    /// The grant's name.
    pub name: String,
    /// Which kind of source it is in a plan.
    pub kind: FundingSourceKind,
    /// The amount in each year.
    pub years: Vec<(FinancialYear, Money)>,
    /// Whether the grant is recurrent (it continues beyond the profile).
    pub recurrent: bool,
}

impl GrantProfile {
    /// The Spring Budget 2017 grant: `total` over three years from `first`,
    /// non-recurrent, with `year1` and `year2` given and the third year the
    /// remainder (an error if the two given years exceed the total).
    ///
    /// # Errors
    ///
    /// [`IbcfError::BadProfile`] if `year1`, `year2` or the remainder for the third
    /// year is negative, or if the second or third year is past 9998/99;
    /// [`IbcfError::Money`] if `total - year1 - year2` is beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::ibcf::GrantProfile;
    /// use bcf_model::money::{Money, Unit};
    ///
    /// let k = |s: &str| Money::parse(s, Unit::Thousands);
    /// let p = GrantProfile::spring_budget_2017("2017/18".parse()?, k("19,700.0")?, k("9,525.6")?, k("6,837.6")?)?;
    /// assert_eq!(p.amount("2019/20".parse()?), Some(k("3,336.8")?));
    /// assert!(!p.recurrent);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spring_budget_2017(
        first: FinancialYear,
        total: Money,
        year1: Money,
        year2: Money,
    ) -> Result<GrantProfile, IbcfError> {
        let name = "iBCF (Spring Budget 2017)".to_string();
        let bad = |problem: String| IbcfError::BadProfile {
            name: name.clone(),
            problem,
        };
        let third = total.checked_sub(year1)?.checked_sub(year2)?;
        if year1.is_negative() || year2.is_negative() || third.is_negative() {
            return Err(bad(format!(
                "years of {year1} and {year2} do not fit in the total {total}"
            )));
        }
        let second_year = first.next().map_err(|e| bad(e.to_string()))?;
        let third_year = second_year.next().map_err(|e| bad(e.to_string()))?;
        Ok(GrantProfile {
            name: name.clone(),
            kind: FundingSourceKind::IbcfSpringBudget2017,
            years: vec![(first, year1), (second_year, year2), (third_year, third)],
            recurrent: false,
        })
    }

    /// A grant with the given amounts per year, e.g. the Spending Review 2015
    /// element (nil in 2017/18, 5,582.0 in 2018/19 for Leicestershire) or a
    /// Winter Pressures grant.
    ///
    /// # Errors
    ///
    /// [`IbcfError::BadProfile`] if any year's amount is negative.
    pub fn new(
        name: &str,
        kind: FundingSourceKind,
        years: Vec<(FinancialYear, Money)>,
        recurrent: bool,
    ) -> Result<GrantProfile, IbcfError> {
        if let Some((y, m)) = years.iter().find(|(_, m)| m.is_negative()) {
            return Err(IbcfError::BadProfile {
                name: name.to_string(),
                problem: format!("{m} in {y} is negative"),
            });
        }
        Ok(GrantProfile {
            name: name.to_string(),
            kind,
            years,
            recurrent,
        })
    }

    /// The amount in `year`, if the profile covers it.
    #[must_use]
    pub fn amount(&self, year: FinancialYear) -> Option<Money> {
        self.years.iter().find(|(y, _)| *y == year).map(|(_, m)| *m)
    }

    /// The total over the profile.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the sum is beyond the decimal range.
    pub fn total(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.years.iter().map(|(_, m)| *m))
    }
}

/// Whether a grant that must be pooled is in the plan in full in `year`: the
/// plan's income from sources of the profile's kind equals the profile's
/// amount. Cannot tell when the profile does not cover the year.
///
/// # Errors
///
/// [`IbcfError::Money`] if the amount pooled, or the shortfall, is beyond the
/// decimal range.
///
/// ```
/// use bcf_model::verdict::Outcome;
/// use bcf_model::ibcf::{check_pooled, GrantProfile};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let sb = bcf_model::data::leicestershire::ibcf_spring_budget_2017()?;
/// assert_eq!(check_pooled(&plan, &sb, "2018/19".parse()?)?.outcome, Outcome::Met);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_pooled(plan: &Plan, grant: &GrantProfile, year: FinancialYear) -> Result<ConditionCheck, IbcfError> {
    let mut check = ConditionCheck::new(Condition::GrantPooled, year);
    check.figures.push(Figure::text("grant name", grant.name.clone()));
    let mut pooled = Money::ZERO;
    for a in plan.allocations().iter().filter(|a| a.year == year) {
        if plan.source(a.source).is_some_and(|s| s.kind == grant.kind) {
            pooled = pooled.checked_add(a.amount)?;
        }
    }
    check.figures.push(Figure::money("pooled in the plan", pooled));
    let Some(due) = grant.amount(year) else {
        check.findings.push(ConditionFinding::Note(format!(
            "the grant profile does not cover {year}"
        )));
        return Ok(check);
    };
    check.figures.push(Figure::money("grant due", due));
    if pooled >= due {
        check.outcome = Outcome::Met;
    } else {
        check.outcome = Outcome::NotMet;
        check.findings.push(ConditionFinding::Shortfall {
            what: format!("{} pooled", grant.name),
            required: due,
            actual: pooled,
            shortfall: due.checked_sub(pooled)?,
        });
    }
    Ok(check)
}

/// How much of a year's grant is withheld.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum WithheldAmount {
    /// A sum of money (whole pence).
    Amount(Money),
    /// A percentage of the year's grant income in the plan, rounded to the
    /// penny with the withholding's [`Withholding::rounding`].
    Percent(Decimal),
}

/// How a cut is spread over the lines a grant funds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CutRule {
    /// Pro rata to the lines' amounts, penny-exact (largest remainder).
    ProRata,
    /// Line by line in this order (line ids), each cut to zero before the
    /// next; an error if the listed lines cannot absorb the whole amount.
    Priority(Vec<String>),
}

/// A withholding scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withholding {
    /// The funding source id of the grant, e.g. `ibcf_spring_2017`.
    pub source: String,
    /// The year.
    pub year: FinancialYear,
    /// How much.
    pub amount: WithheldAmount,
    /// How the cut is spread.
    pub rule: CutRule,
    /// Rounding of a percentage to the penny.
    pub rounding: Rounding,
}

impl Withholding {
    /// A scenario with rounding half away from zero.
    #[must_use]
    pub fn new(source: &str, year: FinancialYear, amount: WithheldAmount, rule: CutRule) -> Withholding {
        Withholding {
            source: source.to_string(),
            year,
            amount,
            rule,
            rounding: Rounding::HalfAwayFromZero,
        }
    }
}

/// The cut to one amount on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCut {
    /// The line id.
    pub line: String,
    /// The line's name.
    pub name: String,
    /// The contributor id.
    pub contributor: String,
    /// The funding source or group id of the amount.
    pub funding: String,
    /// The amount before.
    pub before: Money,
    /// The cut.
    pub cut: Money,
    /// The amount after.
    pub after: Money,
}

/// The result of a withholding scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct WithholdingOutcome {
    /// The year.
    pub year: FinancialYear,
    /// The grant's source id.
    pub source: String,
    /// The grant income in the plan before.
    pub grant_before: Money,
    /// The amount withheld (= the sum of the cuts).
    pub withheld: Money,
    /// The grant income after.
    pub grant_after: Money,
    /// The group whose lines took the cut, when the grant funds lines only
    /// jointly with other grants.
    pub via_group: Option<String>,
    /// Each amount cut, in plan order (amounts with a zero cut included).
    pub cuts: Vec<LineCut>,
    /// The plan after the cut.
    pub plan: Plan,
    /// Its reconciliation.
    pub reconciliation: Reconciliation,
}

impl WithholdingOutcome {
    /// The contributors' balances in the scenario year after the cut.
    pub fn balances(&self) -> impl Iterator<Item = &ContributorBalance> {
        self.reconciliation.balances.iter().filter(move |b| b.year == self.year)
    }
}

/// Applies a withholding scenario: the amount is taken from the lines the
/// grant funds in the year (directly, or through a group the grant belongs
/// to) by the chosen rule, penny-exact, and from the grant's income; the
/// changed plan is reconciled. The cuts add up exactly to the amount
/// withheld and no amount goes below zero.
///
/// # Errors
///
/// [`IbcfError::UnknownSource`] if the plan has no source `w.source`;
/// [`IbcfError::BadPercent`] for a percentage outside 0 to 100;
/// [`IbcfError::BadWithholding`] for an amount that is negative, not whole
/// pence, or more than the grant income or the lines it funds that year;
/// [`IbcfError::BadLine`] for a priority line that is not in the plan or not
/// funded by the grant that year; [`IbcfError::PriorityExhausted`] if the
/// priority lines cannot absorb the whole amount; [`IbcfError::Plan`] if the
/// changed plan is refused (an amount or allocation left negative);
/// [`IbcfError::Reconcile`] if [`reconcile`] fails on the changed plan; and
/// [`IbcfError::Allocation`] or [`IbcfError::Money`] if a split or a sum is
/// beyond the decimal range.
///
/// ```
/// use bcf_model::ibcf::{withhold, CutRule, WithheldAmount, Withholding};
/// use bcf_model::money::{Money, Unit};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // withhold £683,760 and take it from the provider-market line first
/// let market = plan.lines().iter().find(|l| l.name() == "Stabilising the social care provider market").ok_or("not found")?;
/// let w = Withholding::new("ibcf_spring_2017", "2018/19".parse()?, WithheldAmount::Amount(k("683.76")?),
///     CutRule::Priority(vec![market.id().to_string()]));
/// let out = withhold(&plan, &w)?;
/// let cut = out.cuts.iter().find(|c| c.line == market.id()).ok_or("not found")?;
/// assert_eq!((cut.before, cut.cut, cut.after), (k("7,201.5")?, k("683.76")?, k("6,517.74")?));
/// assert!(out.reconciliation.is_balanced());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn withhold(plan: &Plan, w: &Withholding) -> Result<WithholdingOutcome, IbcfError> {
    let source = plan
        .source_ix(&w.source)
        .ok_or_else(|| IbcfError::UnknownSource(w.source.clone()))?;
    let bad = |amount: Money, problem: &str| IbcfError::BadWithholding {
        source_id: w.source.clone(),
        year: w.year,
        amount,
        problem: problem.to_string(),
    };
    let grant_before = Money::checked_sum(
        plan.allocations()
            .iter()
            .filter(|a| a.year == w.year && a.source == source)
            .map(|a| a.amount),
    )?;
    let withheld = match w.amount {
        WithheldAmount::Amount(m) => m,
        WithheldAmount::Percent(p) => {
            if p.is_sign_negative() || p > Decimal::ONE_HUNDRED {
                return Err(IbcfError::BadPercent {
                    source_id: w.source.clone(),
                    year: w.year,
                    percent: p,
                });
            }
            // grant × p / 100 to the penny, rounded once from the exact
            // value: grant × p is exact (or an overflow error), and p/100
            // pounds in pence is the product counted in whole pounds.
            let product = exact_product(grant_before.pounds(), p).ok_or_else(|| MoneyError::Overflow {
                op: "×",
                left: grant_before.to_string(),
                right: format!("{p}%"),
            })?;
            let pence = Money::from_pounds(product).steps(Precision::POUNDS, w.rounding)?;
            steps_to_money(pence, Precision::PENCE.exponent()).ok_or_else(|| MoneyError::Overflow {
                op: "×",
                left: grant_before.to_string(),
                right: format!("{p}%"),
            })?
        }
    };
    if withheld.is_negative() {
        return Err(bad(withheld, "a negative amount"));
    }
    if !withheld.is_multiple_of(Precision::PENCE) {
        return Err(bad(withheld, "not a whole number of pence"));
    }
    if withheld > grant_before {
        return Err(bad(withheld, &format!("more than the grant income {grant_before}")));
    }

    // The amounts the grant funds that year: (line index, amount index).
    let group = plan
        .groups()
        .iter()
        .position(|g| g.members.iter().any(|m| m == &w.source));
    let funds = |f: Funding| match f {
        Funding::Source(s) => s == source,
        Funding::Group(g) => Some(g.index()) == group,
    };
    let mut targets: Vec<(usize, usize, Money)> = Vec::new();
    let mut via_group = None;
    for (li, line) in plan.lines().iter().enumerate() {
        for (ai, a) in line.amounts().enumerate() {
            if a.year == w.year && funds(a.funding) {
                if let Funding::Group(_) = a.funding {
                    via_group = Some(plan.own_funding_label(a.funding).0.to_string());
                }
                targets.push((li, ai, a.amount));
            }
        }
    }
    let available = Money::checked_sum(targets.iter().map(|t| t.2))?;
    if withheld > available {
        return Err(bad(
            withheld,
            &format!("more than the {available} of lines it funds that year"),
        ));
    }

    let cuts: Vec<Money> = match &w.rule {
        CutRule::ProRata => {
            if withheld.is_zero() {
                vec![Money::ZERO; targets.len()]
            } else {
                let weights: Vec<Decimal> = targets.iter().map(|t| t.2.pounds()).collect();
                allocate(withheld, &weights, Precision::PENCE)?
            }
        }
        CutRule::Priority(order) => {
            let mut cuts = vec![Money::ZERO; targets.len()];
            let mut remaining = withheld;
            let mut listed = Money::ZERO;
            for id in order {
                let Some(li) = plan.lines().iter().position(|l| l.id() == id) else {
                    return Err(IbcfError::BadLine {
                        line: id.clone(),
                        problem: "no such line in the plan".to_string(),
                    });
                };
                let mut any = false;
                for ((tl, _, amount), cut) in targets.iter().zip(cuts.iter_mut()) {
                    if *tl != li {
                        continue;
                    }
                    any = true;
                    listed = listed.checked_add(*amount)?;
                    let take = (*amount).min(remaining);
                    *cut = cut.checked_add(take)?;
                    remaining = remaining.checked_sub(take)?;
                }
                if !any {
                    return Err(IbcfError::BadLine {
                        line: id.clone(),
                        problem: format!("not funded by {} in {}", w.source, w.year),
                    });
                }
            }
            if remaining.is_positive() {
                return Err(IbcfError::PriorityExhausted {
                    available: listed,
                    remaining,
                });
            }
            cuts
        }
    };

    let mut line_cuts = Vec::with_capacity(targets.len());
    for ((li, ai, before), cut) in targets.iter().zip(&cuts) {
        let line = plan
            .lines()
            .get(*li)
            .expect("targets hold positions of this plan's lines");
        let a = line
            .amounts()
            .get(*ai)
            .expect("targets hold positions of this line's amounts");
        line_cuts.push(LineCut {
            line: line.id().to_string(),
            name: line.name().to_string(),
            contributor: contributor_id(plan, a.contributor),
            funding: plan.own_funding_label(a.funding).0.to_string(),
            before: *before,
            cut: *cut,
            after: before.checked_sub(*cut)?,
        });
    }

    let changed = plan.with_line_amounts(|line, a| {
        if a.year != w.year || !funds(a.funding) {
            return None;
        }
        let key = contributor_id(plan, a.contributor);
        let fid = plan.own_funding_label(a.funding).0;
        line_cuts
            .iter()
            .find(|c| c.line == line.id() && c.contributor == key && c.funding == fid)
            .map(|c| c.after)
    })?;

    // The grant income falls by the amount withheld, split over the
    // contributors receiving it pro rata.
    let rows: Vec<(ContributorIx, Money)> = plan
        .allocations()
        .iter()
        .filter(|a| a.year == w.year && a.source == source)
        .map(|a| (a.contributor, a.amount))
        .collect();
    let income_cuts = if withheld.is_zero() {
        vec![Money::ZERO; rows.len()]
    } else {
        allocate(
            withheld,
            &rows.iter().map(|(_, m)| m.pounds()).collect::<Vec<_>>(),
            Precision::PENCE,
        )?
    };
    let changed = reduce_income(&changed, source, w.year, &rows, &income_cuts)?;
    let reconciliation = reconcile(&changed)?;
    Ok(WithholdingOutcome {
        year: w.year,
        source: w.source.clone(),
        grant_before,
        withheld,
        grant_after: grant_before.checked_sub(withheld)?,
        via_group,
        cuts: line_cuts,
        plan: changed,
        reconciliation,
    })
}

fn reduce_income(
    plan: &Plan,
    source: SourceIx,
    year: FinancialYear,
    rows: &[(ContributorIx, Money)],
    cuts: &[Money],
) -> Result<Plan, IbcfError> {
    // The amounts after the cut, computed (and any overflow reported) first.
    let after = rows
        .iter()
        .zip(cuts)
        .map(|((_, m), c)| m.checked_sub(*c))
        .collect::<Result<Vec<_>, _>>()?;
    // Each (contributor) row of the source takes its share once.
    let mut seen = vec![false; rows.len()];
    Ok(plan.with_allocation_amounts(|a| {
        if a.year != year || a.source != source {
            return None;
        }
        let i = rows
            .iter()
            .zip(seen.iter())
            .position(|((c, m), s)| !*s && *c == a.contributor && *m == a.amount)
            .expect("`rows` lists this source's allocations in the year, each matched once");
        let (slot, amount) = seen
            .get_mut(i)
            .zip(after.get(i))
            .expect("one flag and one amount per row");
        *slot = true;
        Some(*amount)
    })?)
}

fn contributor_id(plan: &Plan, c: ContributorIx) -> String {
    plan.contributor(c)
        .map(|c| c.id.clone())
        .expect("the contributor of an amount or allocation of this plan is in the plan")
}
