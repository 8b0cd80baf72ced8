import { graphql } from '../../gql';

export const OrganizationsQuery = graphql(`
  query Organizations {
    organizations {
      id
      name
      sector
      parent {
        id
        name
      }
      members {
        id
        name
      }
    }
  }
`);

export const CreateOrganizationMutation = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      id
      name
    }
  }
`);

export const UsersQuery = graphql(`
  query Users {
    users {
      id
      email
      name
      role
      active
      erased
      organizations {
        id
        name
      }
    }
  }
`);

export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      name
    }
  }
`);

export const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: UUID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      name
    }
  }
`);

export const DeactivateUserMutation = graphql(`
  mutation DeactivateUser($id: UUID!) {
    deactivateUser(id: $id) {
      id
      active
    }
  }
`);

export const ReactivateUserMutation = graphql(`
  mutation ReactivateUser($id: UUID!) {
    reactivateUser(id: $id) {
      id
      active
    }
  }
`);

export const EraseUserMutation = graphql(`
  mutation EraseUser($id: UUID!) {
    eraseUser(id: $id) {
      id
      erased
    }
  }
`);

export const AuditLogQuery = graphql(`
  query AuditLog($entityId: UUID, $first: Int, $after: String) {
    auditLog(entityId: $entityId, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          action
          entityType
          entityId
          summary
          createdAt
          actor {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
