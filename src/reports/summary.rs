//! The report's one-page summary: how many goals are reached, on track, off track or without
//! data, overall and by field of action. Counts look only at the fields the monitoring covers.

use uuid::Uuid;

use super::{service::Report, status::GoalStatus};

/// Goals by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, async_graphql::SimpleObject)]
pub struct StatusCounts {
    pub goals: i32,
    pub reached: i32,
    pub on_track: i32,
    pub off_track: i32,
    pub insufficient_data: i32,
    pub no_target: i32,
    pub no_data: i32,
}

impl StatusCounts {
    fn add(&mut self, status: GoalStatus) {
        self.goals += 1;
        let slot = match status {
            GoalStatus::Reached => &mut self.reached,
            GoalStatus::OnTrack => &mut self.on_track,
            GoalStatus::OffTrack => &mut self.off_track,
            GoalStatus::InsufficientData => &mut self.insufficient_data,
            GoalStatus::NoTarget => &mut self.no_target,
            GoalStatus::NoData => &mut self.no_data,
        };
        *slot += 1;
    }
}

/// The goals of one field of action by status; fields outside the scope are listed with their
/// counts but left out of the total.
#[derive(Debug, Clone, PartialEq, async_graphql::SimpleObject)]
pub struct FieldCounts {
    pub field_of_action_id: Uuid,
    pub title: String,
    pub in_monitoring_scope: bool,
    pub counts: StatusCounts,
}

#[derive(Debug, Clone, PartialEq, async_graphql::SimpleObject)]
pub struct ReportSummary {
    /// Goals of the covered fields by status.
    pub counts: StatusCounts,
    /// How many fields of action the monitoring covers, of how many.
    pub fields_covered: i32,
    pub fields_total: i32,
    pub by_field: Vec<FieldCounts>,
}

pub fn summarize(report: &Report) -> ReportSummary {
    let mut counts = StatusCounts::default();
    let mut by_field = Vec::with_capacity(report.fields.len());
    for f in &report.fields {
        let mut its = StatusCounts::default();
        for g in &f.goals {
            its.add(g.status);
            if f.in_scope {
                counts.add(g.status);
            }
        }
        by_field.push(FieldCounts {
            field_of_action_id: f.id,
            title: f.title.clone(),
            in_monitoring_scope: f.in_scope,
            counts: its,
        });
    }
    ReportSummary {
        counts,
        fields_covered: report.fields.iter().filter(|f| f.in_scope).count() as i32,
        fields_total: report.fields.len() as i32,
        by_field,
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::reports::service::{EditionRef, ReportField, ReportGoal};

    fn field(n: u128, in_scope: bool, statuses: &[GoalStatus]) -> ReportField {
        ReportField {
            id: Uuid::from_u128(n),
            title: format!("Feld {n}"),
            description: String::new(),
            text: None,
            text_version: 0,
            in_scope,
            goals: statuses
                .iter()
                .enumerate()
                .map(|(i, s)| ReportGoal {
                    id: Uuid::from_u128(n * 100 + i as u128),
                    title: format!("Ziel {i}"),
                    description: String::new(),
                    parent_goal_id: None,
                    status: *s,
                    indicators: Vec::new(),
                })
                .collect(),
        }
    }

    fn report(fields: Vec<ReportField>) -> Report {
        Report {
            leitbild: EditionRef { id: Uuid::nil(), title: "LB".into(), year: 2023 },
            generated_at: DateTime::UNIX_EPOCH,
            from_period: None,
            to_period: None,
            fields,
            monitoring_scope: Vec::new(),
            city: None,
            gaps: Vec::new(),
            definitions: Vec::new(),
        }
    }

    use GoalStatus::*;

    #[test]
    fn counts_only_the_covered_fields_but_lists_all() {
        let r = report(vec![
            field(1, true, &[Reached, OnTrack, OffTrack]),
            field(2, false, &[NoData, NoData]),
            field(3, true, &[NoData, InsufficientData, NoTarget]),
        ]);
        let s = summarize(&r);
        assert_eq!(
            s.counts,
            StatusCounts {
                goals: 6,
                reached: 1,
                on_track: 1,
                off_track: 1,
                insufficient_data: 1,
                no_target: 1,
                no_data: 1
            }
        );
        assert_eq!((s.fields_covered, s.fields_total), (2, 3));
        assert_eq!(s.by_field[1].counts.no_data, 2, "an uncovered field still shows its own counts");
        assert!(!s.by_field[1].in_monitoring_scope);
    }

    #[test]
    fn an_empty_report_counts_nothing() {
        let s = summarize(&report(Vec::new()));
        assert_eq!(s.counts, StatusCounts::default());
        assert_eq!((s.fields_covered, s.fields_total), (0, 0));
    }
}
