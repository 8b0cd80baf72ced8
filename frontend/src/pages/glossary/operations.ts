import { graphql } from '../../gql';

export const TermsQuery = graphql(`
  query GlossaryTerms($search: String, $status: TermStatus) {
    terms(search: $search, status: $status, first: 200) {
      id
      label
      status
      synonyms
      agreedDefinition {
        id
        text
      }
      definitions {
        id
      }
    }
  }
`);

export const GlossaryMeQuery = graphql(`
  query GlossaryMe {
    me {
      id
      organizations {
        id
        sector
      }
    }
    glossary {
      id
      agreementRule {
        requiredSectors
        minApprovalsPerSector
      }
    }
  }
`);

export const TermQuery = graphql(`
  query GlossaryTerm($id: UUID!) {
    term(id: $id) {
      id
      label
      status
      synonyms
      createdAt
      proposedBy {
        id
        name
      }
      broader {
        id
        label
      }
      narrower {
        id
        label
      }
      related {
        id
        label
      }
      replacedBy {
        id
        label
      }
      definitions {
        id
        text
        version
        status
        scopeNote
        validFrom
        validTo
        updatedAt
        source {
          publisher
          statistic
          date
          link
        }
        author {
          id
          name
        }
        agreement {
          agreed
          openObjections
          missingSectors
        }
        reviews {
          decision
          reason
          version
          current
          updatedAt
          reviewer {
            id
            name
            organizations {
              id
              name
              sector
            }
          }
        }
        mappings {
          id
          kind
          note
          targetUri
          target {
            id
            text
            term {
              id
              label
            }
          }
        }
        versions {
          version
          text
          edits
          updatedAt
          author {
            id
            name
          }
        }
      }
    }
  }
`);

export const DefinitionDiffQuery = graphql(`
  query DefinitionDiff($id: UUID!, $from: Int!, $to: Int) {
    definition(id: $id) {
      id
      diff(from: $from, to: $to) {
        kind
        text
      }
    }
  }
`);

export const ProposeTermMutation = graphql(`
  mutation GlossaryProposeTerm($input: ProposeTermInput!) {
    proposeTerm(input: $input) {
      id
      label
    }
  }
`);

export const ProposeDefinitionMutation = graphql(`
  mutation GlossaryProposeDefinition($input: ProposeDefinitionInput!) {
    proposeDefinition(input: $input) {
      id
    }
  }
`);

export const UpdateDefinitionMutation = graphql(`
  mutation GlossaryUpdateDefinition($definitionId: UUID!, $text: String!, $expectedVersion: Int!) {
    updateDefinition(definitionId: $definitionId, text: $text, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const ReviewDefinitionMutation = graphql(`
  mutation GlossaryReview($definitionId: UUID!, $decision: ReviewDecision!, $reason: String) {
    reviewDefinition(definitionId: $definitionId, decision: $decision, reason: $reason) {
      id
      status
    }
  }
`);

export const WithdrawReviewMutation = graphql(`
  mutation GlossaryWithdrawReview($definitionId: UUID!) {
    withdrawReview(definitionId: $definitionId) {
      id
    }
  }
`);

export const ImportGlossaryMutation = graphql(`
  mutation GlossaryImport($format: ImportFormat!, $content: String!, $dryRun: Boolean!, $keepStates: Boolean!) {
    importGlossary(format: $format, content: $content, dryRun: $dryRun, keepStates: $keepStates) {
      dryRun
      created
      updated
      unchanged
      statesKept
      notKept
      terms {
        label
        change
        details
        notes
        notKept
      }
    }
  }
`);

export const MappingTargetsQuery = graphql(`
  query GlossaryMappingTargets {
    terms(first: 500) {
      id
      label
      definitions {
        id
        text
      }
    }
  }
`);

export const MapDefinitionMutation = graphql(`
  mutation GlossaryMapDefinition($input: MapDefinitionInput!) {
    mapDefinition(input: $input) {
      id
    }
  }
`);

export const RemoveMappingMutation = graphql(`
  mutation GlossaryRemoveMapping($mappingId: UUID!) {
    removeMapping(mappingId: $mappingId)
  }
`);

export const RelateTermsMutation = graphql(`
  mutation GlossaryRelate($termId: UUID!, $otherId: UUID!, $kind: RelationKind!) {
    relateTerms(termId: $termId, otherId: $otherId, kind: $kind) {
      id
    }
  }
`);

export const UnrelateTermsMutation = graphql(`
  mutation GlossaryUnrelate($termId: UUID!, $otherId: UUID!, $kind: RelationKind!) {
    unrelateTerms(termId: $termId, otherId: $otherId, kind: $kind) {
      id
    }
  }
`);

export const DeprecateTermMutation = graphql(`
  mutation GlossaryDeprecate($termId: UUID!, $replacedById: UUID) {
    deprecateTerm(termId: $termId, replacedById: $replacedById) {
      id
      status
    }
  }
`);

export const SetAgreementRuleMutation = graphql(`
  mutation GlossarySetAgreementRule($requiredSectors: [Sector!]!, $minApprovalsPerSector: Int!) {
    setAgreementRule(requiredSectors: $requiredSectors, minApprovalsPerSector: $minApprovalsPerSector) {
      id
      agreementRule {
        requiredSectors
        minApprovalsPerSector
      }
    }
  }
`);

export const TermChoicesQuery = graphql(`
  query GlossaryTermChoices {
    terms(first: 500) {
      id
      label
      status
    }
  }
`);
