import { graphql } from '../../gql';

// There is no tasks query in the schema: the participation tasks are composed from the
// editions with their processes (one request) and the person's COMMENT_REPLY notifications.
export const ParticipationTasksQuery = graphql(`
  query ParticipationTasks {
    me {
      id
      organizations {
        id
      }
    }
    leitbilder {
      id
      title
      year
      status
      process {
        id
        title
        status
        currentPhase {
          kind
          endsAt
        }
        participants {
          id
        }
        proposals {
          id
          title
          status
          myVote {
            choice
          }
        }
      }
    }
    notifications(first: 50) {
      nodes {
        id
        kind
        subject
        link
        createdAt
        recipient {
          id
        }
      }
    }
  }
`);
