//! The metric, DTOC and risk readers read every number exactly as written
//! or refuse it with its file, line, column and value (issue 11, finding 6):
//! thousands separators follow the rules of `Money::parse`, and a decimal
//! comma is an error, never a different number.

use bcf_model::io::read_risk_register;
use bcf_model::io::LoadErrors;
use bcf_model::io::{read_published_actuals, read_published_trajectory};
use bcf_model::io::{read_published_metrics, read_published_trajectories};
use bcf_model::metrics::PrintedValue;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

/// `(line, column, value)` of a reader error.
fn at(e: &LoadErrors) -> (u64, &str, &str) {
    let first = &e[0];
    (
        first.line.unwrap_or_default(),
        first.column.as_deref().unwrap_or_default(),
        first.value.as_deref().unwrap_or_default(),
    )
}

#[test]
fn printed_values_validate_thousands_separators() {
    for (text, value, decimals) in [
        ("318.39", "318.39", 2),
        ("1,739", "1739", 0),
        ("1,739.50", "1739.50", 2),
        ("-1,234,567.8", "-1234567.8", 1),
        ("87.0", "87.0", 1),
    ] {
        let p: PrintedValue = text.parse().unwrap();
        assert_eq!((p.value, p.decimals), (d(value), decimals), "{text}");
    }
    // A decimal comma, a misplaced separator or a sign the money reader
    // refuses is an error, never a different number.
    for text in [
        "318,39", "2,87.04", "12,34", "1,2345", ",123", "123,", "1,,234", "1.234,5", "1_000", "+5", "1e3", "٣",
    ] {
        let e = text.parse::<PrintedValue>().unwrap_err();
        assert!(e.contains(&format!("{text:?}")), "{text}: {e}");
    }
}

#[test]
fn metric_table_refuses_a_decimal_comma_with_its_location() {
    let text = "metric,unit,polarity,t,a,rag,detail\n\
                m,u,lower is better,1.0,2.0,R,\n\
                delayed transfers,u,lower is better,318.39,\"318,39\",R,\n";
    let e = read_published_metrics("in_year.csv", text, "t", "a").unwrap_err();
    assert_eq!(at(&e), (3, "a", "318,39"));
    assert_eq!(e[0].file, "in_year.csv");
    let shown = e.to_string();
    assert!(shown.contains("in_year.csv") && shown.contains("line 3"), "{shown}");
    assert!(shown.contains("thousands separators"), "{shown}");

    // Grouped thousands are read as Money::parse reads them.
    let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,\"61,920\",\"59,030\",R,\n";
    let rows = read_published_metrics("f.csv", text, "t", "a").unwrap();
    assert_eq!((rows[0].target.value, rows[0].actual.value), (d("61920"), d("59030")));
}

#[test]
fn trajectory_counts_are_read_exactly() {
    let header = "metric,target_2017_18,target_2018_19,count_equivalent_2017_18,count_equivalent_2018_19\n";
    let good = format!("{header}m,737.92,737.71,\"60,582\",61009\n");
    let t = read_published_trajectories("t.csv", &good).unwrap();
    assert_eq!(t[0].years[0].count_equivalent, Some(d("60582")));
    // `Decimal::from_str` would take `60_582` and `+61009`; the readers do not.
    for (cell, column) in [
        ("\"605,82\"", "count_equivalent_2017_18"),
        ("60_582", "count_equivalent_2017_18"),
        ("+60582", "count_equivalent_2017_18"),
    ] {
        let text = format!("{header}m,737.92,737.71,{cell},61009\n");
        let e = read_published_trajectories("t.csv", &text).unwrap_err();
        assert_eq!(at(&e), (2, column, cell.trim_matches('"')), "{cell}");
    }
    let text = format!("{header}m,\"7,37.92\",737.71,,\n");
    let e = read_published_trajectories("t.csv", &text).unwrap_err();
    assert_eq!(at(&e), (2, "target_2017_18", "7,37.92"));
}

#[test]
fn dtoc_readers_refuse_misplaced_commas() {
    let header = "month,llr_pct_occupied_bed_days_delayed_target,leicestershire_target_delayed_days_per_100k_18plus\n";
    let e = read_published_trajectory(
        "traj.csv",
        &format!("{header}2017-04,,289.91\n2017-05,\"5,06\",289.91\n"),
    )
    .unwrap_err();
    assert_eq!(at(&e), (3, "llr_pct_occupied_bed_days_delayed_target", "5,06"));
    let e = read_published_trajectory("traj.csv", &format!("{header}2017-04,,\"289,91\"\n")).unwrap_err();
    assert_eq!(
        at(&e),
        (2, "leicestershire_target_delayed_days_per_100k_18plus", "289,91")
    );

    let header = "period,kind,delayed_days,rate_per_100k_18plus,note\n";
    let ok = format!("{header}2017-06,month,\"1,739\",318.39,\n");
    let rows = read_published_actuals("actuals.csv", &ok).unwrap();
    assert_eq!(rows[0].delayed_days, Some(1_739));
    for (row, column, value) in [
        (
            "2016-17 Q1,quarter average of monthly rates,,\"2,87.04\",",
            "rate_per_100k_18plus",
            "2,87.04",
        ),
        ("2017-06,month,\"17,39\",318.39,", "delayed_days", "17,39"),
        ("2017-06,month,+1739,318.39,", "delayed_days", "+1739"),
        ("2017-06,month,1739.0,318.39,", "delayed_days", "1739.0"),
        ("2017-06,month,-1,318.39,", "delayed_days", "-1"),
    ] {
        let e = read_published_actuals("actuals.csv", &format!("{header}{row}\n")).unwrap_err();
        assert_eq!(at(&e), (2, column, value), "{row}");
        assert_eq!(e[0].file, "actuals.csv");
    }
}

#[test]
fn risk_scores_are_plain_whole_numbers() {
    let header = "ref,summary,inherent_likelihood,inherent_impact,inherent_score,inherent_rating,raised,\
                  residual_likelihood,residual_impact,residual_score,trend\n";
    let ok = format!("{header}X,s,3,3,9,High,2017-01,1,1,1,static\n");
    assert_eq!(read_risk_register("r.csv", &ok).unwrap().len(), 1);
    for (row, column, value) in [
        ("X,s,+3,3,9,High,2017-01,1,1,1,static", "inherent_likelihood", "+3"),
        ("X,s,3,3,9.0,High,2017-01,1,1,1,static", "inherent_score", "9.0"),
        ("X,s,3,3,9,High,2017-01,1,1,\"1,0\",static", "residual_score", "1,0"),
    ] {
        match read_risk_register("r.csv", &format!("{header}{row}\n")) {
            Err(e) => assert_eq!(at(&e), (2, column, value), "{row}"),
            other => panic!("{row}: unexpected {other:?}"),
        }
    }
}

#[test]
fn a_row_that_does_not_parse_as_csv_is_located() {
    // The row's line, never a made-up line 0.
    let text = "metric,unit,polarity,t,a,rag,detail\nm,u,lower is better,1.0,2.0,R,\nm,u,x\n";
    let e = read_published_metrics("f.csv", text, "t", "a").unwrap_err();
    assert_eq!(e[0].line, Some(3), "{e}");
    let crlf = text.replace('\n', "\r\n");
    let e = read_published_metrics("f.csv", &crlf, "t", "a").unwrap_err();
    assert_eq!(e[0].line, Some(3), "{e}");
}

/// A reader reports every bad row, not only the first.
#[test]
fn every_bad_row_of_a_metric_table_is_reported() {
    let text = "metric,unit,polarity,t,a,rag,detail\n\
                m,u,lower is better,1.0,x,R,\n\
                m,u,lower is better,1.0,2.0,G,\n\
                m,u,lower is better,y,2.0,G,\n";
    let e = read_published_metrics("f.csv", text, "t", "a").unwrap_err();
    let places: Vec<(Option<u64>, Option<&str>)> = e.iter().map(|e| (e.line, e.column.as_deref())).collect();
    assert_eq!(places, [(Some(2), Some("a")), (Some(4), Some("t"))]);
}
