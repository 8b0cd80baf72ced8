// The list of data deliveries, filtered on the server by status and department.
import { graphql } from '../../gql';

export const DeliveriesQuery = graphql(`
  query DeliveryList($status: DeliveryStatus, $ownerId: UUID, $first: Int!) {
    deliveries(status: $status, ownerId: $ownerId, first: $first) {
      id
      period
      status
      overdue
      dueAt
      expectedAt
      indicator {
        id
        code
        name
      }
      owner {
        id
        name
      }
    }
    organizations {
      id
      name
    }
  }
`);
