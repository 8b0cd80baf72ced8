import { graphql } from '../../gql';

export const ProcessesQuery = graphql(`
  query ProcessList {
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
        phases {
          kind
          startsAt
          endsAt
        }
      }
    }
    organizations {
      id
      name
      sector
    }
  }
`);

export const StartProcessMutation = graphql(`
  mutation StartProcessView($input: StartProcessInput!) {
    startProcess(input: $input) {
      id
    }
  }
`);

export const AdvanceMutation = graphql(`
  mutation AdvanceView($processId: UUID!, $acceptOpenContributions: Boolean) {
    advanceProcess(processId: $processId, acceptOpenContributions: $acceptOpenContributions) {
      id
      status
    }
  }
`);

export const ProcessQuery = graphql(`
  query ProcessView($id: UUID!, $status: ProposalStatus, $fieldOfActionId: UUID, $organizationId: UUID) {
    me {
      id
      organizations {
        id
      }
    }
    process(id: $id) {
      id
      title
      status
      resolutionReference
      votingRule {
        eligibility
        quorum
        threshold
        sectorMajority
      }
      leitbild {
        id
        title
        year
        fieldsOfAction {
          id
          title
          description
          goals {
            id
            title
            description
            children {
              id
              title
              description
            }
          }
        }
      }
      currentPhase {
        kind
        startsAt
        endsAt
      }
      phases {
        kind
        startsAt
        endsAt
      }
      participants {
        id
        name
        sector
      }
      proposals(status: $status, fieldOfActionId: $fieldOfActionId, organizationId: $organizationId) {
        id
        kind
        status
        title
        text
        rationale
        version
        createdAt
        currentTitle
        currentText
        commentCount
        author {
          id
          name
        }
        authorOrganization {
          name
        }
        goal {
          id
          title
        }
        fieldOfAction {
          id
          title
        }
        myVote {
          choice
        }
        tally {
          ...TallyParts
        }
        comments(first: 50) {
          ...CommentParts
          replies {
            ...CommentParts
          }
        }
      }
    }
  }
`);

export const TallyFragment = graphql(`
  fragment TallyParts on Tally {
    proposalId
    yes
    no
    abstain
    eligible
    quorumVotes
    quorumReached
    accepted
    bySector {
      sector
      yes
      no
      abstain
      majority
    }
    byOrganization {
      sector
      yes
      no
      abstain
      organization {
        id
        name
      }
    }
  }
`);

export const CommentFragment = graphql(`
  fragment CommentParts on Comment {
    id
    body
    bodyHtml
    stance
    anchor
    hidden
    hiddenReason
    version
    createdAt
    updatedAt
    author {
      id
      name
    }
    versions {
      version
      body
      createdAt
    }
  }
`);

export const DispositionsQuery = graphql(`
  query DispositionsView($processId: UUID!) {
    dispositions(processId: $processId) {
      subjectKind
      subjectId
      submittedAt
      text
      authorName
      organizationName
      proposalStatus
      hidden
      disposition {
        decision
        reason
        link
        updatedAt
        decidedBy {
          id
          name
        }
      }
    }
  }
`);

export const SubmitProposalMutation = graphql(`
  mutation SubmitProposalView($input: SubmitProposalInput!) {
    submitProposal(input: $input) {
      id
    }
  }
`);

export const UpdateProposalMutation = graphql(`
  mutation UpdateProposalView($input: UpdateProposalInput!) {
    updateProposal(input: $input) {
      id
      version
    }
  }
`);

export const WithdrawProposalMutation = graphql(`
  mutation WithdrawProposalView($proposalId: UUID!) {
    withdrawProposal(proposalId: $proposalId) {
      id
      status
    }
  }
`);

export const CastVoteMutation = graphql(`
  mutation CastVoteView($proposalId: UUID!, $choice: VoteChoice!) {
    castVote(proposalId: $proposalId, choice: $choice) {
      choice
    }
  }
`);

export const AddCommentMutation = graphql(`
  mutation AddCommentView($input: AddCommentInput!) {
    addComment(input: $input) {
      id
    }
  }
`);

export const HideCommentMutation = graphql(`
  mutation HideCommentView($commentId: UUID!, $reason: String!) {
    hideComment(commentId: $commentId, reason: $reason) {
      id
      hidden
    }
  }
`);

export const TallySubscription = graphql(`
  subscription TallyLive($proposalId: UUID!) {
    tallyChanged(proposalId: $proposalId) {
      ...TallyParts
    }
  }
`);

export const CommentAddedSubscription = graphql(`
  subscription CommentAddedLive($targetId: UUID!) {
    commentAdded(targetId: $targetId) {
      id
    }
  }
`);

export const TargetCommentsQuery = graphql(`
  query TargetComments($targetId: UUID!) {
    comments(targetId: $targetId, first: 50) {
      edges {
        node {
          ...CommentParts
          replies {
            ...CommentParts
          }
        }
      }
    }
  }
`);

export const EditCommentMutation = graphql(`
  mutation EditCommentView($commentId: UUID!, $body: String!, $expectedVersion: Int!) {
    editComment(commentId: $commentId, body: $body, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const SetDispositionMutation = graphql(`
  mutation SetDispositionView($input: SetDispositionInput!) {
    setDisposition(input: $input) {
      id
      decision
      reason
      link
    }
  }
`);

export const GoalVersionsQuery = graphql(`
  query GoalVersionsView($id: UUID!) {
    goal(id: $id) {
      id
      versions {
        version
        title
        description
        proposalId
      }
    }
  }
`);
