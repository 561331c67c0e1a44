//! [proptest] strategies for property-testing code that uses plans (cargo
//! feature `proptest`).
//!
//! [`balanced_plan`] generates valid plans that balance exactly: any number
//! of contributors, years, programmes and lines, with amounts across the
//! whole money range (as large as the sums allow) and at pence, pounds or
//! finer scales, some contributors' lines funded by a [`FundingGroup`] of two
//! sources. [`perturbed_plan`] pairs such a plan with a copy in which
//! one line amount has been changed, and says which. [`printed_plan`] prints
//! a balanced plan's figures, each to a precision of its own, as a published
//! plan would be.
//!
//! [`FundingGroup`]: crate::plan::FundingGroup
//!
//! ```
//! use bcf_model::strategies::{balanced_plan, PlanShape};
//! use bcf_model::reconcile::reconcile;
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::default();
//! runner.run(&balanced_plan(PlanShape::default()), |plan| {
//!     let rec = reconcile(&plan).map_err(|e| TestCaseError::fail(e.to_string()))?;
//!     prop_assert!(rec.findings.is_empty());
//!     Ok(())
//! })?;
//! # Ok::<(), proptest::test_runner::TestError<bcf_model::plan::Plan>>(())
//! ```

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure, Rounding};
use crate::plan::{ContingencyDraft, ContingencyKind, ContributorKind, FundingSourceKind, LineDraft, Plan};

/// The size limits of generated plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanShape {
    /// Most contributors (at least 1).
    pub max_contributors: usize,
    /// Most years (at least 1).
    pub max_years: usize,
    /// Most programmes (at least 1).
    pub max_programmes: usize,
    /// Most scheme lines (at least 1).
    pub max_lines: usize,
    /// Whether amounts range over the whole money range (`true`), or stay
    /// everyday amounts up to £100m (`false`).
    pub full_range: bool,
    /// Whether some contributors' lines are funded by a group of two
    /// sources (`g<c>` of `s<c>` and `t<c>`) rather than by one source.
    pub funding_groups: bool,
}

impl Default for PlanShape {
    fn default() -> Self {
        PlanShape {
            max_contributors: 4,
            max_years: 3,
            max_programmes: 4,
            max_lines: 24,
            full_range: true,
            funding_groups: true,
        }
    }
}

impl PlanShape {
    /// The largest number of amounts a plan of this shape can hold (lines and
    /// one contingency line, per contributor and year).
    #[must_use]
    pub fn max_amounts(&self) -> usize {
        (self.max_lines.max(1) + 1) * self.max_contributors.max(1) * self.max_years.max(1)
    }
}

/// Amounts from zero to `max` pounds in pounds and pence: mostly everyday
/// amounts (to £100m), and a share right across the range up to `max`.
///
/// Every amount has at most two decimals, so sums of many of them stay exact
/// within the 28 significant digits of a decimal as long as they stay below
/// `max` × their number.
pub fn amount(max: Decimal) -> impl Strategy<Value = Money> {
    // Largest whole number of pence not above max.
    let max_pence = (max.trunc().mantissa() / 10i128.pow(max.trunc().scale())).saturating_mul(100);
    let max_pence = max_pence.clamp(1, Decimal::MAX.mantissa());
    prop_oneof![
        3 => (0i64..=10_000_000_000i64, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => (0i128..=max_pence).prop_map(|m| Decimal::from_i128_with_scale(m, 2).normalize()),
    ]
    .prop_map(Money::from_pounds)
}

/// One generated amount on a line, before the plan is built.
#[derive(Clone, Debug)]
struct Cell {
    line: usize,
    contributor: usize,
    year: usize,
    amount: Money,
}

/// Valid plans that balance exactly, per contributor and year and per
/// funding source: each contributor pays from its own source, and its
/// allocations equal its lines plus a contingency line.
pub fn balanced_plan(shape: PlanShape) -> impl Strategy<Value = Plan> {
    // Every total must stay exact to the penny: below 2^96 pence.
    let max = if shape.full_range {
        Decimal::MAX / Decimal::from((shape.max_amounts() as u64 + 1) * 100)
    } else {
        Decimal::from(100_000_000)
    };
    (
        1..=shape.max_contributors.max(1),
        1..=shape.max_years.max(1),
        1..=shape.max_programmes.max(1),
        1..=shape.max_lines.max(1),
        2015i32..=2030,
    )
        .prop_flat_map(move |(nc, ny, np, nl, first)| {
            let grouped = proptest::collection::vec(any::<bool>().prop_map(move |g| g && shape.funding_groups), nc);
            let cells = proptest::collection::vec(
                (0..nl, 0..nc, 0..ny, amount(max)).prop_map(|(line, contributor, year, amount)| Cell {
                    line,
                    contributor,
                    year,
                    amount,
                }),
                0..=(nl * nc * ny).min(64),
            );
            let programmes = proptest::collection::vec(0..np, nl);
            let contingency = proptest::collection::vec(amount(max), nc * ny);
            (Just((nc, ny, np, nl, first)), cells, programmes, contingency, grouped)
        })
        .prop_filter_map(
            "a valid plan",
            |((nc, ny, np, nl, first), cells, programmes, contingency, grouped)| {
                build_balanced(nc, ny, np, nl, first, &cells, &programmes, &contingency, &grouped)
            },
        )
}

#[allow(clippy::too_many_arguments)]
fn build_balanced(
    nc: usize,
    ny: usize,
    np: usize,
    nl: usize,
    first: i32,
    cells: &[Cell],
    programmes: &[usize],
    contingency: &[Money],
    grouped: &[bool],
) -> Option<Plan> {
    // (One flag per contributor was generated; a missing one is no group.)
    let is_grouped = |c: usize| grouped.get(c) == Some(&true);
    // What funds contributor c's lines: its group, or its one source.
    let line_funding = |c: usize| {
        if is_grouped(c) {
            format!("g{c}")
        } else {
            format!("s{c}")
        }
    };
    let years: Vec<FinancialYear> = (0..ny)
        .map(|i| FinancialYear::starting(first.checked_add(i32::try_from(i).ok()?)?).ok())
        .collect::<Option<_>>()?;
    let mut b = Plan::builder("generated");
    for y in &years {
        b = b.year(*y);
    }
    for c in 0..nc {
        let kind = if c % 2 == 0 {
            ContributorKind::Ccg
        } else {
            ContributorKind::CountyCouncil
        };
        b = b.contributor(&format!("c{c}"), &format!("Contributor {c}"), kind);
        b = b.source(
            &format!("s{c}"),
            &format!("Source {c}"),
            FundingSourceKind::Custom(format!("s{c}")),
        );
        if is_grouped(c) {
            b = b.source(
                &format!("t{c}"),
                &format!("Second source {c}"),
                FundingSourceKind::Custom(format!("t{c}")),
            );
            b = b.group(
                &format!("g{c}"),
                &format!("Group {c}"),
                &[&format!("s{c}"), &format!("t{c}")],
            );
        }
    }
    for p in 0..np {
        b = b.programme(&format!("P{p}"), &format!("Programme {p}"));
    }
    // One amount per line, contributor and year: later duplicates are dropped.
    let mut seen = std::collections::BTreeSet::new();
    let mut per_line: Vec<Vec<&Cell>> = vec![Vec::new(); nl];
    let mut totals = vec![Money::ZERO; nc * ny];
    for cell in cells {
        if seen.insert((cell.line, cell.contributor, cell.year)) {
            if let Some(v) = per_line.get_mut(cell.line) {
                v.push(cell);
            }
            if let Some(t) = totals.get_mut(cell.contributor * ny + cell.year) {
                // A total past the range is not a plan: filtered out.
                *t = t.checked_add(cell.amount).ok()?;
            }
        }
    }
    for (l, cells) in per_line.iter().enumerate() {
        let programme = programmes.get(l)?;
        let mut d = LineDraft::new(format!("L{l}"), format!("P{programme}"), format!("Line {l}"));
        for cell in cells {
            if let Some(y) = years.get(cell.year) {
                d = d.amount(
                    &format!("c{}", cell.contributor),
                    *y,
                    &line_funding(cell.contributor),
                    cell.amount,
                );
            }
        }
        b = b.line(d);
    }
    let mut cont = ContingencyDraft::new("K", "Contingency", ContingencyKind::Contingency);
    for c in 0..nc {
        for (yi, y) in years.iter().enumerate() {
            let held = *contingency.get(c * ny + yi)?;
            cont = cont.amount(&format!("c{c}"), *y, &format!("s{c}"), held);
            let spent = *totals.get(c * ny + yi)?;
            if is_grouped(c) {
                // The group's two sources: one pays for the contingency, the
                // other for the lines.
                b = b.allocation(&format!("s{c}"), &format!("c{c}"), *y, held);
                b = b.allocation(&format!("t{c}"), &format!("c{c}"), *y, spent);
            } else {
                let income = spent.checked_add(held).ok()?;
                b = b.allocation(&format!("s{c}"), &format!("c{c}"), *y, income);
            }
        }
    }
    b = b.contingency(cont);
    // The generator only makes valid plans; an invalid one is filtered out.
    b.build().ok()
}

/// A change to one scheme-line amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Perturbation {
    /// The line's id.
    pub line: String,
    /// The contributor id of the amount changed.
    pub contributor: String,
    /// The year of the amount changed.
    pub year: FinancialYear,
    /// What was added to the amount (never zero; the result is never negative).
    pub delta: Money,
}

/// A balanced plan, a copy with one line amount changed by a non-zero
/// amount (keeping it non-negative), and the change.
pub fn perturbed_plan(shape: PlanShape) -> impl Strategy<Value = (Plan, Plan, Perturbation)> {
    balanced_plan(shape)
        .prop_filter("needs a line amount", |p| {
            p.lines().iter().any(|l| !l.amounts().is_empty())
        })
        .prop_flat_map(|plan| {
            let count: usize = plan.lines().iter().map(|l| l.amounts().len()).sum();
            (
                Just(plan),
                0..count.max(1),
                1i64..=1_000_000_000i64,
                0u32..=2,
                any::<bool>(),
            )
        })
        .prop_filter_map("a changeable amount", |(plan, pick, magnitude, scale, up)| {
            let mut seen = 0usize;
            let mut target = None;
            for line in plan.lines() {
                for a in line.amounts() {
                    if seen == pick {
                        target = Some((line.id().to_string(), a));
                    }
                    seen += 1;
                }
            }
            let (line_id, a) = target?;
            let step = Money::from_pounds(Decimal::new(magnitude, scale));
            // Go down only if the amount stays non-negative.
            let delta = if !up && a.amount >= step { step.negate() } else { step };
            let new_amount = a.amount.checked_add(delta).ok()?;
            let changed = plan
                .with_line_amounts(|l, x| (l.id() == line_id && x == &a).then_some(new_amount))
                .ok()?;
            let contributor = plan.contributor(a.contributor)?.id.clone();
            let perturbation = Perturbation {
                line: line_id,
                contributor,
                year: a.year,
                delta,
            };
            Some((plan, changed, perturbation))
        })
}

/// The precisions [`printed_plan`] prints figures to, from the penny to
/// tenths of £m.
pub const PRINT_PRECISIONS: [Precision; 6] = [
    Precision::PENCE,
    Precision::POUNDS,
    Precision::THOUSANDS_2DP,
    Precision::THOUSANDS_1DP,
    Precision::THOUSANDS,
    Precision::MILLIONS_1DP,
];

/// A balanced plan of everyday amounts (its true figures), and the same plan
/// as it might be published: each figure printed to a precision of its own
/// (one of [`PRINT_PRECISIONS`]), rounded either way as long as the printed
/// figure is within half a step of the true one.
///
/// The true figures balance exactly, so every difference in the printed
/// plan is a pure rounding perturbation: reconciliation must call it
/// rounding (or exact), never an error.
///
/// ```
/// use bcf_model::strategies::{printed_plan, PlanShape};
/// use bcf_model::reconcile::reconcile;
/// use proptest::prelude::*;
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::default();
/// runner.run(&printed_plan(PlanShape::default()), |(_, printed)| {
///     let rec = reconcile(&printed).map_err(|e| TestCaseError::fail(e.to_string()))?;
///     prop_assert!(rec.is_balanced());
///     Ok(())
/// })?;
/// # Ok::<(), proptest::test_runner::TestError<(bcf_model::plan::Plan, bcf_model::plan::Plan)>>(())
/// ```
pub fn printed_plan(shape: PlanShape) -> impl Strategy<Value = (Plan, Plan)> {
    balanced_plan(PlanShape {
        full_range: false,
        ..shape
    })
    .prop_flat_map(|plan| {
        let figures = plan.allocations().len()
            + plan.lines().iter().map(|l| l.amounts().len()).sum::<usize>()
            + plan.contingency().iter().map(|l| l.amounts.len()).sum::<usize>();
        let choices = proptest::collection::vec((0..PRINT_PRECISIONS.len(), any::<bool>()), figures);
        (Just(plan), choices)
    })
    .prop_filter_map("a printable plan", |(plan, choices)| {
        let printed = print(&plan, &choices)?;
        Some((plan, printed))
    })
}

/// `plan` with its figures printed as `choices` say, in the order
/// allocations, line amounts, contingency amounts.
fn print(plan: &Plan, choices: &[(usize, bool)]) -> Option<Plan> {
    let mut choice = choices.iter();
    let mut next = |true_value: Money| -> Option<PrintedFigure> {
        let (p, up) = choice.next()?;
        let precision = *PRINT_PRECISIONS.get(*p)?;
        let half = precision.half_step();
        let candidates = [Rounding::TowardZero, Rounding::AwayFromZero]
            .into_iter()
            .filter_map(|r| true_value.round(precision, r).ok())
            .filter(|v| v.checked_sub(true_value).is_ok_and(|d| d.abs() <= half))
            .collect::<Vec<_>>();
        let value = if *up { candidates.last() } else { candidates.first() };
        Some(PrintedFigure::new(*value?, precision))
    };
    let own = |f| plan.funding_label(f).map(|(id, _)| id.to_string());
    let mut b = Plan::builder(plan.name());
    for y in plan.years() {
        b = b.year(*y);
    }
    for c in plan.contributors() {
        b = b.contributor(&c.id, &c.name, c.kind);
    }
    for s in plan.sources() {
        b = b.source(&s.id, &s.name, s.kind.clone());
    }
    for g in plan.groups() {
        let members: Vec<&str> = g.members.iter().map(String::as_str).collect();
        b = b.group(&g.id, &g.name, &members);
    }
    for a in plan.allocations() {
        let source = &plan.source(a.source)?.id;
        let contributor = &plan.contributor(a.contributor)?.id;
        b = b.printed_allocation(source, contributor, a.year, next(a.amount)?);
    }
    for p in plan.programmes() {
        b = b.programme(&p.id, &p.name);
    }
    for line in plan.lines() {
        let programme = &plan.programme(line.programme())?.id;
        let mut d = LineDraft::new(line.id(), programme.as_str(), line.name()).attributes(line.attributes().clone());
        for a in line.amounts() {
            let contributor = &plan.contributor(a.contributor)?.id;
            d = d.printed(contributor, a.year, &own(a.funding)?, next(a.amount)?);
        }
        b = b.line(d);
    }
    for line in plan.contingency() {
        let mut d = ContingencyDraft::new(line.id.as_str(), line.name.as_str(), line.kind.clone());
        for a in &line.amounts {
            let contributor = &plan.contributor(a.contributor)?.id;
            d = d.printed(contributor, a.year, &own(a.funding)?, next(a.amount)?);
        }
        b = b.contingency(d);
    }
    b.build().ok()
}
