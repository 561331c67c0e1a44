//! Inputs that used to take quadratic time (issue 11, finding 10), at sizes
//! where quadratic work would show: a bad or awkward file must be read, or
//! refused, in time linear in its size.
//!
//! | id | input | target |
//! |---|---|---|
//! | `adversarial/tidy_sorted_by_contributor/100000` | a tidy file of 100,000 lines whose rows are sorted by contributor (so the rows of a line are apart and the reference reader reads it), with an attribute per line | < 1 s |
//! | `adversarial/json_located_errors/20000` | a JSON plan with 20,000 amounts naming an unknown contributor: 20,000 located errors | < 1 s |
//! | `adversarial/one_line_amounts/1000000` | a tidy file with one line of 1,000,000 amounts (1,000 contributors × 1,000 sources), through the fast path | < 2 s |
//! | `adversarial/published_programmes/20000` | a published-layout table with 20,000 programmes of one line each: read, planned and footed | linear |

use bcf_model::data::leicestershire;
use bcf_model::io::json::read_plan_json;
use bcf_model::io::published::read_expenditure_plan;
use bcf_model::io::tidy::{read_plan_tidy, write_plan_tidy};
use bcf_model::published::{check_footings, expenditure_plan_footings, BoundRule};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// A tidy plan of `lines` lines × 3 contributors × 1 year, each line with a
/// scheme type, its rows sorted by contributor: every line's rows are apart.
fn tidy_sorted_by_contributor(lines: usize) -> String {
    let mut head = String::from("record,id,name,kind,programme,contributor,year,funding,amount,precision\n");
    head.push_str("plan,,Sorted,Pounds:0,,,,,,\nyear,,,,,,2017/18,,,\n");
    let contributors = ["wl_ccg", "elr_ccg", "lcc"];
    for c in contributors {
        head.push_str(&format!(
            "contributor,{c},{c},Ccg,,,,,,\nsource,s_{c},S,NhsMinimum,,,,,,\n"
        ));
        head.push_str(&format!("allocation,,,,,{c},2017/18,s_{c},{},\n", lines as u64 * 1_000));
    }
    head.push_str("programme,P,Programme,,,,,,,\n");
    let mut body = head;
    for c in contributors {
        for l in 0..lines {
            body.push_str(&format!("line,L{l},Line {l},,P,{c},2017/18,s_{c},1000,\n"));
        }
    }
    for l in 0..lines {
        body.push_str(&format!("attribute,L{l},Reablement,scheme_type,,,,,,\n"));
    }
    body
}

/// A JSON plan with `n` line amounts that each name an unknown contributor.
fn json_with_errors(n: usize) -> String {
    let amounts: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{ \"contributor\": \"nobody{i}\", \"year\": \"2017/18\", \"funding\": \"s\", \"amount\": \"1\" }}"
            )
        })
        .collect();
    format!(
        "{{\n\"format\": \"bcf-model/plan@1\",\n\"name\": \"Errors\",\n\"years\": [\"2017/18\"],\n\
         \"contributors\": [{{ \"id\": \"c\", \"name\": \"C\", \"kind\": \"Ccg\" }}],\n\
         \"sources\": [{{ \"id\": \"s\", \"name\": \"S\", \"kind\": \"NhsMinimum\" }}],\n\
         \"allocations\": [],\n\"programmes\": [{{ \"id\": \"P\", \"name\": \"P\" }}],\n\
         \"lines\": [{{ \"id\": \"L\", \"programme\": \"P\", \"name\": \"L\", \"amounts\": [\n{}\n] }}]\n}}\n",
        amounts.join(",\n")
    )
}

/// A tidy plan with one line of `side` × `side` amounts.
fn one_line(side: usize) -> String {
    let mut t = String::from("record,id,name,kind,programme,contributor,year,funding,amount,precision\n");
    t.push_str("plan,,One line,,,,,,,\nyear,,,,,,2017/18,,,\n");
    for c in 0..side {
        t.push_str(&format!("contributor,c{c},C,Ccg,,,,,,\n"));
    }
    for s in 0..side {
        t.push_str(&format!("source,s{s},S,NhsMinimum,,,,,,\n"));
    }
    t.push_str("programme,P,P,,,,,,,\n");
    for c in 0..side {
        for s in 0..side {
            t.push_str(&format!("line,L,Line,,P,c{c},2017/18,s{s},1,\n"));
        }
    }
    t
}

/// A published table of `n` programmes, each one line and its total.
fn published(n: usize) -> String {
    let mut t = String::from("section,subgroup,kind,name,asc_code,wl_ccg_2017_18,lcc_2017_18,total_2017_18\n");
    for p in 0..n {
        t.push_str(&format!("BCF{p},,line,Line {p},,1.0,2.0,3.0\n"));
        t.push_str(&format!("BCF{p},,total,Total {p},,1.0,2.0,3.0\n"));
    }
    // Funding rows by the names Leicestershire's layout declares.
    t.push_str(&format!(
        "FUNDING,,funding,CCG BCF Minimum Funding Allocation,,{n}.0,,{n}.0\n"
    ));
    t.push_str(&format!(
        "FUNDING,,funding,iBCF Supplementary Funding (Social Care Allocation - Spring 2017),,,{}.0,{}.0\n",
        2 * n,
        2 * n
    ));
    t
}

fn adversarial(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);

    let sorted = tidy_sorted_by_contributor(100_000);
    let plan = read_plan_tidy("sorted.csv", &sorted).expect("a valid plan");
    assert_eq!(plan.lines().len(), 100_000);
    assert_eq!(read_plan_tidy("again.csv", &write_plan_tidy(&plan)).ok(), Some(plan));
    group.throughput(Throughput::Bytes(sorted.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("tidy_sorted_by_contributor", 100_000),
        &sorted,
        |b, text| b.iter(|| read_plan_tidy("sorted.csv", black_box(text)).expect("reads")),
    );

    let errors = json_with_errors(20_000);
    let found = read_plan_json("errors.json", &errors).expect_err("unknown contributors");
    assert_eq!(found.len(), 20_000);
    assert!(found.iter().all(|e| e.line.is_some()));
    group.throughput(Throughput::Elements(20_000));
    group.bench_with_input(BenchmarkId::new("json_located_errors", 20_000), &errors, |b, text| {
        b.iter(|| read_plan_json("errors.json", black_box(text)).expect_err("errors"))
    });

    let wide = one_line(1_000);
    let plan = read_plan_tidy("wide.csv", &wide).expect("a valid plan");
    assert_eq!(plan.lines().get(0).map(|l| l.amounts().len()), Some(1_000_000));
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_with_input(BenchmarkId::new("one_line_amounts", 1_000_000), &wide, |b, text| {
        b.iter(|| read_plan_tidy("wide.csv", black_box(text)).expect("reads"))
    });

    let table = published(20_000);
    let layout = leicestershire::expenditure_plan_layout();
    let read = read_expenditure_plan("wide.csv", &table, &layout).expect("reads");
    assert_eq!(read.plan.programmes().len(), 20_000);
    group.throughput(Throughput::Elements(20_000));
    group.bench_with_input(BenchmarkId::new("published_programmes", 20_000), &table, |b, text| {
        b.iter(|| {
            let p = read_expenditure_plan("wide.csv", black_box(text), &layout).expect("reads");
            check_footings(&p.table, &expenditure_plan_footings(&p.table), BoundRule::WorstCase).expect("foots")
        })
    });
    group.finish();
}

criterion_group!(benches, adversarial);
criterion_main!(benches);
