// GraphQL documents of computed indicators: the indicators a formula may use, setting and
// removing the formula.
import { graphql } from '../../gql';

export const FormulaChoicesQuery = graphql(`
  query FormulaChoices {
    indicators {
      id
      code
      name
      periodicity
    }
  }
`);

export const SetIndicatorFormulaMutation = graphql(`
  mutation SetIndicatorFormula($indicatorId: UUID!, $input: IndicatorFormulaInput!, $expectedVersion: Int) {
    setIndicatorFormula(indicatorId: $indicatorId, input: $input, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);

export const RemoveIndicatorFormulaMutation = graphql(`
  mutation RemoveIndicatorFormula($indicatorId: UUID!, $expectedVersion: Int) {
    removeIndicatorFormula(indicatorId: $indicatorId, expectedVersion: $expectedVersion) {
      id
      version
    }
  }
`);
