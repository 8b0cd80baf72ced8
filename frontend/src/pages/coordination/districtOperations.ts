import { graphql } from '../../gql';

export const DistrictsQuery = graphql(`
  query Districts {
    districts {
      id
      code
      name
      parentId
      version
    }
    districtMap {
      codeProperty
      features
      version
      districtsWithoutShape
      shapesWithoutDistrict
    }
  }
`);

export const CreateDistrictMutation = graphql(`
  mutation CreateDistrict($input: CreateDistrictInput!) {
    createDistrict(input: $input) {
      id
      code
      name
    }
  }
`);

export const UpdateDistrictMutation = graphql(`
  mutation UpdateDistrict($input: UpdateDistrictInput!) {
    updateDistrict(input: $input) {
      id
      name
      version
    }
  }
`);

export const RemoveDistrictMutation = graphql(`
  mutation RemoveDistrict($id: UUID!, $expectedVersion: Int!) {
    removeDistrict(id: $id, expectedVersion: $expectedVersion)
  }
`);

export const IndicatorSuppressionQuery = graphql(`
  query IndicatorSuppression($indicatorId: UUID!) {
    indicatorSuppression(indicatorId: $indicatorId) {
      suppressBelow
      version
    }
  }
`);

export const SetIndicatorSuppressionMutation = graphql(`
  mutation SetIndicatorSuppression($indicatorId: UUID!, $suppressBelow: Float, $expectedVersion: Int) {
    setIndicatorSuppression(indicatorId: $indicatorId, suppressBelow: $suppressBelow, expectedVersion: $expectedVersion) {
      suppressBelow
      version
    }
  }
`);
