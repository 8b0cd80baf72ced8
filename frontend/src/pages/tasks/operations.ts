import { graphql } from '../../gql';

export const MyTasksQuery = graphql(`
  query MyTasks($first: Int, $after: String) {
    myTasks(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          kind
          subjectId
          title
          context
          phase
          dueAt
          overdue
          count
          path
        }
      }
    }
  }
`);

export const RemindAgainMutation = graphql(`
  mutation RemindDeliveryAgain($deliveryId: UUID!) {
    remindDeliveryAgain(deliveryId: $deliveryId)
  }
`);
