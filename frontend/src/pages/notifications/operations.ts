import { graphql } from '../../gql';

export const UnreadCountQuery = graphql(`
  query UnreadCount {
    myUnreadCount
  }
`);

export const InboxQuery = graphql(`
  query MyInbox($first: Int, $after: String, $unreadOnly: Boolean) {
    myUnreadCount
    myInbox(first: $first, after: $after, unreadOnly: $unreadOnly) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          subject
          path
          at
          readAt
        }
      }
    }
    myNotificationSettings {
      digest
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkNotificationRead($id: UUID!) {
    markNotificationRead(id: $id) {
      id
      readAt
    }
  }
`);

export const MarkAllReadMutation = graphql(`
  mutation MarkAllNotificationsRead {
    markAllNotificationsRead
  }
`);
