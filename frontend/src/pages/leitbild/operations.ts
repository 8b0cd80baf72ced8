import { graphql } from '../../gql';

export const LeitbilderQuery = graphql(`
  query Leitbilder {
    leitbilder {
      id
      title
      year
      status
      adoptedAt
      basedOn {
        id
        year
      }
      process {
        id
        title
        status
      }
    }
  }
`);

export const EditionQuery = graphql(`
  query EditionView($id: UUID!) {
    leitbild(id: $id) {
      id
      title
      year
      status
      adoptedAt
      resolutionReference
      basedOn {
        id
        title
        year
      }
      process {
        id
        title
        status
      }
      fieldsOfAction {
        id
        position
        title
        description
        goals {
          id
          title
          description
          version
          children {
            id
            title
            description
            version
          }
        }
      }
    }
  }
`);

export const CreateLeitbildMutation = graphql(`
  mutation CreateEdition($input: CreateLeitbildInput!) {
    createLeitbild(input: $input) {
      id
    }
  }
`);

export const AddFieldMutation = graphql(`
  mutation AddField($input: AddFieldOfActionInput!) {
    addFieldOfAction(input: $input) {
      id
    }
  }
`);

export const AddGoalMutation = graphql(`
  mutation AddGoalView($input: AddGoalInput!) {
    addGoal(input: $input) {
      id
    }
  }
`);

export const GoalQuery = graphql(`
  query GoalView($id: UUID!) {
    goal(id: $id) {
      id
      title
      description
      version
      parentGoalId
      versions {
        version
        title
        description
        createdAt
        proposalId
        author {
          name
        }
      }
    }
  }
`);

export const GoalDiffQuery = graphql(`
  query GoalDiffView($goalId: UUID!, $from: Int!, $to: Int!) {
    goalDiff(goalId: $goalId, fromVersion: $from, toVersion: $to) {
      kind
      text
    }
  }
`);

export const UpdateGoalMutation = graphql(`
  mutation UpdateGoalView($input: UpdateGoalInput!) {
    updateGoal(input: $input) {
      id
      version
    }
  }
`);

export const EditionHeadQuery = graphql(`
  query EditionHead($id: UUID!) {
    leitbild(id: $id) {
      id
      title
      year
      status
      process {
        id
        status
        currentPhase {
          kind
        }
      }
    }
  }
`);

export const AdoptLeitbildMutation = graphql(`
  mutation AdoptEdition($leitbildId: UUID!, $resolutionReference: String) {
    adoptLeitbild(leitbildId: $leitbildId, resolutionReference: $resolutionReference) {
      id
      status
      adoptedAt
    }
  }
`);

export const ReorderFieldsMutation = graphql(`
  mutation ReorderFields($leitbildId: UUID!, $fieldOfActionIds: [UUID!]!) {
    reorderFieldsOfAction(leitbildId: $leitbildId, fieldOfActionIds: $fieldOfActionIds) {
      id
      position
    }
  }
`);
