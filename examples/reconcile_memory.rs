//! Measures the memory of reconciling a synthetic plan of N lines × 3
//! contributors × 2 years (default N = 1,000,000), for BENCHMARKS.md.
//!
//! Linux only: it reads VmRSS and VmHWM from /proc/self/status and resets the
//! peak by writing 5 to /proc/self/clear_refs just before reconciling, so the
//! peak it reports is what reconciliation itself adds to the loaded plan.
//!
//!     cargo run --release --example reconcile_memory -- 1000000

use bcf_model::calendar::FinancialYear;
use bcf_model::money::Money;
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::reconcile::reconcile;

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lines: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let before_plan = status_kib("VmRSS:").unwrap_or(0);
    let plan = {
        let years = [FinancialYear::starting(2017)?, FinancialYear::starting(2018)?];
        let contributors = ["wl_ccg", "elr_ccg", "lcc"];
        let mut b = Plan::builder("synthetic")
            .year(years[0])
            .year(years[1])
            .programme("P", "programme");
        for c in contributors {
            b = b
                .contributor(c, c, ContributorKind::Ccg)
                .source(c, c, FundingSourceKind::NhsMinimum);
        }
        let mut totals = [[0i64; 2]; 3];
        for l in 0..lines {
            let mut d = LineDraft::new(format!("L{l}"), "P", "line");
            for (ci, c) in contributors.iter().enumerate() {
                for (yi, y) in years.iter().enumerate() {
                    let p = ((l * 7 + ci * 3 + yi) % 1_000_000) as i64 * 100;
                    totals[ci][yi] += p;
                    d = d.amount(c, *y, c, Money::from_pence(p));
                }
            }
            b = b.line(d);
        }
        for (ci, c) in contributors.iter().enumerate() {
            for (yi, y) in years.iter().enumerate() {
                b = b.allocation(c, c, *y, Money::from_pence(totals[ci][yi]));
            }
        }
        b.build()?
    };
    let amounts = lines * 6;
    let plan_rss = status_kib("VmRSS:").unwrap_or(0);
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmRSS:").unwrap_or(0);
    let rec = reconcile(&plan)?;
    let peak = status_kib("VmHWM:").unwrap_or(0);
    assert!(rec.findings.is_empty());
    println!("lines: {lines}, amounts: {amounts}");
    println!(
        "amounts themselves: {} as 16-byte decimals, {} as 8-byte pence",
        mib((amounts * 16 / 1024) as u64),
        mib((amounts * 8 / 1024) as u64)
    );
    println!("plan heap (by capacity): {}", mib((plan.heap_bytes() / 1024) as u64));
    println!(
        "resident plan (model + columns): {}",
        mib(plan_rss.saturating_sub(before_plan))
    );
    if reset {
        println!(
            "peak added by reconcile: {} (resident {} before, peak {} during)",
            mib(peak.saturating_sub(before)),
            mib(before),
            mib(peak)
        );
    } else {
        println!(
            "could not reset the peak (/proc/self/clear_refs): peak of the whole run {}",
            mib(peak)
        );
    }
    Ok(())
}
