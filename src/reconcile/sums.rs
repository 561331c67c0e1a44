//! The exact sums behind [`reconcile`](super::reconcile): integer
//! accumulators, the column-wise fast path and the reference path, and the
//! step that turns the sums into totals, balances and findings.

use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::money::{Money, RoundingBound};
use crate::plan::{ContributorIx, LineAmount, Plan};
use crate::text::escape;

use super::{
    Agreement, Comparison, ContributorBalance, Finding, FindingKind, FundingBalance, ReconcileError, Reconciliation,
    Totals,
};

/// The income of each source that is a member of a funding group, per
/// contributor and year (`[contributor][year]`), from the plan's allocations.
type MemberIncome = Vec<Option<(String, Vec<Money>)>>;

fn member_income(plan: &Plan, years: &[FinancialYear], nc: usize) -> Result<MemberIncome, ReconcileError> {
    let ny = years.len();
    let mut out: MemberIncome = vec![None; plan.sources().len()];
    for g in plan.groups() {
        for id in &g.members {
            let s = plan
                .source_ix(id)
                .expect("a group's members are sources of the plan (checked by the builder)");
            let mut income = vec![Money::ZERO; nc * ny];
            for a in plan.allocations().iter().filter(|a| a.source == s) {
                let y = years
                    .iter()
                    .position(|y| *y == a.year)
                    .expect("an allocation's year is one of the plan's (checked by the builder)");
                let slot = income
                    .get_mut(a.contributor.index() * ny + y)
                    .expect("an allocation's contributor and year are the plan's");
                *slot = slot
                    .checked_add(a.amount)
                    .map_err(|e| ReconcileError::Overflow(format!("income of {} in {}: {e}", escape(id), a.year)))?;
            }
            if let Some(slot) = out.get_mut(s.index()) {
                *slot = Some((id.clone(), income));
            }
        }
    }
    Ok(out)
}

/// An exact accumulator: integer units at a fixed decimal scale, with a count
/// of the figures summed (for the rounding bound).
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    units: i128,
    figures: u32,
    overflow: bool,
}

impl Acc {
    /// Adds a sum of `figures` figures.
    fn add_many(&mut self, units: i128, figures: u32) {
        match self.units.checked_add(units) {
            Some(v) => self.units = v,
            None => self.overflow = true,
        }
        self.figures = self.figures.saturating_add(figures);
    }

    #[inline]
    fn add(&mut self, units: Option<i128>) {
        match units.and_then(|u| self.units.checked_add(u)) {
            Some(v) => self.units = v,
            None => self.overflow = true,
        }
        self.figures = self.figures.saturating_add(1);
    }

    fn money(&self, scale: u32, what: impl FnOnce() -> String) -> Result<Money, ReconcileError> {
        if self.overflow {
            return Err(ReconcileError::Overflow(what()));
        }
        // Drop trailing zeros until the value fits 96 bits; if it never does,
        // the exact total needs more than 28 significant digits.
        let (mut units, mut scale) = (self.units, scale);
        loop {
            if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
                return Ok(Money::from_pounds(d.normalize()));
            }
            if scale == 0 || units % 10 != 0 {
                return Err(ReconcileError::Overflow(what()));
            }
            units /= 10;
            scale -= 1;
        }
    }
}

/// `d` as integer units at `scale` (which is at least `d`'s scale).
#[inline]
fn units_at(d: Decimal, scale: u32) -> Option<i128> {
    let m = d.mantissa();
    let s = d.scale();
    if s == scale {
        Some(m)
    } else {
        10i128.checked_pow(scale.checked_sub(s)?).and_then(|p| m.checked_mul(p))
    }
}

/// Exact sums of a plan, before they become totals and findings.
pub(super) struct Sums {
    scale: u32,
    /// [programme][contributor][year]
    prog: Vec<Acc>,
    /// [contributor][year]
    scheme: Vec<Acc>,
    cont: Vec<Acc>,
    alloc: Vec<Acc>,
    /// [class][contributor][year]
    class_spend: Vec<Acc>,
    class_income: Vec<Acc>,
    /// The rounding bounds of the printed figures behind each sum:
    /// [contributor][year] for spend, contingency and allocations, and
    /// [class][contributor][year] for a class's spend and income.
    scheme_bound: Vec<RoundingBound>,
    cont_bound: Vec<RoundingBound>,
    alloc_bound: Vec<RoundingBound>,
    class_spend_bound: Vec<RoundingBound>,
    class_income_bound: Vec<RoundingBound>,
}

impl Sums {
    fn new(scale: u32, np: usize, nc: usize, ny: usize, nk: usize) -> Sums {
        let cy = nc * ny;
        Sums {
            scale,
            prog: vec![Acc::default(); np * cy],
            scheme: vec![Acc::default(); cy],
            cont: vec![Acc::default(); cy],
            alloc: vec![Acc::default(); cy],
            class_spend: vec![Acc::default(); nk * cy],
            class_income: vec![Acc::default(); nk * cy],
            scheme_bound: vec![RoundingBound::ZERO; cy],
            cont_bound: vec![RoundingBound::ZERO; cy],
            alloc_bound: vec![RoundingBound::ZERO; cy],
            class_spend_bound: vec![RoundingBound::ZERO; nk * cy],
            class_income_bound: vec![RoundingBound::ZERO; nk * cy],
        }
    }
}

/// The bound at `i` of `v`, for an index made from the plan's own
/// contributors, years and classes (every vector has a place for each).
fn bound_at(v: &[RoundingBound], i: usize) -> &RoundingBound {
    v.get(i).expect("a bound of the plan's contributors, years and classes")
}

/// Adds `from` into the bound at `at` of `v`; an overflow of the count of
/// figures (beyond 2^64) is a bound that cannot be computed.
fn merge_bound(v: &mut [RoundingBound], at: usize, from: &RoundingBound) -> Result<(), ReconcileError> {
    if let Some(b) = v.get_mut(at) {
        b.merge(from).map_err(|e| ReconcileError::Bound(e.to_string()))?;
    }
    Ok(())
}

pub(super) fn sums_from_columns(plan: &Plan, cols: &crate::plan::Columns) -> Result<Sums, ReconcileError> {
    let ny = plan.years().len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();
    let slots = cols.slots;
    // The hot loop: one add per amount into a small accumulator array. The
    // sum of all magnitudes fits an i64 (checked when the columns were
    // built), so no partial sum can overflow.
    let mut per_cell = vec![0i64; cols.cell_target.len()];
    plan.add_scheme_units_by_cell(&mut per_cell);
    let mut prog_slots = vec![0i64; np.max(1) * slots];
    for (u, ix) in per_cell.iter().zip(&cols.cell_target) {
        if let Some(acc) = prog_slots.get_mut(*ix as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    let mut cont_slots = vec![0i64; slots];
    for (u, slot) in cols.contingency_units.iter().zip(&cols.contingency_slot) {
        if let Some(acc) = cont_slots.get_mut(*slot as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    let mut alloc_slots = vec![0i64; slots];
    for (u, slot) in cols.allocation_units.iter().zip(&cols.allocation_slot) {
        if let Some(acc) = alloc_slots.get_mut(*slot as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    // Fold the slots (contributor, year, class) into the totals. Every slot
    // index is below `slots`, the length of each vector read here.
    let count = |v: &[u32], slot: usize| v.get(slot).copied().expect("a slot of the plan's columns");
    let value = |v: &[i64], slot: usize| i128::from(v.get(slot).copied().expect("a slot of the plan's columns"));
    let bound = bound_at;
    let mut sums = Sums::new(cols.scale, np, nc, ny, nk);
    let add = |acc: Option<&mut Acc>, units: i128, figures: u32| {
        if let Some(acc) = acc {
            acc.add_many(units, figures);
        }
    };
    for c in 0..nc {
        for y in 0..ny {
            let cy = c * ny + y;
            for k in 0..nk {
                let slot = cy * nk + k;
                let kcy = (k * nc + c) * ny + y;
                for p in 0..np {
                    let u = value(&prog_slots, p * slots + slot);
                    add(sums.prog.get_mut((p * nc + c) * ny + y), u, 0);
                }
                // Each term is at most the sum of all magnitudes, an i64.
                let scheme_u: i128 = (0..np).map(|p| value(&prog_slots, p * slots + slot)).sum();
                let n_scheme = count(&cols.scheme_count, slot);
                let cont_u = value(&cont_slots, slot);
                let n_cont = count(&cols.contingency_count, slot);
                add(sums.scheme.get_mut(cy), scheme_u, n_scheme);
                add(sums.cont.get_mut(cy), cont_u, n_cont);
                add(
                    sums.class_spend.get_mut(kcy),
                    scheme_u + cont_u,
                    n_scheme.saturating_add(n_cont),
                );
                let alloc_u = value(&alloc_slots, slot);
                let n_alloc = count(&cols.allocation_count, slot);
                add(sums.alloc.get_mut(cy), alloc_u, n_alloc);
                add(sums.class_income.get_mut(kcy), alloc_u, n_alloc);
                let (b_scheme, b_cont, b_alloc) = (
                    bound(&cols.scheme_bound, slot),
                    bound(&cols.contingency_bound, slot),
                    bound(&cols.allocation_bound, slot),
                );
                merge_bound(&mut sums.scheme_bound, cy, b_scheme)?;
                merge_bound(&mut sums.cont_bound, cy, b_cont)?;
                merge_bound(&mut sums.alloc_bound, cy, b_alloc)?;
                merge_bound(&mut sums.class_spend_bound, kcy, b_scheme)?;
                merge_bound(&mut sums.class_spend_bound, kcy, b_cont)?;
                merge_bound(&mut sums.class_income_bound, kcy, b_alloc)?;
            }
        }
    }
    Ok(sums)
}

pub(super) fn sums_reference(plan: &Plan) -> Result<Sums, ReconcileError> {
    let years = plan.years().to_vec();
    let ny = years.len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();

    // Every sum is exact at the finest scale of any amount.
    let mut sums = Sums::new(plan.finest_scale(), np, nc, ny, nk);
    let scale = sums.scale;
    let year_ix = |y: FinancialYear| years.iter().position(|x| *x == y);
    // Every amount's year, contributor and funding are the plan's own (the
    // builder resolved them), so each index is in range.
    let class_of = |f: crate::plan::Funding| plan.class_of(f).expect("an amount's funding is one of its plan's");
    let bound_error = |e: crate::money::MoneyError| ReconcileError::Bound(e.to_string());

    let add_amount = |a: &LineAmount, sums: &mut Sums, programme: Option<usize>| -> Result<(), ReconcileError> {
        let (Some(y), c) = (year_ix(a.year), a.contributor.index()) else {
            return Ok(());
        };
        let u = units_at(a.amount.pounds(), scale);
        let cy = c * ny + y;
        let (target, bounds) = match programme {
            Some(_) => (&mut sums.scheme, &mut sums.scheme_bound),
            None => (&mut sums.cont, &mut sums.cont_bound),
        };
        if let Some(acc) = target.get_mut(cy) {
            acc.add(u);
        }
        if let Some(b) = bounds.get_mut(cy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        if let Some(p) = programme {
            if let Some(acc) = sums.prog.get_mut((p * nc + c) * ny + y) {
                acc.add(u);
            }
        }
        let kcy = (class_of(a.funding) * nc + c) * ny + y;
        if let Some(acc) = sums.class_spend.get_mut(kcy) {
            acc.add(u);
        }
        if let Some(b) = sums.class_spend_bound.get_mut(kcy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        Ok(())
    };
    for line in plan.lines() {
        for a in line.amounts() {
            add_amount(&a, &mut sums, Some(line.programme().index()))?;
        }
    }
    for line in plan.contingency() {
        for a in &line.amounts {
            add_amount(a, &mut sums, None)?;
        }
    }
    for a in plan.allocations() {
        let (Some(y), c) = (year_ix(a.year), a.contributor.index()) else {
            continue;
        };
        let u = units_at(a.amount.pounds(), scale);
        let cy = c * ny + y;
        if let Some(acc) = sums.alloc.get_mut(cy) {
            acc.add(u);
        }
        if let Some(b) = sums.alloc_bound.get_mut(cy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        let kcy = (class_of(crate::plan::Funding::Source(a.source)) * nc + c) * ny + y;
        if let Some(acc) = sums.class_income.get_mut(kcy) {
            acc.add(u);
        }
        if let Some(b) = sums.class_income_bound.get_mut(kcy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
    }
    Ok(sums)
}

pub(super) fn finish(plan: &Plan, sums: Sums) -> Result<Reconciliation, ReconcileError> {
    let years = plan.years().to_vec();
    let ny = years.len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();
    let classes = plan.funding_classes();
    let Sums {
        scale,
        prog,
        scheme,
        cont,
        alloc,
        class_spend,
        class_income,
        scheme_bound,
        cont_bound,
        alloc_bound,
        class_spend_bound,
        class_income_bound,
    } = sums;
    // What a sum is, in words, for an error: its contributor and year, and
    // its programme or funding class.
    // Sums are laid out [programme or class][contributor][year], so every
    // index splits into positions of the plan's own lists.
    let contributor_year = |cy: usize| {
        let c = plan
            .contributors()
            .get(cy / ny)
            .expect("a sum of a contributor of the plan");
        let y = years.get(cy % ny).expect("a sum of a year of the plan");
        format!("{} {y}", escape(&c.id))
    };
    let of_class = |i: usize| {
        let class = classes
            .get(i / (nc * ny))
            .expect("a sum of a funding class of the plan");
        format!("{}, {}", escape(&class.id), contributor_year(i % (nc * ny)))
    };
    let of_programme = |i: usize| {
        let p = plan
            .programmes()
            .get(i / (nc * ny))
            .expect("a sum of a programme of the plan");
        format!("{}, {}", escape(&p.id), contributor_year(i % (nc * ny)))
    };
    let to_money = |v: &[Acc], what: &dyn Fn(usize) -> String| -> Result<Vec<Money>, ReconcileError> {
        v.iter().enumerate().map(|(i, a)| a.money(scale, || what(i))).collect()
    };
    let (source_class, group_class) = plan.class_map();
    let totals = Totals {
        years: years.clone(),
        contributors: nc,
        programmes: np,
        classes: nk,
        class_ids: classes.iter().map(|c| c.id.clone()).collect(),
        key: plan.key(),
        source_class,
        group_class,
        programme: to_money(&prog, &|i| format!("spend on programme {}", of_programme(i)))?,
        scheme: to_money(&scheme, &|i| format!("scheme spend of {}", contributor_year(i)))?,
        contingency: to_money(&cont, &|i| format!("contingency of {}", contributor_year(i)))?,
        allocation: to_money(&alloc, &|i| format!("allocations of {}", contributor_year(i)))?,
        class_spend: to_money(&class_spend, &|i| format!("spend funded by {}", of_class(i)))?,
        class_income: to_money(&class_income, &|i| format!("income of {}", of_class(i)))?,
        member_income: member_income(plan, &years, nc)?,
    };

    let bound_of = |parts: &[&RoundingBound], what: &dyn Fn() -> String| -> Result<Money, ReconcileError> {
        let mut b = RoundingBound::ZERO;
        for p in parts {
            b.merge(p)
                .map_err(|e| ReconcileError::Bound(format!("{}: {e}", what())))?;
        }
        b.to_money()
            .map_err(|e| ReconcileError::Bound(format!("{}: {e}", what())))
    };
    // Every index below is within the vectors built for this plan's
    // contributors, years and classes.
    let at = |v: &[Money], i: usize| *v.get(i).expect("a total of the plan's contributors, years and classes");
    let acc = |v: &[Acc], i: usize| *v.get(i).expect("a sum of the plan's contributors, years and classes");
    let bound = bound_at;
    let overflow = |e: crate::money::MoneyError| ReconcileError::Overflow(e.to_string());
    let mut balances = Vec::with_capacity(nc * ny);
    let mut funding = Vec::new();
    let mut findings = Vec::new();
    for (ci, contributor) in plan.contributors().iter().enumerate() {
        let c = ContributorIx::new(
            plan.key(),
            u32::try_from(ci).expect("the builder checked the contributors fit u32"),
        );
        for (yi, &year) in years.iter().enumerate() {
            let i = ci * ny + yi;
            let (allocation, scheme_spend, contingency) = (
                at(&totals.allocation, i),
                at(&totals.scheme, i),
                at(&totals.contingency, i),
            );
            let expenditure = scheme_spend.checked_add(contingency).map_err(overflow)?;
            let b = bound_of(
                &[bound(&alloc_bound, i), bound(&scheme_bound, i), bound(&cont_bound, i)],
                &|| format!("the balance of {} {year}", escape(&contributor.id)),
            )?;
            let comparison = Comparison::new(expenditure, allocation, b)?;
            balances.push(ContributorBalance {
                contributor: c,
                year,
                allocation,
                scheme_spend,
                contingency,
                expenditure,
                commitment: allocation.checked_sub(expenditure).map_err(overflow)?,
                agreement: comparison.agreement,
            });
            if comparison.agreement != Agreement::Exact {
                findings.push(Finding {
                    kind: FindingKind::ContributorImbalance,
                    contributor: c,
                    contributor_id: contributor.id.clone(),
                    year,
                    funding: None,
                    comparison,
                });
            }
            for (k, class) in classes.iter().enumerate() {
                let j = (k * nc + ci) * ny + yi;
                let n_spend = acc(&class_spend, j).figures;
                let n_income = acc(&class_income, j).figures;
                if n_spend == 0 && n_income == 0 {
                    continue;
                }
                let spend = at(&totals.class_spend, j);
                let income = at(&totals.class_income, j);
                let b = bound_of(&[bound(&class_spend_bound, j), bound(&class_income_bound, j)], &|| {
                    format!("funding {} of {} {year}", escape(&class.id), escape(&contributor.id))
                })?;
                let comparison = Comparison::new(spend, income, b)?;
                funding.push(FundingBalance {
                    funding: class.id.clone(),
                    contributor: c,
                    year,
                    income,
                    spend,
                    agreement: comparison.agreement,
                });
                if comparison.agreement != Agreement::Exact {
                    findings.push(Finding {
                        kind: FindingKind::FundingMismatch,
                        contributor: c,
                        contributor_id: contributor.id.clone(),
                        year,
                        funding: Some(class.id.clone()),
                        comparison,
                    });
                }
            }
        }
    }
    Ok(Reconciliation {
        balances,
        funding,
        totals,
        findings,
    })
}
