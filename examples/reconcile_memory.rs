//! Measures the memory of a synthetic plan of N lines × 3 contributors × 2
//! years (default N = 1,000,000), and of reconciling it, for BENCHMARKS.md.
//!
//! The plan is read from tidy CSV text made here (as a national tool would
//! load it), and the text is dropped before measuring. Linux only: it reads
//! VmRSS and VmHWM from /proc/self/status, and resets the peak by writing 5
//! to /proc/self/clear_refs just before reconciling, so the peak it reports
//! is the whole process while reconciling.
//!
//!     cargo run --release --example reconcile_memory -- 1000000

use std::fmt::Write as _;

use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::reconcile::reconcile;

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

/// A balanced tidy plan of `lines` lines, one programme, three contributors
/// each funding its own lines from its own source, two years; amounts in pence.
fn tidy_text(lines: usize) -> Result<String, std::fmt::Error> {
    let years = ["2017/18", "2018/19"];
    let contributors = ["wl_ccg", "elr_ccg", "lcc"];
    let mut t = String::with_capacity(lines * 6 * 60 + 1024);
    t.push_str("record,id,name,kind,programme,contributor,year,funding,amount\n");
    t.push_str("plan,,synthetic,,,,,,\n");
    for y in years {
        writeln!(t, "year,,,,,,{y},,")?;
    }
    for c in contributors {
        writeln!(t, "contributor,{c},{c},Ccg,,,,,")?;
    }
    for c in contributors {
        writeln!(t, "source,{c},{c},NhsMinimum,,,,,")?;
    }
    t.push_str("programme,P,programme,,,,,,\n");
    let mut totals = [[0i64; 2]; 3];
    for l in 0..lines {
        for (ci, c) in contributors.iter().enumerate() {
            for (yi, y) in years.iter().enumerate() {
                let pence = ((l * 7 + ci * 3 + yi) % 1_000_000) as i64 * 100;
                totals[ci][yi] += pence;
                writeln!(
                    t,
                    "line,L{l},line {l},,P,{c},{y},{c},{}.{:02}",
                    pence / 100,
                    pence % 100
                )?;
            }
        }
    }
    for (ci, c) in contributors.iter().enumerate() {
        for (yi, y) in years.iter().enumerate() {
            let p = totals[ci][yi];
            writeln!(t, "allocation,,,,,{c},{y},{c},{}.{:02}", p / 100, p % 100)?;
        }
    }
    Ok(t)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lines: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let rss = || status_kib("VmRSS:").ok_or("cannot read VmRSS from /proc/self/status (Linux only)");
    let start = rss()? * 1024;
    let (plan, csv_bytes) = {
        let text = tidy_text(lines)?;
        (read_plan_tidy("synthetic.csv", &text)?, text.len())
    };
    let amounts = (lines * 6) as u64;
    let loaded = rss()? * 1024;
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rec = reconcile(&plan)?;
    let peak = status_kib("VmHWM:").ok_or("cannot read VmHWM from /proc/self/status")? * 1024;
    assert!(rec.findings.is_empty(), "the synthetic plan balances");

    let decimals = amounts * 16;
    let pence = amounts * 8;
    let ratio = |b: u64| format!("{:.2}x / {:.2}x", b as f64 / decimals as f64, b as f64 / pence as f64);
    println!(
        "lines: {lines}, amounts: {amounts}, tidy CSV read: {}",
        mib(csv_bytes as u64)
    );
    println!(
        "amounts themselves: {} as 16-byte decimals (Money), {} as 8-byte pence",
        mib(decimals),
        mib(pence)
    );
    let heap = plan.heap_bytes() as u64;
    println!("ratios: to the amounts as 16-byte decimals / as 8-byte pence");
    println!("plan heap (Plan::heap_bytes): {} = {}", mib(heap), ratio(heap));
    let resident = loaded.saturating_sub(start);
    println!(
        "resident after loading (VmRSS less the start): {} = {}",
        mib(resident),
        ratio(resident)
    );
    if reset {
        let during = peak.saturating_sub(start);
        println!(
            "peak while reconciling (VmHWM less the start): {} = {}; reconcile added {}",
            mib(during),
            ratio(during),
            mib(peak.saturating_sub(loaded))
        );
    } else {
        println!(
            "could not reset the peak (/proc/self/clear_refs): peak of the whole run {}",
            mib(peak)
        );
    }
    Ok(())
}
