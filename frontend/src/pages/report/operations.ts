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

export const MonitoringReportQuery = graphql(`
  query MonitoringReport($leitbildId: UUID!, $fromPeriod: String, $toPeriod: String) {
    monitoringReport(leitbildId: $leitbildId, fromPeriod: $fromPeriod, toPeriod: $toPeriod) {
      leitbildId
      leitbildTitle
      leitbildYear
      generatedAt
      fromPeriod
      toPeriod
      gaps {
        kind
        message
        goalId
        indicatorId
      }
      definitions {
        id
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
            }
            terms {
              id
              label
              agreed
            }
          }
        }
      }
    }
  }
`);
