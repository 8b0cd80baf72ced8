import { graphql } from '../../gql';

export const SettingsQuery = graphql(`
  query SettingsView {
    me {
      id
      name
      email
      role
      secondFactor
      secondFactorRequired
      organizations {
        id
        name
      }
    }
    myNotificationSettings {
      digest
      calendarUrl
    }
  }
`);

export const SetDigestMutation = graphql(`
  mutation SettingsSetDigest($digest: Boolean!) {
    setNotificationDigest(digest: $digest) {
      digest
    }
  }
`);

export const RotateFeedMutation = graphql(`
  mutation SettingsRotateFeed {
    rotateCalendarToken {
      calendarUrl
    }
  }
`);
