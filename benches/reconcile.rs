//! Reconciliation against a near-limit baseline.
//!
//! `reconcile/lines/N`: a synthetic plan of N scheme lines × 3 contributors ×
//! 2 years, reconciled exactly. `baseline_i64_sum/lines/N`: the same amounts
//! held as integer pence, only summed: what merely reading them costs.
//! `load/{tidy,json,published}/lines/N`: reading a plan file's text;
//! `limit/...`: what each file format costs to scan a byte at a time, the
//! floor under a reader that reads it so.

use bcf_model::calendar::FinancialYear;
use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
use bcf_model::money::Money;
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::reconcile::reconcile;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const CONTRIBUTORS: [&str; 3] = ["wl_ccg", "elr_ccg", "lcc"];

/// A balanced synthetic plan and its amounts in pence.
fn synthetic(lines: usize) -> (Plan, Vec<i64>) {
    synthetic_seeded(lines, 0x2545_f491_4f6c_dd1d)
}

/// A balanced synthetic plan from a seed, and its amounts in pence.
fn synthetic_seeded(lines: usize, seed: u64) -> (Plan, Vec<i64>) {
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
    let mut seed = seed.max(1);
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

/// `reconcile/national`: every Health and Wellbeing Board at once: 150 plans
/// of 120 lines × 3 contributors × 2 years, reconciled one after another.
fn national(c: &mut Criterion) {
    let plans: Vec<Plan> = (0..150u64).map(|i| synthetic_seeded(120, 0x9e37_79b9 + i).0).collect();
    let mut group = c.benchmark_group("reconcile");
    group.throughput(Throughput::Elements((150 * 120 * 6) as u64));
    group.bench_function("national", |b| {
        b.iter(|| {
            for plan in &plans {
                black_box(reconcile(black_box(plan)).unwrap());
            }
        })
    });
    group.finish();
}

/// `load_csv/lines/100000`: parse a tidy (long) CSV plan of 100,000 lines ×
/// 3 contributors × 2 years (600,000 amount rows), in bytes per second.
fn load_csv(c: &mut Criterion) {
    let (plan, _) = synthetic(100_000);
    let text = write_plan_tidy(&plan);
    assert_eq!(read_plan_tidy("bench.csv", &text).unwrap(), plan);
    let mut group = c.benchmark_group("load_csv");
    group.sample_size(10).throughput(Throughput::Bytes(text.len() as u64));
    group.bench_with_input(BenchmarkId::new("lines", 100_000), &text, |b, text| {
        b.iter(|| read_plan_tidy("bench.csv", black_box(text)).unwrap())
    });
    group.finish();
}

/// A published expenditure plan in the Leicestershire layout with `lines`
/// scheme lines over its eleven programmes (each line with an amount per
/// CCG and the County Council in each of two years, and its year totals),
/// each programme's total row, and the funding rows that pay for them.
fn published_text(lines: usize) -> String {
    let mut t = String::from(
        "section,subgroup,kind,name,asc_code,wl_ccg_2017_18,elr_ccg_2017_18,lcc_2017_18,total_2017_18,\
         wl_ccg_2018_19,elr_ccg_2018_19,lcc_2018_19,total_2018_19\n",
    );
    let mut sums = [0i64; 6];
    let per = lines.div_ceil(11);
    for p in 0..11 {
        let mut totals = [0i64; 6];
        for l in (p * per)..((p + 1) * per).min(lines) {
            // Tenths of £'000, as the published table prints them.
            let a: [i64; 6] = std::array::from_fn(|k| ((l * 7 + k * 13) % 5000) as i64);
            let tenths = |v: i64| format!("{}.{}", v / 10, v % 10);
            t.push_str(&format!(
                "BCF{},,line,Scheme {l},,{},{},{},{},{},{},{},{}\n",
                p + 1,
                tenths(a[0]),
                tenths(a[1]),
                tenths(a[2]),
                tenths(a[0] + a[1] + a[2]),
                tenths(a[3]),
                tenths(a[4]),
                tenths(a[5]),
                tenths(a[3] + a[4] + a[5]),
            ));
            for k in 0..6 {
                totals[k] += a[k];
            }
        }
        let tenths = |v: i64| format!("{}.{}", v / 10, v % 10);
        t.push_str(&format!(
            "BCF{},,total,Total programme {},,{},{},{},{},{},{},{},{}\n",
            p + 1,
            p + 1,
            tenths(totals[0]),
            tenths(totals[1]),
            tenths(totals[2]),
            tenths(totals[0] + totals[1] + totals[2]),
            tenths(totals[3]),
            tenths(totals[4]),
            tenths(totals[5]),
            tenths(totals[3] + totals[4] + totals[5]),
        ));
        for k in 0..6 {
            sums[k] += totals[k];
        }
    }
    let tenths = |v: i64| format!("{}.{}", v / 10, v % 10);
    t.push_str(&format!(
        "FUNDING,,funding,CCG BCF Minimum Funding Allocation,,{},{},,{},{},{},,{}\n",
        tenths(sums[0]),
        tenths(sums[1]),
        tenths(sums[0] + sums[1]),
        tenths(sums[3]),
        tenths(sums[4]),
        tenths(sums[3] + sums[4]),
    ));
    t.push_str(&format!(
        "FUNDING,,funding,iBCF Supplementary Funding (Social Care Allocation - Spring 2017),,,,{},{},,,{},{}\n",
        tenths(sums[2]),
        tenths(sums[2]),
        tenths(sums[5]),
        tenths(sums[5]),
    ));
    t
}

/// `load/{tidy,json,published}/lines/N`: reading a plan file's text into a
/// plan (issue 17's ids), throughput in bytes of text.
fn load(c: &mut Criterion) {
    use bcf_model::io::json::{read_plan_json, write_plan_json};
    use bcf_model::io::published::read_expenditure_plan;
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for lines in [100_000usize, 1_000_000] {
        let (plan, _) = synthetic(lines);
        let text = write_plan_tidy(&plan);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("tidy/lines", lines), &text, |b, text| {
            b.iter(|| read_plan_tidy("bench.csv", black_box(text)).unwrap())
        });
        if lines == 100_000 {
            let json = write_plan_json(&plan).unwrap();
            assert_eq!(read_plan_json("bench.json", &json).unwrap(), plan);
            group.throughput(Throughput::Bytes(json.len() as u64));
            group.bench_with_input(BenchmarkId::new("json/lines", lines), &json, |b, json| {
                b.iter(|| read_plan_json("bench.json", black_box(json)).unwrap())
            });
            let table = published_text(lines);
            let layout = bcf_model::data::leicestershire::expenditure_plan_layout();
            let read = read_expenditure_plan("bench.csv", &table, &layout).unwrap();
            assert_eq!(read.plan.lines().len(), lines);
            group.throughput(Throughput::Bytes(table.len() as u64));
            group.bench_with_input(BenchmarkId::new("published/lines", lines), &table, |b, table| {
                b.iter(|| read_expenditure_plan("bench.csv", black_box(table), &layout).unwrap())
            });
        }
    }
    group.finish();
}

/// One pass over `text` after its header, on one core: fields counted at
/// commas, the digits of the fields in `figures` read as they go and
/// summed by column. What merely scanning a file's figures a byte at a time
/// costs, the floor under a reader that reads it so.
fn scan(text: &str, figures: std::ops::Range<usize>) -> (usize, [i64; 16]) {
    let bytes = text.as_bytes();
    let body = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(&[][..], |i| &bytes[i + 1..]);
    let (mut rows, mut field, mut value, mut sums) = (0usize, 0usize, 0i64, [0i64; 16]);
    let end_field = |field: usize, value: i64, sums: &mut [i64; 16]| {
        if figures.contains(&field) {
            sums[field % 16] = sums[field % 16].wrapping_add(value);
        }
    };
    for &b in body {
        match b {
            b',' => {
                end_field(field, value, &mut sums);
                (field, value) = (field + 1, 0);
            }
            b'\n' => {
                end_field(field, value, &mut sums);
                (rows, field, value) = (rows + 1, 0, 0);
            }
            b'0'..=b'9' => value = value.wrapping_mul(10).wrapping_add(i64::from(b - b'0')),
            _ => {}
        }
    }
    (rows, sums)
}

/// The rows of a published table as [`PublishedTable`] holds them, from
/// `text` in one pass over its bytes (no quotes, LF line ends, every cell
/// a plain figure in tenths of £'000): the least the published reader must
/// make besides the plan.
///
/// [`PublishedTable`]: bcf_model::published::PublishedTable
fn published_rows(text: &str) -> Vec<bcf_model::published::PublishedRow> {
    use bcf_model::money::{Precision, PrintedFigure};
    use bcf_model::published::{PublishedRow, RowKind};
    let bytes = text.as_bytes();
    let mut rows = Vec::with_capacity(text.len() / 64);
    let mut at = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| i + 1);
    let mut line = 1u64;
    while at < bytes.len() {
        line += 1;
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let record = &text[at..end];
        at = end + 1;
        // The five text fields by their commas, then the figures.
        let mut fixed = [""; 5];
        let mut rest = record;
        for f in &mut fixed {
            let (field, after) = rest.split_once(',').unwrap_or((rest, ""));
            (*f, rest) = (field, after);
        }
        let mut cells = Vec::with_capacity(8);
        let (mut units, mut digits) = (0i64, 0usize);
        for &b in rest.as_bytes().iter().chain(b",") {
            match b {
                b'0'..=b'9' => (units, digits) = (units * 10 + i64::from(b - b'0'), digits + 1),
                b',' => {
                    cells.push((digits > 0).then(|| {
                        PrintedFigure::new(
                            Money::from_pounds(rust_decimal::Decimal::new(units * 100, 0)),
                            Precision::THOUSANDS_1DP,
                        )
                    }));
                    (units, digits) = (0, 0);
                }
                _ => {}
            }
        }
        let [section, subgroup, kind, name, code] = fixed;
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        rows.push(PublishedRow {
            line,
            section: section.to_string(),
            subgroup: opt(subgroup),
            kind: match kind {
                "line" => RowKind::Line,
                "total" => RowKind::Total,
                _ => RowKind::Funding,
            },
            name: name.to_string(),
            code: opt(code),
            cells,
        });
    }
    rows
}

/// `limit/...`: what each format costs to scan on one core, to compare the
/// readers with (BENCHMARKS.md): `tidy/scan`, `json/scan` and
/// `published/scan` scan a 100,000-line plan's file in each format once
/// (fields split at commas, figures' digits summed by column; every field
/// for JSON); `published/rows` makes the printed table's rows, as the
/// published reader must besides the plan.
fn limit(c: &mut Criterion) {
    let mut group = c.benchmark_group("limit");
    group.sample_size(10);
    let lines = 100_000;
    let (plan, _) = synthetic(lines);
    let tidy = write_plan_tidy(&plan);
    group.throughput(Throughput::Bytes(tidy.len() as u64));
    group.bench_with_input(BenchmarkId::new("tidy/scan", lines), &tidy, |b, text| {
        b.iter(|| scan(black_box(text), 8..9))
    });
    let json = bcf_model::io::json::write_plan_json(&plan).unwrap();
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_with_input(BenchmarkId::new("json/scan", lines), &json, |b, text| {
        b.iter(|| scan(black_box(text), 0..usize::MAX))
    });
    let published = published_text(lines);
    assert_eq!(published_rows(&published).len(), lines + 11 + 2);
    group.throughput(Throughput::Bytes(published.len() as u64));
    group.bench_with_input(BenchmarkId::new("published/scan", lines), &published, |b, text| {
        b.iter(|| scan(black_box(text), 5..13))
    });
    group.bench_with_input(BenchmarkId::new("published/rows", lines), &published, |b, text| {
        b.iter(|| published_rows(black_box(text)))
    });
    group.finish();
}

criterion_group!(benches, bench, national, load_csv, load, limit);
criterion_main!(benches);
