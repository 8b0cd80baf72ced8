import { graphql } from '../../gql';

export const PublicOverviewQuery = graphql(`
  query PublicOverview {
    publicOverview {
      editions {
        id
        title
        year
      }
      glossaryPublished
      reports {
        id
        number
        title
        fromPeriod
        toPeriod
        frozenAt
      }
    }
  }
`);

export const PublicEditionQuery = graphql(`
  query PublicEdition($id: UUID!) {
    publicEdition(id: $id) {
      report {
        ...ReportDocumentParts
      }
      indicatorStatus {
        indicatorId
        lastPeriod
        lastAcceptedAt
        nextExpectedAt
      }
    }
  }
`);

export const PublicReportQuery = graphql(`
  query PublicReport($id: UUID!) {
    publicReport(id: $id) {
      id
      number
      title
      fromPeriod
      toPeriod
      frozenAt
      report {
        ...ReportDocumentParts
      }
    }
  }
`);

export const PublicGlossaryQuery = graphql(`
  query PublicGlossary {
    publicGlossary {
      id
      label
      synonyms
      definition
      sourcePublisher
      sourceStatistic
      sourceLink
      related
    }
  }
`);
