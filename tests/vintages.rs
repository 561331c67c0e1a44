//! Targets revised in year and actuals restated later keep every version,
//! with when and why; a forecast says which target version it used.
//!
//! Figures: the non-elective admissions target revised from 67,879 to
//! 70,569 and a month restated from 6.72 to 6.04 are the (the
//! shared documents carry neither revision); 70,569 - 601 = 69,968 is
//! docs/domain.md's forecast; the DTOC targets "reset to actual
//! performance" for April to June 2017 are the 2017/18 in-year metrics
//! table's note.

use bcf_model::data::leicestershire;
use bcf_model::metrics::vintage::{forecast_target_plus_variance, Vintages};
use bcf_model::metrics::MetricError;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_target_revised_in_year_keeps_both_versions_and_the_forecast_says_which() {
    let mut target = Vintages::new(d("67879"), day(2017, 4, 1), "annual target as first planned");
    assert!(!target.is_revised());
    target
        .revise(d("70569"), day(2017, 9, 6), "revised to the CCG operating plans")
        .unwrap();
    assert!(target.is_revised());
    let before = forecast_target_plus_variance(&target, d("-601"), day(2017, 8, 31)).unwrap();
    let after = forecast_target_plus_variance(&target, d("-601"), day(2017, 11, 30)).unwrap();
    assert_eq!((before.value, before.target.value), (d("67278"), d("67879")));
    assert_eq!((after.value, after.target.value), (d("69968"), d("70569")));
    assert_eq!(after.target.why, "revised to the CCG operating plans");
    // Nothing was printed before April 2017; a revision cannot predate the
    // version it revises.
    assert!(matches!(
        forecast_target_plus_variance(&target, d("0"), day(2017, 3, 31)),
        Err(MetricError::MissingVersion { .. })
    ));
    assert!(matches!(
        target.revise(d("1"), day(2017, 9, 6), "same day"),
        Err(MetricError::Revision { .. })
    ));
}

#[test]
fn an_actual_restated_later_keeps_what_was_first_printed() {
    let mut month = Vintages::new(d("6.72"), day(2019, 9, 2), "Quarter 1 report");
    month
        .revise(d("6.04"), day(2019, 12, 2), "restated in the Quarter 2 report")
        .unwrap();
    let history: Vec<Decimal> = month.history().iter().map(|v| v.value).collect();
    assert_eq!(history, [d("6.72"), d("6.04")]);
    assert_eq!(month.as_of(day(2019, 10, 1)).unwrap().value, d("6.72"));
    assert_eq!(month.current().value, d("6.04"));
}

#[test]
fn dtoc_targets_set_at_actual_for_april_to_june_2017() {
    let metrics = leicestershire::metrics_in_year_2017_18().unwrap();
    let dtoc = metrics.iter().find(|m| m.detail.contains("reset to actual")).unwrap();
    assert!(dtoc.detail.contains("Apr-Jun targets reset to actual performance"));
    let trajectory = leicestershire::dtoc_trajectory_2017_18().unwrap();
    // April to June carry one target, 289.91, set at actual; from July the
    // NHS England targets apply.
    let months: Vec<(String, Decimal)> = trajectory
        .iter()
        .take(4)
        .map(|(m, r)| (m.label(), r.per_100k()))
        .collect();
    assert_eq!(
        months[..3].iter().map(|(_, r)| *r).collect::<Vec<_>>(),
        [d("289.91"); 3]
    );
    assert_eq!(months[3].1, d("295.31"));
}
