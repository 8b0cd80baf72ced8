import { graphql } from '../../gql';

export const IndicatorsQuery = graphql(`
  query IndicatorList($ownerId: UUID, $goalId: UUID) {
    indicators(ownerId: $ownerId, goalId: $goalId) {
      id
      code
      name
      unit
      periodicity
      nextReviewAt
      goalIds
      usesUnagreedTerms
      owner {
        id
        name
      }
      responsible {
        id
        name
      }
      deliveries {
        id
        status
        overdue
        period
      }
    }
  }
`);

export const IndicatorFormDataQuery = graphql(`
  query IndicatorFormData {
    organizations {
      id
      name
      sector
    }
    users {
      id
      name
    }
    terms(first: 500) {
      id
      label
      status
    }
  }
`);

export const OrgsQuery = graphql(`
  query IndicatorOrgs {
    organizations {
      id
      name
    }
  }
`);


export const IndicatorQuery = graphql(`
  query IndicatorDetail($id: UUID!) {
    me {
      id
      organizations {
        id
      }
    }
    indicator(id: $id) {
      id
      code
      name
      unit
      sourceKind
      sourceDescription
      periodicity
      targetValue
      targetDirection
      reviewIntervalMonths
      nextReviewAt
      version
      termIds
      usesUnagreedTerms
      terms {
        id
        label
        status
        definitions {
          id
          text
          status
        }
      }
      goalIds
      owner {
        id
        name
      }
      responsible {
        id
        name
      }
      deputy {
        id
        name
      }
      ownershipHistory {
        fromAt
        untilAt
        owner {
          id
          name
        }
        responsible {
          id
          name
        }
        deputy {
          id
          name
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
      references {
        id
        label
        kind
        source
        version
        values {
          period
          value
        }
      }
      computedValues {
        period
        value
        gap
        numerator {
          value
          deliveryId
        }
        denominator {
          value
          deliveryId
        }
      }
      genesisMapping {
        tableCode
        valueVariable
        filters {
          variable
          attribute
        }
        source
        licence
        version
      }
      deliveries {
        id
        period
        dueAt
        expectedAt
        status
        value
        note
        source {
          tableCode
          source
          licence
          retrievedOn
        }
        definitionId
        noDataReason
        returnReason
        deliveredAt
        onTime
        acceptedAt
        version
        overdue
        breakdown {
          dimension
          category
          value
          code
        }
        deliveredBy {
          id
          name
        }
        acceptedBy {
          id
          name
        }
      }
      timeSeries {
        unit
        targetValue
        targetDirection
        points {
          period
          value
          definitionId
          breakBefore
        }
      }
    }
  }
`);

export const CreateIndicatorMutation = graphql(`
  mutation CreateIndicator($input: CreateIndicatorInput!) {
    createIndicator(input: $input) {
      id
      code
      name
    }
  }
`);

export const AssignOwnerMutation = graphql(`
  mutation AssignIndicatorOwner($indicatorId: UUID!, $ownerId: UUID!, $responsibleUserId: UUID, $deputyUserId: UUID) {
    assignIndicatorOwner(
      indicatorId: $indicatorId
      ownerId: $ownerId
      responsibleUserId: $responsibleUserId
      deputyUserId: $deputyUserId
    ) {
      id
    }
  }
`);

export const RequestDeliveryMutation = graphql(`
  mutation RequestDelivery($indicatorId: UUID!, $period: String!, $dueAt: DateTime!) {
    requestDelivery(indicatorId: $indicatorId, period: $period, dueAt: $dueAt) {
      id
    }
  }
`);

export const ConfirmDeliveryMutation = graphql(`
  mutation ConfirmDelivery(
    $deliveryId: UUID!
    $value: Float
    $note: String
    $breakdown: [BreakdownInput!]
    $definitionId: UUID
    $noNewData: NoNewDataInput
    $expectedVersion: Int
  ) {
    confirmDelivery(
      deliveryId: $deliveryId
      value: $value
      note: $note
      breakdown: $breakdown
      definitionId: $definitionId
      noNewData: $noNewData
      expectedVersion: $expectedVersion
    ) {
      id
      status
    }
  }
`);

export const AcceptDeliveryMutation = graphql(`
  mutation AcceptDelivery($deliveryId: UUID!) {
    acceptDelivery(deliveryId: $deliveryId) {
      id
      status
    }
  }
`);

export const ReturnDeliveryMutation = graphql(`
  mutation ReturnDelivery($deliveryId: UUID!, $reason: String!) {
    returnDelivery(deliveryId: $deliveryId, reason: $reason) {
      id
      status
    }
  }
`);

export const OnTimeRatesQuery = graphql(`
  query OnTimeRates {
    onTimeRates {
      confirmed
      onTime
      rate
      organization {
        id
        name
      }
    }
  }
`);

export const DeliveryQuery = graphql(`
  query DeliveryDetail($id: UUID!) {
    me {
      id
      organizations {
        id
      }
    }
    delivery(id: $id) {
      id
      period
      dueAt
      expectedAt
      status
      version
      overdue
      value
      returnReason
      note
      noDataReason
      deliveredAt
      onTime
      acceptedAt
      breakdown {
        dimension
        category
        value
      }
      deliveredBy {
        name
      }
      acceptedBy {
        name
      }
      owner {
        id
        name
      }
      indicator {
        id
        code
        name
        unit
        termIds
        timeSeries {
          points {
            period
            value
            breakBefore
          }
        }
        terms {
          id
          label
          status
          definitions {
            id
            text
            status
          }
        }
      }
    }
  }
`);

/** What the signed-link page shows; the query and the confirmation answer it alike. */
export const DeliveryLinkFragment = graphql(`
  fragment DeliveryLinkParts on DeliveryLink {
    deliveryId
    indicatorCode
    indicatorName
    unit
    period
    dueAt
    status
    version
    loginRequired
    ownerName
    sentBy
    definitions {
      id
      termLabel
      text
      agreed
    }
  }
`);

export const DeliveryLinkQuery = graphql(`
  query DeliveryLink($deliveryId: UUID!, $token: String!) {
    deliveryLink(deliveryId: $deliveryId, token: $token) {
      ...DeliveryLinkParts
    }
  }
`);

export const ConfirmDeliveryByLinkMutation = graphql(`
  mutation ConfirmDeliveryByLink(
    $deliveryId: UUID!
    $token: String!
    $value: Float
    $note: String
    $breakdown: [BreakdownInput!]
    $definitionId: UUID
    $noNewData: NoNewDataInput
    $expectedVersion: Int
  ) {
    confirmDeliveryByLink(
      deliveryId: $deliveryId
      token: $token
      value: $value
      note: $note
      breakdown: $breakdown
      definitionId: $definitionId
      noNewData: $noNewData
      expectedVersion: $expectedVersion
    ) {
      ...DeliveryLinkParts
    }
  }
`);

export const IndicatorGoalsQuery = graphql(`
  query IndicatorGoals {
    organizations {
      id
      name
    }
    leitbilder {
      id
      title
      year
      status
      fieldsOfAction {
        id
        title
        goals {
          id
          title
          children {
            id
            title
          }
        }
      }
    }
  }
`);

export const ConfirmReviewMutation = graphql(`
  mutation ConfirmIndicatorReview($indicatorId: UUID!, $note: String) {
    confirmIndicatorReview(indicatorId: $indicatorId, note: $note) {
      id
      nextReviewAt
    }
  }
`);

export const SetGenesisMappingMutation = graphql(`
  mutation SetGenesisMapping($indicatorId: UUID!, $input: GenesisMappingInput!, $expectedVersion: Int) {
    setGenesisMapping(indicatorId: $indicatorId, input: $input, expectedVersion: $expectedVersion) {
      tableCode
      version
    }
  }
`);
