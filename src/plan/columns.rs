//! What the fast reconciliation needs beside the line table: where each
//! cell's sum goes, and the contingency and allocation amounts as units.
//!
//! The scheme-line amounts themselves are not copied: the plan's
//! [`LineTable`](super::table::LineTable) already holds them as `i64` units
//! with a cell each, so reconciliation is one pass of integer additions with
//! no lookups, hashing or decimal rescaling. Built with the plan; absent when
//! some amount (or the sum of all of them) does not fit an `i64`, in which
//! case reconciliation takes the reference path.

use rust_decimal::Decimal;

use super::{Funding, Plan};
use crate::money::RoundingBound;

/// The fast path's view of a plan's amounts.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct Columns {
    /// The decimal scale of every unit count.
    pub scale: u32,
    /// Number of accumulator slots: contributors × years × funding classes.
    pub slots: usize,
    /// For each cell of the line table: `programme * slots + slot`.
    pub cell_target: Vec<u32>,
    /// Contingency amounts.
    pub contingency_units: Vec<i64>,
    /// For each contingency amount: its slot.
    pub contingency_slot: Vec<u32>,
    /// Allocations.
    pub allocation_units: Vec<i64>,
    /// For each allocation: its slot.
    pub allocation_slot: Vec<u32>,
    /// How many scheme amounts fall in each slot.
    pub scheme_count: Vec<u32>,
    /// How many contingency amounts fall in each slot.
    pub contingency_count: Vec<u32>,
    /// How many allocations fall in each slot.
    pub allocation_count: Vec<u32>,
    /// The rounding bound of the scheme amounts of each slot (the half
    /// steps of the printed ones), known before any amount is added.
    pub scheme_bound: Vec<RoundingBound>,
    /// The rounding bound of the contingency amounts of each slot.
    pub contingency_bound: Vec<RoundingBound>,
    /// The rounding bound of the allocations of each slot.
    pub allocation_bound: Vec<RoundingBound>,
}

/// `d` as an `i64` count of units at `scale` (at least `d`'s scale).
pub(crate) fn units_i64(d: Decimal, scale: u32) -> Option<i64> {
    let p = 10i128.checked_pow(scale.checked_sub(d.scale())?)?;
    i64::try_from(d.mantissa().checked_mul(p)?).ok()
}

impl Columns {
    /// Bytes held on the heap, by capacity.
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        (self.cell_target.capacity()
            + self.contingency_slot.capacity()
            + self.allocation_slot.capacity()
            + self.scheme_count.capacity()
            + self.contingency_count.capacity()
            + self.allocation_count.capacity())
            * size_of::<u32>()
            + (self.contingency_units.capacity() + self.allocation_units.capacity()) * size_of::<i64>()
            + (self.scheme_bound.capacity() + self.contingency_bound.capacity() + self.allocation_bound.capacity())
                * size_of::<RoundingBound>()
    }

    /// Builds the columns of `plan`, or `None` if they cannot hold it exactly.
    pub(crate) fn build(plan: &Plan) -> Option<Columns> {
        let ny = plan.years.len();
        let nc = plan.contributors.len();
        let nk = plan.class_count as usize;
        let slots = nc.checked_mul(ny)?.checked_mul(nk)?;
        let np = plan.programmes.len().max(1);
        u32::try_from(slots.checked_mul(np)?).ok()?;
        let scale = plan.finest_scale();
        let table = &plan.lines;
        if table.amount_count() > 0 && table.units_scale() != Some(scale) {
            return None;
        }
        let slot_of = |contributor: usize, year, funding: Funding| -> Option<u32> {
            let y = plan.years.iter().position(|x| *x == year)?;
            let k = plan.class_of(funding)?;
            u32::try_from((contributor * ny + y) * nk + k).ok()
        };
        let mut cols = Columns {
            scale,
            slots,
            scheme_count: vec![0; slots],
            contingency_count: vec![0; slots],
            allocation_count: vec![0; slots],
            scheme_bound: vec![RoundingBound::ZERO; slots],
            contingency_bound: vec![RoundingBound::ZERO; slots],
            allocation_bound: vec![RoundingBound::ZERO; slots],
            ..Columns::default()
        };
        // The sum of all magnitudes bounds every partial sum: if it fits an
        // i64, no accumulation can overflow.
        let mut magnitude = table.units_magnitude()?;
        let per_cell = table.cell_counts();
        cols.cell_target.reserve_exact(table.cells.len());
        for (cell, n) in table.cells.iter().zip(&per_cell) {
            let slot = slot_of(cell.contributor.index(), cell.year, cell.funding)?;
            let base = u32::try_from(cell.programme.index() * slots).ok()?;
            cols.cell_target.push(base.checked_add(slot)?);
            let c = cols.scheme_count.get_mut(slot as usize)?;
            *c = c.checked_add(*n)?;
            if let Some(p) = cell.precision {
                cols.scheme_bound.get_mut(slot as usize)?.add(p, u64::from(*n)).ok()?;
            }
        }
        for line in &plan.contingency {
            for a in &line.amounts {
                let u = units_i64(a.amount.pounds(), scale)?;
                magnitude = magnitude.checked_add(u.checked_abs()?)?;
                let slot = slot_of(a.contributor.index(), a.year, a.funding)?;
                let c = cols.contingency_count.get_mut(slot as usize)?;
                *c = c.checked_add(1)?;
                cols.contingency_bound
                    .get_mut(slot as usize)?
                    .add_figure(a.precision)
                    .ok()?;
                cols.contingency_units.push(u);
                cols.contingency_slot.push(slot);
            }
        }
        for a in &plan.allocations {
            let u = units_i64(a.amount.pounds(), scale)?;
            magnitude = magnitude.checked_add(u.checked_abs()?)?;
            let slot = slot_of(a.contributor.index(), a.year, Funding::Source(a.source))?;
            let c = cols.allocation_count.get_mut(slot as usize)?;
            *c = c.checked_add(1)?;
            cols.allocation_bound
                .get_mut(slot as usize)?
                .add_figure(a.precision)
                .ok()?;
            cols.allocation_units.push(u);
            cols.allocation_slot.push(slot);
        }
        Some(cols)
    }
}
