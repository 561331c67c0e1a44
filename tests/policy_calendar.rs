//! The policy calendar as data: every shipped row has a source and an end
//! year, a file that leaves either out (or overlaps) is refused at its line,
//! and a year with no rule for a condition gives CANNOT TELL for that
//! condition alone.

use bcf_model::io::{read_policy_calendar, LoadErrorKind};
use bcf_model::policy::{Lookup, Topic};

const HEADER: &str = "topic,key,from,to,value,unit,confirmed,source_title,source_url,note\n";

#[test]
fn every_shipped_row_has_a_source_and_an_end_year_and_every_year_its_rules() {
    let calendar = bcf_model::data::policy_calendar().unwrap();
    assert_eq!(calendar.rows().len(), 122);
    assert!(calendar
        .rows()
        .iter()
        .all(|r| !r.source.title.trim().is_empty() && r.from <= r.to));
    let (first, last) = calendar.span().unwrap();
    assert_eq!(
        (first.to_string(), last.to_string()),
        ("2017/18".to_string(), "2025/26".to_string())
    );
    let mut year = first;
    loop {
        for topic in [
            Topic::NhsMinimumUplift,
            Topic::Condition,
            Topic::Stream,
            Topic::PlanningMode,
        ] {
            assert!(calendar.in_force(topic, year).next().is_some(), "{year}: no {topic}");
        }
        if year == last {
            break;
        }
        year = year.next().unwrap();
    }
    // 2020/21 was reconciled at the year's end, not planned.
    let mode: Vec<&str> = calendar
        .in_force(Topic::PlanningMode, "2020/21".parse().unwrap())
        .map(|r| r.key.as_str())
        .collect();
    assert_eq!(mode, ["end_of_year_reconciliation"]);
    // No rule runs on past its year: 5.66% is confirmed for 2022/23 and
    // 2023/24 only, and nothing is confirmed for 2025/26.
    let uplift = |y: &str| calendar.lookup(Topic::NhsMinimumUplift, "nhs_minimum", y.parse().unwrap());
    assert!(matches!(uplift("2023/24"), Lookup::Confirmed(_)));
    assert!(matches!(uplift("2024/25"), Lookup::Unconfirmed(_)));
    assert!(matches!(uplift("2025/26"), Lookup::Unconfirmed(r) if r.percent().is_none()));
    assert_eq!(uplift("2026/27"), Lookup::Missing);
}

#[test]
fn a_row_without_an_end_year_or_a_source_or_that_overlaps_is_refused_at_its_line() {
    let text = format!(
        "{HEADER}\
         nhs_minimum_uplift,nhs_minimum,2022/23,,5.66,percent,true,Framework,https://example.org,\n\
         nhs_minimum_uplift,nhs_minimum,2021/22,2021/22,5.3,percent,true,,,\n\
         stream,dfg,2020/21,2021/22,573,gbp_million,true,Grants,https://example.org,\n\
         stream,dfg,2021/22,2021/22,573,gbp_million,true,Grants,https://example.org,\n\
         stream,dfg,2022/23,2022/23,lots,gbp_million,true,Grants,https://example.org,\n\
         weather,sun,2022/23,2022/23,,text,true,Sky,,\n"
    );
    let errors = read_policy_calendar("calendar.csv", &text).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, &LoadErrorKind)> =
        errors.iter().map(|e| (e.line, e.column.as_deref(), &e.kind)).collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("to"), &LoadErrorKind::Value),
            (Some(6), Some("value"), &LoadErrorKind::Value),
            (Some(7), Some("topic"), &LoadErrorKind::Value),
        ],
        "{errors}"
    );
    // The readable rows' own rules are checked once every cell reads.
    let text = format!(
        "{HEADER}\
         nhs_minimum_uplift,nhs_minimum,2021/22,2021/22,5.3,percent,true,,,\n\
         stream,dfg,2020/21,2021/22,573,gbp_million,true,Grants,https://example.org,\n\
         stream,dfg,2021/22,2021/22,573,gbp_million,true,Grants,https://example.org,\n"
    );
    let errors = read_policy_calendar("calendar.csv", &text).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, &LoadErrorKind)> =
        errors.iter().map(|e| (e.line, e.column.as_deref(), &e.kind)).collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("source_title"), &LoadErrorKind::Dataset),
            (Some(4), Some("from"), &LoadErrorKind::Dataset),
        ],
        "{errors}"
    );
    assert!(
        errors[1].problem.contains("already has a rule for 2021/22 (line 3)"),
        "{errors}"
    );
}
