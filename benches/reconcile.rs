//! Reconciliation against a near-limit baseline.
//!
//! `reconcile/lines/N`: a synthetic plan of N scheme lines × 3 contributors ×
//! 2 years, reconciled exactly. `baseline_i64_sum/lines/N`: the same amounts
//! held as integer pence, only summed: what merely reading them costs.

use bcf_model::calendar::FinancialYear;
use bcf_model::money::Money;
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::reconcile::reconcile;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const CONTRIBUTORS: [&str; 3] = ["wl_ccg", "elr_ccg", "lcc"];

/// A balanced synthetic plan and its amounts in pence.
fn synthetic(lines: usize) -> (Plan, Vec<i64>) {
    let years = [
        FinancialYear::starting(2017).unwrap(),
        FinancialYear::starting(2018).unwrap(),
    ];
    let mut b = Plan::builder("synthetic");
    for y in years {
        b = b.year(y);
    }
    for c in CONTRIBUTORS {
        b = b
            .contributor(c, c, ContributorKind::Ccg)
            .source(&format!("src_{c}"), c, FundingSourceKind::NhsMinimum);
    }
    for p in 0..11 {
        b = b.programme(&format!("BCF{p}"), "programme");
    }
    let mut pence = Vec::with_capacity(lines * 6);
    let mut totals = [[0i64; 2]; 3];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for l in 0..lines {
        let mut d = LineDraft::new(format!("L{l}"), format!("BCF{}", l % 11), "line");
        for (ci, c) in CONTRIBUTORS.iter().enumerate() {
            for (yi, y) in years.iter().enumerate() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let p = (seed % 500_000_000) as i64; // up to £5m, in pence
                pence.push(p);
                totals[ci][yi] += p;
                d = d.amount(c, *y, &format!("src_{c}"), Money::from_pence(p));
            }
        }
        b = b.line(d);
    }
    for (ci, c) in CONTRIBUTORS.iter().enumerate() {
        for (yi, y) in years.iter().enumerate() {
            b = b.allocation(&format!("src_{c}"), c, *y, Money::from_pence(totals[ci][yi]));
        }
    }
    (b.build().unwrap(), pence)
}

fn bench(c: &mut Criterion) {
    for lines in [1_000usize, 100_000, 1_000_000] {
        let (plan, pence) = synthetic(lines);
        assert!(reconcile(&plan).unwrap().findings.is_empty());
        let samples = if lines >= 100_000 { 10 } else { 100 };
        // Ids: reconcile/lines/N and baseline_i64_sum/lines/N.
        let mut group = c.benchmark_group("reconcile");
        group
            .sample_size(samples)
            .throughput(Throughput::Elements((lines * 6) as u64));
        group.bench_with_input(BenchmarkId::new("lines", lines), &plan, |b, plan| {
            b.iter(|| reconcile(black_box(plan)).unwrap())
        });
        group.finish();
        let mut group = c.benchmark_group("baseline_i64_sum");
        group
            .sample_size(samples)
            .throughput(Throughput::Elements((lines * 6) as u64));
        group.bench_with_input(BenchmarkId::new("lines", lines), &pence, |b, pence| {
            b.iter(|| black_box(pence).iter().sum::<i64>())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
