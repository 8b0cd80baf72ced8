import { graphql } from '../../gql';

export const ReportEditionsQuery = graphql(`
  query ReportEditions {
    leitbilder {
      id
      title
      year
      status
    }
  }
`);

export const StatusCountFragment = graphql(`
  fragment StatusCountParts on StatusCounts {
    goals
    reached
    onTrack
    offTrack
    insufficientData
    noTarget
    noData
  }
`);

/** Everything the report document shows; the same for the live, frozen and public report. */
export const ReportDocumentFragment = graphql(`
  fragment ReportDocumentParts on MonitoringReport {
    leitbildId
    leitbildTitle
    leitbildYear
    generatedAt
    fromPeriod
    toPeriod
    city
    monitoringScope
    summary {
      fieldsCovered
      fieldsTotal
      counts {
        ...StatusCountParts
      }
      byField {
        fieldOfActionId
        title
        inMonitoringScope
        counts {
          ...StatusCountParts
        }
      }
    }
    gaps {
      kind
      message
      goalId
      indicatorId
    }
    definitions {
      id
      termLabel
      version
      text
      sourcePublisher
      sourceStatistic
      sourceDate
      sourceLink
    }
    fields {
      id
      title
      description
      text
      textVersion
      inMonitoringScope
      goals {
        id
        title
        description
        status
        indicators {
          id
          code
          name
          unit
          sourceDescription
          ownerName
          targetValue
          targetDirection
          status
          latestValue
          trendPerYear
          series {
            period
            value
            definitionId
            breakBefore
            deliveryId
            deliveredBy
            deliveredAt
            acceptedBy
            acceptedAt
            breakdown {
              dimension
              category
              value
              code
            }
            suppressed {
              dimension
              category
              code
            }
            inputs {
              numerator
              numeratorDeliveryId
              denominator
              denominatorDeliveryId
            }
          }
          formula {
            factor
            numerator {
              id
              code
              name
            }
            denominator {
              id
              code
              name
            }
          }
          ratioGaps {
            period
            gap
          }
          references {
            label
            kind
            values {
              period
              value
            }
          }
          suppressBelow
          suppressedPeriods
          suppressionNote
          terms {
            id
            label
            agreed
          }
        }
      }
    }
  }
`);

export const MonitoringReportQuery = graphql(`
  query MonitoringReport($leitbildId: UUID!, $fromPeriod: String, $toPeriod: String) {
    monitoringReport(leitbildId: $leitbildId, fromPeriod: $fromPeriod, toPeriod: $toPeriod) {
      ...ReportDocumentParts
    }
  }
`);

export const SetReportTextMutation = graphql(`
  mutation SetReportText($fieldOfActionId: UUID!, $text: String!, $expectedVersion: Int!) {
    setReportText(fieldOfActionId: $fieldOfActionId, text: $text, expectedVersion: $expectedVersion) {
      fieldOfActionId
      text
      version
      updatedAt
    }
  }
`);

export const FreezeReportMutation = graphql(`
  mutation FreezeReport($leitbildId: UUID!, $title: String!, $fromPeriod: String, $toPeriod: String) {
    freezeReport(leitbildId: $leitbildId, title: $title, fromPeriod: $fromPeriod, toPeriod: $toPeriod) {
      id
      number
      frozenAt
    }
  }
`);

export const FrozenReportsQuery = graphql(`
  query FrozenReports($leitbildId: UUID) {
    frozenReports(leitbildId: $leitbildId) {
      id
      number
      title
      leitbildId
      fromPeriod
      toPeriod
      frozenAt
      frozenBy {
        id
        name
      }
      published
    }
  }
`);

export const FrozenReportQuery = graphql(`
  query FrozenReport($id: UUID!) {
    frozenReport(id: $id) {
      id
      number
      title
      leitbildId
      fromPeriod
      toPeriod
      frozenAt
      frozenBy {
        id
        name
      }
      published
      report {
        ...ReportDocumentParts
      }
    }
  }
`);

export const ReportChangesQuery = graphql(`
  query ReportChanges($leitbildId: UUID!) {
    reportChanges(leitbildId: $leitbildId) {
      since {
        id
        number
        title
        frozenAt
      }
      items {
        kind
        message
        indicatorId
        termId
        definitionId
        deliveryId
        goalId
        previousStatus
        status
      }
    }
  }
`);

export const PublicationStateQuery = graphql(`
  query PublicationState {
    leitbilder {
      id
      title
      year
      status
    }
    glossary {
      id
    }
    publicOverview {
      editions {
        id
      }
      glossaryPublished
    }
    frozenReports {
      id
      number
      title
      frozenAt
      published
    }
  }
`);

export const SetPublishedMutation = graphql(`
  mutation SetPublished($kind: PublicationKind!, $targetId: UUID!, $published: Boolean!) {
    setPublished(kind: $kind, targetId: $targetId, published: $published)
  }
`);

export const ReportScopeQuery = graphql(`
  query ReportScope($id: UUID!) {
    leitbild(id: $id) {
      id
      monitoringScope
      fieldsOfAction {
        id
        title
      }
    }
  }
`);

export const SetMonitoringScopeMutation = graphql(`
  mutation SetMonitoringScope($leitbildId: UUID!, $fieldOfActionIds: [UUID!]!) {
    setMonitoringScope(leitbildId: $leitbildId, fieldOfActionIds: $fieldOfActionIds)
  }
`);
